import Foundation
import WasmCore
import WasmText

/// A module read from a `.wasm` or `.wat` file, with the binary it was decoded from (for text
/// input: the assembled binary), so every command sees file offsets.
struct LoadedModule {
    var path: String
    var module: Module
    var bytes: [UInt8]
    /// The WAT source when the file was text.
    var source: String?
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

    /// Reads and decodes (assembling first when the file is WAT). Does not validate.
    static func load(_ path: String) throws(CommandError) -> LoadedModule {
        let bytes = try read(path)
        if isText(bytes, path: path) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CommandError(file: path, "WAT source is not valid UTF-8")
            }
            let binary = try TextFrontEnd.assemble(text, file: path, debugNames: true)
            let module = try decode(binary, path: path)
            return LoadedModule(path: path, module: module, bytes: binary, source: text)
        }
        return LoadedModule(path: path, module: try decode(bytes, path: path), bytes: bytes, source: nil)
    }

    static func decode(_ bytes: [UInt8], path: String) throws(CommandError) -> Module {
        do {
            return try BinaryDecoder.decode(bytes)
        } catch {
            throw CommandError(file: path, error.description)
        }
    }

    /// Validates, reporting an error in the position notation (`… at $f+0x7 (func 2, offset
    /// 0x3e)`), or at the WAT line when the module came from text.
    static func validate(_ loaded: LoadedModule) throws(CommandError) {
        do {
            try Validator.validate(loaded.module)
        } catch {
            if let source = loaded.source,
               let located = TextFrontEnd.locate(error, in: loaded, source: source) {
                throw CommandError(located)
            }
            throw CommandError(file: loaded.path, error.description)
        }
    }
}
