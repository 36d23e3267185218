// `wdb run FILE [ARGS...]` without --invoke: a WASI command. ARGS become argv (argv[0] is FILE
// unless --argv0), stdio is passed through, and the exit status is proc_exit's code (0 when
// _start returns), 134 on a trap (fuel and --timeout included: RunTimeout.swift), 1 for a bad
// module or usage.

import ArgumentParser
import Foundation
import WASI
import WasmCore
import WasmVM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The WASI run flags (Docs/architecture.md, Command line; Docs/wasi.md), collected as strings for `WASIRunOptions`.
struct WASIFlags: ParsableArguments {
    @Option(name: .customLong("dir"), help: ArgumentHelp("Make a host directory visible to the guest (repeatable).", valueName: "host[::guest]"))
    var dirs: [String] = []

    @Option(name: .customLong("dir-ro"), help: ArgumentHelp("The same, read-only.", valueName: "host[::guest]"))
    var readOnlyDirs: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("An environment variable for the guest (repeatable).", valueName: "name=value"))
    var env: [String] = []

    @Flag(name: .customLong("env-inherit"), help: "Pass wdb's whole environment to the guest.")
    var envInherit = false

    @Option(name: .customLong("argv0"), help: ArgumentHelp("The guest's argv[0] (default: FILE as given).", valueName: "name"))
    var argv0: String?

    @Option(name: .customLong("stdin"), help: ArgumentHelp("The guest's standard input (default: wdb's own).", valueName: "file"))
    var stdin: String?

    @Option(name: .customLong("tcplisten"), help: ArgumentHelp("A listening TCP socket the guest can sock_accept on.", valueName: "host:port"))
    var tcpListen: [String] = []

    @Flag(name: .customLong("trace"), help: "Trace every WASI call on stderr; --trace=FILTER selects calls (names, groups, !negation).")
    var traceAll = false

    // `--trace=FILTER` arrives here: `Run.normalize` rewrites it, since ArgumentParser has no
    // options with an optional value.
    @Option(name: .customLong("trace-filter"), help: .hidden)
    var traceFilter: String?

    @Option(name: .customLong("trace-output"), help: ArgumentHelp("Write the trace to this file instead of stderr.", valueName: "file"))
    var traceOutput: String?

    @Option(name: .customLong("trace-format"), help: ArgumentHelp("How trace lines look.", valueName: "text|json"))
    var traceFormat = "text"

    @Option(name: .customLong("trace-strsize"), help: ArgumentHelp("Cut strings and buffers after N bytes.", valueName: "n"))
    var traceStringSize = 32

    @Option(name: .customLong("trace-rights"), help: ArgumentHelp("Rights sets as RIGHTS_ALL&~(…) or every flag (JSON: always every flag).", valueName: "compact|full"))
    var traceRights = "compact"

    @Flag(name: .customLong("trace-time"), help: "Append each call's duration.")
    var traceTime = false

    @Flag(name: .customLong("trace-summary"), help: "Print a table of calls, errors and time at the end.")
    var traceSummary = false

    @Flag(name: .customLong("trace-failed"), help: "Trace only calls that return an error.")
    var traceFailed = false

    @Option(name: .customLong("inject"), help: ArgumentHelp("Make the Nth (N+: from the Nth on, N..M: those) call of NAME fail with ERRNO without running it.", valueName: "name:errno[:when=…]"))
    var inject: [String] = []

    var options: WASIRunOptions {
        var options = WASIRunOptions()
        options.dirs = dirs
        options.readOnlyDirs = readOnlyDirs
        options.env = env
        options.inheritEnvironment = envInherit
        options.tcpListen = tcpListen
        // --trace-failed and --trace-time only make sense for printed calls, so they turn
        // tracing on by themselves (as strace -Z does); --trace-summary alone prints the table only.
        options.trace = traceFilter ?? (traceAll || traceFailed || traceTime ? "" : nil)
        options.traceOutput = traceOutput
        options.traceFormat = traceFormat
        options.traceStringSize = traceStringSize
        options.traceRights = traceRights
        options.traceTime = traceTime
        options.traceSummary = traceSummary
        options.traceFailed = traceFailed
        options.inject = inject
        return options
    }
}

extension Run {
    /// Runs `_start` of a WASI command and exits with its status.
    func runCommand(_ engine: Configuration, limit: TimeLimit?) throws {
        let runtime = Runtime(configuration: engine)
        var guestArguments = arguments
        if guestArguments.first == "--" { guestArguments.removeFirst() }
        let outcome: WASIRunOutcome
        var monitor: WASIMonitor?
        var described: Module?
        do {
            // Flag values are checked first, each with a one-line reason; files by the loader.
            try wasi.options.validate()
            for item in preload { _ = try WASIRunOptions.parsePreload(item) }
            let imports = try preloadedImports(runtime)
            let module = try Run.loadModule(file, features: try language())
            if preload.isEmpty { described = module }
            let stdinFD = try wasi.stdin.map { path throws(WASIHostError) in try WASIRunOptions.openStdin(path) } ?? 0
            let (host, installed) = try wasi.options.makeHost(arguments: [wasi.argv0 ?? file] + guestArguments,
                                                             stdin: stdinFD)
            monitor = installed
            // Under --timeout, _start runs as an invocation the watchdog can interrupt.
            let invokeStart = limit.map { limit in { (instance: Instance, start: FunctionInstance) in
                _ = try limit.invoke(start, in: instance)
            } }
            outcome = try WASIRun.run(module: module, host: host, runtime: runtime, imports: imports, validated: true,
                                      invokeStart: invokeStart)
            host.close()
        } catch let trap as Trap {
            // Only a --preload module's start function gets here; the command's traps are outcomes.
            monitor?.finish()
            Run.report(trap)
            throw ExitCode(134)
        } catch let error as ExitCode {
            throw error
        } catch {
            monitor?.finish()
            FileHandle.standardError.write("error: \(error)\n".data(using: .utf8)!)
            throw ExitCode(1)
        }
        monitor?.finish()
        if case .trapped(let trap) = outcome { Run.report(trap, module: described) }
        Run.exitNow(outcome.exitStatus)
    }

    /// Ends the process with `status` as is. (Throwing `ExitCode` would let the top level turn a
    /// guest's exit code 64, ArgumentParser's usage status, into 1.) Guest output went straight
    /// to the descriptors; only Swift's own stdout buffer needs flushing.
    static func exitNow(_ status: Int32) -> Never {
        fflush(nil)
        Foundation.exit(status)
    }

    /// The `--timeout` limit (RunTimeout.swift), if one was given.
    func timeLimit() throws -> TimeLimit? {
        guard let timeout else { return nil }
        guard let limit = TimeLimit(timeout) else { throw fail("bad --timeout \"\(timeout)\" (examples: 10s, 500ms, 2m)") }
        return limit
    }

    /// `500ms`, `10s`, `2m`, `1h`, or a bare number of seconds.
    static func parseDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = Double(text.dropLast(suffix.count)), n.isFinite, n >= 0 else { return nil }
            return n * scale
        }
        guard let n = Double(text), n.isFinite, n >= 0 else { return nil }
        return n
    }

    /// Options of `run` that take a value as the next argument (for `normalize`).
    static let optionsWithValues: Set<String> = [
        "--invoke", "--preload", "--fuel", "--timeout", "--max-memory", "--max-gc-heap", "--max-call-depth", "--dir", "--dir-ro",
        "--env", "--argv0", "--stdin", "--tcplisten", "--trace-filter", "--trace-output", "--trace-format",
        "--trace-strsize", "--trace-rights", "--inject", "--features",
    ]

    /// Rewrites `--trace=FILTER` to `--trace-filter=FILTER` among the options of a `run`
    /// subcommand, stopping at FILE so the guest's own arguments pass untouched.
    static func normalize(_ arguments: [String]) -> [String] {
        guard arguments.first == "run" else { return arguments }
        var result = arguments
        var index = 1
        while index < result.count {
            let token = result[index]
            if token == "--" || !token.hasPrefix("-") { break }
            if token.hasPrefix("--trace=") {
                result[index] = "--trace-filter=" + token.dropFirst("--trace=".count)
            } else if optionsWithValues.contains(token) {
                index += 1
            }
            index += 1
        }
        return result
    }

    /// Splits `run`'s words (after `run`) at FILE: its options and FILE for the argument
    /// parser, and the guest's arguments, which never go through it (the parser's handling of
    /// passthrough words was quadratic: 20,000 guest arguments took over a minute).
    static func splitAtFile(_ words: [String]) -> (own: [String], guest: [String])? {
        var index = 0
        while index < words.count {
            let token = words[index]
            if token == "--" { return nil }  // unusual: leave it to the parser
            if !token.hasPrefix("-") || token == "-" {
                var guest = Array(words[(index + 1)...])
                if guest.first == "--" { guest.removeFirst() }
                return (Array(words[...index]), guest)
            }
            if optionsWithValues.contains(token) { index += 1 }
            index += 1
        }
        return nil
    }
}
