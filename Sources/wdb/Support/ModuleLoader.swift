import Foundation
import WasmCore
import WasmText

/// A module read from a `.wasm` or `.wat` file, with the binary it was decoded from (for text
/// input: the assembled binary), so every command sees file offsets.
struct LoadedModule {
    var path: String
    var module: Module
    var bytes: [UInt8]
    /// The WAT source when the file was text (with the fields typed at the prompt, if any).
    var source: String?
    /// The text and the fields typed at the prompt since it was loaded (nil: none yet).
    var edits: WatModuleText? = nil
}

enum ModuleLoader {
    /// The file's bytes, or a clear error for a missing, unreadable or special file.
    static func read(_ path: String) throws(CommandError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandError(file: path, "cannot read file: No such file or directory")
        }
        if isDirectory.boolValue {
            throw CommandError(file: path, "cannot read file: Is a directory")
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CommandError(file: path, "cannot read file: \(Output.reason(error))")
        }
    }

    /// Whether `bytes` should be read as WAT: anything that does not start with the Wasm magic
    /// and is not named `.wasm`.
    static func isText(_ bytes: [UInt8], path: String) -> Bool {
        if bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) { return false }
        return !path.lowercased().hasSuffix(".wasm")
    }

    /// Reads and decodes the file (assembling it first when it is WAT), and validates when
    /// asked. Text input keeps its names (the assembler's `--debug-names`), so dumps and
    /// printed WAT show the source's identifiers.
    static func load(_ path: String, validate: Bool) throws(CommandError) -> LoadedModule {
        let bytes = try read(path)
        if isText(bytes, path: path) {
            let text = try utf8Text(bytes, path: path)
            // The assembler validates itself, reporting errors at the WAT position.
            let binary = try TextFrontEnd.assemble(text, file: path, debugNames: true, validate: validate)
            let module = try decode(binary, path: path)
            return LoadedModule(path: path, module: module, bytes: binary, source: text)
        }
        let module = try decode(bytes, path: path)
        if validate {
            do {
                try Validator.validate(module)
            } catch {
                throw CommandError(file: path, error.description)
            }
        }
        return LoadedModule(path: path, module: module, bytes: bytes, source: nil)
    }

    static func utf8Text(_ bytes: [UInt8], path: String) throws(CommandError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw notUTF8(path) }
        return text
    }

    /// Checks that WAT source is UTF-8 without making a `String` of it (the assembler reads
    /// the bytes). ASCII, by far the common case, is recognised by one scan over the bytes.
    static func checkUTF8(_ bytes: [UInt8], path: String) throws(CommandError) {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        if high >= 0x80, String(validating: bytes, as: UTF8.self) == nil { throw notUTF8(path) }
    }

    private static func notUTF8(_ path: String) -> CommandError {
        let lower = path.lowercased()
        if lower.hasSuffix(".wat") || lower.hasSuffix(".wast") {
            return CommandError(file: path, "WAT source is not valid UTF-8")
        }
        return CommandError(file: path, "not a WebAssembly module: no \\0asm header, and not WAT text (not valid UTF-8)")
    }

    static func decode(_ bytes: [UInt8], path: String) throws(CommandError) -> Module {
        do {
            return try BinaryDecoder.decode(bytes)
        } catch {
            throw CommandError(file: path, error.description)
        }
    }
}
