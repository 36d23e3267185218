import WasmCore

/// A hash table from ASCII byte strings to values, looked up directly from a range of the
/// source (no `String` is made per token). Used for instruction mnemonics, which it takes from
/// `Opcode.byMnemonic` (the one instruction table).
///
/// Keys are hashed and compared a word (8 bytes) at a time with `SourceText.hash` and
/// `SourceText.word(at:length:)`, the same functions the lookup applies to the source.
struct ByteKeyTable<Value>: @unchecked Sendable {
    private struct Entry {
        var hash: UInt64
        /// The key's first 8 bytes (zero-padded), and where its further words start in `rest`.
        var firstWord: UInt64
        var restStart: Int32
        var length: Int32
        var value: Value
    }

    private var entries: [Entry] = []
    /// The words after the first of keys longer than 8 bytes.
    private var rest: [UInt64] = []
    /// Open addressing: entry index + 1, 0 for empty.
    private var slots: [Int32]
    private let mask: Int

    init(_ keysAndValues: [(String, Value)]) {
        var size = 16
        while size < keysAndValues.count * 4 { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for (key, value) in keysAndValues {
            let text = SourceText(Array(key.utf8))
            let n = text.count
            let restStart = rest.count
            for i in stride(from: 8, to: n, by: 8) { rest.append(text.word(at: i, length: n - i)) }
            let entry = Entry(hash: text.hash(0, n), firstWord: text.word(at: 0, length: n),
                              restStart: Int32(restStart), length: Int32(n), value: value)
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            entries.append(entry)
            slots[slot] = Int32(entries.count)
        }
    }

    /// The value of the key spelled by `source` bytes `start ..< end`.
    @inline(__always)
    func lookup(_ source: SourceText, _ start: Int, _ end: Int) -> Value? {
        let h = source.hash(start, end)
        let n = end - start
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[slot])
            if k == 0 { return nil }
            let e = entries[k - 1]
            if e.hash == h, Int(e.length) == n, e.firstWord == source.word(at: start, length: n),
               restMatches(e, source, start, n) {
                return e.value
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func restMatches(_ e: Entry, _ source: SourceText, _ start: Int, _ n: Int) -> Bool {
        var i = 8
        var r = Int(e.restStart)
        while i < n {
            if rest[r] != source.word(at: start + i, length: n - i) { return false }
            i += 8
            r += 1
        }
        return true
    }
}

/// What the parser needs to know of an instruction once its mnemonic is looked up (copying
/// the whole `OpcodeInfo`, with its strings and arrays, per instruction shows in profiles).
struct MnemonicInfo: Sendable {
    var opcode: Opcode
    var immediate: ImmediateKind
    var naturalAlignment: UInt8

    init(_ opcode: Opcode) {
        let info = opcode.info
        self.opcode = opcode
        self.immediate = info.immediate
        self.naturalAlignment = info.naturalAlignment
    }
}

enum Mnemonics {
    /// Every instruction mnemonic, from the generated instruction table.
    static let table = ByteKeyTable(Opcode.byMnemonic.map { ($0.key, MnemonicInfo($0.value)) })

    /// The mnemonic closest to `word` by edit distance, when reasonably close.
    static func suggestion(for word: String) -> String? {
        let w = Array(word.utf8)
        var best: (String, Int)?
        for (mnemonic, _) in Opcode.byMnemonic {
            let m = Array(mnemonic.utf8)
            if abs(m.count - w.count) > 3 { continue }
            let d = editDistance(w, m)
            if let (bestMnemonic, bestDistance) = best, d > bestDistance || (d == bestDistance && mnemonic > bestMnemonic) {
                continue
            }
            best = (mnemonic, d)
        }
        guard let (mnemonic, distance) = best, distance <= max(2, w.count / 3) else { return nil }
        return mnemonic
    }

    /// Levenshtein distance with transpositions counted as one edit.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, previous2[j - 2] + 1) }
                current[j] = v
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
