import ArgumentParser
import DebuggerCommands
import Foundation

/// `wdb debug [FILE] [-x FILE] [-ex CMD]... [--batch] [-nx] [--history-file F] [-q] [-- ARGS]`:
/// the interactive debugger (the default subcommand, so `wdb prog.wasm` opens the prompt).
struct InteractiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Open the interactive debugger (the default: `wdb prog.wasm`).",
        discussion: """
            Commands come from the terminal with line editing, history and completion, or in \
            batch mode (-x, -ex, --batch, or stdin not a terminal) from the scripts and stdin, \
            with no prompt. Batch mode goes on after a failed command and exits with 1 if any \
            command failed, else 0.
            """)

    @Argument(help: "A .wasm or .wat module to load.")
    var file: String?

    @Option(name: .customShort("x"), help: ArgumentHelp("Run the commands in FILE (repeatable).", valueName: "FILE"))
    var scriptFiles: [String] = []

    @Option(name: .customLong("ex", withSingleDash: true), help: ArgumentHelp("Run CMD (repeatable).", valueName: "CMD"))
    var commands: [String] = []

    @Flag(name: .long, help: "Run the commands and exit; no prompt.")
    var batch = false

    @Flag(name: .customLong("nx", withSingleDash: true), help: "Do not run ~/.wdbinit.")
    var skipInitFile = false

    @Option(name: .customLong("history-file"), help: ArgumentHelp("The history file (default ~/.wdb_history).", valueName: "FILE"))
    var historyFile: String?

    @Flag(name: .shortAndLong, help: "No banner.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Echo each command in batch mode.")
    var verbose = false

    @Option(name: .customLong("dir"), help: ArgumentHelp("Preopen HOST as GUEST for the program (repeatable).", valueName: "HOST[::GUEST]"))
    var directories: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment variable of the program (repeatable).", valueName: "NAME=VALUE"))
    var environment: [String] = []

    @Argument(parsing: .postTerminator, help: "Arguments for the program (after --).")
    var guestArguments: [String] = []

    mutating func run() throws {
        var options = ReplOptions()
        options.file = file
        options.steps = InteractiveCommand.orderedSteps(
            arguments: Array(CommandLine.arguments.dropFirst()), scriptFiles: scriptFiles, commands: commands)
        options.batch = batch
        options.skipInitFile = skipInitFile
        options.historyFile = historyFile
        options.quiet = quiet
        options.verbose = verbose
        options.guestArguments = guestArguments
        options.environment = environment
        options.directories = directories
        let code = ReplDriver.run(options)
        if code != 0 { throw ExitCode(code) }
    }

    /// gdb runs `-x` and `-ex` in the order given; the argument parser keeps two lists, so the
    /// order is recovered from the raw arguments. If that scan disagrees with the parsed lists
    /// (an unusual spelling), scripts run first, then commands.
    static func orderedSteps(arguments: [String], scriptFiles: [String], commands: [String]) -> [ReplOptions.ScriptStep] {
        var steps: [ReplOptions.ScriptStep] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            for (flag, make) in [("-x", ReplOptions.ScriptStep.file), ("-ex", ReplOptions.ScriptStep.command)] {
                if argument == flag, index + 1 < arguments.count {
                    steps.append(make(arguments[index + 1]))
                    index += 1
                } else if argument.hasPrefix(flag + "=") {
                    steps.append(make(String(argument.dropFirst(flag.count + 1))))
                }
            }
            index += 1
        }
        let scanned = (steps.compactMap { if case .file(let f) = $0 { f } else { nil } },
                       steps.compactMap { if case .command(let c) = $0 { c } else { nil } })
        if scanned.0 == scriptFiles && scanned.1 == commands { return steps }
        return scriptFiles.map { .file($0) } + commands.map { .command($0) }
    }
}
