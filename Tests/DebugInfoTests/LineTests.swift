import Testing
import WasmCore
@testable import DebugInfo

/// Line lookups both ways on every fixture; expected addresses were checked against
/// `llvm-dwarfdump-14 --debug-line` of the committed modules.
@Suite struct LineTests {
    static let cFixtures = ["c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm", "c-O2-dwarf4.wasm", "c-O2-dwarf5.wasm"]

    @Test func addressToLineAndBackInC() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        // is_prime's rows start at DWARF address 0x1f (line 9) and its prologue ends at 0x44
        // (line 10, column 15); file offsets add the Code payload's offset.
        let base = info.codeSectionPayloadOffset
        #expect(base == (try Fixture.module("c-O0-dwarf5.wasm")).sectionLocations.first { $0.id == .code }?.payloadOffset)
        #expect(info.location(at: base + 0x1f) == SourceLocation(file: "primes.c", line: 9, column: 0, isStatement: true))
        #expect(info.location(at: base + 0x44) == SourceLocation(file: "primes.c", line: 10, column: 15, isStatement: true))
        // Inside a row's range (0x74..<0x87 is line 11, column 11, not a statement).
        #expect(info.location(at: base + 0x80) == SourceLocation(file: "primes.c", line: 11, column: 11, isStatement: false))
        // Before the Code section and past all code: nothing.
        #expect(info.location(at: 0x10) == nil)
        #expect(info.location(at: 0xffff_0000) == nil)

        let loop = try Fixture.line(of: "primes.c", containing: "for (int d = 2;")
        let matches = info.addresses(forFile: "primes.c", line: loop)
        #expect(matches == [LineMatch(file: "primes.c", line: loop, fileOffset: base + 0xa9, functionName: "is_prime")])
        // Line 16 of primes.c (the closing brace of the loop) has no code: the next line that has.
        let brace = try Fixture.lines(of: "primes.c", containing: "return 1;")[0] - 1
        let next = info.addresses(forFile: "primes.c", line: brace)
        #expect(next.map(\.line) == [brace + 1])
        #expect(info.function(containing: next[0].fileOffset)?.name == "is_prime")
        // A function's opening line maps past its prologue, like `break primes.c:9` in gdb.
        let opening = info.addresses(forFile: "primes.c", line: 9)
        #expect(opening.map(\.fileOffset) == [base + 0x44])
    }

    @Test func everyFixtureMapsItsLinesBothWays() throws {
        let cases: [(fixture: String, file: String, text: String, function: String)] = Self.cFixtures.map {
            ($0, "primes.c", "if (n % d == 0)", "is_prime")
        } + Self.cFixtures.map {
            ($0, "shapes.c", "int bits = shape->flags.mode", "describe")
        } + ["cpp-O0-dwarf4.wasm", "cpp-O0-dwarf5.wasm"].map {
            ($0, "rect.cpp", "int result = width_ * height_;", "geo::Rect::area")
        } + [("rust-O0.wasm", "inventory.rs", "if *value == needle {", "inventory::panic::find")]
        for c in cases {
            let info = try Fixture.debugInfo(c.fixture)
            let line = try Fixture.line(of: c.file, containing: c.text)
            let matches = info.addresses(forFile: c.file, line: line)
            #expect(!matches.isEmpty, "\(c.fixture): \(c.file):\(line)")
            for match in matches {
                #expect(match.line == line, "\(c.fixture)")
                let back = info.location(at: match.fileOffset)
                #expect(back?.file == c.file && back?.line == line, "\(c.fixture): \(String(describing: back))")
                // At -O2 the function may be inlined into its caller: then it is in the inlined chain.
                let names = [info.function(containing: match.fileOffset)?.qualifiedName] + info.inlinedChain(at: match.fileOffset).map(\.qualifiedName)
                #expect(names.contains(c.function), "\(c.fixture): \(names)")
            }
            #expect(info.warnings.isEmpty, "\(c.fixture): \(info.warnings)")
        }
    }

    @Test func oneMatchPerTemplateInstance() throws {
        for fixture in ["cpp-O0-dwarf4.wasm", "cpp-O0-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            let line = try Fixture.line(of: "rect.cpp", containing: "T best = values[0];")
            let matches = info.addresses(forFile: "rect.cpp", line: line)
            #expect(Set(matches.compactMap(\.functionName)) == ["geo::largest<int>", "geo::largest<double>"], "\(fixture)")
            #expect(matches.count == 2)
            // The template's opening line goes past each instance's prologue, to that first line.
            let opening = info.addresses(forFile: "rect.cpp", line: line - 1)
            #expect(opening.map(\.fileOffset) == matches.map(\.fileOffset))
        }
    }

    @Test func fileSuffixesMatchWholeComponents() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        #expect(!info.addresses(forFile: "./primes.c", line: 13).isEmpty)
        #expect(info.addresses(forFile: "imes.c", line: 13).isEmpty)
        #expect(info.addresses(forFile: "musl/src/string/memcpy.c", line: 1).first?.functionName == "memcpy")
        #expect(info.addresses(forFile: "nosuch.c", line: 1).isEmpty)
        #expect(info.addresses(forFile: "primes.c", line: 10_000).isEmpty)
        #expect(pathMatches("/a/src/x.c", suffix: "src/x.c"))
        #expect(!pathMatches("/a/xsrc/x.c", suffix: "src/x.c"))
        #expect(pathMatches("/a/src/x.c", suffix: "/a/src/x.c"))
    }

    @Test func sourceFilesAreFullPaths() throws {
        let c = try Fixture.debugInfo("c-O0-dwarf4.wasm")
        #expect(c.sourceFiles.contains("primes.c"))
        #expect(c.sourceFiles.contains("shapes.h"))
        #expect(c.sourceFiles.contains("libc-top-half/musl/src/string/strlen.c"))
        let cpp = try Fixture.debugInfo("cpp-O0-dwarf5.wasm")
        #expect(cpp.sourceFiles.contains("/usr/include/wasm32-wasi/c++/v1/cstddef"))
        let rust = try Fixture.debugInfo("rust-O0.wasm")
        #expect(rust.sourceFiles.contains("inventory.rs"))
        #expect(rust.sourceFiles.contains("/usr/src/rustc-1.63.0/library/core/src/option.rs"))
    }

    @Test func rowsOfAFunctionCoverItContiguously() throws {
        for fixture in Self.cFixtures + ["cpp-O0-dwarf5.wasm", "rust-O0.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            for function in info.functions(named: "describe") + info.functions(named: "Rect::area") + info.functions(named: "panic::find") {
                let rows = info.lineTableRows(inFunctionAt: function.lowPC)
                #expect(rows.first?.fileOffset == function.lowPC, "\(fixture)")
                #expect(rows.last?.endFileOffset == function.highPC, "\(fixture)")
                for (a, b) in zip(rows, rows.dropFirst()) { #expect(a.endFileOffset == b.fileOffset) }
                #expect(rows.contains { $0.isStatement && $0.line > 0 })
            }
        }
    }

    @Test func addressConversionBothWays() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        let base = info.codeSectionPayloadOffset
        #expect(info.fileOffset(ofCodeAddress: 0x1f) == base + 0x1f)
        #expect(info.codeAddress(ofFileOffset: base + 0x1f) == 0x1f)
        #expect(info.codeAddress(ofFileOffset: 0x10) == nil)
        #expect(info.fileOffset(ofCodeAddress: 0x1_0000_0000) == nil)
    }
}

/// Paths of line tables are joined and normalised as the line program means them: "." and empty
/// components dropped, ".." kept (a symbolic link may make it matter), already-normal paths
/// returned as they are.
@Suite struct PathNormalisationTests {
    @Test(arguments: [
        ("/a/b/c.c", "/a/b/c.c"), ("a/b", "a/b"), ("./a//b/./c/", "a/b/c"), ("/a/../b/./c", "/a/../b/c"),
        ("/", "/"), ("//x", "/x"), ("", "."), (".", "."), ("./", "."), ("/./", "/"), ("é/ü//ß", "é/ü/ß"),
    ])
    func normalisesAsTheLineProgramMeansIt(_ input: String, _ expected: String) {
        #expect(normalizePath(input) == expected)
    }

    @Test func joinsADirectoryUnlessTheNameIsAbsolute() {
        #expect(joinPath("/build/libc", "src/./x.c") == "/build/libc/src/x.c")
        #expect(joinPath("/build/libc/", "/usr/include/stdio.h") == "/usr/include/stdio.h")
        #expect(joinPath(nil, "./a.c") == "a.c")
        #expect(joinPath("", "a.c") == "a.c")
    }
}

