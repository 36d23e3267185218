import Foundation
import Testing
import Debugger
@testable import DebuggerCommands

/// Every guest execution a line at the prompt starts stops at Ctrl-C, and the session goes on:
/// actions on an earlier `(module $name …)` (a runtime of its own), functions of a registered
/// module called through a bridge, start functions. Ctrl-C reaches the debugger through
/// `DebugSession.interrupt()` (the watcher thread calls it; the tmux test in wdbTests presses
/// the keys), so these tests call that from a thread of their own.
@Suite struct PromptInterruptTests {
    /// Executes `line` while another thread interrupts the session every 20 ms until it ends,
    /// then, as the watcher does once its thread has stopped, forgets a request left over.
    func executeInterrupting(_ s: ReplSession, _ line: String) -> Bool {
        let lock = NSLock()
        var done = false
        let ended = DispatchSemaphore(value: 0)
        let debugger = s.adapter.debugger
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.02)
                lock.lock()
                let finished = done
                lock.unlock()
                if finished { break }
                debugger.interrupt()
            }
            ended.signal()
        }
        thread.start()
        defer {
            lock.lock()
            done = true
            lock.unlock()
            ended.wait()
            debugger.clearInterrupt()
        }
        return s.execute(line)
    }

    static let endless = "(module $a (func (export \"spin\") (loop (br 0))) (func (export \"five\") (result i32) (i32.const 5)))"

    @Test func anActionOnANamedModuleThatIsNotCurrentStops() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute(Self.endless))
        #expect(s.execute("(module $b (func (export \"one\") (result i32) (i32.const 1)))"))
        #expect(!executeInterrupting(s, "(invoke $a \"spin\")"))
        #expect(s.console.captured?.contains("Interrupted: $a.spin() was abandoned.") == true)
        #expect(!executeInterrupting(s, "(assert_return (invoke $a \"spin\"))"))
        #expect(s.console.captured?.contains("Interrupted: assert_return not checked; the call was abandoned.") == true)
        // Both modules still answer, the interrupted one many times over.
        for _ in 0..<3 { #expect(s.execute("(invoke $a \"five\")")) }
        #expect(s.execute("(invoke \"one\")"))
        #expect(s.console.captured?.contains("$a.five() => i32:5") == true)
        #expect(s.console.captured?.contains("one() => i32:1") == true)
    }

    @Test func aRegisteredModuleCalledFromTheCurrentOneStops() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute(Self.endless))
        #expect(s.execute("(register \"a\")"))
        #expect(s.execute("(module $c (import \"a\" \"spin\" (func $spin)) (func (export \"go\") (call $spin)))"))
        // The bridged call traps in its caller, which the session reports as a trap.
        _ = executeInterrupting(s, "(invoke \"go\")")
        #expect(s.console.captured?.contains("a.spin was interrupted (Ctrl-C)") == true)
        #expect(s.execute("(invoke $a \"five\")"))
        #expect(s.console.captured?.contains("$a.five() => i32:5") == true)
    }

    @Test func anEndlessStartFunctionTypedAtThePromptStops() {
        let s = ReplSession(console: .capturing())
        _ = executeInterrupting(s, "(module (func $spin (loop (br 0))) (start $spin))")
        #expect(s.console.captured?.contains("Interrupted: the start function was abandoned; <input> is loaded but has no instance.") == true)
        #expect(s.execute("(module (func (export \"two\") (result i32) (i32.const 2)))"))
        #expect(s.execute("(invoke \"two\")"))
        #expect(s.console.captured?.contains("two() => i32:2") == true)
    }

    @Test func anEndlessStartFunctionInAnAssertionStops() {
        let s = ReplSession(console: .capturing())
        #expect(!executeInterrupting(s, "(assert_trap (module (func $spin (loop (br 0))) (start $spin)) \"unreachable\")"))
        #expect(s.console.captured?.contains("Interrupted: assert_trap not checked; the call was abandoned.") == true)
        #expect(s.execute("(assert_trap (module (func $t unreachable) (start $t)) \"unreachable\")"))
        #expect(s.console.captured?.contains("assert_trap passed") == true)
    }

    /// Commands that let the guest run are watched for Ctrl-C by one thread made once: a thread
    /// per command, which waited out a 10 ms pause at the end of each, made 2,000 commands take
    /// 20 s or more; now they take a fraction of a second.
    @Test func aWatchedCommandEndsWithoutWaitingForTheWatchersPause() {
        let session = DebugSession()
        let began = Date()
        for _ in 0..<2_000 { DebuggerInterruptWatcher.run(session) {} }
        #expect(Date().timeIntervalSince(began) < 10)
    }

    /// The fuzzed input behind it (Fuzz/regressions/repl/timeout-c2da4c87…), reduced: a
    /// breakpoint whose commands invoke its function again nests calls; the session refuses the
    /// one past `DebugSession.maxNestedCalls` (before the limit, fuel ended them after 10,000,
    /// 16 s in a debug build) and goes on.
    @Test func aBreakpointWhoseCommandsInvokeItsFunctionEndsAtTheNestingLimit() {
        let s = ReplSession(console: .capturing())
        s.adapter.debugger.configuration.fuel = 20_000
        #expect(s.execute("(module (func $bump (export \"bump\") (param i32)) (func (export \"count_to\") (param $n i32) (loop $l (call $bump (local.get $n)) (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"))
        #expect(s.execute("break $bump"))
        for line in ["commands 1", "silent", "invoke count_to 3", "end"] { #expect(s.execute(line), "\(line)") }
        _ = s.execute("invoke count_to 3")
        let limit = DebugSession.maxNestedCalls
        #expect(s.console.captured?.contains("cannot call count_to: \(limit) calls are already stopped inside each other (the limit is \(limit))") == true)
        #expect(s.console.captured?.contains("all fuel consumed") == false)
        #expect(s.execute("delete 1"))
        #expect(s.execute("print 6 * 7"))
        #expect(s.console.captured?.contains("= i32:42") == true)
    }
}
