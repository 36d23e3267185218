import Foundation
import Testing

/// `wdb dump` against wabt's `wasm-objdump` on the fixtures of Tests/Fixtures/dump
/// (rebuilt by Tests/Fixtures/dump/build.sh).
@Suite struct DumpTests {
    /// `wdb dump -d` prints exactly what `wasm-objdump -d` prints: offsets, bytes, indentation
    /// and instruction text.
    @Test(arguments: WdbTestSupport.fixtureNames())
    func disassemblyMatchesObjdump(fixture: String) throws {
        guard let objdump = WdbTestSupport.tool("wasm-objdump") else {
            print("skipped: wasm-objdump not on PATH")
            return
        }
        // Relative paths from the fixture folder, so the file name line is the same for both.
        let file = "\(fixture).wasm"
        let dir = WdbTestSupport.fixtures
        let ours = try WdbTestSupport.wdb(["dump", "-d", file], in: dir)
        let theirs = try WdbTestSupport.run(objdump, ["-d", file], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        let ourLines = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let theirLines = theirs.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(ourLines.count == theirLines.count)
        for (a, b) in zip(ourLines, theirLines) where a != b {
            Issue.record("\(fixture): wdb:\n\(a)\nwasm-objdump:\n\(b)")
            break
        }
    }

    /// The section table has wasm-objdump -h's offsets, sizes and counts.
    @Test(arguments: WdbTestSupport.fixtureNames())
    func sectionHeadersMatchObjdump(fixture: String) throws {
        guard let objdump = WdbTestSupport.tool("wasm-objdump") else {
            print("skipped: wasm-objdump not on PATH")
            return
        }
        let file = "\(fixture).wasm"
        let dir = WdbTestSupport.fixtures
        let ours = try WdbTestSupport.wdb(["dump", "--headers", file], in: dir)
        let theirs = try WdbTestSupport.run(objdump, ["-h", file], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == theirs.stdout)
    }

    @Test func detailsListTheModule() throws {
        let dir = WdbTestSupport.fixtures
        let result = try WdbTestSupport.wdb(["dump", "memory.wasm"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("Sections:"))
        #expect(text.contains("Section Details:"))
        #expect(text.contains(" - memory[0] pages: initial=1 max=4 <mem>"))
        #expect(text.contains(" - memory[0] <mem> -> \"memory\""))
        #expect(text.contains(" - segment[0] <greeting> memory=0 size=16 - init i32=16"))
        #expect(text.contains("  - 0000010: 4865 6c6c 6f2c 2077 6462 210a 0001 02ff  Hello, wdb!....."))
        #expect(text.contains(" - segment[1] <lazy> passive size=13"))
        #expect(!text.contains("Code Disassembly:"))
    }

    /// Printing a fixture as WAT and assembling it again with wabt gives the same bytes.
    @Test(arguments: WdbTestSupport.fixtureNames())
    func wasm2watReassemblesToTheSameBytes(fixture: String) throws {
        guard let wat2wasm = WdbTestSupport.tool("wat2wasm") else {
            print("skipped: wat2wasm not on PATH")
            return
        }
        let original = WdbTestSupport.fixtures.appendingPathComponent("\(fixture).wasm")
        let source = try String(contentsOf: WdbTestSupport.fixtures.appendingPathComponent("\(fixture).wat"), encoding: .utf8)
        let debugNames = source.hasPrefix(";; wat2wasm-flags: --debug-names")
        let dir = try WdbTestSupport.temporaryDirectory()
        for fold in [false, true] {
            let wat = dir.appendingPathComponent("\(fixture)\(fold ? "-folded" : "").wat")
            let printed = try WdbTestSupport.wdb(["wasm2wat", original.path, "-o", wat.path] + (fold ? ["--fold"] : []))
            #expect(printed.status == 0, "\(printed.stderr)")
            let rebuilt = dir.appendingPathComponent("rebuilt.wasm")
            let assembled = try WdbTestSupport.run(wat2wasm, (debugNames ? ["--debug-names"] : []) + [wat.path, "-o", rebuilt.path])
            #expect(assembled.status == 0, "\(assembled.stderr)")
            #expect(try WdbTestSupport.bytes(rebuilt) == WdbTestSupport.bytes(original), "\(fixture) fold=\(fold)")
        }
    }
}
