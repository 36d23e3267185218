/// Whether WAT/WAST text typed at the prompt needs more lines: it has an open `(` that is not
/// closed yet. Parentheses inside strings, `;;` line comments and `(; … ;)` block comments do
/// not count, as in the WAT lexer. This is the usual `continuation` predicate for `LineEditor`.
public enum ParenthesisBalance {
    /// The number of `(` still open at the end of `text` (negative if there are more `)` than
    /// `(`). A string or block comment still open at the end counts as one more open level, so
    /// the input continues until it is closed.
    public static func openCount(_ text: String) -> Int {
        var depth = 0
        var blockCommentDepth = 0
        var inString = false
        var escaped = false
        var inLineComment = false
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            index += 1
            if inLineComment {
                if byte == UInt8(ascii: "\n") { inLineComment = false }
                continue
            }
            if blockCommentDepth > 0 {
                if byte == UInt8(ascii: ";"), next == UInt8(ascii: ")") {
                    blockCommentDepth -= 1
                    index += 1
                } else if byte == UInt8(ascii: "("), next == UInt8(ascii: ";") {
                    blockCommentDepth += 1
                    index += 1
                }
                continue
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte == UInt8(ascii: "\n") {
                    // WAT strings cannot span lines; the lexer will report it. Stop waiting.
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: ";") where next == UInt8(ascii: ";"):
                inLineComment = true
                index += 1
            case UInt8(ascii: "(") where next == UInt8(ascii: ";"):
                blockCommentDepth = 1
                index += 1
            case UInt8(ascii: "("):
                depth &+= 1
            case UInt8(ascii: ")"):
                depth &-= 1
            default:
                break
            }
        }
        return depth + (blockCommentDepth > 0 || inString ? 1 : 0)
    }

    /// True when the input should continue on another line: some `(` is still open.
    public static func needsMore(_ text: String) -> Bool {
        openCount(text) > 0
    }
}
