import Testing
@testable import DebuggerCommands

/// Expressions that once crashed the session by recursing without limit (3,000 nested
/// parentheses, a 60,000-term sum, 100,000 `!` or `-`): now an error through every command
/// that takes an expression, and the session goes on.
@Suite struct HostileExpressionTests {
    static let hostile: [String] = [
        String(repeating: "(", count: 3_000) + "1" + String(repeating: ")", count: 3_000),
        Array(repeating: "1", count: 60_000).joined(separator: "+"),
        String(repeating: "!", count: 100_000) + "1",
        String(repeating: "- ", count: 100_000) + "1",
        String(repeating: "mem.i32[", count: 5_000) + "0" + String(repeating: "]", count: 5_000),
    ]

    @Test(arguments: 0..<5)
    func everyExpressionCommandRefusesItAndTheSessionGoesOn(_ which: Int) throws {
        let text = Self.hostile[which]
        let s = ReplSession(console: .capturing())
        #expect(s.execute("(module (memory 1) (global $g (mut i32) (i32.const 0)) (func $f (export \"f\") (param $n i32) (result i32) (local.get $n)))"))
        #expect(s.execute("break $f"))
        #expect(s.execute("invoke f 3"))
        for command in ["print \(text)", "output \(text)", "printf \"%d\", \(text)", "x/4xb \(text)",
                        "set var $g = \(text)", "watch \(text)", "break $f if \(text)", "display \(text)"] {
            #expect(!s.execute(command), "accepted: \(command.prefix(40))")
        }
        #expect(s.console.captured?.contains("nested too deeply") == true)
        // Still alive and answering.
        #expect(s.execute("print $n + 1"))
        #expect(s.console.captured?.contains("i32:4") == true)
    }

    @Test func deepButReasonableExpressionsStillWork() {
        let s = ReplSession(console: .capturing())
        let nested = String(repeating: "(", count: 100) + "2" + String(repeating: ")", count: 100)
        #expect(s.execute("print \(nested) * 3"))
        #expect(s.execute("print " + Array(repeating: "1", count: 200).joined(separator: "+")))
        #expect(s.console.captured?.contains("i32:6") == true)
        #expect(s.console.captured?.contains("i32:200") == true)
    }
}
