/// "Did you mean …?" for a name that matches nothing: the few known names closest to it, never
/// a list of all (a Rust program has tens of thousands). One place, so function names, source
/// names and variables all suggest alike.
public enum NameSuggestions {
    /// Up to `limit` names of `candidates` close to `word`, best first: by edit distance
    /// (ignoring case and a leading `$`), within about a third of the word's length, with names
    /// that contain the word (or that the word contains) counted as close.
    public static func closest(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
        let target = Array(normalized(word).utf8)
        guard !target.isEmpty else { return [] }
        let budget = max(1, target.count / 3)
        var scored: [(distance: Int, name: String)] = []
        for name in candidates {
            let other = Array(normalized(name).utf8)
            var distance = editDistance(target, other, cutoff: budget)
            if distance > budget, other.count >= 3, target.count >= 3,
               contains(other, target) || contains(target, other) {
                distance = budget  // a substring: close, but after the near-misses
            }
            if distance <= budget { scored.append((distance, name)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        // One entry per name however it is spelled (`$fact` and the export `fact`).
        var seen = Set<String>()
        return scored.map(\.name).filter { seen.insert(normalized($0)).inserted }.prefix(limit).map { $0 }
    }

    /// The sentence after "No function named X.": empty when nothing is close.
    public static func hint(for word: String, in candidates: [String]) -> String {
        let close = closest(to: word, in: candidates)
        switch close.count {
        case 0: return ""
        case 1: return " Did you mean \(close[0])?"
        default: return " Did you mean one of \(close.joined(separator: ", "))?"
        }
    }

    private static func normalized(_ name: String) -> String {
        (name.hasPrefix("$") ? String(name.dropFirst()) : name).lowercased()
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// Edit distance with adjacent transpositions (`bmup` → `bump` is one edit), giving up (returning cutoff + 1) once every entry of a row is
    /// beyond `cutoff`, so long unrelated names cost little.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], cutoff: Int) -> Int {
        if abs(a.count - b.count) > cutoff { return cutoff + 1 }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(1, a.count) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1..<(b.count + 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > cutoff { return cutoff + 1 }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
