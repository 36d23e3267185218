import Testing
import WasmCore
import WasmVM
@testable import Debugger

@Suite struct BreakpointTests {
    @Test func breakpointAtFunctionReportsItsFirstInstruction() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact")
        guard case .code(let p) = bp.kind else { Issue.record("not a code breakpoint"); return }
        #expect(p.description == "$fact+0x1 (func 0, offset 0x82) at calls.wat:6")
        #expect(p.requestedOffset == nil)
        // The same function by export name and by index.
        let byExport = try s.setBreakpoint("fact")
        let byIndex = try s.setBreakpoint("#0")
        #expect(byExport.kind == bp.kind && byIndex.kind == bp.kind)
        #expect([bp.number, byExport.number, byIndex.number] == [1, 2, 3])
    }

    @Test func offsetsSlideForwardFromFoldedInstructions() throws {
        let s = try session()
        // 0xbb is `loop` in $fill: it has no stop point of its own, so the breakpoint lands
        // on the loop's first instruction.
        let bp = try s.setBreakpoint("*0xbb")
        guard case .code(let p) = bp.kind else { Issue.record("not a code breakpoint"); return }
        #expect(p.description == "$fill+0x5 (func 4, offset 0xbd) at calls.wat:38")
        #expect(p.requestedOffset == 0xbb)
        // Function + offset: $sum+0x3 is `local.get $x` at 0xf7 (the body starts at 0xf4).
        let q = try s.setBreakpoint("$sum+0x3")
        guard case .code(let p2) = q.kind else { return }
        #expect(p2.position.fileOffset == 0xf7)
        // WAT line: line 69 (`i32.add` of $sum) runs inside the folded run that starts with
        // `local.get $x` on line 67, so the breakpoint stops before that run.
        let r = try s.setBreakpoint("calls.wat:69")
        guard case .code(let p3) = r.kind else { return }
        #expect(p3.description == "$sum+0x3 (func 7, offset 0xf7) at calls.wat:67")
        #expect(p3.requestedOffset == 0xfb)
    }

    @Test func badLocationsAreClearErrors() throws {
        let s = try session()
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("$nope") }
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("*0x5") }
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("$sum+0x100") }
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("other.wat:3") }
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("#99") }
        do {
            try s.setBreakpoint("$nope")
        } catch let e as DebuggerError {
            // The closest names, never the whole list.
            #expect(e.message == "No function named \"$nope\".")
        }
        do {
            try s.setBreakpoint("$fatc")
        } catch let e as DebuggerError {
            #expect(e.message == "No function named \"$fatc\". Did you mean $fact?")
        }
    }

    /// A condition reads the selected frame, not the whole stack: building every frame at each
    /// hit made a conditional breakpoint in a recursion quadratic in its depth (fact(4000): 3
    /// minutes in a debug build; a fuzz-repl timeout). Now the run takes a fraction of a second;
    /// the limit below is far above that and far below the quadratic time.
    @Test func aConditionDeepInARecursionReadsOnlyTheFrameItNeeds() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact", condition: "$n == 2")
        let began = ContinuousClock.now
        let stop = try s.invoke("fact", [.i32(4_000)])
        #expect(ContinuousClock.now - began < .seconds(30))
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(try s.evaluate("$n") == .i32(2))
        // The frames above are all there to select, and expressions read the selected one.
        #expect(s.backtrace().count == 3_999)
        let outermost = try s.selectFrame(3_998)
        #expect(outermost.locals.first?.value == Value.i32(4_000))
        #expect(try s.evaluate("$n") == .i32(4_000))
        try s.selectFrame(5)
        #expect(try s.evaluate("$n") == .i32(7))
    }

    /// An `invoke` while stopped nests a call; a breakpoint whose command list invokes the
    /// function it stopped in would nest them without end (a fuzzed script). The session
    /// refuses the call past `maxNestedCalls` with a clear error and stays usable.
    @Test func nestedCallsStopAtTheLimitAndTheSessionGoesOn() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact")
        for _ in 0..<DebugSession.maxNestedCalls {
            #expect(try s.invoke("fact", [.i32(3)]).reason == .breakpoint(number: bp.number))
        }
        #expect(s.active.count == DebugSession.maxNestedCalls)
        do {
            _ = try s.invoke("fact", [.i32(3)])
            Issue.record("the call past the limit was made")
        } catch let e as DebuggerError {
            #expect(e.message.contains("the limit is \(DebugSession.maxNestedCalls)"))
        }
        #expect(s.active.count == DebugSession.maxNestedCalls)
        try s.delete([bp.number])
        s.kill()
        #expect(try s.invoke("fact", [.i32(5)]).reason == .returned(values: [.i32(120)]))
    }

    @Test func recursiveBreakpointCountsHitsAndHonoursAConditionOnALocal() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact", condition: "$n == 2")
        var stop = try s.invoke("fact", [.i32(5)])
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(try s.evaluate("$n") == .i32(2))
        // fact(5) → 4 → 3 → 2: only the call with n == 2 counts.
        #expect(s.breakpoint(bp.number)?.hitCount == 1)
        #expect(s.backtrace().count == 4)
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(120)]))

        // Unconditional: every level hits, in order 3, 2, 1.
        try s.setCondition(bp.number, nil)
        var seen: [Value] = []
        stop = try s.invoke("fact", [.i32(3)])
        while stop.reason == .breakpoint(number: bp.number) {
            seen.append(try s.evaluate("local[0]"))
            stop = try s.continueExecution()
        }
        #expect(seen == [.i32(3), .i32(2), .i32(1)])
        #expect(stop.reason == .returned(values: [.i32(6)]))
        #expect(s.breakpoint(bp.number)?.hitCount == 4)
    }

    @Test func ignoreCountsTemporaryAndDisabledBreakpoints() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact")
        try s.ignore(bp.number, count: 2)
        var stop = try s.invoke("fact", [.i32(4)])
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(try s.evaluate("$n") == .i32(2))
        try s.disable([bp.number])
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(24)]))

        let t = try s.setBreakpoint("$c", temporary: true)
        stop = try s.invoke("a", [.i32(1)])
        #expect(stop.reason == .breakpoint(number: t.number))
        #expect(s.breakpoint(t.number) == nil)
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(44)]))
        // a(1) = (c(2) = 20, 2; 20 + 2) * 2 = 44, and nothing stops a second time.
        stop = try s.invoke("a", [.i32(1)])
        #expect(stop.reason == .returned(values: [.i32(44)]))

        try s.enable([bp.number])
        try s.delete([bp.number])
        stop = try s.invoke("fact", [.i32(2)])
        #expect(stop.reason == .returned(values: [.i32(2)]))
        #expect(throws: DebuggerError.self) { try s.delete([42]) }
    }

    @Test func continueNIgnoresTheCurrentBreakpoint() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact")
        var stop = try s.invoke("fact", [.i32(5)])
        #expect(try s.evaluate("$n") == .i32(5))
        // Ignore this breakpoint 2 more times: n = 4 and 3 pass, n = 2 stops.
        stop = try s.continueExecution(3, from: stop)
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(try s.evaluate("$n") == .i32(2))
    }
}
