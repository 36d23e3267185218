import LineEditor
import Testing
@testable import DebuggerCommands

/// `maint print code FN` lists a function's internal code, and stays hidden: not in `help`,
/// `apropos` or completion, and no prefix reaches it.
@Suite struct MaintenanceCommandTests {
    @Test func printsTheInternalCodeOfAFunction() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute("(module (func $g (param i32) (result i32) (local.get 0)) (func $f (export \"f\") (param i32) (result i32) (call $g (local.get 0))))"))
        #expect(s.execute("maint print code $f"))
        let text = s.console.captured ?? ""
        // The listing Docs/commands.md shows.
        #expect(text.contains("""
            Internal code of $f (func 1):
            0000  callCopy1       a=1 fn=0 @1=@0
            0003  return          a=1 count=1

            """))
        #expect(!s.execute("maint print code $nosuch"))
        #expect(s.console.captured?.contains("No function named \"$nosuch\".") == true)
        #expect(!s.execute("maint print code"))
    }

    @Test func isHidden() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute("help"))
        #expect(s.execute("apropos internal code"))
        #expect(s.console.captured?.contains("maint") == false)
        #expect(!s.execute("mai print code $f"))
        #expect(s.completionCandidates(CompletionRequest(textBeforeCursor: "ma")).contains("maint") == false)
        #expect(s.completionCandidates(CompletionRequest(textBeforeCursor: "help ma")).contains("maint") == false)
        // By its full name it answers (help included).
        #expect(s.execute("help maint print code"))
        #expect(s.console.captured?.contains("Usage: maint print code FN") == true)
    }
}
