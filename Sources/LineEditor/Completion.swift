/// What the completion callback is asked: the line up to the cursor, split into the words
/// before the one being completed and that partial word.
public struct CompletionRequest: Hashable, Sendable {
    /// The text of the line before the cursor.
    public var textBeforeCursor: String
    /// The complete words before the word under the cursor.
    public var precedingWords: [String]
    /// The partial word under the cursor (empty right after a space).
    public var word: String

    public init(textBeforeCursor: String) {
        self.textBeforeCursor = textBeforeCursor
        let endsInSpace = textBeforeCursor.last.map(\.isWhitespace) ?? true
        var words = textBeforeCursor.split(whereSeparator: \.isWhitespace).map(String.init)
        if endsInSpace {
            word = ""
        } else {
            word = words.popLast() ?? ""
        }
        precedingWords = words
    }
}

/// What to do with the candidates for a word: the decision libedit's TAB key carries out,
/// kept apart from the terminal so it can be tested.
public enum CompletionOutcome: Hashable, Sendable {
    /// Nothing matches: beep.
    case noMatch
    /// Insert this text at the cursor (the rest of a unique match and a space, or the longer
    /// common prefix of several matches).
    case insert(String)
    /// Several matches and nothing more to insert: show them.
    case list([String])
}

public enum Completion {
    /// Decides what TAB does for `word` given the caller's `candidates` (whole words; those not
    /// starting with `word` are ignored, duplicates are dropped). A unique match gets a space
    /// after it unless it ends in `/` (a directory, to be continued).
    public static func outcome(word: String, candidates: [String]) -> CompletionOutcome {
        var seen = Set<String>()
        let matches = candidates.filter { $0.hasPrefix(word) && seen.insert($0).inserted }.sorted()
        guard let first = matches.first else { return .noMatch }
        if matches.count == 1 {
            let rest = String(first.dropFirst(word.count))
            return .insert(first.hasSuffix("/") ? rest : rest + " ")
        }
        let prefix = commonPrefix(matches)
        if prefix.count > word.count {
            return .insert(String(prefix.dropFirst(word.count)))
        }
        return .list(matches)
    }

    /// The longest common prefix of `words`, by whole characters.
    public static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            var length = 0
            for (a, b) in zip(prefix, word) {
                if a != b { break }
                length += 1
            }
            prefix.removeSubrange(length...)
        }
        return String(prefix)
    }

    /// Lays `items` out in columns no wider than `width`, filled column by column as a shell
    /// does. Returns the lines without trailing newlines.
    public static func columns(_ items: [String], width: Int) -> [String] {
        guard !items.isEmpty else { return [] }
        let cell = (items.map(\.count).max() ?? 0) + 2
        let perLine = max(1, max(width, 1) / max(cell, 1))
        let rows = (items.count + perLine - 1) / perLine
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            var column = 0
            while row + column * rows < items.count {
                let item = items[row + column * rows]
                let isLast = row + (column + 1) * rows >= items.count
                line += isLast ? item : item + String(repeating: " ", count: max(0, cell - item.count))
                column += 1
            }
            lines.append(line)
        }
        return lines
    }
}
