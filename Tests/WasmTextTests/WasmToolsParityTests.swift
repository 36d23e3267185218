import Foundation
import Testing
import WasmCore
@testable import WasmText

/// Byte-for-byte parity with `wasm-tools` 1.262 (Scripts/setup.sh) on the WebAssembly 3.0
/// scripts: every text module of `proposals/wasm-3.0` (with `legacy/` and `custom/`; valid ones
/// and those `assert_invalid` expects the validator to reject) must assemble, in the
/// `.wasmTools` encoding style with `--debug-names`, to the bytes `wasm-tools json-from-wast`
/// writes for it: same encodings, same custom sections from `@custom` and branch hints in the
/// same places, same name section. There is no exception.
@Suite struct WasmToolsParityTests {
    /// The `.wasm` files wasm-tools wrote for a script's text modules, by the line of their
    /// `module` keyword (several on one line in script order).
    static func wasmToolsModules(_ script: URL, tool: String, scratch: URL) -> [Int: [[UInt8]]]? {
        let json = scratch.appendingPathComponent("script.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["json-from-wast", script.path, "-o", json.path, "--wasm-dir", scratch.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: json.path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let commands = object["commands"] as? [[String: Any]] else { return nil }
        var result: [Int: [[UInt8]]] = [:]
        for command in commands {
            // A quoted module is written as text, with its binary beside it.
            guard let file = (command["binary_filename"] as? String) ?? (command["filename"] as? String), file.hasSuffix(".wasm"),
                  let line = command["line"] as? Int,
                  let bytes = FileManager.default.contents(atPath: scratch.appendingPathComponent(file).path) else { continue }
            result[line, default: []].append([UInt8](bytes))
        }
        return result
    }

    /// What `wasm-tools parse` writes for one module's text; nil when it cannot read it.
    static func wasmToolsModule(_ text: String, tool: String, scratch: URL) -> [UInt8]? {
        let input = scratch.appendingPathComponent("module.wat"), output = scratch.appendingPathComponent("module.wasm")
        try? FileManager.default.removeItem(at: output)
        guard (try? text.write(to: input, atomically: true, encoding: .utf8)) != nil else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["parse", input.path, "-o", output.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let bytes = FileManager.default.contents(atPath: output.path) else { return nil }
        return [UInt8](bytes)
    }

    /// The sections of a module: id, custom-section name, and the whole section's bytes.
    static func sections(_ bytes: [UInt8]) -> [(id: UInt8, name: String?, bytes: ArraySlice<UInt8>)] {
        var result: [(id: UInt8, name: String?, bytes: ArraySlice<UInt8>)] = []
        var p = 8
        while p < bytes.count {
            let id = bytes[p]
            var size = 0, shift = 0, q = p + 1
            while q < bytes.count, shift < 35 {
                size |= Int(bytes[q] & 0x7F) << shift
                shift += 7
                q += 1
                if bytes[q - 1] & 0x80 == 0 { break }
            }
            let end = min(bytes.count, q + size)
            var name: String?
            if id == 0, q < end, q + 1 + Int(bytes[q]) <= end {
                name = String(decoding: bytes[(q + 1)..<(q + 1 + Int(bytes[q]))], as: UTF8.self)
            }
            result.append((id, name, bytes[p..<end]))
            p = end
        }
        return result
    }

    @Test func wasm30TextModulesMatchWasmTools() throws {
        guard let tool = WabtParityTests.findTool("wasm-tools") else {
            Issue.record("missing prerequisite: wasm-tools not on PATH (Scripts/setup.sh installs it)")
            return
        }
        let scripts = SpecSuite.scripts(in: "proposals/wasm-3.0")
        guard !scripts.isEmpty else {
            Issue.record("missing prerequisite: ../shared/testsuite/proposals/wasm-3.0 not found")
            return
        }
        var compared = 0, identical = 0
        var unpaired: [String] = []
        var mismatches: [String] = []
        var unconverted: [String] = []
        for url in scripts {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-wasm-tools-parity-\(getpid())")
            try? FileManager.default.removeItem(at: scratch)
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            guard let text = SpecSuite.read(url) else {
                mismatches.append("\(SpecSuite.shortName(url)): cannot read")
                continue
            }
            guard let directives = try? WastParser.parse(text, file: url.path) else {
                mismatches.append("\(SpecSuite.shortName(url)): does not parse")
                continue
            }
            // wasm-tools 1.262 does not read the folded form of legacy exception handling
            // (`(try (do …) (catch …))`), so a `legacy/` script that has it is converted one
            // module at a time: the modules wasm-tools reads are compared.
            let wholeScript = Self.wasmToolsModules(url, tool: tool, scratch: scratch)
            if wholeScript == nil && !url.path.contains("/legacy/") {
                mismatches.append("\(SpecSuite.shortName(url)): json-from-wast failed")
                continue
            }
            var expected = wholeScript ?? [:]
            for d in directives {
                guard let (module, expectation) = d.command.moduleAndExpectation, expectation != .malformed else { continue }
                if case .binary = module.source { continue }
                // `(module instance $I $M)` instantiates a definition: no module text.
                if module.instanceOf != nil { continue }
                if wholeScript == nil {
                    let moduleText: String
                    switch module.source {
                    case .text(let t), .quote(let t): moduleText = t
                    case .binary: continue
                    }
                    guard let bytes = Self.wasmToolsModule(moduleText, tool: tool, scratch: scratch) else {
                        unconverted.append("\(SpecSuite.shortName(url)):\(module.location.line)")
                        // Only the legacy `try` keeps wasm-tools from reading a module.
                        if !moduleText.contains("(try") { mismatches.append("\(SpecSuite.shortName(url)):\(module.location.line): wasm-tools parse failed") }
                        continue
                    }
                    expected[module.location.line, default: []].append(bytes)
                }
                guard var list = expected[module.location.line], !list.isEmpty else {
                    // wasm-tools wrote the module's text, not a binary (it refuses it).
                    unpaired.append("\(SpecSuite.shortName(url)):\(module.location.line)")
                    continue
                }
                let reference = list.removeFirst()
                expected[module.location.line] = list
                compared += 1
                let place = "\(SpecSuite.shortName(url)):\(module.location.line)"
                do {
                    let bytes = try WatAssembler.assemble(module, options: .init(validate: false, debugNames: true,
                                                                                   style: .wasmTools)).bytes
                    if bytes == reference {
                        identical += 1
                        continue
                    }
                    if let dir = ProcessInfo.processInfo.environment["WDB_PARITY_DUMP"] {
                        // Both binaries, to study a difference with `wasm-tools dump`.
                        let base = "\(dir)/\(url.lastPathComponent)-\(module.location.line)"
                        _ = FileManager.default.createFile(atPath: base + ".wdb.wasm", contents: Data(bytes))
                        _ = FileManager.default.createFile(atPath: base + ".wt.wasm", contents: Data(reference))
                    }
                    let at = WabtParityTests.firstDifference(bytes, reference)
                    mismatches.append("\(place): differs at byte 0x\(String(at, radix: 16)) (ours \(bytes.count) bytes, wasm-tools \(reference.count))")
                } catch {
                    mismatches.append("\(place): \(error.message)")
                }
            }
        }
        print("WasmToolsParityTests: \(identical) of \(compared) text modules of proposals/wasm-3.0 byte-identical to wasm-tools; \(unconverted.count) modules wasm-tools cannot read (legacy `try`): \(unconverted.joined(separator: " "))")
        for m in mismatches.prefix(60) { print(m) }
        #expect(compared > 2900)
        #expect(identical == compared)
        #expect(unpaired.isEmpty, "modules wasm-tools wrote no binary for: \(unpaired.joined(separator: " "))")
        #expect(mismatches.isEmpty)
    }
}
