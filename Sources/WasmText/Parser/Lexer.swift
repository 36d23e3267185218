/// The WAT/WAST lexer (spec §6.2): turns UTF-8 bytes into tokens with line and column.
///
/// It works on bytes, never on `Character`s, because the spec test suite is megabytes of text.
/// Comments (`;; …`, nested `(; … ;)`) and annotations (`(@name …)`) are skipped. Tokens are
/// maximal runs of identifier characters and strings; a run that mixes them (`$l"a"`, `0"x"`)
/// becomes a `reserved` token that the parser rejects, as the spec demands.

struct Token: Sendable {
    enum Kind: UInt8, Sendable {
        case lparen, rparen
        /// An idchar run that starts with a lowercase letter (`i32.add`, `offset=4`, `nan:0x1`).
        case keyword
        /// `$name`.
        case id
        /// Any other idchar run: numbers (`-0x1p3`, `1_000`), `+inf`, or junk.
        case atom
        case string
        /// Anything else the spec calls reserved (mixed strings and idchars, `,`, `[`...).
        case reserved
        case eof
    }

    var kind: Kind
    /// Byte range in the source.
    var start: Int32
    var end: Int32
    var line: Int32
    var column: Int32
}

/// The tokens of one source, with the index of each `(`'s matching `)`.
struct TokenStream: Sendable {
    var bytes: [UInt8]
    var tokens: [Token]
    /// For each token index holding `(`, the index of its `)`; -1 for other tokens.
    var matching: [Int32]
    var file: String
    /// Line and column of byte 0 (a module cut out of a script starts mid-file).
    var baseLine: Int
    var baseColumn: Int
}

struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private var index = 0
    private var line: Int32
    private var lineStart = 0
    private let baseLine: Int
    private let baseColumn: Int
    /// A copy of `idcharTable`, so the hot loop does not go through the lazy global.
    private let idchar = Lexer.idcharTable

    init(bytes: [UInt8], file: String, line: Int = 1, column: Int = 1) {
        self.bytes = bytes
        self.file = file
        self.line = Int32(truncatingIfNeeded: line)
        self.baseLine = line
        self.baseColumn = column
    }

    /// Character class of each byte: bit 0 = idchar.
    private static let idcharTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = true }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = true }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = true }
        for c in "!#$%&'*+-./:<=>?@\\^_`|~".utf8 { table[Int(c)] = true }
        return table
    }()

    private func column(of offset: Int) -> Int32 {
        let col = offset - lineStart + 1
        // The first line of a cut-out module continues the enclosing file's line.
        let base = Int(line) == baseLine ? baseColumn - 1 : 0
        return Int32(truncatingIfNeeded: col + base)
    }

    private func error(_ message: String, at offset: Int) -> WatError {
        WatError.at(message, bytes: bytes, offset: offset, file: file, baseLine: baseLine,
                    baseColumn: baseColumn)
    }

    /// Tokenizes the whole source. Unbalanced parentheses are reported here.
    static func tokenize(_ bytes: [UInt8], file: String, line: Int = 1, column: Int = 1) throws(WatError) -> TokenStream {
        guard bytes.count < Int(Int32.max) else {
            // Token positions are 32-bit; a 2 GiB text is not a module anyone writes by hand.
            throw WatError(message: "input too large (\(bytes.count) bytes)", location: SourceLocation(file: file, line: line, column: column))
        }
        var lexer = Lexer(bytes: bytes, file: file, line: line, column: column)
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 4)
        var matching: [Int32] = []
        matching.reserveCapacity(bytes.count / 4)
        var open: [Int32] = []
        while true {
            let token = try lexer.next()
            let i = Int32(tokens.count)
            tokens.append(token)
            matching.append(-1)
            switch token.kind {
            case .lparen: open.append(i)
            case .rparen:
                guard let o = open.popLast() else {
                    throw lexer.error("unexpected ')': no '(' to close", at: Int(token.start))
                }
                matching[Int(o)] = i
            case .eof:
                if let o = open.last {
                    let stream = TokenStream(bytes: bytes, tokens: tokens, matching: matching, file: file,
                                             baseLine: line, baseColumn: column)
                    if let (culprit, next) = stream.likelyUnclosedDefinition() {
                        let t = tokens[next]
                        throw lexer.error("unclosed '(': missing ')' before the \(stream.text(tokens[next + 1])) at \(t.line):\(t.column)",
                                          at: Int(tokens[culprit].start))
                    }
                    throw lexer.error("unclosed '(': missing ')' before the end of the input",
                                      at: Int(tokens[Int(o)].start))
                }
                return TokenStream(bytes: bytes, tokens: tokens, matching: matching, file: file,
                                   baseLine: line, baseColumn: column)
            default: break
            }
        }
    }

    private mutating func newline(at offset: Int) {
        line &+= 1
        lineStart = offset + 1
    }

    /// Skips whitespace, comments and annotations.
    private mutating func skipTrivia() throws(WatError) {
        while index < bytes.count {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                newline(at: index)
                index += 1
            case UInt8(ascii: ";"):
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ";") else { return }
                // A line comment ends at LF or CR (the text format's newline is either).
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n")
                    && bytes[index] != UInt8(ascii: "\r") { index += 1 }
            case UInt8(ascii: "("):
                guard index + 1 < bytes.count else { return }
                if bytes[index + 1] == UInt8(ascii: ";") {
                    try skipBlockComment()
                } else if bytes[index + 1] == UInt8(ascii: "@"), index + 2 < bytes.count,
                          idchar[Int(bytes[index + 2])] {
                    try skipAnnotation()
                } else {
                    return
                }
            default:
                return
            }
        }
    }

    private mutating func skipBlockComment() throws(WatError) {
        let start = index
        var depth = 0
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "("), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ";") {
                depth += 1
                index += 2
            } else if b == UInt8(ascii: ";"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ")") {
                depth -= 1
                index += 2
                if depth == 0 { return }
            } else {
                if b == UInt8(ascii: "\n") { newline(at: index) }
                index += 1
            }
        }
        throw error("unterminated block comment", at: start)
    }

    /// `(@name …)`: skipped with its balanced contents (strings may hold parentheses).
    private mutating func skipAnnotation() throws(WatError) {
        let start = index
        index += 2
        var depth = 1
        while depth > 0 {
            try skipTrivia()
            guard index < bytes.count else { throw error("unterminated annotation", at: start) }
            let b = bytes[index]
            if b == UInt8(ascii: "(") {
                depth += 1
                index += 1
            } else if b == UInt8(ascii: ")") {
                depth -= 1
                index += 1
            } else if b == UInt8(ascii: "\"") {
                try scanString()
            } else {
                index += 1
            }
        }
    }

    /// Moves past a string literal starting at `index` (the opening quote), checking escapes.
    private mutating func scanString() throws(WatError) {
        let start = index
        index += 1
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if b == UInt8(ascii: "\n") || b < 0x20 || b == 0x7F {
                if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                    throw error("unterminated string: newline before the closing '\"'", at: start)
                }
                throw error("illegal control character in string", at: index)
            }
            if b == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { break }
                let e = bytes[index + 1]
                switch e {
                case UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "\""),
                     UInt8(ascii: "'"), UInt8(ascii: "\\"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "{") else {
                        throw error("illegal escape: \\u must be followed by {hex}", at: index)
                    }
                    var j = index + 3
                    var value: UInt32 = 0
                    var digits = 0
                    var lastUnderscore = false
                    while j < bytes.count, bytes[j] != UInt8(ascii: "}") {
                        if bytes[j] == UInt8(ascii: "_"), digits > 0, !lastUnderscore {
                            lastUnderscore = true
                            j += 1
                            continue
                        }
                        guard let d = hexDigitValue(bytes[j]) else {
                            throw error("illegal escape: bad hex digit in \\u{…}", at: j)
                        }
                        lastUnderscore = false
                        value = value > 0x10FFFF ? value : (value << 4) | UInt32(d)
                        digits += 1
                        j += 1
                    }
                    guard j < bytes.count, digits > 0, !lastUnderscore,
                          value < 0xD800 || (value >= 0xE000 && value <= 0x10FFFF) else {
                        throw error("illegal escape: invalid Unicode scalar in \\u{…}", at: index)
                    }
                    index = j + 1
                default:
                    guard index + 2 < bytes.count, hexDigitValue(e) != nil,
                          hexDigitValue(bytes[index + 2]) != nil else {
                        throw error("illegal escape", at: index)
                    }
                    index += 3
                }
                continue
            }
            index += 1
        }
        throw error("unterminated string: no closing '\"'", at: start)
    }

    mutating func next() throws(WatError) -> Token {
        try skipTrivia()
        let start = index
        let tokenLine = line
        let tokenColumn = column(of: start)
        func make(_ kind: Token.Kind) -> Token {
            Token(kind: kind, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: index),
                  line: tokenLine, column: tokenColumn)
        }
        guard index < bytes.count else { return make(.eof) }
        let first = bytes[index]
        if first == UInt8(ascii: "(") {
            index += 1
            return make(.lparen)
        }
        if first == UInt8(ascii: ")") {
            index += 1
            return make(.rparen)
        }
        // A maximal run of idchars, strings and reserved characters.
        var idchars = 0, strings = 0, others = 0
        while index < bytes.count {
            let b = bytes[index]
            if idchar[Int(b)] {
                idchars += 1
                index += 1
            } else if b == UInt8(ascii: "\"") {
                strings += 1
                try scanString()
            } else if b == UInt8(ascii: ";") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ";") { break }
                others += 1
                index += 1
            } else if b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
                        || b == UInt8(ascii: "{") || b == UInt8(ascii: "}") {
                others += 1
                index += 1
            } else {
                break
            }
        }
        if index == start {
            // Not a token character at all (a control character or non-ASCII byte).
            throw error(first >= 0x80 ? "unexpected non-ASCII character" : "unexpected character", at: start)
        }
        if strings == 1 && idchars == 0 && others == 0 { return make(.string) }
        if strings > 0 || others > 0 { return make(.reserved) }
        if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { return make(.keyword) }
        if first == UInt8(ascii: "$") && index - start > 1 { return make(.id) }
        if first == UInt8(ascii: "$") { return make(.reserved) }
        return make(.atom)
    }
}

@inline(__always)
func hexDigitValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
}

extension TokenStream {
    @inline(__always) func text(_ t: Token) -> String {
        String(decoding: bytes[Int(t.start)..<Int(t.end)], as: UTF8.self)
    }

    /// Whether token `t` spells exactly `literal` (ASCII).
    @inline(__always) func equals(_ t: Token, _ literal: StaticString) -> Bool {
        let n = Int(t.end - t.start)
        guard n == literal.utf8CodeUnitCount else { return false }
        let p = literal.utf8Start
        var i = 0
        let s = Int(t.start)
        while i < n {
            if bytes[s + i] != p[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether token `t` begins with `prefix` (ASCII).
    func hasPrefix(_ t: Token, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard Int(t.end - t.start) >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where bytes[Int(t.start) + i] != p[i] { return false }
        return true
    }

    /// The bytes a string token denotes, escapes decoded.
    func stringValue(_ t: Token) -> [UInt8] {
        var out: [UInt8] = []
        var i = Int(t.start) + 1
        let end = Int(t.end) - 1
        out.reserveCapacity(end - i)
        while i < end {
            let b = bytes[i]
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            switch e {
            case UInt8(ascii: "t"): out.append(9); i += 2
            case UInt8(ascii: "n"): out.append(10); i += 2
            case UInt8(ascii: "r"): out.append(13); i += 2
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): out.append(e); i += 2
            case UInt8(ascii: "u"):
                var j = i + 3
                var value: UInt32 = 0
                while j < end, bytes[j] != UInt8(ascii: "}") {
                    if let d = hexDigitValue(bytes[j]) { value = (value << 4) | UInt32(d) }
                    j += 1
                }
                if let scalar = Unicode.Scalar(value) { out.append(contentsOf: Array(String(Character(scalar)).utf8)) }
                i = j + 1
            default:
                out.append((hexDigitValue(e) ?? 0) << 4 | (hexDigitValue(bytes[i + 2]) ?? 0))
                i += 3
            }
        }
        return out
    }
}

extension TokenStream {
    /// When parentheses do not balance, the `(` that lacks its `)` is usually not the outermost
    /// one: a function missing its `)` swallows the fields after it. A list that cannot appear
    /// inside a function or global (`(func`, `(memory` …) reveals the definition left open.
    /// Returns that definition's `(` and the revealing `(`.
    func likelyUnclosedDefinition() -> (Int, Int)? {
        var stack: [(index: Int, isDefinition: Bool)] = []
        for (i, t) in tokens.enumerated() {
            if t.kind == .rparen {
                _ = stack.popLast()
                continue
            }
            guard t.kind == .lparen, i + 1 < tokens.count, tokens[i + 1].kind == .keyword else {
                if t.kind == .lparen { stack.append((i, false)) }
                continue
            }
            let k = tokens[i + 1]
            let isField = equals(k, "func") || equals(k, "memory") || equals(k, "table") || equals(k, "global")
                || equals(k, "elem") || equals(k, "data") || equals(k, "start")
            if isField, let open = stack.last(where: \.isDefinition) {
                return (open.index, i)
            }
            stack.append((i, equals(k, "func") || equals(k, "global")))
        }
        return nil
    }
}
