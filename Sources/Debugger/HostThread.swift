import Glibc

/// A detached host thread and a plain mutex, for the front ends' watchdogs (Ctrl-C, `--timeout`).
/// Built on pthreads rather than Foundation's `Thread`/`NSLock`: wdb links only Foundation's
/// essentials, whose smaller runtime metadata makes every process start faster
/// (Docs/performance.md, "Start-up").
public enum HostThread {
    /// Runs `body` on a new detached thread. False if the system refused to make one.
    @discardableResult
    public static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let body = Unmanaged<Body>.fromOpaque(raw).takeRetainedValue()
            body.run()
            return nil
        }, box.toOpaque())
        guard made == 0 else {
            box.release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// Sleeps the calling thread for `seconds` (fractions allowed), resuming after a signal.
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

/// A mutex for state shared with a watchdog thread.
public final class HostLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    public init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    public func lock() { pthread_mutex_lock(&mutex) }
    public func unlock() { pthread_mutex_unlock(&mutex) }
}
