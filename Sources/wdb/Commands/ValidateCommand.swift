import ArgumentParser
import WasmCore
import WasmText

/// `wdb validate FILE`: decode (assembling `.wat` first) and validate. Silent on success.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that a .wasm or .wat module is well-formed and valid.")

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Option(name: .customLong("features"), help: ArgumentHelp("The language: 3.0 (default), 2.0, or proposals (tail-call,gc,...).", valueName: "features"))
    var features: String = "3.0"

    func run() throws {
        try reportingErrors {
            guard let language = Features(named: features) else {
                throw CommandError("error: --features \(features): expected 2.0, 3.0 or a list of proposals")
            }
            _ = try ModuleLoader.load(path: file, validate: true, features: language)
        }
    }
}
