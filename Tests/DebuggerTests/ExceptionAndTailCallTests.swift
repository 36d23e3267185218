import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// The debugger with tail calls (a frame replaced) and exceptions (frames unwound).
@Suite struct ExceptionAndTailCallTests {
    /// A tail call replaces its caller's frame in `bt`; `finish` in the callee returns to the
    /// caller of the function that made the tail call; `next` over it runs to that caller.
    @Test func tailCallsReplaceTheFrame() throws {
        let s = try session("tailcalls.wat")
        try s.setBreakpoint("$leaf")
        _ = try s.invoke("top", [.i32(5)])
        #expect(s.backtrace().map { $0.description.components(separatedBy: " ").first ?? "" }.joined(separator: " ")
                == "#0 #1")
        #expect(s.backtrace().map(\.functionIndex) == [0, 2])
        var stop = try s.finish()
        #expect(stop.reason == .finished(values: [.i32(110)]))
        #expect(stop.at?.hasPrefix("$top+") == true)
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(111)]))
        try s.delete()
        try s.setBreakpoint("$middle")
        _ = try s.invoke("top", [.i32(5)])
        _ = try s.stepInstruction()   // to the return_call
        stop = try s.next()
        #expect(stop.at?.hasPrefix("$top+") == true, "\(stop)")
        #expect(s.backtrace().count == 1)
        #expect(try s.continueExecution().reason == .returned(values: [.i32(111)]))
    }

    static let fixture = "../wasm/cpp-exceptions-exnref.wasm"

    /// `catch throw` stops before the throw with the tag and payload and the frames that will
    /// unwind; `stepi` from there lands in the handler; `catch catch` stops at the handler.
    @Test func exceptionCatchpointsAndSteppingAcrossAThrow() throws {
        let s = try session(Self.fixture)
        let thrown = try s.catchExceptions([], atCatch: false)
        var stop = try s.invoke("run", [.i32(5), .i32(10)])
        let info = ExceptionInfo(tag: "$__cpp_exception", payload: [.i32(1024)])
        #expect(stop.reason == .exception(number: thrown.number, caught: false, exception: info))
        #expect(s.backtrace().map(\.functionIndex) == [1, 4, 5, 6])
        // Across the throw: into $sum's cleanup handler, the two frames above it gone.
        stop = try s.stepInstruction()
        #expect(stop.reason == .stepDone)
        #expect(s.backtrace().map(\.functionIndex) == [5, 6])
        let caught = try s.catchExceptions(["__cpp_exception"], atCatch: true)
        stop = try s.continueExecution()   // the cleanup's throw_ref
        #expect(stop.reason == .exception(number: thrown.number, caught: false, exception: info))
        stop = try s.continueExecution()
        #expect(stop.reason == .exception(number: caught.number, caught: true, exception: info))
        #expect(s.backtrace().map(\.functionIndex) == [6])
        #expect(try s.continueExecution().reason == .returned(values: [.i32(999)]))
        // A tag filter that does not match lets the exception go.
        try s.delete()
        try s.catchExceptions(["other"], atCatch: false)
        #expect(try s.invoke("run", [.i32(5), .i32(10)]).reason == .returned(values: [.i32(999)]))
    }

    /// `next` over a call whose callee throws stops at the handler in this frame, rather than
    /// running on past the return point that is never reached.
    @Test func nextOverAThrowingCallStopsAtTheHandler() throws {
        let s = try session(Self.fixture)
        try s.setBreakpoint("$run")
        _ = try s.invoke("run", [.i32(5), .i32(10)])
        var stop = try s.next()
        for _ in 0..<5 where s.backtrace().count == 1 && stop.at?.contains("offset 0x12e") == false {
            stop = try s.next()
        }
        #expect(stop.at?.contains("offset 0x12e") == true, "\(stop)")   // call $sum
        stop = try s.next()
        #expect(stop.reason == .stepDone)
        #expect(stop.at?.hasPrefix("$run+") == true, "\(stop)")
        #expect(s.backtrace().count == 1)
        #expect(try s.continueExecution().reason == .returned(values: [.i32(999)]))
    }

    /// An uncaught exception ends the call as a trap that names the tag; the session goes on.
    @Test func anUncaughtExceptionIsATrapAndTheSessionSurvives() throws {
        let s = try session(Self.fixture)
        let stop = try s.invoke("run", [.int32(-60), .i32(1)])
        guard case .trapped(let trap) = stop.reason else {
            Issue.record("expected a trap, got \(stop)")
            return
        }
        #expect(trap.message == "uncaught exception (tag $__cpp_exception, payload i32:1024)")
        #expect(try s.invoke("run", [.i32(5), .i32(3)]).reason == .returned(values: [.i32(24)]))
    }
}
