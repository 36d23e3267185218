import ArgumentParser
import FoundationEssentials
import WasmCore
import WastScripts

/// `wdb wast PATH...`: runs WAST scripts (a folder means its *.wast files, not subfolders)
/// through the WastScripts library and prints its failures and counts.
struct Wast: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wast",
        abstract: "Run WebAssembly spec test scripts (.wast).")

    @Argument(help: "Script files, or folders whose *.wast files to run.")
    var paths: [String]

    @Flag(name: .customLong("wast2json"), help: "Parse scripts with wabt's wast2json instead of wdb's parser.")
    var viaWast2json = false

    @Flag(name: .shortAndLong, help: "Print each file's counts.")
    var verbose = false

    @Option(name: .customLong("features"), help: ArgumentHelp("The language: 3.0 (default), 2.0, or proposals (tail-call,gc,...).", valueName: "features"))
    var features: String = "3.0"

    func run() throws {
        let files: [String]
        do {
            files = try WastSuite.scripts(paths)
        } catch {
            Output.standardError("error: \(error)")
            throw ExitCode(1)
        }
        guard let language = Features(named: features) else {
            Output.standardError("error: --features \(features): expected 2.0, 3.0 or a list of proposals")
            throw ExitCode(1)
        }
        var passed = 0, failed = 0
        for file in files {
            // One file at a time, so a long suite prints as it goes.
            let result = WastSuite.run(file: file, viaWast2json: viaWast2json, features: language)
            for line in result.failures { print(line) }
            if verbose { print("\(file): \(result.passed) passed, \(result.failed) failed") }
            passed += result.passed
            failed += result.failed
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
