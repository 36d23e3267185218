/// The WAT/WAST lexer (spec §6.2): turns UTF-8 bytes into tokens (Tokens.swift).
///
/// It works on bytes, never on `Character`s, because the spec test suite is megabytes of text.
/// Comments (`;; …`, nested `(; … ;)`) and annotations (`(@id …)`) are skipped, except the
/// three wdb gives a meaning (`@custom`, `@name`, `@metadata.code.branch_hint`), which become
/// one `.annotation` token each. Tokens are maximal runs of identifier characters and strings;
/// `$"…"` is a quoted identifier; any other run that mixes them (`$l"a"`, `0"x"`) becomes a
/// `reserved` token that the parser rejects, as the spec demands.

struct Lexer {
    private let bytes: [UInt8]
    private let text: SourceText
    /// `text.base`: valid for reads at `0...count` (see `SourceText`).
    private let src: UnsafePointer<UInt8>
    private let count: Int
    private let file: String
    private var index = 0
    /// Where each line starts (offsets after each LF).
    private var lines: LineTable
    private let baseLine: Int
    private let baseColumn: Int
    /// The decoded names of the quoted identifiers met so far, one after the other, and for
    /// each (by token start) its range in that list.
    private var quotedNames: [UInt8] = []
    private var quotedRanges: [Int32: (start: Int32, end: Int32)] = [:]

    private init(bytes: [UInt8], text: SourceText, file: String, line: Int, column: Int) {
        self.bytes = bytes
        self.text = text
        self.src = text.base
        self.count = text.count
        self.file = file
        self.lines = LineTable(baseLine: line, baseColumn: column)
        self.baseLine = line
        self.baseColumn = column
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
        // Typical text has a token per four bytes, minified text up to one per two; the writer
        // grows (doubling) when even that is short. Pages of the allocation that no token
        // reaches are never touched, so reserving generously costs address space, not memory,
        // and saves the copy (and the page faults) of growing in the common case.
        var writer = TokenWriter(capacity: bytes.count / 2 + 16)
        // The fast path: blanks, idchar runs and parentheses, with the position in locals.
        // Everything else goes through `next()`. Reads stay in `0...count` as `SourceText`
        // explains: the loops stop at the 0 sentinel, `src[i + 1]` follows a non-zero byte.
        let src = text.base
        let classes = Lexer.byteClasses
        var i = 0
        while true {
            let b = src[i]
            var c = classes[Int(b)]
            if c & (ByteClass.blank | ByteClass.newline) != 0 {
                repeat {
                    if c == ByteClass.newline { lexer.lines.starts.append(Int32(truncatingIfNeeded: i &+ 1)) }
                    i &+= 1
                    c = classes[Int(src[i])]
                } while c & (ByteClass.blank | ByteClass.newline) != 0
                continue
            }
            if c & ByteClass.idchar != 0 {
                let start = i
                i &+= 1
                while classes[Int(src[i])] & ByteClass.idchar != 0 { i &+= 1 }
                let stop = src[i]
                if classes[Int(stop)] & ByteClass.joins == 0
                    || (stop == UInt8(ascii: ";") && src[i &+ 1] == UInt8(ascii: ";")) {
                    let kind: Token.Kind = b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? .keyword
                        : b != UInt8(ascii: "$") ? .atom : i &- start > 1 ? .id : .reserved
                    writer.append(Token(kind: kind, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: i)))
                    continue
                }
                i = start   // a run mixed with strings or reserved characters: next() lexes it
            } else if b == UInt8(ascii: "(") {
                let after = src[i &+ 1]
                if after != UInt8(ascii: ";")
                    && !(after == UInt8(ascii: "@") && (classes[Int(src[i &+ 2])] & ByteClass.idchar != 0
                                                        || src[i &+ 2] == UInt8(ascii: "\""))) {
                    writer.open(Token(kind: .lparen, start: Int32(truncatingIfNeeded: i), end: Int32(truncatingIfNeeded: i &+ 1)))
                    i &+= 1
                    continue
                }
            } else if b == UInt8(ascii: ")") {
                let token = Token(kind: .rparen, start: Int32(truncatingIfNeeded: i), end: Int32(truncatingIfNeeded: i &+ 1))
                guard writer.close(token) else {
                    writer.discard()
                    throw lexer.error("unexpected ')': no '(' to close", at: i)
                }
                i &+= 1
                continue
            }
            // Comments, annotations, strings, reserved tokens, the end and errors.
            lexer.index = i
            let token: Token
            do {
                token = try lexer.next()
            } catch {
                writer.discard()
                throw error
            }
            i = lexer.index
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
                var stream = TokenStream(bytes: bytes, source: text, tokens: writer.finish(), file: file,
                                         lines: lexer.lines)
                if !lexer.quotedRanges.isEmpty {
                    // The decoded names go after the text, in a buffer of their own copy.
                    guard bytes.count + 2 * SourceText.padding + lexer.quotedNames.count < Int(Int32.max) else {
                        throw WatError(message: "input too large (\(bytes.count) bytes)", location: SourceLocation(file: file, line: line, column: column))
                    }
                    let source = SourceText(bytes, names: lexer.quotedNames)
                    let base = Int32(source.namesStart)
                    stream.source = source
                    stream.quotedNames = lexer.quotedRanges.mapValues { (base + $0.start, base + $0.end) }
                }
                if open >= 0 {
                    let tokens = stream.tokens
                    if let (culprit, next) = stream.likelyUnclosedDefinition() {
                        let (line, column) = stream.position(of: tokens[next])
                        throw lexer.error("unclosed '(': missing ')' before the \(stream.text(tokens[next + 1])) at \(line):\(column)",
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
        lines.starts.append(Int32(truncatingIfNeeded: offset + 1))
    }

    /// Skips whitespace, comments and annotations. Stops at the sentinel.
    @inline(__always)
    private mutating func skipTrivia(annotations: Bool = true) throws(WatError) {
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
                } else if c == UInt8(ascii: "@") && annotations {
                    if isInterpretedAnnotation(at: index) { return }
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

    /// Whether the annotation at `start` (its `(`) is one wdb interprets rather than skips.
    private func isInterpretedAnnotation(at start: Int) -> Bool {
        annotationKind(at: start) != nil
    }

    /// The annotation ids wdb interprets, written plainly or quoted (`(@"custom" …)`).
    static let interpretedAnnotations = ["custom", "name", "metadata.code.branch_hint"]

    /// Which interpreted annotation starts at `start` (its `(`), if any.
    func annotationKind(at start: Int) -> String? {
        var i = start + 2
        var quoted = false
        if src[i] == UInt8(ascii: "\"") {
            quoted = true
            i += 1
        }
        for name in Lexer.interpretedAnnotations {
            let utf8 = Array(name.utf8)
            guard i + utf8.count <= count else { continue }
            var same = true
            for (k, b) in utf8.enumerated() where src[i + k] != b {
                same = false
                break
            }
            guard same else { continue }
            let after = src[i + utf8.count]
            if quoted ? after == UInt8(ascii: "\"") : !Lexer.isIdchar(after) { return name }
        }
        return nil
    }

    /// `(@name …)` or `(@"name" …)`: skipped with its balanced contents, which must be made
    /// of valid tokens: strings may hold anything, elsewhere only printable ASCII and
    /// whitespace are allowed (what the annotations proposal's tests check).
    @inline(never)
    private mutating func skipAnnotation() throws(WatError) {
        let start = index
        try annotationID(start: start)
        var depth = 1
        while depth > 0 {
            // Nested `(@…` inside an annotation is plain balanced tokens.
            try skipTrivia(annotations: false)
            guard index < count else { throw error("unclosed annotation", at: start) }
            let b = src[index]
            if b == UInt8(ascii: "(") {
                // Inside an annotation any balanced tokens may follow, `(@)` included.
                index += 1
                depth += 1
            } else if b == UInt8(ascii: ")") {
                depth -= 1
                index += 1
            } else if b == UInt8(ascii: "\"") {
                try scanString()
            } else if b < 0x20 || b >= 0x7F {
                if b >= 0x80 {
                    throw error("illegal character or malformed UTF-8 encoding (byte 0x\(String(b, radix: 16)) outside a string in an annotation)", at: index)
                }
                throw error("illegal character (byte 0x\(String(b, radix: 16)) in an annotation)", at: index)
            } else {
                index += 1
            }
        }
    }

    /// Moves past `(@` and the annotation's id; the id must not be empty.
    private mutating func annotationID(start: Int) throws(WatError) {
        index += 2
        if src[index] == UInt8(ascii: "\"") {
            let stringStart = index
            try scanString()
            if index - stringStart <= 2 { throw error("empty annotation id", at: start) }
            // A quoted id must not hold a line break either.
            for i in stringStart..<index where src[i] == UInt8(ascii: "\n") {
                throw error("empty annotation id (a line break in a quoted annotation id)", at: start)
            }
            let name = TokenStream.decodeString(bytes, from: stringStart, to: index)
            if name.isEmpty { throw error("empty annotation id", at: start) }
            guard String(validating: name, as: UTF8.self) != nil else {
                throw error("malformed UTF-8 encoding in annotation id", at: start)
            }
            return
        }
        guard index < count, Lexer.isIdchar(src[index]) else { throw error("empty annotation id", at: start) }
        while index < count, Lexer.isIdchar(src[index]) { index += 1 }
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
    private func token(_ kind: Token.Kind, _ start: Int, _ end: Int) -> Token {
        Token(kind: kind, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end))
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
        guard start < count else { return token(.eof, start, start) }
        let first = src[start]
        if first == UInt8(ascii: "(") {
            if src[start + 1] == UInt8(ascii: "@") {
                // skipTrivia stopped here: an annotation wdb interprets. Its contents are
                // checked like any annotation's; the parser reads them (Annotations.swift).
                try skipAnnotation()
                return token(.annotation, start, index)
            }
            index += 1
            return token(.lparen, start, index)
        }
        if first == UInt8(ascii: ")") {
            index += 1
            return token(.rparen, start, index)
        }
        // The common case: a run of idchars (the sentinel ends it) followed by something
        // that is not part of the token.
        var i = start
        while Lexer.isIdchar(src[i]) { i += 1 }
        if i > start && !continuesToken(src[i], at: i) {
            index = i
            if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { return token(.keyword, start, i) }
            if first == UInt8(ascii: "$") {
                return token(i - start > 1 ? .id : .reserved, start, i)
            }
            return token(.atom, start, i)
        }
        return try mixedToken(start: start)
    }

    /// A maximal run of idchars, strings and reserved characters that is not a plain idchar run.
    @inline(never)
    private mutating func mixedToken(start: Int) throws(WatError) -> Token {
        if src[start] == UInt8(ascii: "$"), src[start + 1] == UInt8(ascii: "\""),
           let quoted = try quotedIdentifier(start: start) {
            return quoted
        }
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
        if strings == 1 && idchars == 0 && others == 0 { return token(.string, start, index) }
        if strings > 0 || others > 0 { return token(.reserved, start, index) }
        if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { return token(.keyword, start, index) }
        if first == UInt8(ascii: "$") && index - start > 1 { return token(.id, start, index) }
        if first == UInt8(ascii: "$") { return token(.reserved, start, index) }
        return token(.atom, start, index)
    }
}

extension Lexer {
    /// `$"…"` (spec 3.0 §6.3.5): an identifier whose name is the string's contents, escapes
    /// decoded; it must be non-empty UTF-8. nil when the string is followed by more token
    /// characters (`$"a"b` is reserved). `index` ends after the token.
    fileprivate mutating func quotedIdentifier(start: Int) throws(WatError) -> Token? {
        index = start + 1
        try scanString()
        let end = index
        let next = src[end]
        if Lexer.isIdchar(next) || next == UInt8(ascii: "\"") || continuesToken(next, at: end) {
            return nil
        }
        let name = TokenStream.decodeString(bytes, from: start + 1, to: end)
        if name.isEmpty { throw error("empty identifier", at: start) }
        guard String(validating: name, as: UTF8.self) != nil else {
            throw error("malformed UTF-8 encoding in identifier", at: start)
        }
        let at = Int32(truncatingIfNeeded: quotedNames.count)
        quotedNames += name
        quotedRanges[Int32(truncatingIfNeeded: start)] = (at, Int32(truncatingIfNeeded: quotedNames.count))
        return token(.id, start, end)
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
