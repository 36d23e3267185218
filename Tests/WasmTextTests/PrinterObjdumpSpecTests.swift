import Foundation
import Testing
import WasmCore
@testable import WasmText

/// `Objdump.disassembly` and `Objdump.sectionHeaders` against wabt's wasm-objdump on every
/// valid module of the spec suite, assembled with and without a name section.
@Suite struct PrinterObjdumpSpecTests {
    @Test func specModulesDisassembleLikeObjdump() throws {
        let scripts = SpecSuite.scripts
        guard !scripts.isEmpty else {
            Issue.record("missing prerequisite: spec test suite not found (expected ../shared/testsuite) (Scripts/setup.sh installs it)")
            return
        }
        guard let objdump = PrinterTestSupport.tool("wasm-objdump") else {
            Issue.record("missing prerequisite: wasm-objdump not on PATH (Scripts/setup.sh installs it)")
            return
        }
        let dir = try PrinterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        // Assemble every valid module to a file; remember what we expect for each.
        var files: [(name: String, expected: String)] = []
        for url in scripts {
            guard let text = SpecSuite.read(url),
                  let directives = try? WastParser.parse(text, file: url.path) else { continue }
            for directive in directives {
                guard let (module, expectation) = directive.command.moduleAndExpectation,
                      expectation == .valid else { continue }
                if case .binary = module.source { continue }  // may use non-minimal encodings
                for debugNames in [false, true] {
                    guard let bytes = try? WatAssembler.assemble(module, options: .init(validate: false, debugNames: debugNames)).bytes,
                          let decoded = try? BinaryDecoder.decode(bytes) else { continue }
                    let name = "m\(files.count).wasm"
                    _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data(bytes))
                    let expected = Objdump.prelude(decoded, fileName: name) + Objdump.sectionHeaders(decoded)
                        + String(Objdump.disassembly(decoded, bytes: bytes, fileName: name)
                            .dropFirst(Objdump.prelude(decoded, fileName: name).count))
                    files.append((name, expected))
                }
            }
        }
        #expect(files.count > 2000)

        // wasm-objdump takes many files at once; run it in batches from the temporary folder.
        var matched = 0
        var mismatches: [String] = []
        var start = 0
        while start < files.count {
            let batch = Array(files[start..<min(start + 300, files.count)])
            start += batch.count
            let output = try PrinterTestSupport.run(objdump, ["-h", "-d"] + batch.map(\.name), in: dir).stdout
            let ours = batch.map(\.expected).joined()
            if output == ours {
                matched += batch.count
                continue
            }
            // Find the files that differ: each file's output starts with its prelude line.
            let starts = batch.map { output.range(of: "\n\($0.name):\tfile format")?.lowerBound }
            for (k, entry) in batch.enumerated() {
                guard let from = starts[k] else {
                    mismatches.append("\(entry.name): missing from wasm-objdump output")
                    continue
                }
                let to = starts[(k + 1)...].compactMap { $0 }.first ?? output.endIndex
                if output[from..<to] == entry.expected {
                    matched += 1
                } else {
                    mismatches.append(entry.name)
                }
            }
        }
        print("wasm-objdump -h -d parity: \(matched)/\(files.count) spec modules identical")
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, e.g. \(mismatches.prefix(5))")
    }
}
