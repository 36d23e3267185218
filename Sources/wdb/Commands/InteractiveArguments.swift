import DebuggerCommands
import WasmCore

/// The command line of the interactive debugger, parsed as gdb users type it:
///
///     wdb [OPTIONS] [FILE] [OPTIONS] [ARGS...]      wdb [OPTIONS] --args FILE ARGS...
///
/// wdb's own options may stand before or after FILE, spelled with one dash or two (`-batch`,
/// `--batch`, `-ex CMD`, `-ex=CMD`). The first word after FILE that is not a wdb option, and
/// every word after it, goes to the guest; `--` sends the rest to the guest whatever it looks
/// like; `--args FILE ARGS...` sends everything after FILE. A hand-written parser, because the
/// argument library knows neither single-dash long options nor "the rest after the first
/// unknown word".
enum InteractiveArguments {
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    enum Parsed: Equatable {
        case session(ReplOptions)
        case help
        case version
    }

    /// Options that take a value, by every spelling (without the leading dashes).
    static let valued: Set<String> = ["x", "ex", "history-file", "dir", "env", "command", "eval-command", "features"]
    static let flags: Set<String> = ["batch", "nx", "n", "q", "quiet", "silent", "v", "verbose", "args", "help", "h", "version"]

    static func parse(_ arguments: [String]) throws -> Parsed {
        var options = ReplOptions()
        var index = 0
        var argsMode = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                // The rest is the guest's, whatever it looks like (FILE, if any, came before).
                options.guestArguments += arguments[index...]
                break
            }
            guard word.hasPrefix("-"), word.count > 1, let (name, inlineValue) = split(word) else {
                if options.file == nil {
                    options.file = word
                    if argsMode {
                        options.guestArguments += arguments[index...]
                        break
                    }
                    continue
                }
                // The first word after FILE that is not an option starts the guest's arguments.
                options.guestArguments += arguments[(index - 1)...]
                break
            }
            guard valued.contains(name) || flags.contains(name) else {
                if options.file != nil {
                    options.guestArguments += arguments[(index - 1)...]
                    break
                }
                throw UsageError(description: "unknown option \(word) (wdb --help lists them)")
            }
            var value: String?
            if valued.contains(name) {
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError(description: "option \(word) needs a value") }
                    value = arguments[index]
                    index += 1
                }
            } else if inlineValue != nil {
                throw UsageError(description: "option \(word) takes no value")
            }
            switch name {
            case "x", "command": options.steps.append(.file(value!))
            case "ex", "eval-command": options.steps.append(.command(value!))
            case "history-file": options.historyFile = value
            case "dir": options.directories.append(value!)
            case "env":
                guard let v = value, let eq = v.firstIndex(of: "="), eq != v.startIndex else {
                    throw UsageError(description: "\(word) \(value ?? ""): expected NAME=VALUE")
                }
                options.environment.append(v)
            case "features":
                guard let v = value, let language = Features(named: v) else {
                    throw UsageError(description: "--features \(value ?? ""): expected 2.0, 3.0 or a list of proposals")
                }
                options.features = language
            case "batch": options.batch = true
            case "nx", "n": options.skipInitFile = true
            case "q", "quiet", "silent": options.quiet = true
            case "v", "verbose": options.verbose = true
            case "args": argsMode = true
            case "help", "h": return .help
            case "version": return .version
            default: break
            }
        }
        if argsMode && options.file == nil { throw UsageError(description: "--args needs a FILE: wdb --args FILE ARGS...") }
        return .session(options)
    }

    /// `-ex`, `--ex`, `-ex=CMD` → ("ex", "CMD"); nil for a lone dash.
    private static func split(_ word: String) -> (String, String?)? {
        var body = Substring(word.dropFirst())
        if body.hasPrefix("-") { body = body.dropFirst() }
        guard !body.isEmpty else { return nil }
        if let eq = body.firstIndex(of: "=") {
            return (String(body[..<eq]), String(body[body.index(after: eq)...]))
        }
        return (String(body), nil)
    }

    static let usage = """
        USAGE: wdb [OPTIONS] [FILE] [OPTIONS] [ARGS...]
               wdb [OPTIONS] --args FILE ARGS...
               wdb SUBCOMMAND ...        (run, validate, dump, wat2wasm, wasm2wat, wast; wdb SUBCOMMAND --help)

        The interactive debugger on FILE (.wasm or .wat; content decides). wdb's options may stand
        before or after FILE, with one dash or two; the first word after FILE that is not an option,
        and every word after it, are the program's arguments (`--` sends the rest whatever it looks like).

        OPTIONS:
          -x FILE              Run the commands in FILE (repeatable, in order with -ex).
          -ex CMD              Run the command CMD (repeatable).
          -batch, --batch      Run the commands and exit; no prompt (also when stdin is not a terminal).
          -nx                  Do not run ~/.wdbinit.
          -q, -quiet           No banner.
          -v, --verbose        Echo each command in batch mode.
          --history-file FILE  The history file (default ~/.wdb_history).
          --dir HOST[::GUEST]  Preopen a host directory for the program (repeatable).
          --env NAME=VALUE     An environment variable of the program (repeatable).
          --features 2.0|3.0   The language modules are read in (default 3.0).
          --args               Everything after FILE is the program's arguments.
          --version            Print wdb's version.
          -h, --help           This help.

        SUBCOMMANDS:
          run        Run a module to completion without a prompt (WASI command or --invoke FN).
          validate   Check that a module is well-formed and valid.
          dump       Sections, details and disassembly (wasm-objdump's layout).
          wat2wasm   Assemble WAT into a binary.
          wasm2wat   Print a binary as WAT.
          wast       Run spec test scripts.
        """
}
