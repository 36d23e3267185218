import Foundation
import Testing
import WasmCore
@testable import WasmText

/// Hostile shapes and mutated binaries: printing and dumping must finish, with bounded output.
@Suite struct PrinterRobustnessTests {
    static func module(body: [Instruction]) -> Module {
        var m = Module()
        m.types = [FuncType()]
        m.functions = [Function(typeIndex: 0, body: Expression(body + [Instruction(.end)]))]
        return m
    }

    @Test func deepNestingPrintsFlatWithCappedIndentation() {
        let depth = 50_000
        let body = Array(repeating: Instruction(.block, .block(.empty)), count: depth)
            + Array(repeating: Instruction(.end), count: depth)
        let m = Self.module(body: body)
        for folded in [false, true] {
            let text = WatPrinter.print(m, folded: folded)
            let lines = text.split(separator: "\n")
            #expect(lines.count == 2 * depth + 3)  // module, type, func header, body
            let widest = lines.map(\.count).max() ?? 0
            #expect(widest <= 4 + 2 * WatBodyPrinter.maxTreeDepth + 30)  // + "  ;; label = @N"
            #expect(lines.last == "    end))")
        }
    }

    @Test func longOperandChainsStopFolding() {
        var body = [Instruction(.i32Const, .i32(0))]
        for _ in 0..<20_000 { body += [Instruction(.i32Const, .i32(1)), Instruction(.i32Add)] }
        body.append(Instruction(.drop))
        let text = WatPrinter.print(Self.module(body: body), folded: true)
        #expect(text.contains("(i32.add"))
        let widest = text.split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest <= 2 * WatBodyPrinter.maxTreeDepth + 40)
    }

    @Test func unbalancedBodiesStayBalanced() {
        // Hand-built models can hold what no decoder produces; the text still balances.
        let open = Self.module(body: [Instruction(.block, .block(.empty)), Instruction(.nop)])
        #expect(WatPrinter.print(open).contains("    block  ;; label = @1\n      nop\n    end)"))
        let stray = Self.module(body: [Instruction(.end), Instruction(.nop)])
        #expect(WatPrinter.print(stray).contains("(type 0)\n    nop)"))
    }

    @Test func disassemblyIndentationIsCapped() {
        let line = DisassemblyLine(offset: 0x10, bytes: [0x01], text: "nop", depth: 1_000_000, instructionIndex: 0)
        #expect(line.formatted == " 000010: 01" + String(repeating: " ", count: 25) + "| " + String(repeating: "  ", count: DisassemblyLine.maxIndent) + "nop")
    }

    /// Bit-flipped fixtures: whatever decodes is printed and dumped without trouble.
    @Test func mutatedFixturesPrintAndDump() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/dump")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".wasm") }
        #expect(!files.isEmpty)
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var decoded = 0
        for file in files {
            let original = [UInt8](try Data(contentsOf: dir.appendingPathComponent(file)))
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<(1 + Int(next() % 3)) {
                    let at = Int(next() % UInt64(bytes.count))
                    bytes[at] ^= UInt8(1) << UInt8(next() % 8)
                }
                guard let module = try? BinaryDecoder.decode(bytes) else { continue }
                decoded += 1
                _ = WatPrinter.print(module)
                _ = WatPrinter.print(module, folded: true)
                _ = Objdump.disassembly(module, bytes: bytes, fileName: file)
                _ = Objdump.sectionHeaders(module)
                _ = Objdump.details(module)
            }
        }
        #expect(decoded > 0)
    }

    /// Blocks are not constant, but a decoder may pass them on: the one-line form of such an
    /// initialiser must not hide its closing parentheses behind a line comment.
    @Test func blocksInConstantExpressionsStayOnOneLine() {
        var m = Module()
        m.globals = [Global(type: GlobalType(valueType: .i32, isMutable: false), initializer: Expression([
            Instruction(.block, .block(.value(.i32))), Instruction(.i32Const, .i32(1)), Instruction(.end),
            Instruction(.end),
        ]))]
        let text = WatPrinter.print(m)
        #expect(text.contains("(global (;0;) i32 (block (result i32) (i32.const 1))))"), "\(text)")
        #expect(!text.contains(";;"))
    }
}
