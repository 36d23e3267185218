import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// Calls take their `local.get`/constant arguments themselves (Compiler+Calls.swift): the stop
/// at a call shows them, stepping enters the callee, `finish` and `next` stop at the return
/// point before the `local.set` of the result runs.
@Suite struct CallStopTests {
    static let wat = """
    (module
      (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "f") (param $x i32) (result i32) (local $r i32)
        (local.set $r (call $add (local.get $x) (i32.const 10)))
        (local.set $r (call $add (local.get $r) (local.get $x)))
        (local.get $r)))
    """

    @Test func breakpointsAndFinishStopAtTheReturnPointsLocalSet() throws {
        let s = DebugSession()
        try s.load(wat: CallStopTests.wat, file: "calls.wat")
        var stop = try s.invoke("f", [.i32(5)])
        #expect(stop.reason == .returned(values: [.i32(20)]))
        // A breakpoint on the first call: the stack shows its arguments, read where they are.
        let call = try s.setBreakpoint("calls.wat:4")
        stop = try s.invoke("f", [.i32(5)])
        #expect(stop.reason == .breakpoint(number: call.number))
        #expect(try s.operandStack() == [.i32(5), .i32(10)])
        // Into the callee, then finish: back at the return point, before the local.set ran.
        stop = try s.step()
        #expect(stop.at?.hasPrefix("$add") == true)
        stop = try s.finish()
        #expect(stop.reason == .finished(values: [.i32(15)]))
        #expect(try s.evaluate("$r") == .i32(0))
        #expect(try s.operandStack() == [.i32(15)])
        // `next` runs the local.set, then steps over the second call (a temporary breakpoint
        // on its return point).
        try s.delete()
        stop = try s.next()
        #expect(try s.evaluate("$r") == .i32(15))
        stop = try s.next()
        #expect(try s.evaluate("$r") == .i32(20))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(20)]))
    }
}
