import ArgumentParser
import DebuggerCommands
import FoundationEssentials
import Glibc

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
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first.map({ !toolNames.contains($0) }) ?? true {
            Glibc.exit(interactive(arguments.first == "debug" ? Array(arguments.dropFirst()) : arguments))
        }
        // `run` parses its own command line (RunArguments.swift: the start-up a user feels);
        // `wdb help` alone is the same overview as `wdb --help`, which names every subcommand.
        if arguments.first == "run" { runCommand(Array(arguments.dropFirst())) }
        if arguments == ["help", "run"] { runCommand(["--help"]) }
        if arguments == ["help"] {
            Output.standardOutput(InteractiveArguments.usage + "\n")
            Glibc.exit(0)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(reporting: error)
        }
    }

    /// `wdb run WORDS`: never returns.
    static func runCommand(_ words: [String]) -> Never {
        do {
            switch try Run.parse(words) {
            case .help:
                Output.standardOutput(Run.help)
                Glibc.exit(0)
            case .run(let run):
                try run.run()
                Glibc.exit(0)
            }
        } catch let usage as RunUsageError {
            Output.standardError(Run.usageMessage(usage))
            Glibc.exit(1)
        } catch {
            exit(reporting: error)
        }
    }

    /// Ends the process for an error of a subcommand: its message, and status 1 for a usage
    /// error (the library's own status would be 64), the error's own status otherwise.
    static func exit(reporting error: Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { Output.standardOutput(message + "\n") }
            Glibc.exit(0)
        }
        if !message.isEmpty { Output.standardError(message) }
        Glibc.exit(code == .validationFailure ? 1 : code.rawValue)
    }
}
