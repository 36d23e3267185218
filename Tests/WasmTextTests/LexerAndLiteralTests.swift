import Testing
import WasmCore
@testable import WasmText

@Suite struct LexerTests {
    func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(Array(text.utf8), file: "t").tokens.map(\.kind)
    }

    @Test func commentsAndAnnotationsAreSkipped() throws {
        let k = try kinds("(module ;; line\n (; block (; nested ;) still ;) (@a \"x\" (a b)) $m)")
        #expect(k == [.lparen, .keyword, .id, .rparen, .eof])
    }

    @Test func tokensCarryLineAndColumn() throws {
        let stream = try Lexer.tokenize(Array("(func\n  (i32.const 0x10))".utf8), file: "t")
        let t = stream.tokens[3]
        #expect(stream.text(t) == "i32.const")
        #expect(stream.position(of: t) == (2, 4))
        #expect(stream.matching(0) == 6 && stream.matching(2) == 5 && stream.matching(1) == -1)
    }

    @Test func mixedRunsAreReserved() throws {
        #expect(try kinds("$l\"a\" 0\"x\" \"a\"\"b\" a,b") == [.reserved, .reserved, .reserved, .reserved, .eof])
        #expect(try kinds("$x nan:0x1 -inf \"s\" 1_000") == [.id, .keyword, .atom, .string, .atom, .eof])
    }

    @Test func stringEscapes() throws {
        let stream = try Lexer.tokenize(Array(#""\t\n\r\"\'\\\41\u{48}\u{1F600}é""#.utf8), file: "t")
        let expected: [UInt8] = [9, 10, 13, 34, 39, 92, 0x41, 0x48, 0xF0, 0x9F, 0x98, 0x80, 0xC3, 0xA9]
        #expect(stream.stringValue(stream.tokens[0]) == expected)
    }

    /// The lexer's bit masks against the spec's list of idchars (§6.3.5).
    @Test func idcharMasksMatchTheSpec() {
        var spec = Set<UInt8>()
        for range in [UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                      UInt8(ascii: "a")...UInt8(ascii: "z")] { spec.formUnion(range) }
        spec.formUnion("!#$%&'*+-./:<=>?@\\^_`|~".utf8)
        for b in 0...255 {
            #expect(Lexer.isIdchar(UInt8(b)) == spec.contains(UInt8(b)), "byte \(b)")
        }
    }

    /// Tokens and comments that run up to the last byte, and 0 bytes inside the text (the
    /// lexer's end sentinel is a 0 byte too).
    @Test func endOfInputAndZeroBytes() throws {
        #expect(try kinds("$x") == [.id, .eof])
        #expect(try kinds("i32.add") == [.keyword, .eof])
        #expect(try kinds("a;") == [.reserved, .eof])
        #expect(try kinds("a;;") == [.keyword, .eof])
        #expect(try kinds("$") == [.reserved, .eof])
        #expect(try kinds("1 ;; comment") == [.atom, .eof])
        #expect(try kinds("1 ;; zero \u{0} in a comment\n2") == [.atom, .atom, .eof])
        #expect(try kinds("(; \u{0} ;)") == [.eof])
        for bad in ["a\u{0}", "\u{0}", "\"\u{0}\"", "(@", "(@a", "\"", "(;"] {
            #expect(throws: WatError.self, "\(Array(bad.utf8))") { try Lexer.tokenize(Array(bad.utf8), file: "t") }
        }
        let stream = try Lexer.tokenize(Array("x\n  $y".utf8), file: "t")
        #expect(stream.position(of: stream.tokens[1]) == (2, 3) && stream.tokens[2].kind == .eof)
    }

    /// More tokens than the storage reserves at first (one per two bytes): it grows, and
    /// the parentheses still match.
    @Test func denseTextGrowsTheTokenStorage() throws {
        let depth = 700
        let text = String(repeating: "(", count: depth) + String(repeating: "()", count: 500) + String(repeating: ")", count: depth)
        let stream = try Lexer.tokenize(Array(text.utf8), file: "t")
        #expect(stream.tokens.count == 2 * depth + 1000 + 1)
        for i in 0..<depth { #expect(stream.matching(i) == 2 * depth + 1000 - 1 - i) }
        for k in 0..<500 { #expect(stream.matching(depth + 2 * k) == depth + 2 * k + 1) }
        #expect(stream.matching(stream.tokens.count - 1) == -1)
    }

    @Test func badStringsAndCommentsAreErrors() {
        for bad in ["\"abc", "\"a\\qb\"", "\"\\u{D800}\"", "\"\\u{110000}\"", "\"\\4\"", "(; open", "\"tab\u{7}\""] {
            #expect(throws: WatError.self) { try Lexer.tokenize(Array(bad.utf8), file: "t") }
        }
    }
}

@Suite struct LiteralTests {
    func int(_ s: String, _ bits: Int) -> UInt64? {
        let b = Array(s.utf8)
        if case .value(let v) = Literals.integer(b, 0, b.count, bits: bits) { return v }
        return nil
    }

    func f32(_ s: String) -> UInt32? {
        let b = Array(s.utf8)
        if case .value(let v) = Literals.float32(b, 0, b.count) { return v }
        return nil
    }

    func f64(_ s: String) -> UInt64? {
        let b = Array(s.utf8)
        if case .value(let v) = Literals.float64(b, 0, b.count) { return v }
        return nil
    }

    @Test func integers() {
        #expect(int("0x7fff_ffff", 32) == 0x7FFF_FFFF)
        #expect(int("-0x8000_0000", 32) == 0x8000_0000)
        #expect(int("4294967295", 32) == 0xFFFF_FFFF)
        #expect(int("+4294967295", 32) == 0xFFFF_FFFF)
        #expect(int("-1", 64) == UInt64.max)
        #expect(int("18446744073709551615", 64) == UInt64.max)
        #expect(int("4294967296", 32) == nil)
        #expect(int("-2147483649", 32) == nil)
        #expect(int("18446744073709551616", 64) == nil)
        for bad in ["1__0", "_1", "1_", "0x", "0x_1", "1a", "--1", "+"] { #expect(int(bad, 32) == nil) }
    }

    @Test func floats() {
        #expect(f32("1.5") == 0x3FC0_0000)
        #expect(f32("-0") == 0x8000_0000)
        #expect(f32("0x1p-149") == 1)
        #expect(f32("0x1.fffffep127") == 0x7F7F_FFFF)
        #expect(f32("inf") == 0x7F80_0000)
        #expect(f32("-nan") == 0xFFC0_0000)
        #expect(f32("nan:0x1") == 0x7F80_0001)
        #expect(f32("+nan:0x7f_ffff") == 0x7FFF_FFFF)
        #expect(f32("1_000.000_1") == Float(1000.0001).bitPattern)
        #expect(f32("1e38") == Float(1e38).bitPattern)
        #expect(f32("1.") == 0x3F80_0000)
        #expect(f32("0x1.p1") == 0x4000_0000)
        // Round to nearest, ties to even, on long inputs.
        #expect(f32("1.000000059604644775390625") == 0x3F80_0000)
        #expect(f32("1.00000005960464477550") == 0x3F80_0001)
        #expect(f64("0x1.fffffffffffff8p1023") == nil)       // rounds to infinity
        #expect(f64("4.9406564584124654e-324") == 1)
        #expect(f64("nan:0xf_ffff_ffff_ffff") == 0x7FFF_FFFF_FFFF_FFFF)
        for bad in ["nan:0x0", "nan:0x80_0000", "1e", "1.e+", ".5", "0x.1", "1__0.0", "1._5", "1e_5", "infinity", "0x1q1", "1e39"] {
            #expect(f32(bad) == nil, "\(bad)")
        }
    }

    @Test func editDistanceSuggestions() {
        #expect(Mnemonics.suggestion(for: "i32.cosnt") == "i32.const")
        #expect(Mnemonics.suggestion(for: "local.gte") == "local.get")
        #expect(Mnemonics.suggestion(for: "memory.szie") == "memory.size")
        #expect(Mnemonics.suggestion(for: "completely-unrelated-word") == nil)
        #expect(Mnemonics.editDistance(Array("kitten".utf8), Array("sitting".utf8)) == 3)
    }
}
