import Testing
@testable import DebuggerCommands

/// Where fields typed at the prompt go into a WAT module's text.
struct WatModuleTextTests {
    @Test func fieldsGoBeforeTheModulesClosingParenthesis() {
        let text = WatModuleText(base: "(module $m\n  (func $f))\n;; a comment (with parentheses)\n")
            .adding("(func $g (call $f))")
        let (composed, importLines, fieldLines) = text.composed()
        #expect(composed == "(module $m\n  (func $f)\n(func $g (call $f))\n)\n;; a comment (with parentheses)\n")
        #expect(importLines.isEmpty)
        #expect(fieldLines == [3])
    }

    @Test func importsGoAfterTheLastImportKeepingItsIndex() {
        let base = """
            (module
              (import "a" "b" (func $x))
              (func $y (import "a" "c"))
              (memory 1)
              (func $f))
            """
        let text = WatModuleText(base: base).adding("(func $g)").adding("(import \"e\" \"f\" (func $z))")
        let (composed, importLines, fieldLines) = text.composed()
        let lines = composed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[importLines[0] - 1] == "(import \"e\" \"f\" (func $z))")
        #expect(lines[fieldLines[0] - 1] == "(func $g)")
        #expect(importLines[0] == 4)
        #expect(lines[1] == "  (import \"a\" \"b\" (func $x))")
        #expect(lines[2] == "  (func $y (import \"a\" \"c\"))")
    }

    @Test func bareFieldsAndEmptyModules() {
        let bare = WatModuleText(base: "(memory 1)\n(func $f)").adding("(global $g i32 (i32.const 1))")
        #expect(bare.composed().text == "(memory 1)\n(func $f)\n(global $g i32 (i32.const 1))\n")
        let empty = WatModuleText(base: "(module)").adding("(import \"m\" \"n\" (func))").adding("(func)")
        #expect(empty.composed().text == "(module\n(import \"m\" \"n\" (func))\n\n(func)\n)")
    }

    @Test func stringsAndCommentsDoNotCountAsForms() {
        let base = "(module (data \"(import\\\" )\") (; (func) ;) (func $f))"
        let (imports, fields) = WatModuleText.insertionPoints(Array(base.utf8))
        #expect(imports == 8)  // no import in the module: before its first field, (data …)
        #expect(fields == base.utf8.count - 1)
        #expect(WatForms.scan(Array(base.utf8)).first?.children.map(\.keyword) == ["data", "func"])
    }

    @Test func titlesNameTheField() {
        #expect(WatModuleText.title(of: "(func $double (param i32))") == "func $double")
        #expect(WatModuleText.title(of: "(import \"env\" \"log\" (func))") == "import \"env\" \"log\"")
        #expect(WatModuleText.title(of: "(export \"x\" (func 0))") == "export \"x\"")
        #expect(WatModuleText.title(of: "(memory 1)") == "memory")
        #expect(WatModuleText.keyword(of: "  ( data (i32.const 0))") == "data")
        #expect(WatModuleText.keyword(of: "()") == nil)
    }
}
