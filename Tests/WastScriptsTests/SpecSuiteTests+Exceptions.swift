import Foundation
import Testing
import WastScripts

/// The tail-call and exception-handling scripts (Docs/wasm-3.0.md), in-process. Only these
/// scripts: the debug build runs them in seconds.
extension SpecSuiteTests {
    static let tailCallAndExceptionScripts = [
        "wasm-3.0/return_call.wast", "wasm-3.0/return_call_indirect.wast",
        "wasm-3.0/throw.wast", "wasm-3.0/throw_ref.wast", "wasm-3.0/legacy",
        "tail-call", "exception-handling/legacy",
        "exception-handling/throw.wast", "exception-handling/throw_ref.wast", "exception-handling/try_table.wast",
        "exception-handling/tag.wast", "exception-handling/exports.wast", "exception-handling/ref_null.wast",
    ]

    @Test func tailCallAndExceptionScriptsPassEveryCommand() throws {
        let proposals = try Self.testsuite().appendingPathComponent("proposals")
        let summary = try WastSuite.run(paths: Self.tailCallAndExceptionScripts.map { proposals.appendingPathComponent($0).path })
        #expect(summary.files.count >= 18)
        #expect(summary.passed > 640)
        #expect(summary.failed == 0, "\(summary.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
    }

    /// 3.0's try_table.wast ends with a module whose tag carries a typed function reference
    /// (function-references, not executed yet: its module and the five commands on it fail);
    /// every other command passes.
    @Test func tryTableScriptFailsOnlyOnItsTypedReferenceModule() throws {
        let script = try Self.testsuite().appendingPathComponent("proposals/wasm-3.0/try_table.wast")
        let result = WastSuite.run(file: script.path)
        #expect(result.passed >= 61)
        for failure in result.failures {
            let line = failure.split(separator: ":").dropFirst().first.flatMap { Int($0) } ?? 0
            #expect((420..<470).contains(line), "\(failure)")
        }
    }

    /// The exception-handling proposal's binary.wast and imports.wast predate multi-memory:
    /// they expect a non-zero memory index byte to be malformed and a second memory to be
    /// invalid, which 3.0 allows. Every other command passes.
    @Test func exceptionProposalScriptsFailOnlyWhere30AllowsMultipleMemories() throws {
        let proposals = try Self.testsuite().appendingPathComponent("proposals")
        let summary = try WastSuite.run(paths: ["exception-handling/binary.wast", "exception-handling/imports.wast"]
            .map { proposals.appendingPathComponent($0).path })
        #expect(summary.passed > 300)
        let failures = summary.files.flatMap(\.failures)
        #expect(failures.count == 13, "\(failures)")
        for failure in failures {
            #expect(failure.contains("zero byte expected") || failure.contains("multiple memories"), "\(failure)")
        }
    }
}
