import Foundation
import Testing
@testable import DebuggerCommands

/// Debugging sessions of the real binary through the DebugSession adapter: command scripts
/// piped into `wdb`, whole output compared with Tests/Fixtures/repl/debug-*.out (set
/// WDB_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then review the diff).
@Suite
struct REPLDebugTests {
    /// debug-wat: breakpoints, invoke, frames, memory, watchpoints, displays on Examples/loop.wat.
    /// debug-wasi: a C program (catch wasi fd_write, run to its exit; exit code 7).
    /// debug-errors: mistakes and traps; the session survives them.
    /// debug-exceptions: catch throw / catch catch and stepping across throws on the C++-shaped fixtures.
    /// source-rust-enums: Rust enums, tagged and niche layouts (rust-enums-O0.wasm).
    /// source-c-verbs: tbreak FILE:LINE, until/advance LOC, rwatch, info line on the C fixture.
    /// source-c-examine: x over C expressions (arrays, pointers, members, integers).
    static let sessions = ["debug-wat", "debug-wasi", "debug-errors", "debug-commands", "debug-history", "habits",
                           "source-c", "source-c-O2", "source-cpp", "source-rust", "source-calls", "source-cpp-class",
                           "debug-exceptions", "source-rust-enums", "source-c-verbs", "source-c-examine"]

    @Test(arguments: sessions)
    func debugSessionMatchesItsGoldenFile(_ name: String) throws {
        let script = try String(contentsOf: REPLTestSupport.fixtures.appendingPathComponent(name + ".wdb"), encoding: .utf8)
        let (arguments, exit) = try REPLBatchTests.header(script)
        let result = try REPLTestSupport.wdb(arguments, stdin: script, in: REPLTestSupport.fixtures)
        let goldenURL = REPLTestSupport.fixtures.appendingPathComponent(name + ".out")
        if ProcessInfo.processInfo.environment["WDB_UPDATE_GOLDEN"] == "1" {
            try result.output.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(result.output == golden)
        #expect(result.status == exit)
    }

    /// `info source` names the file and where it was read (an absolute path, so not in a golden).
    @Test func infoSourceSaysWhereTheFileWasFound() throws {
        let script = "directory ../dwarf\nbreak primes.c:14\nrun\ninfo source\n"
        let result = try REPLTestSupport.wdb(["-nx", "../dwarf/c-O0-dwarf4.wasm"], stdin: script, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("Current source file is primes.c\nLocated in /"), "\(result.output)")
        #expect(result.output.contains("Tests/Fixtures/repl/../dwarf/primes.c\nContains 58 lines."), "\(result.output)")
        #expect(result.output.contains("Function is_prime at line 9."))
    }

    @Test func aDeletedLocalWatchpointIsNotReportedOnTheNextRun() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../dwarf/c-O0-dwarf5.wasm"], stdin: """
            break sum_below
            run
            rwatch total
            delete
            run

            """, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("Hardware read watchpoint 2: total"))
        #expect(!result.output.contains("Watchpoint 2 deleted"))
        // The second run goes to the end (no breakpoints left), where scoped watches are checked.
        #expect(result.output.hasSuffix("[Inferior 1 exited with code 101]\n"))
    }

    @Test func finishPrintsTheReturnedValue() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../../../Examples/loop.wat"], stdin: """
            break $fact if $n == 1
            invoke fact i64:4
            info args
            finish
            continue

            """, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("Breakpoint 1, $fact+0x1"))
        #expect(result.output.contains("$n = i64:1"))
        #expect(result.output.contains("Value returned is $1 = i64:1"))
        #expect(result.output.hasSuffix("fact(i64:4) => i64:24\n"))
        #expect(result.status == 0)
    }

    @Test func batchModeQuitsWithoutAskingWhileAGuestIsLive() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../../../Examples/loop.wat"], stdin: """
            break $bump
            invoke count_to 2
            quit
            echo not reached\\n

            """, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("Breakpoint 1, $bump+0x1"))
        #expect(!result.output.contains("Quit anyway?"))
        #expect(!result.output.contains("not reached"))
        #expect(result.status == 0)
    }

    @Test func theGuestsExitCodeIsTheSessionsExitCode() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../wasi/exit_code.wasm"], stdin: "run 42\n",
                                             in: REPLTestSupport.fixtures)
        #expect(result.output.contains("[Inferior 1 exited with code 42]"))
        #expect(result.status == 42)
        // A guest that exits with 0 makes the batch succeed even after a failed command.
        let zero = try REPLTestSupport.wdb(["-nx", "../wasi/exit_code.wasm"], stdin: "frobnicate\nrun 0\n",
                                           in: REPLTestSupport.fixtures)
        #expect(zero.output.contains("[Inferior 1 exited normally]"))
        #expect(zero.status == 0)
    }

    @Test func runReadsTheGuestsStdinFromARedirectedFile() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let input = directory.appendingPathComponent("input.txt")
        try "first line\nsecond\n".write(to: input, atomically: true, encoding: .utf8)
        let result = try REPLTestSupport.wdb(["-nx", "../wasi/stdin_echo.wasm"], stdin: "run < \(input.path)\nrun < /nonexistent/x\n",
                                             in: REPLTestSupport.fixtures)
        #expect(result.output.contains("1: first line\n2: second\n"))
        #expect(result.output.contains("cannot open /nonexistent/x as the program's input"))
    }

    @Test func traceAndInjectionApplyToTheNextRun() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../wasi/exit_code.wasm"], stdin: """
            trace wasi on fd_write,proc_exit
            wasi inject fd_write:EBADF:when=1
            run 5
            info wasi-summary
            wasi inject clear
            trace wasi off
            run 4

            """, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("= EBADF (injected)\nproc_exit(5)\n[Inferior 1 exited with code 5]\n"))
        #expect(result.output.contains(" fd_write\n"))
        // The second run is neither traced nor injected: its write goes through.
        #expect(result.output.hasSuffix("exiting with 4\n[Inferior 1 exited with code 4]\n"))
        #expect(!result.output.contains("proc_exit(4)"))
        #expect(result.status == 4)
    }

    @Test func continueWithACountPassesTheBreakpoint() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../../../Examples/loop.wat"], stdin: """
            break $bump
            invoke count_to i32:5
            continue 3
            print $counter
            delete
            continue

            """, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("Will ignore next 2 crossings of breakpoint 1.  Continuing.\n"))
        #expect(result.output.contains("$1 = i32:3\n"))
        #expect(result.output.hasSuffix("count_to(i32:5) => i32:5\n"))
        #expect(result.status == 0)
    }

    @Test func wastInvokeCallsAnExport() throws {
        let result = try REPLTestSupport.wdb(["-nx", "../../../Examples/loop.wat"], stdin: """
            (invoke "fact" (i64.const 5))
            (invoke "fact" (i32.const 5))
            (invoke fact)

            """, in: REPLTestSupport.fixtures)
        #expect(result.output.contains("fact(i64:5) => i64:120\n"))
        #expect(result.output.contains("\"(i32.const 5)\" is not a i64 value\n"))
        #expect(result.output.contains("(invoke …) needs an export name in quotes"))
        #expect(result.status == 1)
    }

    @Test func bareInstructionsAreEvaluated() throws {
        let result = try REPLTestSupport.wdb(["-nx"], stdin: """
            i32.const 2 i32.const 3 i32.add
            i64.const 7 i64.const 6 i64.mul
            i32.const 1 i32.const 2
            i32.const 1 i32.const 0 i32.div_u
            i32.const 1 i32.add

            """)
        #expect(result.output.hasPrefix("i32:5\ni64:42\ni32:1 i32:2\nerror: trap: integer divide by zero\n"))
        #expect(result.output.contains("<input>:1:13: error: type mismatch"))
        #expect(result.status == 1)
    }

}

/// The adapter inside a session in memory (no process): Enter repeats, completion sources.
@Suite struct REPLDebugSessionTests {
    func session() throws -> ReplSession {
        let session = ReplSession(console: .capturing())
        try session.load(path: WdbTestSupport.packageRoot.appendingPathComponent("Examples/loop.wat").path)
        return session
    }

    @Test func enterAfterXShowsTheNextBytes() throws {
        let session = try session()
        session.isInteractive = true
        #expect(session.execute("invoke count_to i32:2"))
        #expect(session.execute("x/2xw 0"))
        #expect(session.execute(""))
        let output = session.console.captured ?? ""
        #expect(output.contains("0x00000000:  0x00000001 0x00000002  |"))
        #expect(output.contains("0x00000008:  0x00000000 0x00000000  |"))
    }

    @Test func completionOffersFunctionsBreakpointsAndVariables() throws {
        let session = try session()
        let adapter = session.adapter
        #expect(adapter.completions(for: .functions) == ["$bump", "$count_to", "$fact", "bump", "count_to", "fact"])
        #expect(session.execute("break $bump"))
        #expect(adapter.completions(for: .breakpoints) == ["1"])
        #expect(session.execute("invoke count_to i32:1"))
        #expect(Set(adapter.completions(for: .variables)) == ["$by", "$counter"])
        #expect(adapter.completions(for: .wasiCalls).contains("fd_write"))
    }
}
