import Foundation
import Testing
import WasmCore
@testable import WasmText

/// The whole spec suite through the front end: every script parses, every module that should
/// be well-formed assembles, every text `assert_malformed` is rejected by the parser, every
/// `assert_invalid` by the validator, and every other module validates.
@Suite struct SpecScriptTests {
    struct Counts {
        var scripts = 0, commands = 0
        var assembled = 0, malformedRejected = 0, invalidRejected = 0, validated = 0
        var failures: [String] = []
    }

    /// Runs `scripts` (the 2.0 core scripts unless given) through the front end in the
    /// language `features` describes.
    static func run(_ scripts: [URL] = SpecSuite.scripts, features: Features = .wasm20) -> Counts {
        var counts = Counts()
        for url in scripts {
            guard let text = SpecSuite.read(url) else { continue }
            counts.scripts += 1
            let directives: [WastDirective]
            do {
                directives = try WastParser.parse(text, file: url.path)
            } catch {
                counts.failures.append("script does not parse: \(error)")
                continue
            }
            counts.commands += directives.count
            for d in directives {
                guard let (module, expectation) = d.command.moduleAndExpectation else { continue }
                let place = "\(SpecSuite.shortName(url)):\(module.location.line)"
                var isBinary = false
                if case .binary = module.source { isBinary = true }
                if expectation == .malformed {
                    if isBinary { continue }   // the decoder's tests cover malformed binaries
                    do {
                        _ = try WatAssembler.parse(module, features: features)
                        counts.failures.append("\(place): malformed module was accepted")
                    } catch {
                        counts.malformedRejected += 1
                    }
                    continue
                }
                let parsed: (Module, SourceMap)
                do {
                    parsed = try WatAssembler.parse(module, features: features)
                    if !isBinary { counts.assembled += 1 }
                } catch {
                    // The parser itself refuses some invalid modules (a branch hint on an
                    // instruction that is not a branch, assert_invalid_custom).
                    if expectation == .invalid && error.kind == .invalid {
                        counts.invalidRejected += 1
                    } else {
                        counts.failures.append("should assemble: \(error)")
                    }
                    continue
                }
                do {
                    try Validator.validate(parsed.0, features: features)
                    if expectation == .invalid {
                        counts.failures.append("\(place): invalid module was accepted by the validator")
                    } else {
                        counts.validated += 1
                    }
                } catch {
                    if expectation == .invalid {
                        counts.invalidRejected += 1
                    } else {
                        counts.failures.append("\(place): valid module rejected: \(error)")
                    }
                }
            }
        }
        return counts
    }

    @Test func wholeSuite() throws {
        guard !SpecSuite.scripts.isEmpty else {
            Issue.record("missing prerequisite: ../shared/testsuite not found (Scripts/setup.sh installs it)")
            return
        }
        let c = Self.run()
        print("SpecScriptTests: \(c.scripts) scripts, \(c.commands) commands parsed; \(c.assembled) text modules assembled; \(c.malformedRejected) text assert_malformed rejected by the parser; \(c.invalidRejected) assert_invalid rejected by the validator; \(c.validated) other modules validate; \(c.failures.count) failures")
        for f in c.failures.prefix(40) { print(f) }
        #expect(c.failures.isEmpty)
        #expect(c.assembled > 3000)
        #expect(c.malformedRejected > 1000)
        #expect(c.invalidRejected > 2000)
    }

    /// A malformed text is rejected with the spec's message (its text appears in ours) in all
    /// but a handful of cases, listed when they occur.
    @Test func malformedTextsGetTheSpecsMessage() throws {
        guard !SpecSuite.scripts.isEmpty else { return }
        var total = 0, matched = 0
        var others: [String] = []
        for url in SpecSuite.scripts {
            let directives = try WastParser.parse(SpecSuite.read(url) ?? "", file: url.path)
            for d in directives {
                guard case .assertMalformed(let module, let expected) = d.command else { continue }
                if case .binary = module.source { continue }
                total += 1
                do {
                    _ = try WatAssembler.parse(module, features: .wasm20)
                } catch {
                    if error.message.contains(expected) {
                        matched += 1
                    } else {
                        others.append("\(SpecSuite.shortName(url)):\(module.location.line): spec says \"\(expected)\", we say \"\(error.message)\"")
                    }
                }
            }
        }
        print("SpecScriptTests: \(matched) of \(total) malformed texts rejected with the spec's message")
        for o in others.prefix(20) { print(o) }
        #expect(total > 1000)
        #expect(matched * 100 >= total * 98)
    }
}
