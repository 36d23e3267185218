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

    /// Runs `wast2json` on a script; returns the `.wasm` bytes by the line of `(module`.
    static func wabtModules(_ script: URL, tool: String, scratch: URL, debugNames: Bool) -> [Int: [UInt8]]? {
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
        var result: [Int: [UInt8]] = [:]
        for command in commands {
            guard let line = command["line"] as? Int, let file = command["filename"] as? String,
                  (command["module_type"] as? String) != "text",
                  let bytes = FileManager.default.contents(atPath: scratch.appendingPathComponent(file).path) else { continue }
            result[line] = [UInt8](bytes)
        }
        return result
    }

    /// Without and with the name section (`--debug-names`).
    @Test(arguments: [false, true])
    func specModulesMatchWabtByteForByte(debugNames: Bool) throws {
        guard let tool = Self.findTool("wast2json") else {
            print("WabtParityTests: wast2json (wabt) not on PATH; skipped")
            return
        }
        let scripts = SpecSuite.scripts
        guard !scripts.isEmpty else {
            print("WabtParityTests: ../shared/testsuite not found; skipped")
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
            for d in directives {
                guard let (module, expectation) = d.command.moduleAndExpectation, expectation != .malformed else { continue }
                if case .binary = module.source { continue }
                guard let wabtBytes = expected[module.location.line] else { continue }
                compared += 1
                if expectation == .valid { validCompared += 1 }
                do {
                    let ours = try WatAssembler.assemble(module, options: .init(validate: false, debugNames: debugNames)).bytes
                    if ours == wabtBytes {
                        identical += 1
                    } else {
                        let at = (0..<min(ours.count, wabtBytes.count)).first { ours[$0] != wabtBytes[$0] } ?? min(ours.count, wabtBytes.count)
                        mismatches.append("\(SpecSuite.shortName(url)):\(module.location.line): differs at byte 0x\(String(at, radix: 16)) (ours \(ours.count) bytes, wabt \(wabtBytes.count))")
                    }
                } catch {
                    mismatches.append("\(SpecSuite.shortName(url)):\(module.location.line): \(error.message)")
                }
            }
        }
        print("WabtParityTests\(debugNames ? " (--debug-names)" : ""): \(identical) of \(compared) text modules byte-identical to wabt (\(validCompared) valid ones compared)")
        for m in mismatches.prefix(40) { print(m) }
        #expect(mismatches.count == 0)
        #expect(compared > 1000)
    }
}
