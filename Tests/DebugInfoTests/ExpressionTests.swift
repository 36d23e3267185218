import Testing
@testable import DebugInfo

@Suite struct ExpressionTests {
    let info = DebugInfo(sections: [:], codeSectionPayloadOffset: 0)

    func evaluate(_ bytes: [UInt8], frameBase: [UInt8]? = nil, _ frame: FakeFrame = FakeFrame()) throws -> VariableLocation {
        try info.evaluate(LocationExpression(bytes: bytes, frameBase: frameBase), frame: frame)
    }

    @Test func wasmLocations() throws {
        #expect(try evaluate([0xed, 0x00, 0x05]) == .wasmLocal(5))
        #expect(try evaluate([0xed, 0x01, 0x02]) == .wasmGlobal(2))
        #expect(try evaluate([0xed, 0x03, 0x07, 0, 0, 0]) == .wasmGlobal(7))
        #expect(try evaluate([0xed, 0x02, 0x01], FakeFrame(operandStack: [10, 20])) == .value(bytes: littleEndian(20)))
        // Followed by operations, the location pushes its value.
        #expect(try evaluate([0xed, 0x00, 0x03, 0x9f], FakeFrame(locals: [3: 42])) == .value(bytes: littleEndian(42)))
        #expect(try evaluate([0xed, 0x00, 0x03, 0x23, 0x08], FakeFrame(locals: [3: 0x100])) == .memory(address: 0x108))
        #expect(throws: LocationError.self) { try evaluate([0xed, 0x00, 0x03, 0x9f]) }
        #expect(throws: LocationError.self) { try evaluate([0xed, 0x09, 0x00]) }
    }

    @Test func frameBaseAndMemory() throws {
        let fp: [UInt8] = [0xed, 0x00, 0x01, 0x9f]
        #expect(try evaluate([0x91, 0x0c], frameBase: fp, FakeFrame(locals: [1: 0x1000])) == .memory(address: 0x100c))
        #expect(try evaluate([0x91, 0x78], frameBase: fp, FakeFrame(locals: [1: 0x1000])) == .memory(address: 0xff8))
        // A frame base that names a global (clang -O2 with __stack_pointer).
        #expect(try evaluate([0x91, 0x04], frameBase: [0xed, 0x03, 0, 0, 0, 0, 0x9f], FakeFrame(globals: [0: 0x2000])) == .memory(address: 0x2004))
        #expect(throws: LocationError.self) { try evaluate([0x91, 0x04]) }
        #expect(try evaluate([0x03, 0x50, 0x04, 0, 0]) == .memory(address: 0x450))
        // deref reads an address-sized value.
        let memory = FakeFrame(memory: [0x800: [0x34, 0x12, 0, 0, 0xaa]])
        #expect(try evaluate([0x03, 0x00, 0x08, 0, 0, 0x06], memory) == .memory(address: 0x1234))
        #expect(try evaluate([0x03, 0x04, 0x08, 0, 0, 0x94, 0x01, 0x9f], memory) == .value(bytes: littleEndian(0xaa)))
        #expect(throws: LocationError.self) { try evaluate([0x03, 0x00, 0x09, 0, 0, 0x06], memory) }
    }

    @Test func constantsArithmeticAndPieces() throws {
        #expect(try evaluate([0x35, 0x9f]) == .value(bytes: littleEndian(5)))
        #expect(try evaluate([0x11, 0x7e, 0x9f]) == .value(bytes: littleEndian(UInt64(bitPattern: -2))))
        #expect(try evaluate([0x10, 0x80, 0x01, 0x33, 0x1e, 0x9f]) == .value(bytes: littleEndian(384)))     // 128 * 3
        #expect(try evaluate([0x3a, 0x33, 0x1c, 0x9f]) == .value(bytes: littleEndian(7)))                  // 10 - 3
        #expect(try evaluate([0x3a, 0x33, 0x2d, 0x9f]) == .value(bytes: littleEndian(0)))                  // 10 < 3
        #expect(try evaluate([0x9e, 0x02, 0xab, 0xcd]) == .value(bytes: [0xab, 0xcd]))
        #expect(try evaluate([]) == .optimizedOut)
        let pieces = try evaluate([0xed, 0x00, 0x01, 0x93, 0x04, 0xed, 0x00, 0x02, 0x93, 0x04, 0x93, 0x02])
        #expect(pieces == .pieces([.init(location: .wasmLocal(1), sizeInBytes: 4), .init(location: .wasmLocal(2), sizeInBytes: 4),
                                   .init(location: .optimizedOut, sizeInBytes: 2)]))
        // A conditional branch: lit1, bra +1 over lit5, lit7 -> 7.
        #expect(try evaluate([0x31, 0x28, 0x01, 0x00, 0x35, 0x37, 0x9f]) == .value(bytes: littleEndian(7)))
    }

    @Test func badExpressionsAreErrors() {
        // skip -3 forever: stops after the step limit.
        #expect(throws: LocationError.self) { try evaluate([0x2f, 0xfd, 0xff]) }
        #expect(throws: LocationError.self) { try evaluate([0x22]) }                  // plus on an empty stack
        #expect(throws: LocationError.self) { try evaluate([0x50]) }                  // DW_OP_reg0: no registers in Wasm
        #expect(throws: LocationError.self) { try evaluate([0x03, 0x01]) }            // truncated operand
        #expect(throws: LocationError.self) { try evaluate([0x30, 0x30, 0x1b]) }      // division by zero
        #expect(throws: LocationError.self) { try evaluate([0x2f, 0x00, 0x40]) }      // branch outside
        #expect(throws: LocationError.self) { try evaluate([0x9f]) }
    }

    @Test func disassembly() {
        #expect(disassembleExpression([0x91, 0x0c]) == "DW_OP_fbreg +12")
        #expect(disassembleExpression([0x91, 0x78]) == "DW_OP_fbreg -8")
        #expect(disassembleExpression([0xed, 0x00, 0x03, 0x9f]) == "DW_OP_WASM_location 0x0 0x3, DW_OP_stack_value")
        #expect(disassembleExpression([0xed, 0x03, 0x01, 0, 0, 0]) == "DW_OP_WASM_location 0x3 0x1")
        #expect(disassembleExpression([0x03, 0x50, 0x04, 0, 0, 0x23, 0x08]) == "DW_OP_addr 0x450, DW_OP_plus_uconst 0x8")
        #expect(disassembleExpression([0x30, 0x93, 0x04]) == "DW_OP_lit0, DW_OP_piece 0x4")
        #expect(disassembleExpression([0x03, 0x50]) == "DW_OP_addr <truncated>")
    }
}
