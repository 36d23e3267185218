import Debugger
import Foundation
import LineEditor

/// Ctrl-C while the guest runs. The SIGINT handler only raises LineEditor's atomic flag (it is
/// async-signal-safe); this watcher thread polls that flag and calls `DebugSession.interrupt()`,
/// which is thread-safe and makes the guest stop at the next loop header or function entry.
final class DebuggerInterruptWatcher: @unchecked Sendable {
    private let session: DebugSession
    private let lock = NSLock()
    private var stopped = false
    /// Signalled when the thread has left its loop: no interrupt reaches a later command.
    private let done = DispatchSemaphore(value: 0)

    init(session: DebugSession) { self.session = session }

    /// Runs `body` (a command that lets the guest run) with a watcher thread beside it.
    static func run<T>(_ session: DebugSession, _ body: () throws -> T) rethrows -> T {
        Interrupt.clear()
        let watcher = DebuggerInterruptWatcher(session: session)
        let thread = Thread { watcher.poll() }
        thread.start()
        defer { watcher.finish() }
        return try body()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func finish() {
        lock.lock()
        stopped = true
        lock.unlock()
        done.wait()
        // A Ctrl-C that stopped a call beside the session (or came as the command ended) must
        // not stop the next command's run.
        session.clearInterrupt()
    }

    private func poll() {
        while !isStopped {
            if Interrupt.consume() {
                session.interrupt()
            }
            usleep(10_000)
        }
        done.signal()
    }
}
