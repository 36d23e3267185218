import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// GC references in the debugger (Docs/debugging.md, "GC values"): printed with the module's
/// type and field names, reached into by `print $p.x` and `print $arr[3]`, and stable across a
/// collection.
@Suite struct HeapValueTests {
    /// Stopped at line 13 of gc.wat, after every local was set.
    func stopped() throws -> DebugSession {
        let s = try session("gc.wat")
        try s.setBreakpoint("13")
        _ = try s.invoke("f", [])
        return s
    }

    @Test func objectsPrintWithTypeAndFieldNames() throws {
        let s = try stopped()
        #expect(s.describe(try s.evaluate("$p")) == "(ref $point) {x = i32:1, y = f64:2.5}")
        #expect(s.describe(try s.evaluate("$a")) == "(ref $arr) [12] {i32:7, i32:7, i32:7, i32:42, i32:7, i32:7, i32:7, i32:7, i32:7, i32:7, …}")
        #expect(s.describe(try s.evaluate("$i")) == "i31:5")
        let n = s.describe(try s.evaluate("$n"))
        #expect(n.hasPrefix("(ref $node) {v = i32:1, next = (ref $node) #"))
        // A typed null shows its declared type.
        let locals = try s.locals()
        let q = try #require(locals.first { $0.name == "$q" })
        #expect(s.describe(q.value, type: q.type) == "(ref null $point) null")
        #expect(s.describe(try s.evaluate("$q"), type: s.declaredType(of: "$q")) == "(ref null $point) null")
    }

    @Test func printReachesIntoFieldsAndElements() throws {
        let s = try stopped()
        #expect(try s.evaluate("$p.x") == .i32(1))
        #expect(try s.evaluate("$p.y") == .double(2.5))
        #expect(try s.evaluate("$p.1") == .double(2.5))
        #expect(try s.evaluate("$a[3]") == .i32(42))
        #expect(try s.evaluate("$a[1 + 2] + 1") == .i32(43))
        #expect(try s.evaluate("$n.next.v") == .i32(2))
        #expect(s.describe(try s.evaluate("$n.next")) == "(ref $node) {v = i32:2, next = (ref null $node) null}")
        #expect(throws: (any Error).self) { try s.evaluate("$p.z") }
        #expect(throws: (any Error).self) { try s.evaluate("$a[12]") }
        #expect(throws: (any Error).self) { try s.evaluate("$q.x") }
    }

    @Test func referencesStayEqualAcrossACollection() throws {
        let s = try stopped()
        let before = try s.evaluate("$n")
        let text = s.describe(before)
        s.debuggee?.collectGarbage()
        #expect(try s.evaluate("$n") == before)
        #expect(s.describe(try s.evaluate("$n")) == text)
    }
}
