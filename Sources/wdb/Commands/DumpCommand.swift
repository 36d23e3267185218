import ArgumentParser
import WasmCore
import WasmText

/// `wdb dump [-h] [-d] [-x] FILE`: the module's structure in wasm-objdump's layout
/// (Docs/dump-format.md). Without flags: section headers and details.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Show sections and details of a module, or disassemble its code.",
        discussion: "Without -h, -d or -x, prints the section headers and the section details.",
        // `-h` is wasm-objdump's section headers, like `-d` and `-x` mean what they mean there;
        // help stays `--help` (and `wdb help dump`).
        helpNames: [.long])

    @Flag(name: [.customShort("d"), .long], help: "Disassemble function bodies (wasm-objdump -d layout).")
    var disassemble = false

    @Flag(name: [.customShort("x"), .long], help: "Show section details (wasm-objdump -x layout).")
    var details = false

    @Flag(name: [.customShort("h"), .long], help: "Show section headers (wasm-objdump -h layout).")
    var headers = false

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    func run() throws {
        try reportingErrors {
            let nothingChosen = !disassemble && !details && !headers
            let showHeaders = headers || nothingChosen
            let showDetails = details || nothingChosen
            let loaded: LoadedModule
            do throws(ModuleLoadError) {
                loaded = try ModuleLoader.load(path: file, validate: false)
            } catch {
                // Section headers need no decoding: list what can be listed, then say what failed.
                if showHeaders, let partial = headersOfUndecodableModule() { throw partial }
                throw error
            }
            let module = loaded.module
            var out = Objdump.prelude(module, fileName: file)
            if showHeaders { out += Objdump.sectionHeaders(module) }
            if showDetails { out += Objdump.details(module) }
            if disassemble {
                // Printed as it is made, in pieces of at least 64 KiB: the text of a large
                // module's disassembly is many times its size.
                Objdump.writeDisassembly(module, bytes: loaded.bytes) { piece in
                    out += piece
                    if out.utf8.count >= 1 << 16 {
                        Output.standardOutput(out)
                        out = ""
                    }
                }
            }
            Output.standardOutput(out)
        }
    }

    /// For a binary the decoder refused: prints the section headers a walk over the section ids
    /// and sizes finds (as wasm-objdump -h does), and returns the error naming the section that
    /// could not be decoded. Nil when there is nothing to list (WAT text, an unreadable file, a
    /// bad header), so the loader's own error stands.
    private func headersOfUndecodableModule() -> CommandError? {
        guard let bytes = try? ModuleLoader.readFile(file), ModuleLoader.isBinary(bytes) else { return nil }
        let walk = BinaryDecoder.walkSections(bytes)
        guard !walk.headers.isEmpty else { return nil }
        let failure: DecodeError
        do {
            _ = try BinaryDecoder.decode(bytes)
            return nil  // decodes after all (the file changed under us): report the first error
        } catch {
            failure = error
        }
        Output.standardOutput(Objdump.prelude(moduleName: walk.moduleName, fileName: file) + Objdump.sectionHeaders(walk))
        var message: String
        if let section = walk.headers.first(where: { $0.contains(offset: failure.offset) }) {
            message = "the \(section.name) section at offset 0x\(String(section.headerOffset, radix: 16)) could not be decoded: \(failure)"
        } else {
            message = "the module could not be decoded: \(failure)"
        }
        if let stop = walk.error, stop.offset != failure.offset {
            message += "; the section list ends at offset 0x\(String(stop.offset, radix: 16)): \(stop.message)"
        }
        // Details or a disassembly were asked for too (explicitly, or by giving no flag).
        if details || disassemble || !headers {
            message += " (only the section headers could be shown)"
        }
        return CommandError(file: file, message)
    }
}
