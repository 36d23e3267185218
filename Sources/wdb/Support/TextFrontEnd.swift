import WasmCore
import WasmText

/// The seam between the commands and the WAT assembler of WasmText.
enum TextFrontEnd {
    /// Assembles WAT source into a binary module, validating it when asked. Errors come back
    /// in the front end's own format (`file:line:col: error: …`, source line, caret), with
    /// validation errors pointing at the offending instruction.
    static func assemble(_ text: String, file: String, debugNames: Bool,
                         validate: Bool) throws(CommandError) -> [UInt8] {
        // The WAT assembler has not landed yet; until it does, text input is refused clearly.
        throw CommandError(file: file, "WAT input is not supported by this build (no text assembler)")
    }
}
