import Testing
import WasmCore
@testable import WasmText

/// Errors print as `file:line:col: error: message`, the source line, and carets under the
/// offending token, like wabt.
@Suite struct ErrorFormatTests {
    /// Assembles `text` (validating) and returns the error it must produce.
    func failure(_ text: String) -> WatError? {
        do {
            _ = try WatAssembler.assemble(text, file: "t.wat")
            return nil
        } catch {
            return error
        }
    }

    /// The caret line of an error's description.
    func caretLine(_ e: WatError) -> String {
        String(e.description.split(separator: "\n", omittingEmptySubsequences: false).last ?? "")
    }

    @Test func typoInMnemonicSuggestsTheClosest() throws {
        let e = try #require(failure("(module\n  (func (result i32)\n    (i32.cosnt 1)))\n"))
        #expect(e.kind == .malformed)
        #expect(e.location.line == 3)
        #expect(e.location.column == 6)
        #expect(e.message.contains("did you mean i32.const?"))
        #expect(e.description == """
            t.wat:3:6: error: unknown operator i32.cosnt (did you mean i32.const?)
                (i32.cosnt 1)))
                 ^^^^^^^^^
            """)
    }

    @Test func typeMismatchPointsAtTheInstruction() throws {
        let text = "(module\n  (func (result i32)\n    (i32.add (i32.const 1)\n             (i64.const 2))))\n"
        let e = try #require(failure(text))
        #expect(e.kind == .invalid)
        #expect(e.location.line == 3)
        #expect(e.location.column == 6)
        #expect(e.sourceLine == "    (i32.add (i32.const 1)")
        #expect(caretLine(e) == "     ^^^^^^^")
    }

    @Test func unknownLabel() throws {
        let e = try #require(failure("(module (func\n  (block $out\n    (br $oops))))"))
        #expect(e.kind == .malformed)
        #expect(e.location.line == 3)
        #expect(e.location.column == 9)
        #expect(e.message == "unknown label $oops")
        #expect(caretLine(e) == "        ^^^^^")
    }

    @Test func duplicateIdentifier() throws {
        let e = try #require(failure("(module\n  (func $f)\n  (global $g i32 (i32.const 0))\n  (func $f))"))
        #expect(e.location.line == 4)
        #expect(e.location.column == 9)
        #expect(e.message == "duplicate func $f")
        #expect(caretLine(e) == "        ^^")
    }

    @Test func unterminatedString() throws {
        let e = try #require(failure("(module\n  (memory 1)\n  (data (i32.const 0) \"abc\n  ))"))
        #expect(e.location.line == 3)
        #expect(e.location.column == 23)
        #expect(e.message.hasPrefix("unterminated string"))
        #expect(e.sourceLine == "  (data (i32.const 0) \"abc")
        #expect(caretLine(e) == "                      ^")
    }

    @Test func unbalancedParentheses() throws {
        let open = try #require(failure("(module\n  (func $f\n    nop)\n"))
        #expect(open.location.line == 1)
        #expect(open.location.column == 1)
        #expect(open.message.contains("missing ')'"))
        #expect(caretLine(open) == "^")

        // A function missing its `)` swallows the next field: blame the function.
        let swallowed = try #require(failure("(module\n  (func $f\n    nop\n  (func $g)\n  (memory 1))\n"))
        #expect(swallowed.location.line == 2)
        #expect(swallowed.location.column == 3)
        #expect(swallowed.message.contains("before the func at 4:3"))

        let extra = try #require(failure("(module\n  (func nop))\n)"))
        #expect(extra.location.line == 3)
        #expect(extra.location.column == 1)
        #expect(caretLine(extra) == "^")
    }

    @Test func errorsInsideAScriptUseTheScriptsPositions() throws {
        let script = "(assert_return (invoke \"f\") (i32.const 1))\n  (module (func (i32.add)) (func (result i32) (i64.const 0)))\n"
        let directives = try WastParser.parse(script, file: "s.wast")
        guard case .module(let module) = directives[1].command else {
            Issue.record("expected a module command")
            return
        }
        #expect(module.location.line == 2 && module.location.column == 3)
        do {
            _ = try WatAssembler.assemble(module)
            Issue.record("the module must not validate")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.location.file == "s.wast")
            #expect(error.location.line == 2)
            // The instruction at fault is i32.add (col 18) or the second function's end.
            #expect(error.location.column == 18 || error.location.column == 60)
            let caret = caretLine(error)
            #expect(caret.count == error.location.column - 1 + caret.filter { $0 == "^" }.count)
        }
    }

    @Test func caretLinesUpUnderTabsAndNonASCII() throws {
        let e = try #require(failure("(module\n\t(data \"\u{e9}t\u{e9}\") (bogus))"))
        #expect(e.location.line == 2)
        #expect(e.location.column == 18)          // bytes, like wabt
        #expect(caretLine(e) == "\t              ^^^^^")
    }

    @Test func longLinesAreCutAroundTheColumn() throws {
        let padding = String(repeating: " (nop)", count: 30)
        let e = try #require(failure("(module (func\(padding) (i32.bogus)))"))
        #expect(e.sourceLine.count <= WatError.maxShownLine + 6)
        #expect(e.sourceLine.hasPrefix("..."))
        let caret = caretLine(e)
        let column = caret.count - caret.filter { $0 == "^" }.count
        let shown = Array(e.sourceLine.utf8)
        #expect(String(decoding: shown[column..<column + 9], as: UTF8.self) == "i32.bogus")
    }
}

/// Validation errors about module-level items point at the field that defines them.
@Suite struct FieldErrorLocationTests {
    func failure(_ text: String) -> WatError? {
        do {
            _ = try WatAssembler.assemble(text, file: "t.wat")
            return nil
        } catch {
            return error
        }
    }

    @Test func globalInitializer() throws {
        let e = try #require(failure("(module\n  (global i32 (i32.const 0))\n  (global $g i32 (i64.const 1)))"))
        #expect(e.kind == .invalid)
        #expect(e.location.line == 3 && e.location.column == 4)
    }

    @Test func dataAndElementSegments() throws {
        let data = try #require(failure("(module (memory 1)\n  (data (i32.const 0) \"a\")\n  (data (i64.const 0) \"b\"))"))
        #expect(data.location.line == 3 && data.location.column == 4)
        let elem = try #require(failure("(module (table 1 funcref) (func)\n  (elem (i32.const 0) func 0)\n  (elem (i32.const 0) func 7))"))
        #expect(elem.location.line == 3 && elem.location.column == 4)
    }

    @Test func startAndExports() throws {
        let start = try #require(failure("(module\n  (func (param i32))\n  (start 0))"))
        #expect(start.location.line == 3)
        let export = try #require(failure("(module (func)\n  (export \"a\" (func 0))\n  (export \"a\" (func 0)))"))
        #expect(export.location.line == 3)   // the duplicate
    }
}
