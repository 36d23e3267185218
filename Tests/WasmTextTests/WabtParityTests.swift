import Foundation
import Testing
import WasmCore
@testable import WasmText

/// Byte-for-byte parity with wabt 1.0.42: every text module of the spec suite (valid ones and,
/// as a bonus, the ones `assert_invalid` expects the validator to reject) must assemble to the
/// bytes `wast2json` writes for it. Skips when wabt is not on PATH.
@Suite struct WabtParityTests {
    static func findTool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `wast2json` on a script; returns, in script order, the `.wasm` bytes of every
    /// module command except `assert_malformed` ones.
    static func wabtModules(_ script: URL, tool: String, scratch: URL, debugNames: Bool) -> [[UInt8]]? {
        let base = script.deletingPathExtension().lastPathComponent
        let json = scratch.appendingPathComponent(base + ".json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [script.path, "-o", json.path] + (debugNames ? ["--debug-names"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: json.path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let commands = object["commands"] as? [[String: Any]] else { return nil }
        var result: [[UInt8]] = []
        for command in commands {
            guard let file = command["filename"] as? String, (command["type"] as? String) != "assert_malformed" else { continue }
            guard let bytes = FileManager.default.contents(atPath: scratch.appendingPathComponent(file).path) else { return nil }
            result.append([UInt8](bytes))
        }
        return result
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        return i
    }

    /// Without and with the name section (`--debug-names`).
    @Test(arguments: [false, true])
    func specModulesMatchWabtByteForByte(debugNames: Bool) throws {
        guard let tool = Self.findTool("wast2json") else {
            Issue.record("missing prerequisite: wast2json (wabt) not on PATH (Scripts/setup.sh installs it)")
            return
        }
        let scripts = SpecSuite.scripts
        guard !scripts.isEmpty else {
            Issue.record("missing prerequisite: ../shared/testsuite not found (Scripts/setup.sh installs it)")
            return
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-wabt-parity-\(getpid())-\(debugNames)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        var compared = 0, identical = 0, validCompared = 0
        var mismatches: [String] = []
        for url in scripts {
            guard let text = SpecSuite.read(url), let expected = Self.wabtModules(url, tool: tool, scratch: scratch, debugNames: debugNames) else {
                mismatches.append("\(SpecSuite.shortName(url)): wast2json failed")
                continue
            }
            guard let directives = try? WastParser.parse(text, file: url.path) else {
                mismatches.append("\(SpecSuite.shortName(url)): does not parse")
                continue
            }
            // Pair our module commands with wabt's in script order (wabt numbers a module by
            // the line of its `module` keyword, which may follow the `(` on a later line).
            var modules: [WastModule] = []
            var expectations: [WastCommand.Expectation] = []
            for d in directives {
                guard let pair = d.command.moduleAndExpectation, pair.1 != .malformed else { continue }
                modules.append(pair.0)
                expectations.append(pair.1)
            }
            guard modules.count == expected.count else {
                mismatches.append("\(SpecSuite.shortName(url)): \(modules.count) modules, wabt has \(expected.count)")
                continue
            }
            for i in modules.indices {
                let module = modules[i]
                if case .binary = module.source { continue }
                compared += 1
                if expectations[i] == .valid { validCompared += 1 }
                let wabtBytes = expected[i]
                let place = "\(SpecSuite.shortName(url)):\(module.location.line)"
                do {
                    // wabt's default language is Wasm 2.0 (a `funcref (ref.func …)` list
                    // becomes function indices there, which 3.0 would type (ref func)).
                    let bytes = try WatAssembler.assemble(module, options: .init(validate: false, debugNames: debugNames,
                                                                                   features: .wasm20)).bytes
                    if bytes == wabtBytes {
                        identical += 1
                    } else {
                        let at = Self.firstDifference(bytes, wabtBytes)
                        mismatches.append("\(place): differs at byte 0x\(String(at, radix: 16)) (ours \(bytes.count) bytes, wabt \(wabtBytes.count))")
                    }
                } catch {
                    mismatches.append("\(place): \(error.message)")
                }
            }
        }
        print("WabtParityTests\(debugNames ? " (--debug-names)" : ""): \(identical) of \(compared) text modules byte-identical to wabt (\(validCompared) of them valid, the rest assert_invalid)")
        for m in mismatches.prefix(40) { print(m) }
        #expect(mismatches.count == 0)
        #expect(compared > 3000)
    }
}
