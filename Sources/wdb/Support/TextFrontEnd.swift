import WasmCore
import WasmText

/// The seam between the commands and the WAT assembler of WasmText.
enum TextFrontEnd {
    /// Assembles WAT source into a binary module, validating it when asked. Errors come back
    /// in the front end's own format (`file:line:col: error: …`, source line, caret), with
    /// validation errors pointing at the offending instruction.
    static func assemble(_ text: String, file: String, debugNames: Bool,
                         validate: Bool) throws(CommandError) -> [UInt8] {
        do {
            // Only the bytes are wanted here, so the offsets pass is skipped.
            let options = WatAssembler.Options(validate: validate, debugNames: debugNames, recordOffsets: false)
            return try WatAssembler.assemble(text, file: file, options: options).bytes
        } catch {
            throw CommandError(error.description)
        }
    }

    /// The same from the file's bytes (already checked to be UTF-8), without a `String` copy.
    static func assemble(bytes: [UInt8], file: String, debugNames: Bool,
                         validate: Bool) throws(CommandError) -> [UInt8] {
        do {
            let options = WatAssembler.Options(validate: validate, debugNames: debugNames, recordOffsets: false)
            return try WatAssembler.assemble(bytes: bytes, file: file, options: options).bytes
        } catch {
            throw CommandError(error.description)
        }
    }
}
