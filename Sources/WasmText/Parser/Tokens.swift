/// Tokens and the source they point into: what the lexer produces and the parser reads.

struct Token: Sendable {
    enum Kind: UInt8, Sendable {
        case lparen, rparen
        /// An idchar run that starts with a lowercase letter (`i32.add`, `offset=4`, `nan:0x1`).
        case keyword
        /// `$name`, or a quoted identifier `$"…"` (its name is in `TokenStream.quotedNames`).
        case id
        /// Any other idchar run: numbers (`-0x1p3`, `1_000`), `+inf`, or junk.
        case atom
        case string
        /// Anything else the spec calls reserved (mixed strings and idchars, `,`, `[`...).
        case reserved
        /// A whole annotation wdb interprets (`(@custom …)`, `(@name …)`,
        /// `(@metadata.code.branch_hint …)`), parentheses included; others are skipped.
        case annotation
        case eof
    }

    var kind: Kind
    /// Byte range in the source. Line and column come from `TokenStream.position(of:)`:
    /// keeping them out of the token makes it 12 bytes instead of 20, and a big module has
    /// millions of tokens.
    var start: Int32
    var end: Int32
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
    /// `count + padding` bytes: the text, then zeros; then, when the text has quoted
    /// identifiers, their decoded names (`names`) and another `padding` zeros. Immutable
    /// after `init`.
    let base: UnsafePointer<UInt8>
    let count: Int
    /// Where the decoded names of quoted identifiers start (`count + padding`).
    var namesStart: Int { count + SourceText.padding }

    /// `names`: the decoded names of the text's quoted identifiers, one after the other. They
    /// live in the same buffer as the text so that a name lookup compares byte ranges of one
    /// buffer whether the identifier was written `$abc` or `$"abc"`.
    init(_ bytes: [UInt8], names: [UInt8] = []) {
        let total = bytes.count + SourceText.padding + (names.isEmpty ? 0 : names.count + SourceText.padding)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: total)
        bytes.withUnsafeBufferPointer { b in
            if let from = b.baseAddress { buffer.initialize(from: from, count: b.count) }
        }
        (buffer + bytes.count).initialize(repeating: 0, count: SourceText.padding)
        if !names.isEmpty {
            let at = buffer + bytes.count + SourceText.padding
            names.withUnsafeBufferPointer { b in
                if let from = b.baseAddress { at.initialize(from: from, count: b.count) }
            }
            (at + names.count).initialize(repeating: 0, count: SourceText.padding)
        }
        base = UnsafePointer(buffer)
        count = bytes.count
    }

    /// The bytes `start ..< end` of the buffer (text or decoded names) as a string.
    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: max(0, end - start)), as: UTF8.self)
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
    init(base: UnsafeMutablePointer<Token>, partners: UnsafeMutablePointer<Int32>, count: Int) {
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
struct TokenWriter {
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
    var lines: LineTable
    /// For each quoted identifier `$"…"`, keyed by its token's start: the range of its decoded
    /// name in `source` (after the text, see `SourceText`).
    var quotedNames: [Int32: (start: Int32, end: Int32)] = [:]
    /// Line and column of byte 0 (a module cut out of a script starts mid-file).
    var baseLine: Int { lines.baseLine }
    var baseColumn: Int { lines.baseColumn }

    /// The index of the `)` matching the `(` at token `i`; -1 for other tokens.
    @inline(__always) func matching(_ i: Int) -> Int { tokens.partner(i) }

    /// The line and column (1-based, in bytes) where token `t` starts.
    func position(of t: Token) -> (line: Int, column: Int) { lines.position(of: Int(t.start)) }

    /// The range in `source` of the name an `.id` token denotes, without the `$`: the token's
    /// own bytes, or for `$"…"` its decoded name. `$abc` and `$"abc"` give equal bytes.
    @inline(__always)
    func nameRange(_ t: Token) -> (start: Int, end: Int) {
        let start = Int(t.start) &+ 1
        // An id token is at least 2 bytes, so `start` is inside the text.
        if source.base[start] != UInt8(ascii: "\"") { return (start, Int(t.end)) }
        guard let range = quotedNames[t.start] else { return (start, Int(t.end)) }
        return (Int(range.start), Int(range.end))
    }

    /// The name an `.id` token denotes, without the `$` (decoded for `$"…"`).
    func name(_ t: Token) -> String {
        let (start, end) = nameRange(t)
        return source.string(start, end)
    }
}

/// Where the lines of a source start, to turn byte offsets into lines and columns.
struct LineTable: Sendable {
    /// The offset of each line's first byte; `starts[0] == 0`.
    var starts: [Int32] = [0]
    /// Line and column of byte 0.
    let baseLine: Int
    let baseColumn: Int

    init(baseLine: Int, baseColumn: Int) {
        self.baseLine = baseLine
        self.baseColumn = baseColumn
    }

    /// The index in `starts` of the line holding byte `offset`.
    func lineIndex(of offset: Int) -> Int {
        var low = 0, high = starts.count - 1   // starts[low] <= offset < starts[high + 1]
        while low < high {
            let mid = (low + high + 1) / 2
            if Int(starts[mid]) <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Line and column of byte `offset` when it is on the line with index `k`.
    @inline(__always)
    func position(of offset: Int, onLine k: Int) -> (line: Int, column: Int) {
        let column = offset - Int(starts[k]) + 1
        return (baseLine + k, k == 0 ? column + baseColumn - 1 : column)
    }

    func position(of offset: Int) -> (line: Int, column: Int) {
        position(of: offset, onLine: lineIndex(of: offset))
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

    /// Whether token `t` spells exactly `word` (a runtime string, e.g. a type keyword).
    func equals(_ t: Token, string word: String) -> Bool {
        let n = Int(t.end - t.start)
        guard n == word.utf8.count else { return false }
        var i = Int(t.start)
        for b in word.utf8 {
            if bytes[i] != b { return false }
            i += 1
        }
        return true
    }

    /// Whether token `t` ends with `suffix` (ASCII).
    func hasSuffix(_ t: Token, _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard Int(t.end - t.start) >= n else { return false }
        let p = suffix.utf8Start
        let start = Int(t.end) - n
        for i in 0..<n where bytes[start + i] != p[i] { return false }
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
        TokenStream.decodeString(bytes, from: Int(t.start), to: Int(t.end))
    }

    /// The bytes of the string literal `bytes[from ..< to]` (quotes included; the lexer has
    /// checked its escapes), escapes decoded.
    static func decodeString(_ bytes: [UInt8], from: Int, to: Int) -> [UInt8] {
        var out: [UInt8] = []
        var i = from + 1
        let end = to - 1
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
