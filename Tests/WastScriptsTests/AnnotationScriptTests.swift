import Foundation
import Testing
import WasmCore
import WasmText
import WastScripts

/// The scripts of the text format's remaining 3.0 pieces: quoted identifiers (`id.wast`), the
/// annotations proposal, and the custom annotations (`@custom`, `@name`, branch hints) with
/// their `assert_malformed_custom` / `assert_invalid_custom` commands.
@Suite struct AnnotationScriptTests {
    static func script(_ path: String) throws -> String {
        let file = try SpecSuiteTests.testsuite().appendingPathComponent(path).path
        guard FileManager.default.fileExists(atPath: file) else { throw SpecSuiteTests.Missing() }
        return file
    }

    @Test(arguments: ["proposals/wasm-3.0/id.wast", "proposals/annotations/id.wast", "proposals/annotations/annotations.wast",
                      "proposals/annotations/token.wast", "proposals/wasm-3.0/custom/custom_annot.wast",
                      "proposals/wasm-3.0/custom/branch_hint.wast"])
    func scriptPasses(_ path: String) throws {
        let result = WastSuite.run(file: try Self.script(path))
        #expect(result.passed > 0)
        #expect(result.failed == 0, "\(result.failures.joined(separator: "\n"))")
    }

    /// name_annot.wast's last module declares tags: until the engine runs exception handling
    /// that module is refused at instantiation, and only that one.
    @Test func nameAnnotationScriptFailsOnlyWhereTheEngineLacksAFeature() throws {
        let result = WastSuite.run(file: try Self.script("proposals/wasm-3.0/custom/name_annot.wast"))
        #expect(result.passed >= 6)
        for failure in result.failures {
            #expect(failure.contains("does not execute it yet"), "\(failure)")
        }
    }

    @Test func customAssertionsParseAsMalformedAndInvalid() throws {
        let directives = try WastParser.parse("""
        (assert_malformed_custom (module quote "(@custom)") "@custom annotation: missing section name")
        (assert_invalid_custom (module (func i32.const 0 (@metadata.code.branch_hint "\\01") drop)) "invalid target")
        """, file: "s.wast")
        guard directives.count == 2 else {
            Issue.record("expected two commands, got \(directives.count)")
            return
        }
        if case .assertMalformed = directives[0].command {} else { Issue.record("not assert_malformed: \(directives[0].command)") }
        if case .assertInvalid = directives[1].command {} else { Issue.record("not assert_invalid: \(directives[1].command)") }
        let runner = WastRunner()
        runner.run(directives)
        #expect(runner.passed == 2 && runner.failed == 0, "\(runner.failures)")
    }
}
