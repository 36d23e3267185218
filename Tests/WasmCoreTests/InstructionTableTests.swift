import Testing
@testable import WasmCore

@Suite struct InstructionTableTests {
    @Test func everyOpcodeIsFoundByItsEncoding() {
        for op in Opcode.allCases {
            let info = op.info
            switch info.prefix {
            case 0: #expect(Opcode.byByte[Int(info.code)] == op)
            case 0xFB: #expect(Opcode.byFBCode[Int(info.code)] == op)
            case 0xFC: #expect(Opcode.byFCCode[Int(info.code)] == op)
            case 0xFD: #expect(Opcode.byFDCode[Int(info.code)] == op)
            default: Issue.record("unexpected prefix \(info.prefix) for \(info.mnemonic)")
            }
        }
    }

    @Test func mnemonicsAreUniqueExceptTypedSelectAndNullableCasts() {
        var seen: [String: Opcode] = [:]
        // The second opcode of each pair is chosen by its immediate (a result type, a nullable
        // reference type).
        let pairs: [Opcode: Opcode] = [.selectTyped: .select, .refTestNull: .refTest, .refCastNull: .refCast]
        for op in Opcode.allCases {
            if let other = seen[op.mnemonic] {
                #expect(pairs[op] == other, "duplicate mnemonic \(op.mnemonic)")
            }
            seen[op.mnemonic] = op
        }
        #expect(Opcode.byMnemonic["i32.add"] == .i32Add)
        #expect(Opcode.byMnemonic["select"] == .select)
    }

    @Test func tableCountsMatchTheSpec() {
        // Wasm 2.0: 236 SIMD opcodes, 18 under 0xFC; 3.0 adds 20 relaxed SIMD and 31 GC (0xFB).
        #expect(Opcode.allCases.filter { $0.info.prefix == 0xFD }.count == 236 + 20)
        #expect(Opcode.allCases.filter { $0.info.prefix == 0xFC }.count == 18)
        #expect(Opcode.allCases.filter { $0.info.prefix == 0xFB }.count == 31)
        // The engine numbers its own operations from 0x200.
        #expect(Opcode.allCases.count <= 0x200)
        #expect(Opcode.allCases.filter { $0.rawValue < firstWasm30Opcode }.count == 437)
    }

    @Test func memoryAccessesCarryTheirNaturalAlignment() {
        #expect(Opcode.i64Load32U.info.naturalAlignment == 4)
        #expect(Opcode.v128Load.info.naturalAlignment == 16)
        #expect(Opcode.v128Load16Lane.info.laneCount == 8)
        #expect(Opcode.i8x16ExtractLaneS.info.laneCount == 16)
    }
}
