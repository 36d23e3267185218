import Debugger
import FoundationEssentials
import Glibc
import Dispatch
import LineEditor

/// Ctrl-C while the guest runs. The SIGINT handler only raises LineEditor's atomic flag (it is
/// async-signal-safe); one watcher thread polls that flag while a command that lets the guest
/// run is in progress, and calls `DebugSession.interrupt()` on the sessions those commands run
/// in, which is thread-safe and makes the guest stop at the next loop header or function entry.
///
/// The thread is made once and sleeps while no such command runs. (A thread per command, as
/// before, cost a thread's creation and a 10 ms wait at the end of every `invoke`: a fuzzed
/// breakpoint whose command list invokes its own function again, 10,000 times, took 26 s.)
final class DebuggerInterruptWatcher: @unchecked Sendable {
    private static let shared = DebuggerInterruptWatcher()

    /// Guards `watched` and `threadStarted`. Held while the thread interrupts, so once a
    /// session is no longer watched, no interrupt from this Ctrl-C reaches it any more.
    private let lock = HostLock()
    /// The sessions being watched, with how many commands (nested) watch each.
    private var watched: [ObjectIdentifier: (session: DebugSession, commands: Int)] = [:]
    private var threadStarted = false
    /// Signalled when the first session is watched, to wake the sleeping thread.
    private let work = DispatchSemaphore(value: 0)

    /// Runs `body` (a command that lets the guest run) with Ctrl-C watched for `session`.
    static func run<T>(_ session: DebugSession, _ body: () throws -> T) rethrows -> T {
        shared.watch(session)
        defer { shared.unwatch(session) }
        return try body()
    }

    private func watch(_ session: DebugSession) {
        let key = ObjectIdentifier(session)
        lock.lock()
        defer { lock.unlock() }
        // A Ctrl-C typed before the command began was for the prompt, not for this command.
        if watched[key] == nil { Interrupt.clear() }
        let wasIdle = watched.isEmpty
        watched[key] = (session, (watched[key]?.commands ?? 0) + 1)
        if !threadStarted {
            threadStarted = true
            HostThread.detach { [self] in poll() }
        }
        if wasIdle { work.signal() }
    }

    private func unwatch(_ session: DebugSession) {
        let key = ObjectIdentifier(session)
        lock.lock()
        guard let entry = watched[key] else {
            lock.unlock()
            return
        }
        let last = entry.commands == 1
        watched[key] = last ? nil : (entry.session, entry.commands - 1)
        lock.unlock()
        // A Ctrl-C that stopped a call beside the session (or came as the command ended) must
        // not stop the next command's run.
        if last { session.clearInterrupt() }
    }

    private func poll() {
        while true {
            lock.lock()
            let idle = watched.isEmpty
            lock.unlock()
            if idle {
                work.wait()
                continue
            }
            usleep(10_000)
            if Interrupt.isPending {
                lock.lock()
                // Taken only while a command is watched: a Ctrl-C at the prompt is the line
                // editor's.
                if !watched.isEmpty, Interrupt.consume() {
                    for entry in watched.values { entry.session.interrupt() }
                }
                lock.unlock()
            }
        }
    }
}
