import Testing
import WasmCore
import WasmVM
@testable import Debugger

@Suite struct SteppingTests {
    @Test func finishOutOfAThreeDeepCallReturnsTheValues() throws {
        let s = try session()
        try s.setBreakpoint("$c")
        var stop = try s.invoke("a", [.i32(4)])
        #expect(stop.at == "$c+0x1 (func 1, offset 0x9a) at calls.wat:20")
        #expect(s.backtrace().map(\.description) == [
            "#0 $c+0x1 (func 1, offset 0x9a) at calls.wat:20",
            "#1 $b+0x6 (func 2, offset 0xa9) at calls.wat:28",
            "#2 $a+0x3 (func 3, offset 0xb1) at calls.wat:32",
        ])
        // c(5) returns (50, 5).
        stop = try s.finish()
        #expect(stop.reason == .finished(values: [.i32(50), .i32(5)]))
        #expect(stop.at == "$b+0x8 (func 2, offset 0xab) at calls.wat:29")
        stop = try s.finish()
        #expect(stop.reason == .finished(values: [.i32(55)]))
        #expect(stop.at == "$a+0x5 (func 3, offset 0xb3) at calls.wat:33")
        #expect(throws: DebuggerError.self) { try s.finish() }
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(110)]))
    }

    @Test func finishInARecursionStopsAtTheRightDepth() throws {
        let s = try session()
        let bp = try s.setBreakpoint("$fact", condition: "$n == 1")
        var stop = try s.invoke("fact", [.i32(4)])
        #expect(stop.reason == .breakpoint(number: bp.number))
        try s.delete()
        stop = try s.finish()
        // fact(1) returns to the frame where n == 2, not to an outer one.
        #expect(stop.reason == .finished(values: [.i32(1)]))
        #expect(try s.evaluate("$n") == .i32(2))
        #expect(s.backtrace().count == 3)
        // Finish of an outer selected frame (up 1): back in the frame where n == 4.
        try s.up()
        stop = try s.finish()
        #expect(stop.reason == .finished(values: [.i32(6)]))
        #expect(try s.evaluate("$n") == .i32(4))
    }

    @Test func nextOverACallThatHitsABreakpointStopsInside() throws {
        let s = try session()
        try s.setBreakpoint("$a")
        let inner = try s.setBreakpoint("$c")
        // The call takes its `local.get` argument itself (Compiler+Calls.swift): $a's first
        // stop point is the call, with the argument on the stack.
        var stop = try s.invoke("a", [.i32(1)])
        #expect(stop.at == "$a+0x3 (func 3, offset 0xb1) at calls.wat:32")
        #expect(try s.operandStack() == [.i32(1)])
        stop = try s.next()
        #expect(stop.reason == .breakpoint(number: inner.number))
        #expect(stop.at == "$c+0x1 (func 1, offset 0x9a) at calls.wat:20")
        // Without the inner breakpoint, next steps over the whole call.
        try s.delete([inner.number])
        stop = try s.invoke("a", [.i32(1)])
        stop = try s.next()
        #expect(stop.reason == .stepDone)
        #expect(stop.at == "$a+0x5 (func 3, offset 0xb3) at calls.wat:33")
        #expect(try s.operandStack() == [.i32(22)])
    }

    @Test func stepEntersCallsAndStepiGoesByStopPoint() throws {
        let s = try session()
        try s.setBreakpoint("calls.wat:28")
        var stop = try s.invoke("a", [.i32(1)])
        #expect(stop.at == "$b+0x6 (func 2, offset 0xa9) at calls.wat:28")
        stop = try s.step()
        #expect(stop.at == "$c+0x1 (func 1, offset 0x9a) at calls.wat:20")
        // `local.get $x; i32.const 10; i32.mul` is one folded run: one stepi.
        stop = try s.stepInstruction()
        #expect(stop.at == "$c+0x6 (func 1, offset 0x9f) at calls.wat:23")
        #expect(try s.operandStack() == [.i32(20)])
        stop = try s.stepInstruction()
        #expect(stop.at == "$c+0x8 (func 1, offset 0xa1) at calls.wat:23")
        #expect(try s.operandStack() == [.i32(20), .i32(2)])
        // The last stepi of $c returns to $b after the call.
        stop = try s.stepInstruction()
        #expect(stop.at == "$b+0x8 (func 2, offset 0xab) at calls.wat:29")
        #expect(try s.operandStack() == [.i32(20), .i32(2)])
    }

    @Test func nextiStepsOverCalls() throws {
        let s = try session()
        try s.setBreakpoint("*0xb1")
        var stop = try s.invoke("a", [.i32(2)])
        stop = try s.nextInstruction()
        #expect(stop.at == "$a+0x5 (func 3, offset 0xb3) at calls.wat:33")
        #expect(try s.operandStack() == [.i32(33)])
    }

    @Test func untilLeavesALoopAndAdvanceRunsToALocation() throws {
        let s = try session()
        // The br_if at the bottom of $fill's loop runs in the folded run that starts with
        // `local.get $i` (0xc8) and increments $i: the breakpoint stops before it.
        try s.setBreakpoint("*0xd2")
        var stop = try s.invoke("fill", [.i32(5)])
        #expect(stop.at == "$fill+0x10 (func 4, offset 0xc8) at calls.wat:43")
        #expect(try s.evaluate("$i") == .i32(0))
        stop = try s.until()
        // Without going back into the loop: the next stop is after it (the function's end).
        #expect(stop.reason == .stepDone)
        #expect(stop.at == "$fill+0x1d (func 4, offset 0xd5) at calls.wat:50")
        #expect(try s.evaluate("$i") == .i32(5))
        _ = try s.continueExecution()

        try s.delete()
        stop = try s.invoke("fill", [.i32(3)])
        #expect(stop.reason == .returned(values: []))
        try s.setBreakpoint("$fill")
        stop = try s.invoke("fill", [.i32(3)])
        stop = try s.advance("*0xc8")
        #expect(stop.reason == .stepDone)
        #expect(stop.at == "$fill+0x10 (func 4, offset 0xc8) at calls.wat:43")
        #expect(try s.readMemory(0x100, count: 4) == [0, 0, 0, 0])
    }

    /// A stack entry that is a folded `local.get` still waiting for its consumer shows the
    /// local's value; writing it is refused with a message (the local is what to change).
    @Test func aFoldedReadOnTheStackIsShownButNotWritable() throws {
        let s = DebugSession()
        try s.load(wat: """
        (module
          (func (export "alias") (param i32 i32) (result i32)
            (local.get 0) (local.get 1) (i32.eqz) (i32.add)))
        """, file: "alias.wat")
        try s.setBreakpoint("alias")
        _ = try s.invoke("alias", [.i32(7), .i32(0)])
        _ = try s.stepInstruction()
        // At the i32.add: local 0 (still pending) under eqz's result.
        #expect(try s.operandStack() == [.i32(7), .i32(1)])
        do {
            try s.setVariable("stack[1] = 3")
            Issue.record("expected the write to be refused")
        } catch {
            #expect("\(error)".contains("folded local.get"))
        }
        try s.setVariable("stack[0] = 5")
        #expect(try s.continueExecution().reason == .returned(values: [.i32(12)]))
    }

    @Test func changingALocalChangesTheResult() throws {
        let s = try session()
        try s.setBreakpoint("*0xfe")   // after local.set $k in $sum
        var stop = try s.invoke("sum", [.i32(2), .i32(3)])
        #expect(try s.evaluate("$k") == .i32(5))
        try s.setVariable("$k = 7")
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(49)]))
        // local[N], a stack slot and a global.
        stop = try s.invoke("sum", [.i32(2), .i32(3)])
        try s.setVariable("local[2] = i32:-1")
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(1)]))
        // In $b after `call $c`, the stack holds c's results (20, 2 for a(1)); b returns their
        // sum. stack[0] is the top: 20 + 10 = 30, and a doubles it.
        try s.setBreakpoint("*0xab")
        stop = try s.invoke("a", [.i32(1)])
        #expect(try s.operandStack() == [.i32(20), .i32(2)])
        try s.setVariable("stack[0] = 10")
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(60)]))
        try s.setVariable("$counter = 41")
        #expect(s.globals().first?.value == .i32(41))
        #expect(throws: (any Error).self) { try s.setVariable("$k = 1") }
    }

    @Test func runStartAndStartiStopAtStart() throws {
        let s = try session()
        // `i32.const 3; call $a`: the constant is the call's argument, so the first stop point
        // is the call.
        var stop = try s.start()
        #expect(stop.at == "$main+0x3 (func 8, offset 0x108) at calls.wat:76")
        stop = try s.next()
        #expect(stop.at == "$main+0x6 (func 8, offset 0x10b) at calls.wat:77")
        stop = try s.continueExecution()
        #expect(stop.reason == .exited(code: 0))
        try s.setBreakpoint("$b")
        stop = try s.run()
        #expect(stop.reason == .breakpoint(number: 1))
        #expect(try s.frameArguments().map(\.name) == ["$x"])
        stop = try s.restart()
        #expect(stop.reason == .breakpoint(number: 1))
        s.kill()
        #expect(!s.isRunning)
        #expect(throws: DebuggerError.self) { try s.continueExecution() }
        stop = try s.starti()
        #expect(stop.at == "$main+0x3 (func 8, offset 0x108) at calls.wat:76")
    }

    /// As gdb: when a user breakpoint sits where `start` stops, the stop is that breakpoint.
    @Test func startReportsAUserBreakpointOnStartsFirstInstruction() throws {
        let s = try session()
        let bp = try s.setBreakpoint("_start")
        var stop = try s.start()
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(stop.at == "$main+0x3 (func 8, offset 0x108) at calls.wat:76")
        #expect(s.breakpoint(bp.number)?.hitCount == 1)
        // Continuing runs the first instruction instead of reporting the breakpoint again.
        stop = try s.continueExecution()
        #expect(stop.reason == .exited(code: 0))
        stop = try s.starti()
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(s.breakpoint(bp.number)?.hitCount == 2)
        // A condition that fails leaves start's own stop; a breakpoint elsewhere is not reported.
        try s.setCondition(bp.number, "global[0] == 99")
        let other = try s.setBreakpoint("$a")
        stop = try s.start()
        #expect(stop.reason == .stepDone)
        #expect(stop.at == "$main+0x3 (func 8, offset 0x108) at calls.wat:76")
        #expect(s.breakpoint(bp.number)?.hitCount == 2)
        stop = try s.continueExecution()
        #expect(stop.reason == .breakpoint(number: other.number))
        // A temporary breakpoint there is reported once and deleted.
        try s.delete()
        let t = try s.setBreakpoint("$main", temporary: true)
        stop = try s.start()
        #expect(stop.reason == .breakpoint(number: t.number))
        #expect(s.breakpoint(t.number) == nil)
        stop = try s.start()
        #expect(stop.reason == .stepDone)
    }
}
