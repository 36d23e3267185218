import Foundation
import Testing
import WastScripts

/// The final WebAssembly 3.0 suite, whole: every command of `proposals/wasm-3.0` and its
/// `legacy` and `custom` folders, and of `exception-handling/legacy`, passes (the engine runs
/// every proposal); the older per-proposal folders fail only where the final 3.0 text changed
/// an expectation.
extension SpecSuiteTests {
    @Test func theWasm30SuitePassesEveryCommand() throws {
        let root = try Self.testsuite().appendingPathComponent("proposals")
        let folders = ["wasm-3.0", "wasm-3.0/legacy", "wasm-3.0/custom", "exception-handling/legacy"]
        let summary = try WastSuite.run(paths: folders.map { root.appendingPathComponent($0).path })
        #expect(summary.passed > 16_500)
        #expect(summary.failed == 0, "\(summary.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
    }

    /// tail-call and annotations pass whole; exception-handling, function-references and gc fail
    /// only on expectations 3.0 overrides: a non-zero memory-index byte is multi-memory's index
    /// ("zero byte expected"), a second memory is valid ("multiple memories"), a table of 2^32
    /// elements parses as table64 and is invalid instead of malformed ("i32 constant out of
    /// range"), and with GC a type may refer to itself in its own recursion group ("unknown type"
    /// in type-equivalence.wast).
    @Test func theOlderProposalFoldersFailOnlyWhere30ChangedTheRules() throws {
        let root = try Self.testsuite().appendingPathComponent("proposals")
        let whole = try WastSuite.run(paths: ["tail-call", "annotations"].map { root.appendingPathComponent($0).path })
        #expect(whole.passed > 700 && whole.failed == 0, "\(whole.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
        let summary = try WastSuite.run(paths: ["exception-handling", "function-references", "gc"].map { root.appendingPathComponent($0).path })
        #expect(summary.passed > 5_000)
        #expect(summary.failed <= 40)
        for failure in summary.files.flatMap(\.failures) {
            #expect(failure.contains("expected malformed \"zero byte expected\"")
                        || failure.contains("expected invalid \"multiple memories\", got a valid module")
                        || failure.contains("expected malformed \"i32 constant out of range\"")
                        || (failure.contains("type-equivalence.wast") && failure.contains("expected invalid \"unknown type\"")),
                    "\(failure)")
        }
    }
}
