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

/// The source bytes, copied once into memory this object owns and followed by zero bytes.
///
/// The lexer and the parser's keyword and identifier lookups read every byte of the text,
/// several times; they are the hot core of the assembler (a 6 MB module is 30 million byte
/// reads). Reading through this pointer skips the array's bounds check, and the 0 sentinel
/// lets the lexer's inner loops run without an end test (0 is neither an idchar nor trivia).
/// Every byte read is at an index in `0...count`: the loops stop at the sentinel, and each
/// read one or two bytes ahead happens only after the byte before it was found to be
/// non-zero (or after an explicit `index < count` check). Word reads (`word(at:length:)`)
/// start inside the text and end at most 8 bytes past it, inside the padding.
final class SourceText: @unchecked Sendable {
    /// Zero bytes after the text: the sentinel and room for one 8-byte load past the end.
    static let padding = 16
    /// `count + padding` bytes: the text, then zeros. Immutable after `init`.
    let base: UnsafePointer<UInt8>
    let count: Int

    init(_ bytes: [UInt8]) {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count + SourceText.padding)
        bytes.withUnsafeBufferPointer { b in
            if let from = b.baseAddress { buffer.initialize(from: from, count: b.count) }
        }
        (buffer + bytes.count).initialize(repeating: 0, count: SourceText.padding)
        base = UnsafePointer(buffer)
        count = bytes.count
    }

    deinit { UnsafeMutablePointer(mutating: base).deallocate() }

    /// The bytes `offset ..< offset + min(length, 8)` as a little-endian word, the rest zero.
    /// `offset < count`, or `offset <= count` with `length == 0`.
    @inline(__always)
    func word(at offset: Int, length: Int) -> UInt64 {
        let w = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
        return length >= 8 ? w : w & ((1 &<< UInt64(8 &* length)) &- 1)
    }

    /// A hash of the bytes `start ..< end` (a range of the text), a word at a time.
    @inline(__always)
    func hash(_ start: Int, _ end: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: end &- start) &* 0x9E37_79B9_7F4A_7C15
        var i = start
        repeat {
            h = (h ^ word(at: i, length: end &- i)) &* 0xFF51_AFD7_ED55_8CCD
            i &+= 8
        } while i < end
        return h ^ (h >> 32)
    }

    /// Whether the ranges `a ..< a + n` and `b ..< b + n` of the text hold the same bytes.
    @inline(__always)
    func equal(_ a: Int, _ b: Int, count n: Int) -> Bool {
        var i = 0
        while i < n {
            if word(at: a &+ i, length: n &- i) != word(at: b &+ i, length: n &- i) { return false }
            i &+= 8
        }
        return true
    }
}

/// The tokens of one source, and for each `(` the index of its `)`.
///
/// The lexer fills the storage with unchecked writes (below its own capacity checks); reads
/// are bounds-checked like an array's. Immutable once made.
final class TokenList: RandomAccessCollection, @unchecked Sendable {
    private let base: UnsafeMutablePointer<Token>
    /// For a `(` at index i, the index of its `)`; -1 for other tokens.
    private let partners: UnsafeMutablePointer<Int32>
    let count: Int

    /// Takes ownership of `base` and `partners` (allocated with `allocate(capacity:)`).
    fileprivate init(base: UnsafeMutablePointer<Token>, partners: UnsafeMutablePointer<Int32>, count: Int) {
        self.base = base
        self.partners = partners
        self.count = count
    }

    deinit {
        base.deallocate()
        partners.deallocate()
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always) subscript(i: Int) -> Token {
        precondition(i >= 0 && i < count, "token index out of range")
        return base[i]
    }

    /// The index of the `)` matching the `(` at `i`; -1 when token `i` is not a `(`.
    @inline(__always) func partner(_ i: Int) -> Int {
        precondition(i >= 0 && i < count, "token index out of range")
        return Int(partners[i])
    }
}

/// The growing storage the lexer appends to, turned into a `TokenList` at the end.
private struct TokenWriter {
    var base: UnsafeMutablePointer<Token>
    var partners: UnsafeMutablePointer<Int32>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
        partners = .allocate(capacity: self.capacity)
    }

    /// The innermost `(` not closed yet, -1 when none. Each open `(` keeps the one enclosing
    /// it in its partner slot until its `)` replaces that with the `)`'s index.
    var innermostOpen: Int32 = -1

    /// Appends `token` with `partner` and returns its index.
    @inline(__always)
    private mutating func append(_ token: Token, partner: Int32) -> Int32 {
        if count == capacity { grow() }
        // count < capacity here: the write is inside the allocation.
        base[count] = token
        partners[count] = partner
        count &+= 1
        return Int32(truncatingIfNeeded: count &- 1)
    }

    /// Appends a token other than `(` and `)`.
    @inline(__always)
    mutating func append(_ token: Token) {
        _ = append(token, partner: -1)
    }

    /// Appends a `(`.
    @inline(__always)
    mutating func open(_ token: Token) {
        innermostOpen = append(token, partner: innermostOpen)
    }

    /// Appends a `)` and pairs it with the innermost open `(`; false when there is none.
    @inline(__always)
    mutating func close(_ token: Token) -> Bool {
        let o = innermostOpen
        guard o >= 0 else { return false }
        let k = append(token, partner: -1)
        // o < k: both slots are inside the allocation.
        innermostOpen = partners[Int(o)]
        partners[Int(o)] = k
        return true
    }

    @inline(never)
    private mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Token>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        let newPartners = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newPartners.moveInitialize(from: partners, count: count)
        partners.deallocate()
        partners = newPartners
        capacity = newCapacity
    }

    /// Hands the storage to a `TokenList`; the writer must not be used afterwards.
    func finish() -> TokenList { TokenList(base: base, partners: partners, count: count) }

    /// Frees the storage (when lexing fails); the writer must not be used afterwards.
    func discard() {
        base.deallocate()
        partners.deallocate()
    }
}

/// The tokens of one source.
struct TokenStream: Sendable {
    var bytes: [UInt8]
    /// The same bytes, for the unchecked reads of the hot paths (see `SourceText`).
    var source: SourceText
    var tokens: TokenList
    var file: String
    /// Line and column of byte 0 (a module cut out of a script starts mid-file).
    var baseLine: Int
    var baseColumn: Int

    /// The index of the `)` matching the `(` at token `i`; -1 for other tokens.
    @inline(__always) func matching(_ i: Int) -> Int { tokens.partner(i) }
}

struct Lexer {
    private let bytes: [UInt8]
    private let text: SourceText
    /// `text.base`: valid for reads at `0...count` (see `SourceText`).
    private let src: UnsafePointer<UInt8>
    private let count: Int
    private let file: String
    private var index = 0
    private var line: Int32
    /// The column of byte offset `o` is `o - columnOrigin` (updated at each newline; on the
    /// first line it includes the column the text starts at).
    private var columnOrigin: Int
    private let baseLine: Int
    private let baseColumn: Int

    private init(bytes: [UInt8], text: SourceText, file: String, line: Int, column: Int) {
        self.bytes = bytes
        self.text = text
        self.src = text.base
        self.count = text.count
        self.file = file
        self.line = Int32(truncatingIfNeeded: line)
        self.baseLine = line
        self.baseColumn = column
        self.columnOrigin = -column
    }

    /// Whether `b` is an idchar (spec §6.3.5: letters, digits and ``!#$%&'*+-./:<=>?@\^_`|~``),
    /// as two 64-bit masks over the ASCII range.
    @inline(__always)
    static func isIdchar(_ b: UInt8) -> Bool {
        if b < 64 { return (0xF7FF_ECFA_0000_0000 as UInt64) >> UInt64(b) & 1 != 0 }
        if b < 128 { return (0x57FF_FFFF_D7FF_FFFF as UInt64) >> UInt64(b &- 64) & 1 != 0 }
        return false
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
        let text = SourceText(bytes)
        var lexer = Lexer(bytes: bytes, text: text, file: file, line: line, column: column)
        // About one token per four bytes in typical text; the writer grows when needed.
        var writer = TokenWriter(capacity: bytes.count / 4)
        // The fast path: blanks, idchar runs and parentheses, with the position in locals.
        // Everything else goes through `next()`. Reads stay in `0...count` as `SourceText`
        // explains: the loops stop at the 0 sentinel, `src[i + 1]` follows a non-zero byte.
        let src = text.base
        let classes = Lexer.byteClasses
        var i = 0
        var tokenLine = lexer.line
        var columnOrigin = lexer.columnOrigin
        while true {
            let b = src[i]
            var c = classes[Int(b)]
            if c & (ByteClass.blank | ByteClass.newline) != 0 {
                repeat {
                    if c == ByteClass.newline {
                        tokenLine &+= 1
                        columnOrigin = i
                    }
                    i &+= 1
                    c = classes[Int(src[i])]
                } while c & (ByteClass.blank | ByteClass.newline) != 0
                continue
            }
            let tokenColumn = Int32(truncatingIfNeeded: i &- columnOrigin)
            if c & ByteClass.idchar != 0 {
                let start = i
                i &+= 1
                while classes[Int(src[i])] & ByteClass.idchar != 0 { i &+= 1 }
                let stop = src[i]
                if classes[Int(stop)] & ByteClass.joins == 0
                    || (stop == UInt8(ascii: ";") && src[i &+ 1] == UInt8(ascii: ";")) {
                    let kind: Token.Kind = b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? .keyword
                        : b != UInt8(ascii: "$") ? .atom : i &- start > 1 ? .id : .reserved
                    writer.append(Token(kind: kind, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: i),
                                        line: tokenLine, column: tokenColumn))
                    continue
                }
                i = start   // a run mixed with strings or reserved characters: next() lexes it
            } else if b == UInt8(ascii: "(") {
                let after = src[i &+ 1]
                if after != UInt8(ascii: ";")
                    && !(after == UInt8(ascii: "@") && classes[Int(src[i &+ 2])] & ByteClass.idchar != 0) {
                    writer.open(Token(kind: .lparen, start: Int32(truncatingIfNeeded: i), end: Int32(truncatingIfNeeded: i &+ 1),
                                      line: tokenLine, column: tokenColumn))
                    i &+= 1
                    continue
                }
            } else if b == UInt8(ascii: ")") {
                let token = Token(kind: .rparen, start: Int32(truncatingIfNeeded: i), end: Int32(truncatingIfNeeded: i &+ 1),
                                  line: tokenLine, column: tokenColumn)
                guard writer.close(token) else {
                    writer.discard()
                    throw lexer.error("unexpected ')': no '(' to close", at: i)
                }
                i &+= 1
                continue
            }
            // Comments, annotations, strings, reserved tokens, the end and errors.
            lexer.index = i
            lexer.line = tokenLine
            lexer.columnOrigin = columnOrigin
            let token: Token
            do {
                token = try lexer.next()
            } catch {
                writer.discard()
                throw error
            }
            i = lexer.index
            tokenLine = lexer.line
            columnOrigin = lexer.columnOrigin
            switch token.kind {
            case .lparen:
                writer.open(token)
            case .rparen:
                guard writer.close(token) else {
                    writer.discard()
                    throw lexer.error("unexpected ')': no '(' to close", at: Int(token.start))
                }
            case .eof:
                writer.append(token)
                let open = writer.innermostOpen
                let stream = TokenStream(bytes: bytes, source: text, tokens: writer.finish(), file: file,
                                         baseLine: line, baseColumn: column)
                if open >= 0 {
                    let tokens = stream.tokens
                    if let (culprit, next) = stream.likelyUnclosedDefinition() {
                        let t = tokens[next]
                        throw lexer.error("unclosed '(': missing ')' before the \(stream.text(tokens[next + 1])) at \(t.line):\(t.column)",
                                          at: Int(tokens[culprit].start))
                    }
                    throw lexer.error("unclosed '(': missing ')' before the end of the input",
                                      at: Int(tokens[Int(open)].start))
                }
                return stream
            default:
                writer.append(token)
            }
        }
    }

    /// Bits of `byteClasses`.
    private enum ByteClass {
        static let idchar: UInt8 = 1
        /// Space, tab and CR.
        static let blank: UInt8 = 2
        static let newline: UInt8 = 4
        /// Bytes that continue a token after an idchar run (`"` `,` `;` `[` `]` `{` `}`;
        /// `;;` starts a comment instead).
        static let joins: UInt8 = 8
    }

    /// The class bits of each byte value, for the fast path of `tokenize`.
    private static let byteClasses: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            var c: UInt8 = isIdchar(UInt8(b)) ? ByteClass.idchar : 0
            switch UInt8(b) {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): c |= ByteClass.blank
            case UInt8(ascii: "\n"): c |= ByteClass.newline
            case UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"): c |= ByteClass.joins
            default: break
            }
            table[b] = c
        }
        return UnsafePointer(table)   // lives as long as the process, like any global
    }()

    @inline(__always)
    private mutating func newline(at offset: Int) {
        line &+= 1
        columnOrigin = offset
    }

    /// Skips whitespace, comments and annotations. Stops at the sentinel.
    @inline(__always)
    private mutating func skipTrivia() throws(WatError) {
        while true {
            let b = src[index]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                newline(at: index)
                index += 1
            case UInt8(ascii: ";"):
                // b is not the sentinel, so index + 1 <= count.
                guard src[index + 1] == UInt8(ascii: ";") else { return }
                skipLineComment()
            case UInt8(ascii: "("):
                let c = src[index + 1]
                if c == UInt8(ascii: ";") {
                    try skipBlockComment()
                } else if c == UInt8(ascii: "@"), Lexer.isIdchar(src[index + 2]) {
                    try skipAnnotation()
                } else {
                    return
                }
            default:
                return
            }
        }
    }

    /// A line comment ends at LF or CR (the text format's newline is either), or at the end.
    @inline(never)
    private mutating func skipLineComment() {
        while index < count {
            let c = src[index]
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { return }
            index += 1
        }
    }

    @inline(never)
    private mutating func skipBlockComment() throws(WatError) {
        let start = index
        var depth = 0
        while index < count {
            let b = src[index]
            if b == UInt8(ascii: "("), src[index + 1] == UInt8(ascii: ";") {
                depth += 1
                index += 2
            } else if b == UInt8(ascii: ";"), src[index + 1] == UInt8(ascii: ")") {
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
    @inline(never)
    private mutating func skipAnnotation() throws(WatError) {
        let start = index
        index += 2
        var depth = 1
        while depth > 0 {
            try skipTrivia()
            guard index < count else { throw error("unterminated annotation", at: start) }
            let b = src[index]
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
        while index < count {
            let b = src[index]
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
                guard index + 1 < count else { break }
                let e = src[index + 1]
                switch e {
                case UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "\""),
                     UInt8(ascii: "'"), UInt8(ascii: "\\"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 2 < count, src[index + 2] == UInt8(ascii: "{") else {
                        throw error("illegal escape: \\u must be followed by {hex}", at: index)
                    }
                    var j = index + 3
                    var value: UInt32 = 0
                    var digits = 0
                    var lastUnderscore = false
                    while j < count, src[j] != UInt8(ascii: "}") {
                        if src[j] == UInt8(ascii: "_"), digits > 0, !lastUnderscore {
                            lastUnderscore = true
                            j += 1
                            continue
                        }
                        guard let d = hexDigitValue(src[j]) else {
                            throw error("illegal escape: bad hex digit in \\u{…}", at: j)
                        }
                        lastUnderscore = false
                        value = value > 0x10FFFF ? value : (value << 4) | UInt32(d)
                        digits += 1
                        j += 1
                    }
                    guard j < count, digits > 0, !lastUnderscore,
                          value < 0xD800 || (value >= 0xE000 && value <= 0x10FFFF) else {
                        throw error("illegal escape: invalid Unicode scalar in \\u{…}", at: index)
                    }
                    index = j + 1
                default:
                    guard index + 2 < count, hexDigitValue(e) != nil,
                          hexDigitValue(src[index + 2]) != nil else {
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

    @inline(__always)
    private func token(_ kind: Token.Kind, _ start: Int, _ end: Int, _ line: Int32, _ column: Int32) -> Token {
        Token(kind: kind, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end),
              line: line, column: column)
    }

    /// Whether byte `b` at `i` would continue a token past a run of idchars (a string or a
    /// reserved character; `;;` starts a comment instead). `i < count` when `b` is not 0.
    @inline(__always)
    private func continuesToken(_ b: UInt8, at i: Int) -> Bool {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "{"), UInt8(ascii: "}"):
            return true
        case UInt8(ascii: ";"):
            return src[i + 1] != UInt8(ascii: ";")
        default:
            return false
        }
    }

    @inline(__always)
    mutating func next() throws(WatError) -> Token {
        try skipTrivia()
        let start = index
        let column = Int32(truncatingIfNeeded: start - columnOrigin)
        guard start < count else { return token(.eof, start, start, line, column) }
        let first = src[start]
        if first == UInt8(ascii: "(") {
            index += 1
            return token(.lparen, start, index, line, column)
        }
        if first == UInt8(ascii: ")") {
            index += 1
            return token(.rparen, start, index, line, column)
        }
        // The common case: a run of idchars (the sentinel ends it) followed by something
        // that is not part of the token.
        var i = start
        while Lexer.isIdchar(src[i]) { i += 1 }
        if i > start && !continuesToken(src[i], at: i) {
            index = i
            if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { return token(.keyword, start, i, line, column) }
            if first == UInt8(ascii: "$") {
                return token(i - start > 1 ? .id : .reserved, start, i, line, column)
            }
            return token(.atom, start, i, line, column)
        }
        return try mixedToken(start: start, line: line, column: column)
    }

    /// A maximal run of idchars, strings and reserved characters that is not a plain idchar run.
    @inline(never)
    private mutating func mixedToken(start: Int, line: Int32, column: Int32) throws(WatError) -> Token {
        index = start
        var idchars = 0, strings = 0, others = 0
        while index < count {
            let b = src[index]
            if Lexer.isIdchar(b) {
                idchars += 1
                index += 1
            } else if b == UInt8(ascii: "\"") {
                strings += 1
                try scanString()
            } else if b == UInt8(ascii: ";") {
                if src[index + 1] == UInt8(ascii: ";") { break }
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
            let first = src[start]
            throw error(first >= 0x80 ? "unexpected non-ASCII character" : "unexpected character", at: start)
        }
        let first = src[start]
        if strings == 1 && idchars == 0 && others == 0 { return token(.string, start, index, line, column) }
        if strings > 0 || others > 0 { return token(.reserved, start, index, line, column) }
        if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { return token(.keyword, start, index, line, column) }
        if first == UInt8(ascii: "$") && index - start > 1 { return token(.id, start, index, line, column) }
        if first == UInt8(ascii: "$") { return token(.reserved, start, index, line, column) }
        return token(.atom, start, index, line, column)
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
