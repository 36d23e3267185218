// WASI preview1: ABI (types, errno, rights, layouts), sandboxed host, trace.
//
// `WASIRunOptions` mirrors the run flags (Docs/architecture.md, Command line; Docs/wasi.md) one to one, so a command-line front
// end only collects strings and calls `makeHost`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct WASIRunOptions {
    /// `--dir HOST[::GUEST]`, in order.
    public var dirs: [String] = []
    /// `--dir-ro HOST[::GUEST]`, in order (after the writable ones).
    public var readOnlyDirs: [String] = []
    /// `--env NAME=VALUE`.
    public var env: [String] = []
    /// `--env-inherit`: wdb's own environment first, then `env`.
    public var inheritEnvironment = false
    /// `--tcplisten HOST:PORT`.
    public var tcpListen: [String] = []
    /// `--trace[=FILTER]`: nil when not given, "" for `--trace` alone.
    public var trace: String?
    public var traceOutput: String?
    public var traceFormat = "text"
    public var traceStringSize = 32
    /// `--trace-rights compact|full`.
    public var traceRights = "compact"
    public var traceTime = false
    public var traceSummary = false
    public var traceFailed = false
    /// `--inject NAME:ERRNO[:when=…]`.
    public var inject: [String] = []

    public init() {}

    /// Whether any trace, summary or injection was asked for.
    public var needsMonitor: Bool { trace != nil || traceSummary || !inject.isEmpty }

    /// The trace options these flags describe (validated).
    public func traceOptions() throws(WASITraceError) -> WASITraceOptions {
        var options = WASITraceOptions()
        options.printCalls = trace != nil
        options.filter = try WASICallFilter(parsing: trace ?? "")
        guard let format = WASITraceFormat(rawValue: traceFormat) else {
            throw WASITraceError("--trace-format must be text or json, not '\(traceFormat)'")
        }
        options.format = format
        guard traceStringSize >= 0 else { throw WASITraceError("--trace-strsize must not be negative") }
        options.stringLimit = traceStringSize
        guard let rights = WASITraceRights(rawValue: traceRights) else {
            throw WASITraceError("--trace-rights must be compact or full, not '\(traceRights)'")
        }
        options.rights = rights
        options.showTime = traceTime
        options.summary = traceSummary
        options.failedOnly = traceFailed
        for spec in inject { options.injections.append(try WASIInjection(parsing: spec)) }
        return options
    }

    /// Builds the host for a guest with `arguments` (argv[0] first), and installs a monitor when
    /// one is needed. Trace lines go to `--trace-output` or else to `traceFD` (stderr).
    public func makeHost(arguments: [String], stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2,
                         traceFD: Int32 = 2) throws -> (WASIHost, WASIMonitor?) {
        var config = WASIConfiguration(arguments: arguments)
        for spec in env { try Self.checkEnvironment(spec) }
        config.environment = (inheritEnvironment ? WASIRunOptions.hostEnvironment() : []) + env
        config.preopens = try dirs.map { spec throws(WASIHostError) in try WASIPreopen.parse(spec) }
            + readOnlyDirs.map { spec throws(WASIHostError) in try WASIPreopen.parse(spec, readOnly: true) }
        config.stdin = stdin
        config.stdout = stdout
        config.stderr = stderr
        for spec in tcpListen {
            let (listener, _) = try WASIConfiguration.tcpListen(spec)
            config.listeners.append(listener)
        }
        let host: WASIHost
        do {
            host = try WASIHost(configuration: config)
        } catch {
            for listener in config.listeners { close(listener.hostFD) }
            throw error
        }
        guard needsMonitor else { return (host, nil) }
        let options = try traceOptions()
        // A file gets the big buffer; stderr is shared with the guest, so each line goes out at once.
        let sink: WASITraceSink = try traceOutput.map { try FileTraceSink(path: $0) }
            ?? FileTraceSink(fd: traceFD, lineBuffered: true)
        let monitor = WASIMonitor(options: options, sink: sink)
        monitor.install(on: host)
        return (host, monitor)
    }

    /// wdb's own environment as `NAME=VALUE` strings (for `--env-inherit`).
    public static func hostEnvironment() -> [String] {
        var result: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            result.append(String(cString: entry))
            cursor += 1
        }
        return result
    }
}
