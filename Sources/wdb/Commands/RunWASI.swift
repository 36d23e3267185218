// `wdb run FILE [ARGS...]` without --invoke: a WASI command. ARGS become argv (argv[0] is FILE
// unless --argv0), stdio is passed through, and the exit status is proc_exit's code (0 when
// _start returns), 134 on a trap (fuel and --timeout included: RunTimeout.swift), 1 for a bad
// module or usage.

import ArgumentParser
import FoundationEssentials
import WASI
import WasmCore
import WasmVM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The WASI run flags (Docs/architecture.md, Command line; Docs/wasi.md), collected as strings for `WASIRunOptions`.
struct WASIFlags {
    var dirs: [String] = []
    var readOnlyDirs: [String] = []
    var env: [String] = []
    var envInherit = false
    var argv0: String?
    var stdin: String?
    var tcpListen: [String] = []
    /// `--trace`: every call.
    var traceAll = false
    /// `--trace=FILTER`: the calls FILTER selects.
    var traceFilter: String?
    var traceOutput: String?
    var traceFormat = "text"
    var traceStringSize = 32
    var traceRights = "compact"
    var traceTime = false
    var traceSummary = false
    var traceFailed = false
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
        let guestArguments = arguments  // a `--` after FILE is already gone (RunArguments.swift)
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
            Output.standardError("error: \(error)")
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
        Glibc.exit(status)
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
}
