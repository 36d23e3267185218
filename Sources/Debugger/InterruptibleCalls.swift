#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore
import WasmVM

/// Guest code that runs outside the session's own calls but must still stop at Ctrl-C: a start
/// function while a module is instantiated, a WAST action on an earlier module typed at the
/// prompt, a function of a registered module called through its bridge from another runtime.
/// Each call runs under a `Debuggee` of its own (the engine's interrupt patches), registered
/// here while it runs, so `DebugSession.interrupt()` reaches it from the watcher thread.
///
/// Unlike the session's calls, an interrupted call is not kept for inspection: it is abandoned
/// (its frames dropped) and `GuestCallInterrupted` is thrown.
final class InterruptibleCalls: @unchecked Sendable {
    /// Guards `running`, which the interrupting thread reads.
    private var lock = pthread_mutex_t()
    private var running: [ObjectIdentifier: Debuggee] = [:]

    init() { pthread_mutex_init(&lock, nil) }

    deinit { pthread_mutex_destroy(&lock) }

    /// Asks every call in progress to stop at its next loop header, function entry or return
    /// from a call. Safe from any thread.
    func interruptAll() {
        pthread_mutex_lock(&lock)
        let debuggees = Array(running.values)
        pthread_mutex_unlock(&lock)
        for debuggee in debuggees { debuggee.interrupt() }
    }

    /// Runs `function` of `instance` to its end. Stops the engine reports on the way (a
    /// breakpoint or watch patch a debug session left in the code, a catchpoint's host-call
    /// filter) are stepped over: only an interrupt ends the call early.
    func call(_ function: FunctionInstance, of instance: Instance, _ arguments: [Value]) throws -> [Value] {
        if function.isHost { return try function.invoke(arguments) }
        let debuggee = try Debuggee(instance: instance)
        let key = ObjectIdentifier(debuggee)
        pthread_mutex_lock(&lock)
        running[key] = debuggee
        pthread_mutex_unlock(&lock)
        defer {
            pthread_mutex_lock(&lock)
            running[key] = nil
            pthread_mutex_unlock(&lock)
        }
        let invocation = function.startInvocation(arguments)
        while true {
            switch debuggee.run(invocation) {
            case .finished(let results):
                return results
            case .trapped(let trap):
                throw trap
            case .interrupted:
                invocation.abandon(Trap(.host(GuestCallInterrupted.message)))
                throw GuestCallInterrupted()
            case .stepped, .breakpoint, .watch, .hostCall, .exceptionThrown, .exceptionCaught:
                _ = debuggee.step(invocation, passHostCall: true, passThrow: true)
            }
        }
    }

    /// `runtime.instantiate`, with the start function run as an interruptible call. The module
    /// must be valid (the callers have validated it). If the start function traps or is
    /// interrupted, the instance is left half made, as the spec leaves it when a start function
    /// traps (its segments are applied), and the error is thrown.
    func instantiate(_ module: Module, in runtime: Runtime, imports: Imports) throws -> Instance {
        guard let start = module.start else { return try runtime.instantiate(module, imports: imports, validated: true) }
        var withoutStart = module
        withoutStart.start = nil
        let instance = try runtime.instantiate(withoutStart, imports: imports, validated: true)
        guard let function = instance.function(at: start) else { throw LinkError("unknown start function") }
        _ = try call(function, of: instance, [])
        return instance
    }
}

/// Ctrl-C stopped a call the prompt ran beside the debug session; the call was abandoned.
public struct GuestCallInterrupted: Error, CustomStringConvertible {
    public static let message = "interrupted (Ctrl-C)"
    public var description: String { Self.message }
    public init() {}
}

extension DebugSession {
    /// Calls a function of an instance outside the session (an earlier module, a registered
    /// one) so that Ctrl-C (`interrupt()`) stops it. Throws its trap, or
    /// `GuestCallInterrupted` when it was interrupted and abandoned.
    public func callInterruptibly(_ function: FunctionInstance, of instance: Instance, _ arguments: [Value]) throws -> [Value] {
        try sideCalls.call(function, of: instance, arguments)
    }

    /// Instantiates `module` (already validated) in `runtime` so that Ctrl-C stops a start
    /// function that does not end.
    public func instantiateInterruptibly(_ module: Module, in runtime: Runtime, imports: Imports) throws -> Instance {
        try sideCalls.instantiate(module, in: runtime, imports: imports)
    }
}
