import WasmCore
import WasmText

/// The seam between the commands and the WAT assembler of WasmText.
enum TextFrontEnd {
    /// Assembles WAT source into a binary module. Errors come back in the front end's own
    /// format (`file:line:col: error: …`, source line, caret).
    static func assemble(_ text: String, file: String, debugNames: Bool) throws(CommandError) -> [UInt8] {
        // The WAT assembler has not landed yet; until it does, text input is refused clearly.
        throw CommandError(file: file, "WAT input is not supported by this build (no text assembler)")
    }

    /// For a module assembled from text: the validation error pointed at the WAT line and
    /// column of the failing instruction, in the front end's format; nil when unknown.
    static func locate(_ error: ValidationError, in loaded: LoadedModule, source: String) -> String? {
        nil
    }
}
