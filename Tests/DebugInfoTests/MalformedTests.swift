import Testing
@testable import DebugInfo

/// Malformed DWARF: every query answers nil or empty, records a warning naming the section and
/// offset, and never traps or recurses without bound.
@Suite struct MalformedTests {
    typealias B = DwarfBuilder

    /// Asks everything once (and evaluates what comes back) so every parser runs.
    static func exercise(_ info: DebugInfo) {
        let frame = FakeFrame(locals: [0: 0x1000, 1: 0x1000, 2: 0x1000, 3: 0x1000], globals: [0: 0x1000])
        _ = info.sourceFiles
        for name in info.allFunctionNames.prefix(40) {
            for f in info.functions(named: name) {
                _ = info.location(at: f.lowPC)
                _ = info.lineTableRows(inFunctionAt: f.lowPC)
                for offset in [f.prologueEnd] {
                    for frameInfo in info.inlinedChain(at: offset) { _ = info.variables(in: frameInfo, at: offset) }
                    for v in info.variables(in: f, at: offset) {
                        if let location = v.location { _ = try? info.evaluate(location, frame: frame) }
                        if let type = v.type { _ = typeName(type); _ = ptypeText(type) }
                    }
                }
            }
        }
        for file in ["primes.c", "shapes.c", "rect.cpp", "inventory.rs"] { _ = info.addresses(forFile: file, line: 13) }
        for v in info.globalVariables(named: nil).prefix(40) {
            if let type = v.type { _ = ptypeText(type) }
            if let location = v.location { _ = try? info.evaluate(location, frame: frame) }
        }
        for name in ["struct shape", "int", "geo::Rect", "inventory::Shape"] { _ = info.type(named: name).map(ptypeText) }
    }

    static let fixtures = ["c-O0-dwarf5.wasm", "c-O2-dwarf4.wasm", "cpp-O0-dwarf4.wasm", "rust-O0.wasm", "rust-enums-O0.wasm"]
    /// Sections whose cut always leaves something a query must read and cannot.
    static let structural: Set<String> = [".debug_info", ".debug_abbrev", ".debug_line"]

    @Test func truncatedSectionsAtManyCutPoints() throws {
        var runs = 0
        for fixture in Self.fixtures {
            let (sections, codeOffset) = try Fixture.sections(fixture)
            let unitEnds = Set(DebugInfo(sections: sections, codeSectionPayloadOffset: codeOffset).units.map(\.end))
            for (name, bytes) in sections where bytes.count > 1 {
                let cuts = Set((0..<8).map { bytes.count * $0 / 8 } + [1, 3, 7, 12, bytes.count - 1]).filter { $0 > 0 && $0 < bytes.count }
                for cut in cuts.sorted() {
                    var damaged = sections
                    damaged[name] = Array(bytes.prefix(cut))
                    let info = DebugInfo(sections: damaged, codeSectionPayloadOffset: codeOffset)
                    Self.exercise(info)
                    runs += 1
                    if Self.structural.contains(name) && !(name == ".debug_info" && unitEnds.contains(cut)) {
                        #expect(!info.warnings.isEmpty, "\(fixture) \(name) cut at \(cut)")
                        #expect(info.warnings.allSatisfy { $0.description.hasPrefix(".debug_") })
                    }
                }
            }
        }
        #expect(runs > 200)
    }

    @Test func garbageInEverySection() throws {
        var generator = SeededGenerator(seed: 0x5eed)
        for fixture in Self.fixtures {
            let (sections, codeOffset) = try Fixture.sections(fixture)
            for name in sections.keys.sorted() {
                for _ in 0..<2 {
                    var damaged = sections
                    damaged[name] = (0..<(sections[name]?.count ?? 0)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    let info = DebugInfo(sections: damaged, codeSectionPayloadOffset: codeOffset)
                    Self.exercise(info)
                    if Self.structural.contains(name) { #expect(!info.warnings.isEmpty, "\(fixture) garbage \(name)") }
                }
            }
            // Everything garbage at once, and garbage flipped into the real bytes here and there.
            var allGarbage = sections
            for key in sections.keys { allGarbage[key] = (0..<(sections[key]?.count ?? 0)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
            let info = DebugInfo(sections: allGarbage, codeSectionPayloadOffset: codeOffset)
            Self.exercise(info)
            #expect(!info.warnings.isEmpty)
            for _ in 0..<5 {
                var flipped = sections
                for key in sections.keys where !(sections[key]?.isEmpty ?? true) {
                    for _ in 0..<8 {
                        let i = Int.random(in: 0..<flipped[key]!.count, using: &generator)
                        flipped[key]![i] = UInt8.random(in: 0...255, using: &generator)
                    }
                }
                Self.exercise(DebugInfo(sections: flipped, codeSectionPayloadOffset: codeOffset))
            }
        }
    }

    @Test func unknownFormIsNamedWithItsOffset() {
        let abbreviations = B.abbreviations([.init(code: 1, tag: Tag.compileUnit, children: true, attributes: [(Attribute.name, UInt64(0x7a))])])
        let info = B.info(units: [B.unit(body: [1, 0, 0])], abbreviations: abbreviations)
        Self.exercise(info)
        #expect(info.warnings.map(\.description).contains(".debug_info+0xc: unknown form 0x7a"))
        #expect(info.allFunctionNames.isEmpty)
    }

    @Test func badAbbreviationCode() {
        let body = B.uleb(B.Code.compileUnit) + B.cString("x.c") + [99, 0, 0]
        let info = B.info(units: [B.unit(body: body)])
        Self.exercise(info)
        #expect(info.warnings.map(\.description) == [".debug_info+0x10: unknown abbreviation code 99"])
    }

    @Test func badUnitHeaders() {
        // 64-bit DWARF, an unknown version, a length past the end.
        let sixtyFour: [UInt8] = [0xff, 0xff, 0xff, 0xff] + [UInt8](repeating: 0, count: 16)
        let info64 = B.info(units: [sixtyFour])
        Self.exercise(info64)
        #expect(info64.warnings.map(\.description) == [".debug_info+0x0: 64-bit DWARF is not supported"])
        let version = B.info(units: [B.unit(body: [1, 0], version: 9)])
        Self.exercise(version)
        #expect(version.warnings.map(\.description) == [".debug_info+0x4: unsupported DWARF version 9"])
        let long = B.info(units: [B.u32(1000) + [4, 0, 0, 0, 0, 0, 4]])
        Self.exercise(long)
        #expect(long.warnings.first?.message.contains("runs past the end") == true)
        let abbreviationPastEnd = B.info(units: [B.unit(body: [1, 0, 0], abbreviationOffset: 5000)])
        Self.exercise(abbreviationPastEnd)
        #expect(abbreviationPastEnd.warnings.map(\.description) == [".debug_abbrev+0x1388: abbreviation table offset past the end"])
    }

    /// A pointer to a pointer to ... 100,000 deep, ending in int; and a variable of that type.
    @Test func deepTypeChain() throws {
        let depth = 100_000
        let cu = B.uleb(B.Code.compileUnit) + B.cString("deep.c")
        let firstPointer = B.headerSize + cu.count
        var body = cu
        for i in 0..<depth { body += B.uleb(B.Code.pointer) + B.u32(UInt32(firstPointer + 5 * (i + 1))) }
        body += B.uleb(B.Code.baseType) + B.cString("int") + [0x05, 4]
        body += B.global("p", type: UInt32(firstPointer), address: 0x400)
        body += [0]
        let info = B.info(units: [B.unit(body: body)])
        let p = try #require(info.globalVariables(named: "p").first)
        let type = try #require(p.type)
        #expect(typeName(type) == "<type chain too deep>")
        #expect(ptypeText(type) == "<type chain too deep>")
        // Following the links one at a time reaches int at the bottom.
        var current: DebugType? = type
        var steps = 0
        while let c = current, c.kind == .pointer { current = c.target; steps += 1 }
        #expect(steps == depth)
        #expect(current.map(typeName) == "int")
        #expect(info.warnings.isEmpty)
        // A chain short enough is spelled out.
        var short = cu
        for i in 0..<3 { short += B.uleb(B.Code.pointer) + B.u32(UInt32(firstPointer + 5 * (i + 1))) }
        short += B.uleb(B.Code.baseType) + B.cString("int") + [0x05, 4] + B.global("q", type: UInt32(firstPointer), address: 0x400) + [0]
        // (Types resolve their links through the DebugInfo that made them: keep it alive.)
        let shortInfo = B.info(units: [B.unit(body: short)])
        #expect(shortInfo.globalVariables(named: "q").first?.type.map(typeName) == "int ***")
    }

    @Test func cyclesInTypeReferences() throws {
        let cu = B.uleb(B.Code.compileUnit) + B.cString("cycle.c")
        let start = UInt32(B.headerSize + cu.count)
        // A pointer to itself; typedefs a -> b -> a; a struct whose member is the struct itself.
        var body = cu
        body += B.uleb(B.Code.pointer) + B.u32(start)                                   // start: * -> itself
        let typedefA = start + 5
        let aBytes = B.uleb(B.Code.typedef) + B.cString("a") + B.u32(0)                 // patched below
        let typedefB = typedefA + UInt32(aBytes.count)
        body += B.uleb(B.Code.typedef) + B.cString("a") + B.u32(typedefB)
        body += B.uleb(B.Code.typedef) + B.cString("b") + B.u32(typedefA)
        let structure = typedefB + UInt32(aBytes.count)
        body += B.uleb(B.Code.structure) + B.cString("s") + [8]
        body += B.uleb(B.Code.member) + B.cString("self") + B.u32(structure) + [0]
        body += [0]
        body += B.global("p", type: start, address: 0x400)
        body += B.global("x", type: typedefA, address: 0x404)
        body += B.global("s", type: structure, address: 0x408)
        // A reference outside the unit and one to the middle of a DIE.
        body += B.global("dangling", type: 0x7fff_0000, address: 0x40c)
        body += B.global("middle", type: start + 2, address: 0x410)
        body += [0]
        let info = B.info(units: [B.unit(body: body)])
        let globals = Dictionary(uniqueKeysWithValues: info.globalVariables(named: nil).map { ($0.name, $0) })
        let p = try #require(globals["p"]?.type)
        #expect(p.target === p)
        #expect(typeName(p) == "<type chain too deep>")
        let x = try #require(globals["x"]?.type)
        #expect(typeName(x) == "a")
        #expect(x.stripped.kind == .typedef)
        #expect(ptypeText(x) == "a" || ptypeText(x) == "b")
        let s = try #require(globals["s"]?.type)
        #expect(ptypeText(s) == "struct s {\n    struct s self;\n}")
        #expect(globals["dangling"]?.type == nil)
        #expect(globals["middle"]?.type == nil)
        #expect(info.warnings.count == 2)
        #expect(info.warnings.allSatisfy { $0.message == "no type entry at this offset" })
    }

    @Test func deeplyNestedBlocksStopWithAWarning() {
        let depth = 100_000
        var body = B.uleb(B.Code.compileUnit) + B.cString("nest.c")
        body += B.uleb(B.Code.subprogram) + B.cString("f") + B.u32(0x10) + B.u32(0x20)
        body += [UInt8](repeating: UInt8(B.Code.lexicalBlock), count: depth)
        body += [UInt8](repeating: 0, count: depth + 2)
        let info = B.info(units: [B.unit(body: body)])
        let f = info.functions(named: "f")
        #expect(f.first?.lowPC == 0x110)
        #expect(info.variables(in: f[0], at: 0x115).isEmpty)
        #expect(info.inlinedChain(at: 0x115).isEmpty)
        #expect(info.warnings.map(\.message) == ["DIEs nested deeper than 256"])
    }

    @Test func malformedLinePrograms() {
        // A unit pointing at line programs with a zero line_range, and past the end.
        let abbreviations = B.abbreviations([.init(code: 1, tag: Tag.compileUnit, children: false,
                                                   attributes: [(Attribute.name, Form.string), (Attribute.stmtList, Form.secOffset)])])
        var header: [UInt8] = [4, 0] + B.u32(0) + [1, 1, 1, 0xfb, 0, 13] + [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1] + [0, 0]
        header = [4, 0] + B.u32(UInt32(header.count - 6)) + Array(header[6...])
        let program = B.u32(UInt32(header.count)) + header
        let units = [B.unit(body: [1] + B.cString("a.c") + B.u32(0)), B.unit(body: [1] + B.cString("b.c") + B.u32(9999))]
        let info = DebugInfo(sections: [".debug_info": units.flatMap { $0 }, ".debug_abbrev": abbreviations, ".debug_line": program],
                             codeSectionPayloadOffset: 0)
        #expect(info.sourceFiles.isEmpty)
        #expect(info.addresses(forFile: "a.c", line: 1).isEmpty)
        #expect(info.warnings.map(\.message) == ["line_range is 0", "line program offset past the end"])
        #expect(info.warnings.last?.description == ".debug_line+0x270f: line program offset past the end")
    }

    /// A signed LEB128 of nine bytes whose last group has the sign bit: sign extension at bit 63
    /// once overflowed (`-(1 << 63)`) and killed the process (found by fuzz-dwarf; the input is
    /// Fuzz/regressions/dwarf/crash-a9a7010c…).
    @Test func nineByteSignedLEB128SignExtendsAtBit63() throws {
        var cursor = ByteCursor(bytes: Array(repeating: 0x80, count: 8) + [0x40], section: ".debug_line")
        #expect(try cursor.sleb() == -(Int64(1) << 62))
        cursor = ByteCursor(bytes: Array(repeating: 0xff, count: 8) + [0x7f], section: ".debug_line")
        #expect(try cursor.sleb() == -1)
        // Ten bytes: the last group's lowest bit is bit 63, the rest falls off (-2^63).
        cursor = ByteCursor(bytes: Array(repeating: 0x80, count: 9) + [0x7f], section: ".debug_line")
        #expect(try cursor.sleb() == Int64.min)
        // The same operand to DW_LNS_advance_line in a line program: rows, no trap.
        let abbreviations = B.abbreviations([.init(code: 1, tag: Tag.compileUnit, children: false,
                                                   attributes: [(Attribute.name, Form.string), (Attribute.stmtList, Form.secOffset)])])
        var header: [UInt8] = [4, 0] + B.u32(0) + [1, 1, 1, 0xfb, 14, 13] + [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]
            + [0] + B.cString("a.c") + [0, 0, 0] + [0]
        header = [4, 0] + B.u32(UInt32(header.count - 6)) + Array(header[6...])
        let body: [UInt8] = [3] + Array(repeating: 0x80, count: 8) + [0x40] + [1] + [0, 1, 1]
        let program = B.u32(UInt32(header.count + body.count)) + header + body
        let info = DebugInfo(sections: [".debug_info": B.unit(body: [1] + B.cString("a.c") + B.u32(0)),
                                        ".debug_abbrev": abbreviations, ".debug_line": program],
                             codeSectionPayloadOffset: 0)
        _ = info.location(at: 0)
        Self.exercise(info)
        #expect(info.sourceFiles == ["a.c"])
    }
}

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
