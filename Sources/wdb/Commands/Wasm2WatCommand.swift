import ArgumentParser
import WasmText

/// `wdb wasm2wat FILE.wasm [-o OUT] [--fold]`: print a module as WAT text that reassembles to
/// the same bytes. Does not validate, so invalid modules can be inspected too.
struct Wasm2WatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wasm2wat",
        abstract: "Print a binary module as WAT text.")

    @Argument(help: "The module (.wasm; .wat is accepted and re-printed).")
    var file: String

    @Option(name: .short, help: "Output file (default: stdout).")
    var output: String?

    @Flag(help: "Print instructions as folded s-expressions.")
    var fold = false

    func run() throws {
        try reportingErrors {
            let loaded = try ModuleLoader.load(path: file, validate: false)
            let text = WatPrinter.print(loaded.module, folded: fold)
            if let output {
                try Output.write(Array(text.utf8), to: output)
            } else {
                Output.standardOutput(text)
            }
        }
    }
}
