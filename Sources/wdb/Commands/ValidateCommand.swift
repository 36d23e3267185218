import ArgumentParser
import WasmText

/// `wdb validate FILE`: decode (assembling `.wat` first) and validate. Silent on success.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check that a .wasm or .wat module is well-formed and valid.")

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    func run() throws {
        try reportingErrors {
            _ = try ModuleLoader.load(path: file, validate: true)
        }
    }
}
