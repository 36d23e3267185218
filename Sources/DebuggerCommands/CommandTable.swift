/// The groups `help` lists commands under.
enum CommandCategory: String, CaseIterable, Sendable {
    case files = "Files and modules"
    case running = "Running the program"
    case breakpoints = "Breakpoints, watchpoints and catchpoints"
    case stepping = "Stepping and continuing"
    case stack = "Examining the stack"
    case data = "Examining data"
    case wasi = "WASI"
    case status = "Status (info, show, set)"
    case support = "Support"
}

/// What kind of word a command's arguments are, so TAB can offer candidates.
enum ArgumentKind: Hashable, Sendable {
    case none
    /// A command name (for `help`).
    case command
    /// A host file path (`file`, `source`).
    case file
    /// A host directory (`dir`).
    case directory
    /// A code location: function names, export names (`break`, `list`, `until`).
    case location
    /// A function or export to call (`invoke`).
    case function
    /// Breakpoint numbers (`delete`, `enable`, …).
    case breakpoint
    /// WASI call names and groups (`catch wasi`, `trace wasi`, `wasi inject`).
    case wasiCall
    /// An expression: locals, globals and function names.
    case expression
}

/// What a command needs before its handler runs.
enum CommandAvailability: Hashable, Sendable {
    /// Runs on its own (module inspection, settings, help, scripts).
    case builtin
    /// Needs a module the debugger could prepare: refused with the load's reason while it could
    /// not (an import nothing provides).
    case engine
}

/// A command as it was typed, after name resolution.
struct CommandInvocation {
    /// The resolved command (for `info functions`: the `functions` entry).
    var spec: CommandSpec
    /// Canonical names from the top, e.g. `["info", "functions"]`.
    var path: [String]
    /// What followed `/` right after the command word (`x/8xw` → `8xw`), if anything.
    var format: String?
    /// The rest of the line after the command word(s), trimmed.
    var arguments: String
    /// True when Enter on an empty line repeats this command.
    var isRepeat = false

    var words: [String] { arguments.split(whereSeparator: \.isWhitespace).map(String.init) }
    var name: String { path.joined(separator: " ") }
}

/// Runs a command. Errors are thrown as `ReplError` and printed by the session.
typealias CommandHandler = (ReplSession, CommandInvocation) throws -> Void

/// One command: its names, its help, and how it runs.
struct CommandSpec {
    var name: String
    var aliases: [String] = []
    var category: CommandCategory
    /// The usage line: `break LOC [if EXPR]`.
    var usage: String
    /// One line for `help` lists and `apropos`.
    var summary: String
    /// The full description for `help CMD`.
    var details: String = ""
    var example: String
    var argument: ArgumentKind = .none
    /// Enter on an empty line repeats it (step, next, stepi, nexti, x, list).
    var repeatsOnEnter = false
    var availability: CommandAvailability = .engine
    /// It lets the guest run (run, continue, step, …), so Ctrl-C must be able to stop it.
    var runsGuest = false
    /// A maintenance command (CommandCatalog+Maintenance.swift): runs when typed by its full
    /// name, but `help`, `apropos` and completion leave it out and no prefix resolves to it.
    var isHidden = false
    /// Subcommands (`info`, `set`, `show`, …); the command itself then takes a subcommand word.
    var subcommands: CommandTable? = nil
    /// What the command does: every command has one, so a command cannot be listed and
    /// then fail as unknown when typed.
    var handler: CommandHandler

    var allNames: [String] { [name] + aliases }
}

/// A failed resolution, worded as gdb words it.
enum ResolutionError: Error, Equatable {
    case undefined(word: String, prefix: String)
    case ambiguous(word: String, prefix: String, candidates: [String])
    case missingSubcommand(prefix: String)

    var message: String {
        switch self {
        case .undefined(let word, let prefix):
            let what = prefix.isEmpty ? "command" : "\(prefix) command"
            let hint = prefix.isEmpty ? "help" : "help \(prefix)"
            return "Undefined \(what): \"\(word)\". Try \"\(hint)\"."
        case .ambiguous(let word, let prefix, let candidates):
            let what = prefix.isEmpty ? "command" : "\(prefix) command"
            return "Ambiguous \(what) \"\(word)\": \(candidates.joined(separator: ", "))."
        case .missingSubcommand(let prefix):
            return "\"\(prefix)\" must be followed by the name of a subcommand. Try \"help \(prefix)\"."
        }
    }
}

/// A set of commands with gdb's lookup: an exact name or alias wins, else a unique prefix of
/// a name or alias; several commands sharing the prefix are ambiguous.
struct CommandTable {
    private(set) var commands: [CommandSpec]

    init(_ commands: [CommandSpec]) {
        self.commands = commands
    }

    /// Looks up one word. `prefix` names the parent command for messages (`info`).
    func lookup(_ word: String, prefix: String = "") -> Result<CommandSpec, ResolutionError> {
        if let exact = commands.first(where: { $0.allNames.contains(word) }) {
            return .success(exact)
        }
        let matching = commands.filter { spec in !spec.isHidden && spec.allNames.contains { $0.hasPrefix(word) } }
        if word.isEmpty || matching.isEmpty {
            return .failure(.undefined(word: word, prefix: prefix))
        }
        if matching.count == 1 { return .success(matching[0]) }
        return .failure(.ambiguous(word: word, prefix: prefix, candidates: matching.map(\.name).sorted()))
    }

    func spec(named name: String) -> CommandSpec? {
        commands.first { $0.name == name }
    }

    /// Every name and alias starting with `prefix`, sorted, for completion.
    func names(startingWith prefix: String) -> [String] {
        visibleCommands.flatMap(\.allNames).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// The commands `help`, `apropos` and completion show (all but the hidden ones).
    var visibleCommands: [CommandSpec] { commands.filter { !$0.isHidden } }

    /// Resolves a whole line: the command word (which ends at a space or `/`), then
    /// subcommand words while the command has subcommands.
    func resolve(_ line: String) -> Result<CommandInvocation, ResolutionError> {
        var rest = Substring(line).drop(while: \.isWhitespace)
        var table = self
        var path: [String] = []
        while true {
            let word = rest.prefix { !$0.isWhitespace && $0 != "/" }
            let parent = path.joined(separator: " ")
            if word.isEmpty {
                // `info` alone: show the subcommand list (the caller decides how).
                return .failure(path.isEmpty ? .undefined(word: "", prefix: "") : .missingSubcommand(prefix: parent))
            }
            let spec: CommandSpec
            switch table.lookup(String(word), prefix: parent) {
            case .success(let found): spec = found
            case .failure(let error): return .failure(error)
            }
            path.append(spec.name)
            rest = rest.dropFirst(word.count)
            var format: String?
            if rest.first == "/" {
                let text = rest.dropFirst().prefix { !$0.isWhitespace }
                format = String(text)
                rest = rest.dropFirst(1 + text.count)
            }
            rest = rest.drop(while: \.isWhitespace)
            if let subcommands = spec.subcommands, format == nil, !rest.isEmpty {
                table = subcommands
                continue
            }
            let arguments = String(rest).trimmingTrailingWhitespace()
            return .success(CommandInvocation(spec: spec, path: path, format: format, arguments: arguments))
        }
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    var trimmed: String {
        String(Substring(self).drop(while: \.isWhitespace)).trimmingTrailingWhitespace()
    }
}
