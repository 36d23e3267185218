/// Errors of the WAT/WAST front end, printed as wabt prints them:
///
///     file.wat:3:17: error: unknown operator "i32.cosnt" (did you mean i32.const?)
///       (func (i32.cosnt 1))
///              ^^^^^^^^^
///
/// `kind` tells a malformed text (lexing, parsing, an undefined name) from an invalid module
/// (the validator's verdict) and from a malformed binary (a `module binary` in a script).

public struct WatError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The text does not follow the grammar (spec: `assert_malformed`).
        case malformed
        /// The module parsed but does not validate (spec: `assert_invalid`).
        case invalid
        /// A binary module failed to decode.
        case malformedBinary
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation
    /// The text of the source line (may be shortened around the column, with `...`).
    public var sourceLine: String
    /// 1-based position of the caret within `sourceLine`, counted in Unicode scalars (so it
    /// lines up under non-ASCII text; `location.column` counts bytes, as wabt does).
    public var caretColumn: Int
    /// How many `^` to print (the token's length, at least 1).
    public var caretLength: Int

    public init(kind: Kind = .malformed, message: String, location: SourceLocation,
                sourceLine: String = "", caretColumn: Int = 0, caretLength: Int = 1) {
        self.kind = kind
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
        self.caretColumn = caretColumn
        self.caretLength = caretLength
    }

    /// `file:line:col: error: message` then, when known, the source line and the caret.
    public var description: String {
        var text = "\(location.file):\(location.line):\(location.column): error: \(message)"
        if caretColumn > 0 {
            text += "\n" + sourceLine + "\n"
            // Tabs are repeated so the caret lands under the same place on any tab width.
            for scalar in sourceLine.unicodeScalars.prefix(caretColumn - 1) {
                text += scalar == "\t" ? "\t" : " "
            }
            text += String(repeating: " ", count: max(0, caretColumn - 1 - sourceLine.unicodeScalars.count))
            text += String(repeating: "^", count: max(1, caretLength))
        }
        return text
    }

    /// The longest source line shown; longer lines are cut around the column like wabt does.
    static let maxShownLine = 80

    /// An error at byte `offset` of `bytes`, whose byte 0 sits at `baseLine:baseColumn`.
    static func at(_ message: String, bytes: [UInt8], offset: Int, length: Int = 1, file: String,
                   baseLine: Int, baseColumn: Int, kind: Kind = .malformed) -> WatError {
        let offset = min(max(0, offset), bytes.count)
        var lineStart = offset
        while lineStart > 0 && bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") && bytes[lineEnd] != UInt8(ascii: "\r") {
            lineEnd += 1
        }
        var line = baseLine
        var i = 0
        while i < lineStart {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
        let firstLine = line == baseLine
        let column = offset - lineStart + 1 + (firstLine ? baseColumn - 1 : 0)
        var shown = Array(bytes[lineStart..<lineEnd])
        var caret = offset - lineStart + 1
        if firstLine && baseColumn > 1 {
            // A module cut out of a script: pad so the caret lines up with the file's column.
            shown = [UInt8](repeating: UInt8(ascii: " "), count: baseColumn - 1) + shown
            caret += baseColumn - 1
        }
        var span = max(1, min(length, lineEnd - offset))
        (shown, caret) = clip(shown, caret: caret)
        span = min(span, max(1, shown.count - caret + 1))
        // Bytes to scalars: count only the bytes that begin a UTF-8 sequence.
        func scalars(_ bytes: ArraySlice<UInt8>) -> Int { bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
        let caretBytes = min(max(0, caret - 1), shown.count)
        let caretScalars = scalars(shown[..<caretBytes]) + 1 + max(0, caret - 1 - shown.count)
        let spanScalars = max(1, scalars(shown[caretBytes..<min(shown.count, caretBytes + span)]))
        return WatError(kind: kind, message: message,
                        location: SourceLocation(file: file, line: line, column: column),
                        sourceLine: String(decoding: shown, as: UTF8.self), caretColumn: caretScalars,
                        caretLength: spanScalars)
    }

    /// Shortens a long line to a window around the caret, marking cuts with `...`.
    static func clip(_ line: [UInt8], caret: Int) -> ([UInt8], Int) {
        guard line.count > maxShownLine else { return (line, caret) }
        var start = max(0, caret - 1 - maxShownLine / 2)
        start = min(start, line.count - (maxShownLine - 6))
        start = max(0, start)
        let end = min(line.count, start + maxShownLine - 6)
        var out: [UInt8] = []
        var newCaret = caret - start
        if start > 0 {
            out += Array("...".utf8)
            newCaret += 3
        }
        out += line[start..<end]
        if end < line.count { out += Array("...".utf8) }
        return (out, newCaret)
    }
}
