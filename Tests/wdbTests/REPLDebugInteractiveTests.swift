import Foundation
import Testing
@testable import DebuggerCommands

/// Ctrl-C in a real terminal stops a running guest at an instruction, and `continue` resumes it.
@Suite
struct REPLDebugInteractiveTests {
    @Test func ctrlCStopsAnEndlessLoopAndContinueResumesIt() throws {
        let pane = try TmuxPane(tmux: #require(WdbTestSupport.tool("tmux")))
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path, "debug-spin.wat"])
        try pane.type("invoke spin")
        try pane.keys("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try pane.keys("C-c")
        try pane.waitFor("Program received SIGINT, interrupted.")
        try pane.waitForLastLine("(wdb) ")
        // It stopped inside $spin, at a line of its source.
        #expect(try pane.lines().contains { $0.hasPrefix("$spin+0x") && $0.contains("debug-spin.wat:") })
        try pane.type("print $laps > 0")
        try pane.keys("Enter")
        try pane.waitFor("$1 = i32:1")
        try pane.type("continue")
        try pane.keys("Enter")
        Thread.sleep(forTimeInterval: 0.3)
        try pane.keys("C-c")
        try pane.waitUntil("a second interrupt") { lines in
            lines.filter { $0.hasSuffix("Program received SIGINT, interrupted.") }.count == 2
        }
        try pane.waitForLastLine("(wdb) ")
        try pane.type("kill")
        try pane.keys("Enter")
        try pane.waitFor("[Inferior 1 killed]")
        try pane.keys("C-d")
        try pane.waitFor("EXIT:0")
    }

    /// Bare instructions and WAST actions typed at the prompt run guest code too: Ctrl-C stops an
    /// endless one and the session goes on (they used to run where no interrupt could reach).
    @Test func ctrlCStopsEndlessInstructionsTypedAtThePrompt() throws {
        let pane = try TmuxPane(tmux: #require(WdbTestSupport.tool("tmux")))
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path, "debug-spin.wat"])
        try pane.type("loop br 0 end")
        try pane.keys("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try pane.keys("C-c")
        try pane.waitFor("Interrupted: the instructions were abandoned.")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("i32.const 2 i32.const 3 i32.add")
        try pane.keys("Enter")
        try pane.waitFor("i32:5")
        try pane.type("(invoke \"spin\")")
        try pane.keys("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try pane.keys("C-c")
        try pane.waitFor("Program received SIGINT, interrupted.")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("kill")
        try pane.keys("Enter")
        try pane.waitFor("[Inferior 1 killed]")
        try pane.keys("C-d")
        try pane.waitFor("EXIT:0")
    }

    /// A WAST action on an earlier named module (a runtime of its own, not the debugger's) and
    /// a start function that never ends: Ctrl-C stops both, and the session goes on.
    @Test func ctrlCStopsActionsOnOtherModulesAndStartFunctions() throws {
        let pane = try TmuxPane(tmux: #require(WdbTestSupport.tool("tmux")))
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path, "debug-spin.wat"])
        try pane.type("(module $a (func (export \"spin\") (loop (br 0))) (func (export \"five\") (result i32) (i32.const 5)))")
        try pane.keys("Enter")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("(module $b (func (export \"one\") (result i32) (i32.const 1)))")
        try pane.keys("Enter")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("(invoke $a \"spin\")")
        try pane.keys("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try pane.keys("C-c")
        try pane.waitFor("Interrupted: $a.spin() was abandoned.")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("(invoke $a \"five\")")
        try pane.keys("Enter")
        try pane.waitFor("$a.five() => i32:5")
        // The Ctrl-C is spent: the current module's next call is not stopped by it.
        try pane.type("(invoke \"one\")")
        try pane.keys("Enter")
        try pane.waitFor("one() => i32:1")
        try pane.type("(module (func $s (loop (br 0))) (start $s))")
        try pane.keys("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try pane.keys("C-c")
        try pane.waitFor("Interrupted: the start function was abandoned; <input> is loaded but has no instance.")
        try pane.waitForLastLine("(wdb) ")
        try pane.keys("C-d")
        try pane.waitFor("EXIT:0")
    }

    /// `run` while a guest is stopped asks first at a terminal, as gdb does.
    @Test func runAsksBeforeRestartingAStoppedGuest() throws {
        let pane = try TmuxPane(tmux: #require(WdbTestSupport.tool("tmux")))
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path, "../wasi/args_env.wasm"])
        try pane.type("break main")
        try pane.keys("Enter")
        try pane.type("start")
        try pane.keys("Enter")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("run")
        try pane.keys("Enter")
        try pane.waitForLastLine("Start it from the beginning? (y or n) ")
        #expect(try pane.lines().contains("The program being debugged has been started already."))
        try pane.type("n")
        try pane.keys("Enter")
        try pane.waitFor("Program not restarted.")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("run")
        try pane.keys("Enter")
        try pane.waitForLastLine("Start it from the beginning? (y or n) ")
        try pane.type("y")
        try pane.keys("Enter")
        try pane.waitFor("Breakpoint 1, $main+0x3")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("continue")
        try pane.keys("Enter")
        try pane.waitFor("[Inferior 1 exited normally]")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("quit")
        try pane.keys("Enter")
        try pane.waitFor("EXIT:0")
    }

    @Test func quitAsksBeforeKillingALiveGuest() throws {
        let pane = try TmuxPane(tmux: #require(WdbTestSupport.tool("tmux")))
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path, "../../../Examples/loop.wat"])
        try pane.type("break $bump")
        try pane.keys("Enter")
        try pane.type("invoke count_to 2")
        try pane.keys("Enter")
        try pane.waitFor("Breakpoint 1, $bump+0x1")
        try pane.waitForLastLine("(wdb) ")
        // A command list is typed on gdb's ">" prompt.
        try pane.type("commands 1")
        try pane.keys("Enter")
        try pane.waitFor("End with a line saying just \"end\".")
        try pane.waitForLastLine(">")
        try pane.type("print $by * 100")
        try pane.keys("Enter")
        try pane.waitForLastLine(">")
        try pane.type("end")
        try pane.keys("Enter")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("continue")
        try pane.keys("Enter")
        try pane.waitFor("$1 = i32:100")
        try pane.waitForLastLine("(wdb) ")
        try pane.type("quit")
        try pane.keys("Enter")
        try pane.waitForLastLine("Quit anyway? (y or n) ")
        #expect(try pane.lines().contains("A debugging session is active."))
        try pane.type("maybe")
        try pane.keys("Enter")
        try pane.waitFor("Please answer y or n.")
        try pane.waitForLastLine("Quit anyway? (y or n) ")
        try pane.type("n")
        try pane.keys("Enter")
        try pane.waitFor("Not confirmed.")
        try pane.waitForLastLine("(wdb) ")
        // Ctrl-D asks the same question; yes leaves.
        try pane.keys("C-d")
        try pane.waitUntil("the question again") { lines in
            lines.filter { $0 == "A debugging session is active." }.count == 2
        }
        try pane.waitForLastLine("Quit anyway? (y or n) ")
        try pane.type("y")
        try pane.keys("Enter")
        try pane.waitFor("EXIT:0")
    }
}
