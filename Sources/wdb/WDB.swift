import ArgumentParser
import DebuggerCommands
import Foundation

/// The `wdb` executable: the batch tools as subcommands, and the interactive debugger as the
/// default subcommand (`wdb FILE` without a verb).
@main
struct WDB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wdb",
        abstract: "A WebAssembly debugger, REPL and toolkit.",
        subcommands: [
            ValidateCommand.self,
            DumpCommand.self,
            Wat2WasmCommand.self,
            Wasm2WatCommand.self,
            Run.self,
            Wast.self,
        ])

    /// The batch tools; any other first word (a file, an option) opens the debugger, whose
    /// gdb-style command line InteractiveArguments parses (`debug` names it explicitly).
    static let toolNames: Set<String> = ["validate", "dump", "wat2wasm", "wasm2wat", "run", "wast", "help"]

    /// The interactive debugger: its exit status (the guest's in batch mode, see Docs/cli.md).
    static func interactive(_ arguments: [String]) -> Int32 {
        do {
            switch try InteractiveArguments.parse(arguments) {
            case .help:
                Output.standardOutput(InteractiveArguments.usage + "\n")
                return 0
            case .version:
                Output.standardOutput(ReplSession.versionLine + "\n")
                return 0
            case .session(let options):
                return ReplDriver.run(options)
            }
        } catch {
            Output.standardError("wdb: \(error)\n" + "Try \"wdb --help\" for the options.")
            return 1
        }
    }

    /// Like ArgumentParser's `main()`, but a usage error exits with status 1 (Docs/architecture.md, Command line)
    /// rather than 64, so every failure of wdb has the same status.
    static func main() {
        do {
            let arguments = Run.normalize(Array(CommandLine.arguments.dropFirst()))
            if arguments.first.map({ !toolNames.contains($0) }) ?? true {
                Foundation.exit(interactive(arguments.first == "debug" ? Array(arguments.dropFirst()) : arguments))
            }
            var command: ParsableCommand
            // `wdb run` parses only its own arguments: building the whole command tree first was
            // 40 % of a WASI hello world's start-up. Anything it does not accept (help, errors)
            // goes through the root parser, whose messages name `wdb run`.
            if arguments.first == "run", let (own, guest) = Run.splitAtFile(Array(arguments.dropFirst())),
               var run = try? Run.parse(own) {
                run.arguments = guest
                command = run
            } else if arguments.first == "run", let run = try? Run.parse(Array(arguments.dropFirst())) {
                command = run
            } else {
                command = try parseAsRoot(arguments)
            }
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Output.standardOutput(message + "\n") }
                Foundation.exit(0)
            }
            if !message.isEmpty { Output.standardError(message) }
            Foundation.exit(code == .validationFailure ? 1 : code.rawValue)
        }
    }
}
