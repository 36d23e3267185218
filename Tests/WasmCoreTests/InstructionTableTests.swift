import Testing
@testable import WasmCore

@Suite struct InstructionTableTests {
    @Test func everyOpcodeIsFoundByItsEncoding() {
        for op in Opcode.allCases {
            let info = op.info
            switch info.prefix {
            case 0: #expect(Opcode.byByte[Int(info.code)] == op)
            case 0xFC: #expect(Opcode.byFCCode[Int(info.code)] == op)
            case 0xFD: #expect(Opcode.byFDCode[Int(info.code)] == op)
            default: Issue.record("unexpected prefix \(info.prefix) for \(info.mnemonic)")
            }
        }
    }

    @Test func mnemonicsAreUniqueExceptTypedSelect() {
        var seen: [String: Opcode] = [:]
        for op in Opcode.allCases {
            if let other = seen[op.mnemonic] {
                #expect(op == .selectTyped && other == .select, "duplicate mnemonic \(op.mnemonic)")
            }
            seen[op.mnemonic] = op
        }
        #expect(Opcode.byMnemonic["i32.add"] == .i32Add)
        #expect(Opcode.byMnemonic["select"] == .select)
    }

    @Test func tableCountsMatchTheSpec() {
        // Wasm 2.0: 236 SIMD opcodes, 18 under 0xFC.
        #expect(Opcode.allCases.filter { $0.info.prefix == 0xFD }.count == 236)
        #expect(Opcode.allCases.filter { $0.info.prefix == 0xFC }.count == 18)
    }

    @Test func memoryAccessesCarryTheirNaturalAlignment() {
        #expect(Opcode.i64Load32U.info.naturalAlignment == 4)
        #expect(Opcode.v128Load.info.naturalAlignment == 16)
        #expect(Opcode.v128Load16Lane.info.laneCount == 8)
        #expect(Opcode.i8x16ExtractLaneS.info.laneCount == 16)
    }
}
