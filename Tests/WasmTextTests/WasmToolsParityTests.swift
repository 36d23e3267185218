import Foundation
import Testing
import WasmCore
@testable import WasmText

/// Byte-for-byte parity with `wasm-tools` 1.262 (Scripts/setup.sh) on the WebAssembly 3.0
/// scripts: every text module of `proposals/wasm-3.0` (valid ones and those `assert_invalid`
/// expects the validator to reject) must assemble, with `--debug-names` in wasm-tools' layout,
/// to the bytes `wasm-tools json-from-wast` writes for it: same encodings, same custom sections
/// from `@custom` and branch hints in the same places, same name section.
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

    /// A name section's payload without wasm-tools' subsection 12 (parameter names of
    /// function types, an extension outside the spec's name section that wdb's model does
    /// not keep).
    static func withoutTypeParameterNames(_ section: ArraySlice<UInt8>) -> [UInt8] {
        let bytes = Array(section)
        var p = 1
        var size = 0, shift = 0
        while p < bytes.count, shift < 35 { size |= Int(bytes[p] & 0x7F) << shift; shift += 7; p += 1; if bytes[p - 1] & 0x80 == 0 { break } }
        guard p < bytes.count else { return bytes }
        p += 1 + Int(bytes[p])   // the name "name"
        var out: [UInt8] = []
        while p < bytes.count {
            let id = bytes[p]
            var q = p + 1, length = 0
            shift = 0
            while q < bytes.count, shift < 35 { length |= Int(bytes[q] & 0x7F) << shift; shift += 7; q += 1; if bytes[q - 1] & 0x80 == 0 { break } }
            let end = min(bytes.count, q + length)
            if id != 12 { out += bytes[p..<end] }
            p = end
        }
        return out
    }

    /// Why our bytes differ from wasm-tools', when it is one of the known, deliberate
    /// differences (Docs/wasm-3.0.md, "wasm-tools parity"); nil otherwise.
    static func knownDifference(ours: [UInt8], reference: [UInt8], script: String) -> String? {
        let a = sections(ours), b = sections(reference)
        let layoutA = a.map { "\($0.id)\($0.name ?? "")" }, layoutB = b.map { "\($0.id)\($0.name ?? "")" }
        if layoutA != layoutB {
            // wabt writes the data count section only when a data segment exists and
            // memory.init or data.drop is used; wasm-tools whenever those are used.
            return layoutA.filter { $0 != "12" } == layoutB.filter { $0 != "12" } ? "data count section" : nil
        }
        var reasons: Set<String> = []
        for (x, y) in zip(a, b) where x.bytes != y.bytes {
            switch x.id {
            case 9: reasons.insert("element encoding")          // wabt's choice of segment forms
            case 10: reasons.insert("code encoding")            // empty else, short block types
            case 0 where x.name == "name":
                guard Self.withoutTypeParameterNames(x.bytes) == Self.withoutTypeParameterNames(y.bytes) else { return nil }
                reasons.insert("type parameter names")
            case 1, 3 where script.hasPrefix("type-rec") || script.hasPrefix("type-subtyping"):
                // Implicit type uses: wdb reuses a final function type alone in its (even
                // explicit) rec group, as the spec's abbreviation says; wasm-tools appends a
                // new type, or reuses a non-final one.
                reasons.insert("implicit function types")
            default: return nil
            }
        }
        return reasons.sorted().joined(separator: ", ")
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
        var compared = 0, identical = 0, refusedInvalid = 0
        var unpaired: [String] = []
        var explained: [String: Int] = [:]
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
            guard var expected = Self.wasmToolsModules(url, tool: tool, scratch: scratch) else {
                // wasm-tools 1.262 does not read the legacy exception-handling text (`try`).
                if url.path.contains("/legacy/") { unconverted.append(SpecSuite.shortName(url)) } else {
                    mismatches.append("\(SpecSuite.shortName(url)): json-from-wast failed")
                }
                continue
            }
            guard let directives = try? WastParser.parse(text, file: url.path) else {
                mismatches.append("\(SpecSuite.shortName(url)): does not parse")
                continue
            }
            for d in directives {
                guard let (module, expectation) = d.command.moduleAndExpectation, expectation != .malformed else { continue }
                if case .binary = module.source { continue }
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
                        FileManager.default.createFile(atPath: base + ".wdb.wasm", contents: Data(bytes))
                        FileManager.default.createFile(atPath: base + ".wt.wasm", contents: Data(reference))
                    }
                    if let reason = Self.knownDifference(ours: bytes, reference: reference, script: url.lastPathComponent) {
                        explained[reason, default: 0] += 1
                    } else {
                        let at = WabtParityTests.firstDifference(bytes, reference)
                        mismatches.append("\(place): differs at byte 0x\(String(at, radix: 16)) (ours \(bytes.count) bytes, wasm-tools \(reference.count))")
                    }
                } catch where error.kind == .invalid && expectation == .invalid {
                    // A branch hint on a non-branch (assert_invalid_custom): wdb refuses it
                    // while parsing, wasm-tools writes it.
                    refusedInvalid += 1
                } catch {
                    mismatches.append("\(place): \(error.message)")
                }
            }
        }
        print("WasmToolsParityTests: \(identical) of \(compared) text modules of proposals/wasm-3.0 byte-identical to wasm-tools; \(refusedInvalid) refused as invalid; \(unpaired.count) without a wasm-tools binary (\(unpaired.joined(separator: " "))); scripts wasm-tools cannot convert: \(unconverted.joined(separator: ", "))")
        for (reason, count) in explained.sorted(by: { $0.key < $1.key }) {
            print("WasmToolsParityTests: \(count) differ by known encoding choices: \(reason)")
        }
        for m in mismatches.prefix(60) { print(m) }
        #expect(compared > 2900)
        #expect(identical > 2600)
        #expect(mismatches.isEmpty)
    }
}
