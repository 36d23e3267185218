// `wdb run`'s command line, parsed by hand from one option table (`Run.options`), which also
// writes `wdb run --help`.
//
// Why not the argument library that parses the other subcommands: it builds its view of a
// command by reflection, and in a binary with the Swift runtime linked statically each first
// protocol-conformance check scans every conformance record of the program (Foundation's
// included). For a WASI hello world that was 14 of 30 million instructions, about half of the
// process's start-up (callgrind). `run` is the command whose start-up a user feels, so it parses
// its ~30 options itself, with the library's conventions and messages: `--name value` and
// `--name=value`, options before FILE in any order, repeatable options collected, the last value
// of a single one kept, everything after FILE for the guest (a leading `--` there dropped), `--`
// before FILE ending the options.

/// A usage error of `wdb run`: printed with the usage line, exit status 1.
struct RunUsageError: Error, Equatable {
    var message: String
}

/// One option of `wdb run`: its long name, the name of its value (nil for a flag), its help and
/// how it sets the command.
struct RunOption {
    let name: String
    let valueName: String?
    let help: String
    let defaultText: String?
    let apply: (inout Run, String) throws(RunUsageError) -> Void

    init(_ name: String, value: String? = nil, default defaultText: String? = nil, help: String,
         apply: @escaping (inout Run, String) throws(RunUsageError) -> Void) {
        self.name = name
        self.valueName = value
        self.help = help
        self.defaultText = defaultText
        self.apply = apply
    }

    /// `--fuel <fuel>`: how the option reads in help and in messages.
    var synopsis: String { valueName.map { "--\(name) <\($0)>" } ?? "--\(name)" }
}

extension Run {
    /// Every option of `wdb run`, in the order `--help` lists them.
    static let options: [RunOption] = [
        RunOption("invoke", value: "invoke", help: "Call this export (after _initialize, if exported) with VALUE arguments.") { $0.invoke = $1 },
        RunOption("preload", value: "preload", help: "NAME=FILE: instantiate FILE first and make its exports importable as NAME.") { $0.preload.append($1) },
        RunOption("fuel", value: "fuel", help: "Trap after this many function entries and loop iterations.") { run, text throws(RunUsageError) in
            run.fuel = try number(text, for: "fuel")
        },
        RunOption("timeout", value: "duration", help: "Stop the guest after this long (e.g. 10s, 500ms, 2m; a bare number is seconds).") { $0.timeout = $1 },
        RunOption("max-memory", value: "max-memory", help: "Memory limit per memory, e.g. 16MiB, 64KiB, 100 (pages), 1GiB.") { $0.maxMemory = $1 },
        RunOption("max-gc-heap", value: "max-gc-heap", help: "Limit on live GC objects (structs, arrays), e.g. 64MiB, 1GiB, 1000000 (bytes).") { $0.maxGCHeap = $1 },
        RunOption("max-call-depth", value: "max-call-depth", help: "Guest call depth that traps with \"call stack exhausted\".") { run, text throws(RunUsageError) in
            run.maxCallDepth = try number(text, for: "max-call-depth")
        },
        RunOption("features", value: "features", default: "3.0", help: "The language: 3.0 (default), 2.0, or proposals.") { $0.features = $1 },
        RunOption("dir", value: "host[::guest]", help: "Make a host directory visible to the guest (repeatable).") { $0.wasi.dirs.append($1) },
        RunOption("dir-ro", value: "host[::guest]", help: "The same, read-only.") { $0.wasi.readOnlyDirs.append($1) },
        RunOption("env", value: "name=value", help: "An environment variable for the guest (repeatable).") { $0.wasi.env.append($1) },
        RunOption("env-inherit", help: "Pass wdb's whole environment to the guest.") { run, _ in run.wasi.envInherit = true },
        RunOption("argv0", value: "name", help: "The guest's argv[0] (default: FILE as given).") { $0.wasi.argv0 = $1 },
        RunOption("stdin", value: "file", help: "The guest's standard input (default: wdb's own).") { $0.wasi.stdin = $1 },
        RunOption("tcplisten", value: "host:port", help: "A listening TCP socket the guest can sock_accept on.") { $0.wasi.tcpListen.append($1) },
        // `--trace` alone traces every call; `--trace=FILTER` (an optional value, which only the
        // `=` spelling can give) selects calls.
        RunOption("trace", help: "Trace every WASI call on stderr; --trace=FILTER selects calls (names, groups, !negation).") { run, _ in run.wasi.traceAll = true },
        RunOption("trace-output", value: "file", help: "Write the trace to this file instead of stderr.") { $0.wasi.traceOutput = $1 },
        RunOption("trace-format", value: "text|json", default: "text", help: "How trace lines look.") { $0.wasi.traceFormat = $1 },
        RunOption("trace-strsize", value: "n", default: "32", help: "Cut strings and buffers after N bytes.") { run, text throws(RunUsageError) in
            run.wasi.traceStringSize = try number(text, for: "trace-strsize <n>")
        },
        RunOption("trace-rights", value: "compact|full", default: "compact", help: "Rights sets as RIGHTS_ALL&~(…) or every flag (JSON: always every flag).") { $0.wasi.traceRights = $1 },
        RunOption("trace-time", help: "Append each call's duration.") { run, _ in run.wasi.traceTime = true },
        RunOption("trace-summary", help: "Print a table of calls, errors and time at the end.") { run, _ in run.wasi.traceSummary = true },
        RunOption("trace-failed", help: "Trace only calls that return an error.") { run, _ in run.wasi.traceFailed = true },
        RunOption("inject", value: "name:errno[:when=…]", help: "Make the Nth (N+: from the Nth on, N..M: those) call of NAME fail with ERRNO without running it.") { $0.wasi.inject.append($1) },
    ]

    /// The options by name, for the parser.
    private static let optionsByName: [String: RunOption] = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0) })

    /// The result of reading `wdb run`'s words: a command to run, or a request for help.
    enum Parsed {
        case run(Run)
        case help
    }

    /// Reads the words after `run`. Linear in the number of words: the guest's arguments are
    /// sliced off at FILE, never looked at (20,000 of them must cost nothing).
    static func parse(_ words: [String]) throws(RunUsageError) -> Parsed {
        var run = Run()
        var file: String?
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "--" {
                // The end of the options: FILE (if still missing) and the guest's words follow.
                guard index < words.count else { break }
                file = words[index]
                run.arguments = Array(words[(index + 1)...])
                if run.arguments.first == "--" { run.arguments.removeFirst() }
                break
            }
            guard word.hasPrefix("-"), word != "-" else {
                file = word
                run.arguments = Array(words[index...])
                if run.arguments.first == "--" { run.arguments.removeFirst() }
                break
            }
            if word == "-h" || word == "--help" { return .help }
            guard word.hasPrefix("--") else { throw RunUsageError(message: "Unknown option '\(word)'") }
            let body = word.dropFirst(2)
            let name: Substring
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = body[..<equals]
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = body
            }
            if name == "trace", let filter = inlineValue {
                run.wasi.traceFilter = filter
                continue
            }
            guard let option = optionsByName[String(name)] else { throw RunUsageError(message: "Unknown option '--\(name)'") }
            guard option.valueName != nil else {
                if inlineValue != nil { throw RunUsageError(message: "The option '--\(name)' does not take a value") }
                try option.apply(&run, "")
                continue
            }
            if inlineValue == nil {
                guard index < words.count else { throw RunUsageError(message: "Missing value for '\(option.synopsis)'") }
                inlineValue = words[index]
                index += 1
            }
            try option.apply(&run, inlineValue ?? "")
        }
        guard let file else { throw RunUsageError(message: "Missing expected argument '<file>'") }
        run.file = file
        return .run(run)
    }

    /// A whole number for an option, or the library's message for a bad one.
    private static func number<N: FixedWidthInteger>(_ text: String, for option: String) throws(RunUsageError) -> N {
        guard let value = N(text) else {
            let synopsis = optionsByName[option].map(\.synopsis) ?? "--\(option)"
            throw RunUsageError(message: "The value '\(text)' is invalid for '\(synopsis)'")
        }
        return value
    }

    static let usageLine = "wdb run [<options>] <file> [<arguments> ...]"

    /// What a usage error prints on stderr.
    static func usageMessage(_ error: RunUsageError) -> String {
        "Error: \(error.message)\nUsage: \(usageLine)\n  See 'wdb run --help' for more information.\n"
    }

    /// `wdb run --help`, in the layout of the other subcommands' help.
    static var help: String {
        var text = """
            OVERVIEW: Run a module to completion without a prompt.

            USAGE: \(usageLine)

            ARGUMENTS:

            """
        text += helpEntry("<file>", "The module (.wasm or .wat).")
        text += helpEntry("<arguments>", "The guest's arguments (argv[1...]); with --invoke, the leading ones are also the function's.")
        text += "\nOPTIONS:\n"
        for option in options {
            text += helpEntry(option.synopsis, option.help + (option.defaultText.map { " (default: \($0))" } ?? ""))
        }
        text += helpEntry("-h, --help", "Show help information.")
        return text + "\n"
    }

    /// One entry: the synopsis in a 26-column margin (on its own line when longer), the help
    /// wrapped before column 80.
    private static func helpEntry(_ synopsis: String, _ help: String) -> String {
        let margin = String(repeating: " ", count: 26)
        var lines: [String] = []
        var line = ""
        for word in help.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count >= 80 - margin.count {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        let head = "  " + synopsis
        var text: String
        if head.count < margin.count {
            text = head + String(repeating: " ", count: margin.count - head.count) + (lines.first ?? "") + "\n"
            lines = Array(lines.dropFirst())
        } else {
            text = head + "\n"
        }
        for rest in lines { text += margin + rest + "\n" }
        return text
    }
}
