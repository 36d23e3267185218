import LineEditor
import Testing

@Suite struct ParenthesisBalanceTests {
    @Test func countsOpenParentheses() {
        #expect(ParenthesisBalance.openCount("(module") == 1)
        #expect(ParenthesisBalance.openCount("(module (func (result i32)") == 2)
        #expect(ParenthesisBalance.openCount("(module (func))") == 0)
        #expect(ParenthesisBalance.openCount("(module))") == -1)
        #expect(ParenthesisBalance.openCount("") == 0)
    }

    @Test func continuesOnlyWhileOpen() {
        #expect(ParenthesisBalance.needsMore("(module\n  (func $f"))
        #expect(!ParenthesisBalance.needsMore("(module\n  (func $f)\n)"))
        #expect(!ParenthesisBalance.needsMore("(module))"))
        #expect(!ParenthesisBalance.needsMore("i32.const 1"))
    }

    @Test func ignoresParenthesesInStrings() {
        #expect(ParenthesisBalance.openCount(#"(data (i32.const 0) "(((")"#) == 0)
        #expect(ParenthesisBalance.openCount(#"(data "a\")" "#) == 1)  // escaped quote: still inside
        #expect(ParenthesisBalance.openCount(#"(export ")" (func 0))"#) == 0)
    }

    @Test func ignoresParenthesesInComments() {
        #expect(ParenthesisBalance.openCount("(module ;; ((( \n)") == 0)
        #expect(ParenthesisBalance.openCount("(module (; ) ) ;) (func))") == 0)
        #expect(ParenthesisBalance.openCount("(module (; (; nested ;) ) ;) )") == 0)
    }

    @Test func anOpenStringOrBlockCommentAsksForMore() {
        #expect(ParenthesisBalance.needsMore("(module (; unfinished"))
        #expect(ParenthesisBalance.needsMore(#"(data "unfinished"#) )
        // A string cannot span lines, so a newline ends the wait for it.
        #expect(ParenthesisBalance.openCount("(data \"abc\n)") == 0)
    }

    @Test func survivesArbitraryBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["(", ")", ";", "\"", "\\", "\n", "a", " ", "é"]
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<40, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let count = ParenthesisBalance.openCount(text)
            #expect(abs(count) <= length + 1)
        }
    }
}
