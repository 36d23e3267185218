import Foundation
import Testing
import WasmCore
@testable import WasmText

/// The whole spec suite through the front end: every script parses, every module that should
/// be well-formed assembles, every text `assert_malformed` is rejected.
@Suite struct SpecScriptTests {
    @Test func everyScriptParsesAndEveryModuleAssembles() throws {
        let scripts = SpecSuite.scripts
        guard !scripts.isEmpty else {
            print("SpecScriptTests: ../shared/testsuite not found; skipped")
            return
        }
        var commands = 0, assembled = 0, rejected = 0, binaries = 0
        var failures: [String] = []
        let options = WatAssembler.Options(validate: false)
        for url in scripts {
            guard let text = SpecSuite.read(url) else { continue }
            let directives: [WastDirective]
            do {
                directives = try WastParser.parse(text, file: url.path)
            } catch {
                failures.append("script does not parse: \(error)")
                continue
            }
            commands += directives.count
            for d in directives {
                guard let (module, expectation) = d.command.moduleAndExpectation else { continue }
                if case .binary = module.source {
                    binaries += 1
                    continue
                }
                switch expectation {
                case .valid, .invalid:
                    do {
                        _ = try WatAssembler.parse(module)
                        assembled += 1
                    } catch {
                        failures.append("should assemble: \(error)")
                    }
                case .malformed:
                    do {
                        _ = try WatAssembler.parse(module)
                        failures.append("\(SpecSuite.shortName(url)):\(d.location.line): malformed module was accepted")
                    } catch {
                        rejected += 1
                    }
                }
            }
        }
        _ = options
        print("SpecScriptTests: \(scripts.count) scripts, \(commands) commands; \(assembled) text modules assembled, \(rejected) malformed texts rejected, \(binaries) binary modules skipped; \(failures.count) failures")
        for f in failures.prefix(40) { print(f) }
        #expect(failures.isEmpty)
        #expect(assembled > 1000)
        #expect(rejected > 500)
    }
}
