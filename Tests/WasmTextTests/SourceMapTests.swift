import Testing
import WasmCore
@testable import WasmText

/// The source map ties each instruction to its WAT line:column and its module file offset.
@Suite struct SourceMapTests {
    static let text = """
        (module
          (import "env" "log" (func $log (param i32)))
          (func $f (param i32) (result i32)
            local.get 0
            i32.const 1
            i32.add)
          (func (export "g")
            (drop (call $f (i32.const 5)))))
        """

    @Test func instructionLocations() throws {
        let assembled = try WatAssembler.assemble(Self.text, file: "m.wat")
        let map = assembled.sourceMap
        #expect(map.firstFunctionIndex == 1)
        func at(_ f: UInt32, _ i: Int) -> (Int, Int)? {
            map.location(function: f, instruction: i).map { ($0.line, $0.column) }
        }
        #expect(at(1, 0)! == (4, 5))     // local.get 0
        #expect(at(1, 1)! == (5, 5))     // i32.const 1
        #expect(at(1, 2)! == (6, 5))     // i32.add
        #expect(at(1, 3)! == (6, 12))    // the function's end: its closing paren
        // Folded: operands first, each at its own keyword.
        #expect(at(2, 0)! == (8, 21))    // i32.const 5
        #expect(at(2, 1)! == (8, 12))    // call $f
        #expect(at(2, 2)! == (8, 6))     // drop
        #expect(at(0, 0) == nil)         // an import has no body
        #expect(at(1, 4) == nil)
        #expect(map.location(function: 1, instruction: 0)?.file == "m.wat")
    }

    /// Every instruction's location against a line and column counted naively from the text:
    /// folded operators placed after operands many lines down, long jumps forward, newlines
    /// inside block comments, CR LF line ends, and a module that starts mid-line of a script.
    @Test func locationsMatchTheText() throws {
        var lines = ["(module (func $f (result i32)"]
        lines.append("  (i32.add")
        for i in 0..<30 { lines.append("    (i32.const \(i)) (; a\n comment ;) (drop)\r") }
        lines.append("    (i32.const 1))")
        for _ in 0..<20 { lines.append("") }
        lines.append("  nop (i32.mul (i32.const 2)\n (i32.const 3)) drop))")
        let text = lines.joined(separator: "\n")
        let bytes = Array(text.utf8)
        func naive(_ offset: Int, baseLine: Int, baseColumn: Int) -> (Int, Int) {
            var line = baseLine, lineStart = 0
            for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            return (line, offset - lineStart + 1 + (line == baseLine ? baseColumn - 1 : 0))
        }
        for (baseLine, baseColumn) in [(1, 1), (40, 7)] {
            let (module, map) = try WatAssembler.parse(bytes: bytes, file: "t.wat", line: baseLine, column: baseColumn)
            let body = module.functions[0].body.instructions
            var checked = 0
            // The mnemonic of each instruction starts where the map says.
            for i in 0..<body.count - 1 {
                let location = try #require(map.location(function: 0, instruction: i))
                let mnemonic = body[i].opcode.mnemonic
                let offsets = (0...bytes.count - mnemonic.utf8.count).filter { o in
                    naive(o, baseLine: baseLine, baseColumn: baseColumn) == (location.line, location.column)
                }
                #expect(offsets.count == 1 && bytes[offsets[0]..<offsets[0] + mnemonic.utf8.count].elementsEqual(mnemonic.utf8),
                        "instruction \(i) (\(mnemonic)) at \(location.line):\(location.column)")
                checked += 1
            }
            #expect(checked == body.count - 1 && checked == 67)
        }
    }

    @Test func fileOffsetsPointAtTheEncodedInstructions() throws {
        let assembled = try WatAssembler.assemble(Self.text, file: "m.wat")
        let map = assembled.sourceMap
        let bytes = assembled.bytes
        let line8 = map.fileOffsets(forLine: 8)
        // i32.const, call, drop, and the function's end (its `)` is on line 8 too).
        #expect(line8.count == 4)
        #expect(line8.map { bytes[Int($0)] }.sorted() == [0x0B, 0x10, 0x1A, 0x41])
        let line4 = map.fileOffsets(forLine: 4)
        #expect(line4.count == 1)
        #expect(bytes[Int(line4[0])] == 0x20)                                    // local.get
        #expect(map.fileOffsets(forLine: 2).isEmpty)

        // An offset inside an instruction's encoding maps to that instruction.
        let constOffset = try #require(map.fileOffsets(forLine: 5).first)
        #expect(map.location(forFileOffset: constOffset)?.line == 5)
        #expect(map.location(forFileOffset: constOffset + 1)?.line == 5)
        #expect(map.location(forFileOffset: constOffset + 1)?.column == 5)
        #expect(map.location(forFileOffset: 0) == nil)
    }

    @Test func offsetsAgreeWithTheDecoder() throws {
        let assembled = try WatAssembler.assemble(Self.text, file: "m.wat")
        let decoded = try BinaryDecoder.decode(assembled.bytes)
        for (i, function) in decoded.functions.enumerated() {
            let index = UInt32(decoded.importedFunctionCount + i)
            #expect(assembled.sourceMap.fileOffsets[i] == function.body.offsets)
            #expect(assembled.module.functions[i].body.offsets == function.body.offsets)
            #expect(assembled.module.functions[i].bodyOffset == function.bodyOffset)
            for (k, offset) in function.body.offsets.enumerated() {
                let found = assembled.sourceMap.instruction(atFileOffset: offset)
                #expect(found?.function == index && found?.instruction == k)
            }
        }
    }

    /// Every function of every valid text module in the spec suite gets a complete map.
    @Test func specModulesGetCompleteMaps() throws {
        let scripts = SpecSuite.scripts.filter { ["fac.wast", "br_table.wast", "simd_lane.wast", "loop.wast"].contains($0.lastPathComponent) }
        guard !scripts.isEmpty else {
            Issue.record("missing prerequisite: ../shared/testsuite not found (Scripts/setup.sh installs it)")
            return
        }
        var functions = 0
        for url in scripts {
            let directives = try WastParser.parse(SpecSuite.read(url) ?? "", file: url.path)
            for d in directives {
                guard case .module(let module) = d.command, case .text = module.source else { continue }
                let assembled = try WatAssembler.assemble(module)
                let map = assembled.sourceMap
                #expect(map.functionCount == assembled.module.functions.count)
                for (i, f) in assembled.module.functions.enumerated() {
                    #expect(map.fileOffsets[i].count == f.body.instructions.count)
                    let index = UInt32(assembled.module.importedFunctionCount + i)
                    #expect(map.locations(function: index).count == f.body.instructions.count)
                    functions += 1
                }
            }
        }
        print("SourceMapTests: \(functions) spec functions fully mapped")
        #expect(functions > 100)
    }

    @Test func embeddedSectionRoundTrips() throws {
        let plain = try WatAssembler.assemble(Self.text, file: "m.wat")
        let embedded = try WatAssembler.assemble(Self.text, file: "m.wat", options: .init(embedSourceMap: true))
        #expect(embedded.bytes.starts(with: plain.bytes) && embedded.bytes.count > plain.bytes.count)
        let decoded = try BinaryDecoder.decode(embedded.bytes)
        let map = try #require(SourceMap(module: decoded))
        #expect(map.file == "m.wat")
        for line in 1...9 { #expect(map.fileOffsets(forLine: line) == plain.sourceMap.fileOffsets(forLine: line)) }
        for f in 1...2 { #expect(map.locations(function: UInt32(f)) == plain.sourceMap.locations(function: UInt32(f))) }
        // A damaged payload is refused, not trusted.
        #expect(SourceMap(customSection: [1, 200], module: decoded) == nil)
        #expect(SourceMap(customSection: [], module: decoded) == nil)
    }
}
