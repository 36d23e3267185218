import Testing
import WasmCore
@testable import WasmVM

/// The run loop decodes operation words by bit casts; these tests pin the layout facts the
/// casts rely on.
@Suite struct EncodingTests {
    @Test func opcodeTagsEqualRawValues() {
        #expect(MemoryLayout<Opcode>.size == 2)
        for op in Opcode.allCases {
            #expect(Opcode.decodeEngineWord(op.rawValue) == op)
        }
        #expect(Opcode.allCases.count < Int(InternalOp.base))
    }

    @Test func internalOperationsDecode() {
        #expect(Int(InternalOp.count) == InternalOp.allCases.count)
        for (i, op) in InternalOp.allCases.enumerated() {
            #expect(op.rawValue == InternalOp.base + UInt16(i))
            #expect(InternalOp.decode(op.rawValue) == op)
        }
        #expect(InternalOp.decode(InternalOp.base + InternalOp.count) == nil)
    }

    @Test func instructionWordsCarryOperationAndSlot() {
        let word = CodeWord.make(InternalOp.copy.rawValue, 123_456)
        #expect(CodeWord.op(word) == InternalOp.copy.rawValue)
        #expect(CodeWord.a(word) == 123_456)
    }
}
