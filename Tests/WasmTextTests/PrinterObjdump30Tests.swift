import Foundation
import Testing
import WasmCore
@testable import WasmText

/// `dump -d` against wasm-objdump on the valid text modules of the 3.0 suite, where wabt
/// supports the feature: modules whose wasm-objdump listing shows `<invalid>` or a
/// `(ref null …)` immediate (typed function references, GC: wabt does not read them) and those
/// with a memory64 offset of 2^32 or more (wasm-objdump prints it cut to 32 bits) are left out.
@Suite struct PrinterObjdump30Tests {
    @Test func wasm30ModulesDisassembleLikeObjdump() throws {
        let scripts = SpecSuite.scripts(in: "proposals/wasm-3.0")
        try #require(!scripts.isEmpty, "the 3.0 spec scripts are needed (shared/testsuite/proposals/wasm-3.0)")
        let objdump = try #require(PrinterTestSupport.tool("wasm-objdump"), "wasm-objdump (wabt) is needed (Scripts/setup.sh)")
        let dir = try PrinterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [(name: String, ours: String)] = []
        for url in scripts {
            guard let text = SpecSuite.read(url), let directives = try? WastParser.parse(text, file: url.path) else { continue }
            for directive in directives {
                guard let (module, expectation) = directive.command.moduleAndExpectation, expectation == .valid else { continue }
                if case .binary = module.source { continue }
                guard let bytes = try? WatAssembler.assemble(module, options: .init(validate: false, debugNames: true)).bytes,
                      let decoded = try? BinaryDecoder.decode(bytes) else { continue }
                let name = "m\(files.count).wasm"
                _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data(bytes))
                files.append((name, Objdump.disassembly(decoded, bytes: bytes, fileName: name)))
            }
        }
        var compared = 0
        var mismatches: [String] = []
        // wasm-objdump takes many files at once; each file's listing starts with its prelude line.
        // It stops at a file it cannot disassemble (a feature wabt lacks) after that file's
        // prelude: that file is left out, and the batch goes on after it.
        var start = 0
        while start < files.count {
            let batch = Array(files[start..<min(start + 300, files.count)])
            let output = try PrinterTestSupport.run(objdump, ["-d"] + batch.map(\.name), in: dir).stdout
            let starts = batch.map { output.range(of: "\n\($0.name):\tfile format")?.lowerBound }
            let listed = starts.firstIndex { $0 == nil } ?? batch.count
            let complete = listed == batch.count ? listed : max(0, listed - 1)
            for k in 0..<complete {
                let entry = batch[k]
                let theirs = output[starts[k]!..<(k + 1 < listed ? starts[k + 1]! : output.endIndex)]
                guard !theirs.contains("<invalid>"), !theirs.contains("(ref null"), !Self.hasWideOffset(entry.ours) else { continue }
                compared += 1
                if theirs != entry.ours[...] {
                    let a = theirs.split(separator: "\n"), b = entry.ours.split(separator: "\n")
                    let line = zip(a, b).first { $0 != $1 }.map { "wabt: \($0.0) / wdb: \($0.1)" }
                        ?? "wabt \(a.count) lines, wdb \(b.count)"
                    mismatches.append("\(entry.name): \(line)")
                }
            }
            start += listed == batch.count ? batch.count : max(1, listed)
        }
        print("wasm-objdump -d parity on the 3.0 suite: \(compared - mismatches.count)/\(compared) modules identical")
        #expect(compared > 1_400, "\(compared) modules compared")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) differ:\n\(mismatches.prefix(8).joined(separator: "\n"))")
    }

    /// A load or store whose offset (the last number of the line) needs more than 32 bits.
    static func hasWideOffset(_ listing: String) -> Bool {
        listing.split(separator: "\n").contains { line in
            guard line.contains(".load") || line.contains(".store"), let last = line.split(separator: " ").last,
                  let offset = UInt64(last) else { return false }
            return offset > UInt64(UInt32.max)
        }
    }
}
