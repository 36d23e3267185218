import CEditLine

/// A libedit history list, with its file: `_HiStOrY_V2_` then one vis-encoded entry a line,
/// the format libedit's own tools read. Works without a terminal.
public final class HistoryStore {
    /// libedit's `History *` (an opaque struct).
    let handle: OpaquePointer
    /// Where `save()` writes; nil keeps the history in memory only.
    public let path: String?

    /// Creates an empty list of at most `limit` entries (consecutive repeats are kept once) and
    /// loads `path` if given and present. A missing or unreadable file leaves the list empty.
    public init?(path: String?, limit: Int = 1000) {
        guard let handle = ce_history_init() else { return nil }
        self.handle = handle
        self.path = path
        ce_hist_setsize(handle, Int32(clamping: max(1, limit)))
        ce_hist_setunique(handle, 1)
        if let path { ce_hist_load(handle, path) }
    }

    deinit { ce_history_end(handle) }

    /// Adds one entry (blank lines are not recorded). Trailing newlines are dropped.
    public func add(_ line: String) {
        var text = Substring(line)
        while let last = text.last, last == "\n" || last == "\r" { text = text.dropLast() }
        guard !text.allSatisfy(\.isWhitespace) else { return }
        ce_hist_enter(handle, String(text))
    }

    /// Writes the list to `path` (mode 0600, as libedit creates it). Returns false on failure
    /// or when there is no path.
    @discardableResult
    public func save() -> Bool {
        guard let path else { return false }
        return ce_hist_save(handle, path) >= 0
    }

    /// The entries, oldest first.
    public var entries: [String] {
        var result: [String] = []
        var text = ce_hist_step(handle, H_LAST)
        while let current = text {
            result.append(String(cString: current))
            text = ce_hist_step(handle, H_PREV)
        }
        return result
    }

    public var count: Int { Int(ce_hist_count(handle)) }

    public func clear() { ce_hist_clear(handle) }
}
