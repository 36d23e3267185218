import ArgumentParser
import WasmText

/// `wdb dump [-d] [-x] FILE`: the module's structure in wasm-objdump's layout
/// (Docs/dump-format.md). Without flags: section headers and details.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Show sections and details of a module, or disassemble its code.",
        discussion: "Without -d, -x or --headers, prints the section headers and the section details.")

    @Flag(name: [.customShort("d"), .long], help: "Disassemble function bodies (wasm-objdump -d layout).")
    var disassemble = false

    @Flag(name: [.customShort("x"), .long], help: "Show section details (wasm-objdump -x layout).")
    var details = false

    @Flag(name: .long, help: "Show section headers (wasm-objdump -h layout).")
    var headers = false

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    func run() throws {
        try reportingErrors {
            let loaded = try ModuleLoader.load(path: file, validate: false)
            let module = loaded.module
            let nothingChosen = !disassemble && !details && !headers
            let showHeaders = headers || nothingChosen
            let showDetails = details || nothingChosen
            var out = Objdump.prelude(module, fileName: file)
            if showHeaders { out += Objdump.sectionHeaders(module) }
            if showDetails { out += Objdump.details(module) }
            if disassemble {
                // The disassembly carries its own prelude; drop it so it is printed once.
                let full = Objdump.disassembly(module, bytes: loaded.bytes, fileName: file)
                out += String(full.dropFirst(Objdump.prelude(module, fileName: file).count))
            }
            Output.standardOutput(out)
        }
    }
}
