import Testing
import WasmCore
@testable import WasmVM

/// `MemoryAccess` decodes every kind of memory-accessing instruction the compiler emits, as the
/// watchpoints and the interpreter read them.
@Suite struct MemoryAccessTests {
    @Test func decodesEveryKindOfAccess() throws {
        let m = try instantiate("""
        (module (memory 1) (memory $wide i64 1)
          (func (export "f") (param i32 i32) (result i32) (local v128)
            (i32.store offset=8 (local.get 0) (local.get 1))
            (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.const 7))
            (local.set 2 (v128.load offset=16 (local.get 0)))
            (local.set 2 (v128.load8_lane 3 (local.get 1) (local.get 2)))
            (memory.fill (local.get 0) (i32.const 0) (i32.const 4))
            (memory.copy $wide 0 (i64.const 0) (local.get 0) (i32.const 4))
            (i64.store $wide offset=24 (i64.const 32) (i64.const 5))
            (i32.add (i32.load16_u offset=2 (local.get 0)) (local.get 1))))
        """)
        let f = try #require(m.function("f"))
        _ = try f.invoke([.i32(0), .i32(4)])
        let compiled = try #require(m.store.compiled(f.address))
        let code = UnsafePointer(compiled.code)
        var accesses: [MemoryAccess] = []
        for instruction in InternalCode.instructions(compiled) {
            let k = instruction.start
            guard let access = MemoryAccess(code[k], at: code + k, available: compiled.codeCount - k) else { continue }
            accesses.append(access)
            // Only the internal operations the table flags `memory` access memory.
            if let op = InternalOp.of(code[k]) { #expect(op.mayAccessMemory, "\(op.name)") }
        }
        #expect(accesses.map(\.op) == [.i32Store, .i32Store8, .v128Load, .v128Load8Lane, .memoryFill, .memoryCopy,
                                       .i64Store, .i32Load16U])
        #expect(accesses.map(\.isWrite) == [true, true, false, false, true, true, true, false])
        #expect(accesses.map(\.memories) == [[0], [0], [0], [0], [0], [1, 0], [1], [0]])
        #expect(accesses[0].address == .register(slot: 0, offset: 8, addend: .constant(0)))
        #expect(accesses[1].address == .register(slot: 0, offset: 0, addend: .slot(1)))
        #expect(accesses[4].isBulk && accesses[5].isBulk && !accesses[6].isBulk)
        guard case .stack(_, let offset) = accesses[6].address else {
            Issue.record("i64.store on a 64-bit memory is a memoryOperation in stack form")
            return
        }
        #expect(offset == 24)
        #expect(accesses[7].size == 2)

        // The effective address of a register-form access, from the frame's slots.
        var frame: [UInt64] = [0xFFFF_FFF0, 0x20, 0, 0]
        frame.withUnsafeBufferPointer { fp in
            #expect(accesses[0].effectiveAddress(fp.baseAddress!, is64: false) == 0xFFFF_FFF8)
            // Indexed: (u32)(fp[0] + fp[1]) wraps to 0x10.
            #expect(accesses[1].effectiveAddress(fp.baseAddress!, is64: false) == 0x10)
            #expect(accesses[4].effectiveAddress(fp.baseAddress!, is64: false) == nil)
        }
    }

    @Test func memoryOperationWordsNameTheirFields() {
        let words: [UInt64] = [UInt64(InternalOp.memoryOperation.rawValue), UInt64(Opcode.memoryCopy.rawValue) | 2 << 32, 1, 0]
        words.withUnsafeBufferPointer { pc in
            let view = MemoryOperationWords(at: pc.baseAddress!)
            #expect(view.op == .memoryCopy && view.memory == 2 && view.sourceMemory == 1)
        }
    }
}
