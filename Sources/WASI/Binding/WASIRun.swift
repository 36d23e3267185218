// Running a WASI command to completion: instantiate with the WASI imports, call `_start`, and
// turn the end into an exit status (proc_exit's code, 0 when _start returns) or a trap.

import WasmCore
import WasmVM

/// How a WASI command ended.
public enum WASIRunOutcome: Equatable, Sendable {
    /// `proc_exit(code)`, or 0 when `_start` returned.
    case exited(UInt32)
    /// A trap in the start function or in `_start` (out of fuel included).
    case trapped(Trap)

    /// The process exit status wdb reports: the exit code (the OS keeps its low 8 bits), or 134
    /// for a trap, as a process killed by SIGABRT shows in a shell.
    public var exitStatus: Int32 {
        switch self {
        case .exited(let code): return Int32(truncatingIfNeeded: code)
        case .trapped: return 134
        }
    }
}

/// Why a WASI command could not be started (a usage problem, not a guest failure).
public struct WASIRunError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum WASIRun {
    /// Instantiates `module` in `runtime` with the WASI imports of `host` (plus `imports`, for
    /// other modules such as `--preload`ed ones) and runs `_start`.
    ///
    /// Throws `ValidationError` or `LinkError` for a module that cannot be instantiated, and
    /// `WASIRunError` when it exports no `_start`. Traps are outcomes, not errors. Once the guest
    /// has run, `host` is closed: every descriptor it opened (and the preopens) are released.
    ///
    /// `invokeStart`, when given, calls `_start` in place of a plain `invoke` (wdb runs it as
    /// an interruptible invocation for `--timeout`); a `Trap` it throws is an outcome too.
    public static func run(module: Module, host: WASIHost, runtime: Runtime, imports: Imports = Imports(),
                           validated: Bool = false,
                           invokeStart: ((Instance, FunctionInstance) throws -> Void)? = nil) throws -> WASIRunOutcome {
        var imports = imports
        WASIBinding(host: host).define(in: &imports, runtime: runtime)
        let instance: Instance
        do {
            instance = try runtime.instantiate(module, imports: imports, validated: validated)
        } catch let trap as Trap {
            host.close()
            return outcome(of: trap)
        }
        // However the command ends, it has ended: close what it opened (proc_exit already did).
        defer { host.close() }
        guard let start = instance.function("_start") else {
            throw WASIRunError("the module exports no _start function (a WASI command needs one)")
        }
        guard start.type.params.isEmpty, start.type.results.isEmpty else {
            throw WASIRunError("_start must take no arguments and return nothing, not \(start.type)")
        }
        do {
            if let invokeStart { try invokeStart(instance, start) } else { _ = try start.invoke() }
            return .exited(0)
        } catch let trap as Trap {
            return outcome(of: trap)
        }
    }

    /// The same with a fresh runtime and host: the short form for embedders and tests.
    public static func run(module: Module, configuration: WASIConfiguration,
                           engine: Configuration = Configuration()) throws -> WASIRunOutcome {
        let host = try WASIHost(configuration: configuration)
        defer { host.close() }
        return try run(module: module, host: host, runtime: Runtime(configuration: engine))
    }

    static func outcome(of trap: Trap) -> WASIRunOutcome {
        if let code = trap.exitCode { return .exited(code) }
        return .trapped(trap)
    }
}
