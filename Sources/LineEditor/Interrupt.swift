import CEditLine
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Process-wide state touched by the SIGINT handler. Only lock-free atomics: a signal handler may
// run between any two instructions of the main thread.
private let interruptPending = Atomic<Bool>(false)
private let interruptTotal = Atomic<Int>(0)
/// A C function the handler calls after raising the flag (stored as its bit pattern; 0 = none).
private let interruptHookBits = Atomic<Int>(0)
private let handlerInstalled = Atomic<Bool>(false)
/// The thread that reads the prompt (the one that installed the handler), as its bit pattern.
private let readingThreadBits = Atomic<UInt>(0)

/// Ctrl-C while the prompt is not reading: a SIGINT handler raises a flag that long-running work
/// (the engine's run loop, a `source` script) polls, and optionally calls a hook so the engine
/// can raise its own flag at once. At the prompt, `LineEditor` consumes the flag itself.
public enum Interrupt {
    public typealias Hook = @convention(c) () -> Void

    /// Installs the SIGINT handler (once; later calls do nothing). It is installed without
    /// SA_RESTART so a blocking read fails with EINTR. Returns false if `sigaction` failed.
    @discardableResult
    public static func installHandler() -> Bool {
        if handlerInstalled.exchange(true, ordering: .acquiringAndReleasing) { return true }
        // Forward only to the main thread, which lives as long as the process; another thread
        // (a test runner's worker) may exit, and signalling a dead thread is undefined.
        if ce_is_main_thread() != 0 {
            readingThreadBits.store(bits(of: pthread_self()), ordering: .releasing)
        }
        ce_unblock_sigint()
        let status = ce_install_sigint { _ in
            // A process-directed signal goes to any thread that does not block it, and Foundation
            // and Dispatch have threads of their own. Only a handler run on the reading thread
            // makes its blocking read() fail with EINTR, so hand the signal over to it.
            let readerBits = readingThreadBits.load(ordering: .acquiring)
            let reader = thread(from: readerBits)
            if readerBits != 0 && pthread_equal(pthread_self(), reader) == 0 {
                pthread_kill(reader, SIGINT)
                return
            }
            Interrupt.signalArrived()
        }
        return status == 0
    }

    /// What the handler does; also callable directly (tests, or a host that gets interrupts by
    /// other means). Async-signal-safe: atomic stores and one indirect call.
    public static func signalArrived() {
        interruptPending.store(true, ordering: .releasing)
        interruptTotal.wrappingAdd(1, ordering: .relaxed)
        let bits = interruptHookBits.load(ordering: .acquiring)
        if bits != 0 {
            let hook = unsafeBitCast(bits, to: Hook.self)
            hook()
        }
    }

    /// True if a Ctrl-C arrived since the last `consume()` or `clear()`.
    public static var isPending: Bool { interruptPending.load(ordering: .acquiring) }

    /// Returns whether a Ctrl-C was pending, and clears it.
    public static func consume() -> Bool {
        interruptPending.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// Forgets a pending Ctrl-C (call before starting work that polls the flag).
    public static func clear() { interruptPending.store(false, ordering: .releasing) }

    /// How many interrupts arrived since the process started (never reset).
    public static var count: Int { interruptTotal.load(ordering: .relaxed) }

    /// Sets (or removes, with nil) the function the handler calls after raising the flag. It
    /// runs inside the signal handler, so it must only do async-signal-safe work, such as
    /// storing into an atomic.
    public static func setHook(_ hook: Hook?) {
        let bits = hook.map { unsafeBitCast($0, to: Int.self) } ?? 0
        interruptHookBits.store(bits, ordering: .releasing)
    }
}

// pthread_t is an integer on Linux and a pointer on Darwin; both fit a UInt.
#if canImport(Glibc)
private func bits(of thread: pthread_t) -> UInt { thread }
private func thread(from bits: UInt) -> pthread_t { bits }
#else
private func bits(of thread: pthread_t) -> UInt { UInt(bitPattern: thread) }
private func thread(from bits: UInt) -> pthread_t { unsafeBitCast(bits, to: pthread_t.self) }
#endif
