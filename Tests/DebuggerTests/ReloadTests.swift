import Foundation
import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// `reload(wat:file:)`: a new version of the module's text keeps the breakpoints of functions
/// whose index and body did not change.
@Suite struct ReloadTests {
    static let base = """
        (module
          (func $one (export "one") (result i32) (i32.const 1))
          (func $two (export "two") (result i32) (i32.const 2)))
        """

    @Test func breakpointsInUnchangedFunctionsMoveWithTheCode() throws {
        let s = DebugSession()
        try s.load(wat: Self.base, file: "m.wat")
        let bp = try s.setBreakpoint("$two", condition: "1 == 1")
        guard case .code(let before) = bp.kind else { Issue.record("not a code breakpoint"); return }
        // A new function before the closing parenthesis grows the type and code sections.
        let grown = String(Self.base.dropLast()) + "\n  (func $three (export \"three\") (param i64) (result i64) (local.get 0)))"
        let deleted = try s.reload(wat: grown, file: "m.wat")
        #expect(deleted.isEmpty)
        let kept = try #require(s.breakpoint(bp.number))
        guard case .code(let after) = kept.kind else { Issue.record("not a code breakpoint"); return }
        #expect(after.position.functionIndex == before.position.functionIndex)
        #expect(after.position.fileOffset != before.position.fileOffset)
        #expect(kept.condition == "1 == 1")
        // It is armed in the new instance: invoking stops there.
        let stop = try s.invoke("two", [])
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(stop.position == after)
    }

    @Test func breakpointsOfChangedFunctionsAreResolvedAgainByName() throws {
        let s = DebugSession()
        try s.load(wat: Self.base, file: "m.wat")
        let bp = try s.setBreakpoint("$one")
        // An imported function shifts every defined function's index.
        let shifted = Self.base.replacingOccurrences(of: "(module\n", with: "(module\n  (import \"env\" \"f\" (func))\n")
        s.importProvider = { _, runtime, _ in
            var imports = Imports()
            let f = runtime.makeFunction(HostFunction(type: FuncType(params: [], results: [])) { _, _ in [] })
            imports.define("env", "f", .function(f))
            return imports
        }
        #expect(try s.reload(wat: shifted, file: "m.wat").isEmpty)
        let kept = try #require(s.breakpoint(bp.number))
        guard case .code(let after) = kept.kind else { Issue.record("not a code breakpoint"); return }
        #expect(after.position.functionIndex == 1)  // moved from 0: the import comes first
        #expect(try s.invoke("one", []).reason == .breakpoint(number: bp.number))
    }

    @Test func breakpointsThatNoLongerResolveAreDeletedWithTheReason() throws {
        let s = DebugSession()
        try s.load(wat: Self.base, file: "m.wat")
        let byName = try s.setBreakpoint("$two")
        let byOffset = try s.setBreakpoint("$one")
        guard case .code(let one) = byOffset.kind else { Issue.record("not a code breakpoint"); return }
        let raw = try s.setBreakpoint("*0x" + String(one.position.fileOffset, radix: 16))
        // $two is gone and $one's body changed: the raw offset cannot follow it.
        let changed = """
            (module
              (func $one (export "one") (result i32) (i32.const 7) (drop) (i32.const 1)))
            """
        let dropped = try s.reload(wat: changed, file: "m.wat")
        #expect(dropped == [byName.number, raw.number])
        #expect(s.breakpoint(byOffset.number) != nil)
        #expect(s.droppedBreakpoints.first?.reason.contains("two") == true, "\(s.droppedBreakpoints)")
    }
}
