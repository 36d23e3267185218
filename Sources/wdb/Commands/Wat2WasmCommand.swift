import ArgumentParser
import WasmText

/// `wdb wat2wasm FILE.wat [-o OUT] [--debug-names [--wasm-tools-names]]`: assemble and validate a WAT module.
struct Wat2WasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wat2wasm",
        abstract: "Assemble a WAT module into a binary.")

    @Argument(help: "The WAT source.")
    var file: String

    @Option(name: .short, help: "Output file (default: FILE with the extension .wasm; '-' for stdout).")
    var output: String?

    @Flag(name: .customLong("debug-names"), help: "Write a name section with the WAT identifiers.")
    var debugNames = false

    @Flag(name: .customLong("wasm-tools-names"),
          help: "Choose the encodings as wasm-tools parse does (the text's forms of element segments, block types and else; its type and data count sections) and, with --debug-names, its name section layout (label, field, tag and type parameter names too).")
    var wasmToolsNames = false

    func run() throws {
        try reportingErrors {
            // The assembler itself, not a load: the output keeps exactly the names asked for.
            let source = try ModuleLoader.readFile(file)
            try ModuleLoader.checkUTF8(source, path: file)
            let options = WatAssembler.Options(validate: true, debugNames: debugNames, recordOffsets: false,
                                               style: wasmToolsNames ? .wasmTools : .wabt)
            let binary: [UInt8]
            do {
                binary = try WatAssembler.assemble(bytes: source, file: file, options: options).bytes
            } catch {
                throw CommandError("\(error)")
            }
            try Output.write(binary, to: output ?? Self.defaultOutput(for: file))
        }
    }

    /// `dir/name.wat` → `dir/name.wasm`; any other name gets `.wasm` appended.
    static func defaultOutput(for path: String) -> String {
        for suffix in [".wat", ".wast"] where path.lowercased().hasSuffix(suffix) {
            return String(path.dropLast(suffix.count)) + ".wasm"
        }
        return path + ".wasm"
    }
}
