import Foundation
import Testing
import WasmCore
import WastScripts

extension SpecSuiteTests {
    /// The typed-function-reference and GC scripts of the 3.0 suite (those that run quickly in
    /// a debug build; the rest run with the release binary, Docs/wasm-3.0.md).
    static let gcScripts = [
        "array", "array_copy", "array_fill", "array_init_data", "array_init_elem", "array_new_data", "array_new_elem",
        "br_on_cast", "br_on_cast_fail", "br_on_non_null", "br_on_null", "call_ref", "extern", "i31",
        "local_init", "ref_as_non_null", "ref_cast", "ref_eq", "ref_test", "struct", "table-sub",
        "type-canon", "type-equivalence", "type-rec", "type-subtyping",
    ]

    @Test func gcAndFunctionReferenceScriptsPassEveryCommand() throws {
        let folder = try Self.testsuite().appendingPathComponent("proposals/wasm-3.0")
        let paths = Self.gcScripts.map { folder.appendingPathComponent("\($0).wast").path }
        let summary = try WastSuite.run(paths: paths)
        #expect(summary.files.count == Self.gcScripts.count)
        #expect(summary.passed > 900)
        #expect(summary.failed == 0, "\(summary.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
    }
}
