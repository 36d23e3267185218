import Foundation
import Testing
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
}
