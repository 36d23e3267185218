/// Identifiers of one index space (or of one function's locals) and their indices, keyed by
/// the identifier's bytes in the source, so a lookup makes no `String` (a big module looks up
/// an identifier for most `local.get` and `call`).
///
/// Identifiers are idchars, which are ASCII, so byte equality is the text format's equality.
/// Small tables (a function's few locals) are searched linearly; from `linearLimit` entries
/// on, through open-addressing slots.
struct NameTable {
    private struct Entry {
        /// Source range of the name (without the `$`).
        var start: Int32
        var length: Int32
        var hash: UInt64
        /// The first 8 bytes (zero-padded), for the linear search.
        var firstWord: UInt64
        var value: UInt32
    }

    private var entries: [Entry] = []
    /// Entry index + 1 per slot, 0 when empty; empty while the table is small.
    private var slots: [Int32] = []
    private static let linearLimit = 8

    var isEmpty: Bool { entries.isEmpty }

    /// Forgets every name (keeps the storage of a small table).
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: entries.count <= NameTable.linearLimit)
        slots = []
    }

    /// Looks up the name in `source` bytes `start ..< end`.
    @inline(__always)
    func find(_ source: SourceText, _ start: Int, _ end: Int) -> UInt32? {
        let n = end - start
        if slots.isEmpty {
            let first = source.word(at: start, length: n)
            for e in entries where e.firstWord == first && Int(e.length) == n
                && (n <= 8 || source.equal(Int(e.start) + 8, start + 8, count: n - 8)) {
                return e.value
            }
            return nil
        }
        let h = source.hash(start, end)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[slot])
            if k == 0 { return nil }
            let e = entries[k - 1]
            if e.hash == h && Int(e.length) == n && source.equal(Int(e.start), start, count: n) { return e.value }
            slot = (slot + 1) & mask
        }
    }

    /// Adds the name in `source` bytes `start ..< end`; false (and no change) when the table
    /// already holds it.
    mutating func insert(_ source: SourceText, _ start: Int, _ end: Int, value: UInt32) -> Bool {
        if find(source, start, end) != nil { return false }
        entries.append(Entry(start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: end - start),
                             hash: source.hash(start, end), firstWord: source.word(at: start, length: end - start),
                             value: value))
        if entries.count > NameTable.linearLimit {
            if slots.count < entries.count * 2 {
                rehash(capacity: max(32, slots.count * 4))
            } else {
                place(entries.count - 1)
            }
        }
        return true
    }

    private mutating func rehash(capacity: Int) {
        slots = [Int32](repeating: 0, count: capacity)
        for k in entries.indices { place(k) }
    }

    private mutating func place(_ k: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[k].hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
    }
}
