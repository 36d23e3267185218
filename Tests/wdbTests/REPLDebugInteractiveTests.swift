import Foundation
import Testing
@testable import wdb

/// Ctrl-C in a real terminal stops a running guest at an instruction, and `continue` resumes it.
@Suite(.enabled(if: WdbTestSupport.tool("tmux") != nil, "tmux is not installed"),
       .enabled(if: REPLTestSupport.debugCommandAvailable,
                "wdb has no `debug` subcommand yet (register InteractiveCommand in WDB.swift)"))
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
}
