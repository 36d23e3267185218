import WasmCore

/// A hash table from ASCII byte strings to values, looked up directly from a slice of the
/// source (no `String` is made per token). Used for instruction mnemonics, which it takes from
/// `Opcode.byMnemonic` (the one instruction table), and for the format's structural keywords.
struct ByteKeyTable<Value>: @unchecked Sendable {
    private var keys: [[UInt8]] = []
    private var values: [Value] = []
    /// Open addressing: index into keys/values, -1 for empty.
    private var slots: [Int32]
    private let mask: Int

    init(_ entries: [(String, Value)]) {
        var size = 16
        while size < entries.count * 3 { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (key, value) in entries {
            let k = Array(key.utf8)
            var slot = ByteKeyTable.hash(k, 0, k.count) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(keys.count)
            keys.append(k)
            values.append(value)
        }
    }

    @inline(__always)
    private static func hash(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = start
        while i < end {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3
            i += 1
        }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    func lookup(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Value? {
        var slot = ByteKeyTable.hash(bytes, start, end) & mask
        let n = end - start
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let key = keys[index]
            if key.count == n {
                var same = true
                var k = 0
                while k < n {
                    if key[k] != bytes[start + k] { same = false; break }
                    k += 1
                }
                if same { return values[index] }
            }
            slot = (slot + 1) & mask
        }
    }

    var allKeys: [[UInt8]] { keys }
}

enum Mnemonics {
    /// Every instruction mnemonic, from the generated instruction table.
    static let table = ByteKeyTable(Opcode.byMnemonic.map { ($0.key, $0.value) })

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
