import Foundation
import Testing
@testable import WasmCore

/// The validator against the spec testsuite (../shared/testsuite, found from this file).
@Suite struct ValidatorSpecTests {
    /// Every `(module binary …)`: those in `assert_invalid` decode but fail validation with the
    /// expected message prefix; all others except `assert_malformed` validate.
    @Test func binaryModulesOfTheSpecTests() {
        guard let modules = WastBinaryModules.all() else { return }
        var invalid = 0, invalidRejected = 0, valid = 0, validAccepted = 0
        for item in modules where item.kind != .assertMalformed {
            let module: Module
            do {
                module = try BinaryDecoder.decode(item.bytes, features: .wasm20)
            } catch {
                Issue.record("\(item) (\(item.kind)): does not decode: \(error)")
                continue
            }
            if item.kind == .assertInvalid {
                invalid += 1
                let expected = item.expectedMessage ?? ""
                do {
                    try Validator.validate(module, features: .wasm20)
                    Issue.record("\(item): validated, but the spec expects \"\(expected)\"")
                } catch {
                    if error.message.hasPrefix(expected) {
                        invalidRejected += 1
                    } else {
                        Issue.record("\(item): expected \"\(expected)\", got \"\(error)\"")
                    }
                }
            } else {
                valid += 1
                do {
                    try Validator.validate(module, features: .wasm20)
                    validAccepted += 1
                } catch {
                    Issue.record("\(item) (\(item.kind)): \(error)")
                }
            }
        }
        print("validator, spec binary modules: \(invalidRejected) of \(invalid) assert_invalid rejected with the expected message, \(validAccepted) of \(valid) other modules valid")
        #expect(invalid > 0 && invalidRejected == invalid)
        #expect(valid > 0 && validAccepted == valid)
    }

    /// The same for every module of the spec scripts, text ones included, as wabt's
    /// `wast2json` encodes them (shared corpus of Support/WastJSONModules.swift; run when wabt
    /// is installed). Text `assert_invalid` modules are most of the validation tests.
    @Test func allSpecModulesThroughWast2json() {
        guard let modules = WastJSONModules.all() else { return }
        var invalid = 0, invalidRejected = 0, needsDataCount = 0, valid = 0, validAccepted = 0
        for item in modules where item.command != "assert_malformed" {
            let expected = item.expectedMessage ?? ""
            let module: Module
            do {
                module = try BinaryDecoder.decode(item.bytes, features: .wasm20)
            } catch {
                // A text module using data.drop/memory.init without data segments becomes a
                // binary without a data count section, which is malformed rather than invalid.
                if item.command == "assert_invalid" && error.message.hasPrefix("data count section required") {
                    needsDataCount += 1
                } else {
                    Issue.record("\(item) (\(item.command)): does not decode: \(error)")
                }
                continue
            }
            if item.command == "assert_invalid" {
                invalid += 1
                do {
                    try Validator.validate(module, features: .wasm20)
                    Issue.record("\(item): validated, but the spec expects \"\(expected)\"")
                } catch {
                    if error.message.hasPrefix(expected) {
                        invalidRejected += 1
                    } else {
                        Issue.record("\(item): expected \"\(expected)\", got \"\(error)\"")
                    }
                }
            } else {
                valid += 1
                do {
                    try Validator.validate(module, features: .wasm20)
                    validAccepted += 1
                } catch {
                    Issue.record("\(item) (\(item.command)): \(error)")
                }
            }
        }
        print("validator, spec modules via wast2json: \(invalidRejected) of \(invalid) assert_invalid rejected with the expected message (\(needsDataCount) more rejected by the decoder for lack of a data count section), \(validAccepted) of \(valid) other modules valid")
        #expect(invalid > 1000 && invalidRejected == invalid)
        #expect(valid > 1000 && validAccepted == valid)
    }
}

/// Error positions against wabt: the module is assembled by `wat2wasm --no-check` (so the
/// invalid body gets through) and the expected offsets are read from `wasm-objdump -d`.
@Suite struct ValidatorPositionTests {
    @Test func positionMatchesWasmObjdump() throws {
        guard let wat2wasm = Tools.path(of: "wat2wasm"), let objdump = Tools.path(of: "wasm-objdump") else {
            Issue.record("missing prerequisite: wabt not installed (Scripts/setup.sh installs it)")
            return
        }
        let text = """
            (module
              (import "env" "g" (func $imp))
              (func $ok (result i32) i32.const 1)
              (func $f (result i32)
                i32.const 1
                i64.const 2
                i32.add))
            """
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-validator-position-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let wat = scratch.appendingPathComponent("position.wat"), wasm = scratch.appendingPathComponent("position.wasm")
        try text.write(to: wat, atomically: true, encoding: .utf8)
        try #require(Tools.run(wat2wasm, ["--no-check", "--debug-names", wat.path, "-o", wasm.path]) != nil)
        let disassembly = try #require(Tools.run(objdump, ["-d", wasm.path]))

        // "00002b func[2] <f>:" gives the body start, " 000030: 6a  | i32.add" the instruction.
        let lines = disassembly.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.contains("func[2] <f>:") })
        let bodyStart = try #require(UInt32(header.prefix { $0 != " " }, radix: 16))
        let addLine = try #require(lines.first { $0.hasSuffix("| i32.add") })
        let addOffset = try #require(UInt32(addLine.drop { $0 == " " }.prefix { $0 != ":" }, radix: 16))

        let module = try BinaryDecoder.decode([UInt8](try Data(contentsOf: wasm)))
        let error = try #require(expectModuleInvalid(module, "type mismatch: expected i32, found i64",
                                                     function: 2, instruction: 2))
        let expected = "$f+0x\(String(addOffset - bodyStart, radix: 16)) (func 2, offset 0x\(String(addOffset, radix: 16)))"
        #expect(error.position == expected)
        #expect(error.description == "type mismatch: expected i32, found i64 at " + expected)
    }
}
