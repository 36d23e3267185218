import Foundation
import Testing
import WasmCore
import WasmText
import WasmVM
@testable import Debugger

/// Guest code the session runs beside its own calls (a start function while loading, a call on
/// an instance of another runtime) stops at `interrupt()` too, and the session goes on.
@Suite struct InterruptibleCallTests {
    /// Runs `body` while another thread calls `interrupt()` every 20 ms until it returns (a
    /// single request could come before the call has started and be lost).
    func interrupting<T>(_ s: DebugSession, _ body: () throws -> T) rethrows -> T {
        let lock = NSLock()
        var done = false
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.02)
                lock.lock()
                let finished = done
                lock.unlock()
                if finished { return }
                s.interrupt()
            }
        }
        thread.start()
        defer {
            lock.lock()
            done = true
            lock.unlock()
        }
        return try body()
    }

    @Test func anEndlessStartFunctionStopsAndTheSessionLoadsAnotherModule() throws {
        let s = DebugSession()
        let endless = "(module (global $n (mut i32) (i32.const 0)) (func $spin (loop (global.set $n (i32.add (global.get $n) (i32.const 1))) (br 0))) (start $spin))"
        #expect(throws: GuestCallInterrupted.self) {
            try interrupting(s) { try s.load(wat: endless, file: "spin.wat") }
        }
        #expect(s.instance == nil)
        try s.load(wat: "(module (func (export \"seven\") (result i32) (i32.const 7)))", file: "seven.wat")
        #expect(try s.invoke("seven", []).reason == .returned(values: [.i32(7)]))
    }

    @Test func aStartFunctionThatEndsStillRunsBeforeTheFirstCall() throws {
        let s = DebugSession()
        try s.load(wat: """
            (module (global $g (export "g") (mut i32) (i32.const 0))
              (func $init (global.set $g (i32.const 42))) (start $init)
              (func (export "get") (result i32) (global.get $g)))
            """, file: "init.wat")
        #expect(try s.invoke("get", []).reason == .returned(values: [.i32(42)]))
    }

    @Test func aTrappingStartFunctionStillFailsTheLoadWithItsTrap() throws {
        let s = DebugSession()
        #expect(throws: Trap.self) {
            try s.load(wat: "(module (func $t unreachable) (start $t))", file: "trap.wat")
        }
    }

    /// An instance of another runtime (an earlier module at the prompt): the call stops, is
    /// abandoned, and leaves the runtime's stack as it was, so the same instance can be
    /// interrupted many times and still recurse deeply.
    @Test func aCallOnAnotherInstanceStopsAndItsStackIsGivenBack() throws {
        let s = DebugSession()
        let assembled = try WatAssembler.assemble("""
            (module
              (func (export "spin") (loop (br 0)))
              (func $deep (export "deep") (param $n i32) (result i32)
                (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
                  (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1))))))))
            """, file: "other.wat")
        let runtime = Runtime()
        let instance = try runtime.instantiate(assembled.module)
        let spin = try #require(instance.function("spin"))
        let deep = try #require(instance.function("deep"))
        for _ in 0..<20 {
            #expect(throws: GuestCallInterrupted.self) {
                try interrupting(s) { try s.callInterruptibly(spin, of: instance, []) }
            }
        }
        #expect(try s.callInterruptibly(deep, of: instance, [.i32(10_000)]) == [.i32(10_000)])
        #expect(try deep.invoke([.i32(10_000)]) == [.i32(10_000)])
    }

    /// The session's own instance may be called beside it (a module registered at the prompt,
    /// called through a bridge): each debuggee of a runtime hears of the functions compiled
    /// later, so the session still interrupts a loop in a function first compiled afterwards.
    @Test func aCallBesideTheSessionOnItsOwnInstanceLeavesItsInterruptsWorking() throws {
        let s = DebugSession()
        try s.load(wat: """
            (module
              (func (export "one") (result i32) (i32.const 1))
              (func (export "spin") (loop (br 0))))
            """, file: "two.wat")
        let instance = try #require(s.instance)
        #expect(try s.callInterruptibly(try #require(instance.function("one")), of: instance, []) == [.i32(1)])
        let stop = try interrupting(s) { try s.invoke("spin", []) }
        #expect(stop.reason == .interrupted)
    }
}
