// `wdb run --timeout DURATION`: when time is up, a watchdog thread asks the engine to stop the
// guest (the debugger's interrupt: patches at loop headers, function entries and after calls),
// and the run path reports the stop as a trap with the guest's backtrace, after flushing the
// trace like any other trap. Only a guest that does not reach such a point within a grace
// period (blocked in a host call, or looping in a start function or a --preload module, which
// the interrupt does not patch) is ended the old way, by `_exit` from the watchdog.

import FoundationEssentials
import Debugger
import WasmCore
import WasmVM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time limit of one `wdb run`. Shared by the run thread and the watchdog thread: every
/// field is read and written with `lock` held.
final class TimeLimit: @unchecked Sendable {
    /// The duration as given, for the message.
    let text: String
    let seconds: Double
    /// How long the watchdog waits for the guest to stop after asking it to, before the hard exit.
    let grace: Double

    private let lock = HostLock()
    /// The guest's debuggee while an interruptible call runs.
    private var debuggee: Debuggee?
    private var expired = false
    /// Set once the guest stopped at the interrupt and the run path reports the timeout, so
    /// the watchdog's fallback stays quiet.
    private var handled = false

    /// nil for a duration that does not parse.
    init?(_ text: String, grace: Double = 1) {
        guard let seconds = Run.parseDuration(text) else { return nil }
        self.text = text
        self.seconds = seconds
        self.grace = grace
    }

    /// "time limit exceeded (--timeout 200ms)", the trap message.
    var message: String { "time limit exceeded (--timeout \(text))" }

    /// Starts the watchdog thread (the clock runs from here).
    func start() {
        HostThread.detach { [self] in
            HostThread.sleep(seconds: seconds)
            locked {
                expired = true
                debuggee?.interrupt()
            }
            HostThread.sleep(seconds: grace)
            let fallBack = locked { !handled }
            guard fallBack else { return }
            // The guest did not stop: it is blocked in a host call (or runs code the interrupt
            // does not reach). The trace monitor's buffer belongs to the run thread, which may
            // be in the middle of a line, so it is not flushed from here: what it holds is lost.
            let note = "error: trap: \(message)\n  (the guest did not stop within \(grace)s of the request; no backtrace)\n"
            _ = note.withCString { write(2, $0, strlen($0)) }
            _exit(134)
        }
    }

    /// Calls `function` of `instance` as an invocation the watchdog can interrupt. Returns its
    /// results; throws its trap, or a trap with the message `message` and the backtrace at the
    /// stop when time ran out.
    func invoke(_ function: FunctionInstance, in instance: Instance, _ arguments: [Value] = []) throws -> [Value] {
        let debuggee = try Debuggee(instance: instance)
        locked {
            self.debuggee = debuggee
            // Time may have run out while the module was loaded or instantiated.
            if expired { debuggee.interrupt() }
        }
        defer { locked { self.debuggee = nil } }
        let invocation = function.startInvocation(arguments)
        while true {
            switch debuggee.run(invocation) {
            case .finished(let results):
                return results
            case .trapped(let trap):
                throw trap
            case .interrupted:
                locked { handled = true }
                throw debuggee.trap(.host(message), at: invocation)
            case .stepped, .breakpoint, .watch, .hostCall, .exceptionThrown, .exceptionCaught:
                // Nothing else is armed; should a stop come anyway, get past it and go on.
                _ = debuggee.step(invocation, passHostCall: true, passThrow: true)
            }
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
