import CWasmEngine
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

    /// The C core numbers the internal operations itself (wdb_engine.h); both lists agree.
    @Test func internalOperationsMatchTheCCore() {
        #expect(InternalOp.base == UInt16(WDB_IOP_BASE))
        #expect(InternalOp.copy.rawValue == UInt16(WDB_IOP_COPY))
        #expect(InternalOp.call.rawValue == UInt16(WDB_IOP_CALL))
        #expect(InternalOp.breakpoint.rawValue == UInt16(WDB_IOP_BREAKPOINT))
        #expect(InternalOp.watchedAccess.rawValue == UInt16(WDB_IOP_WATCHED_ACCESS))
        #expect(InternalOp.base + InternalOp.count == UInt16(WDB_IOP_END))
        // Every register form of an executable opcode lies in the register range.
        let highest = RegisterOperation.number(Opcode.allCases[Int(firstWasm30Opcode) - 1], .indexed)
        #expect(OperationRange.of(highest) == .register)
    }

    /// The C core reads a table's elements and count through `wdb_table_view`.
    @Test func tableStorageStartsLikeTheCoreView() {
        #expect(MemoryLayout<TableStorage>.offset(of: \TableStorage.elements) == 0)
        #expect(MemoryLayout<TableStorage>.offset(of: \TableStorage.count) == MemoryLayout<wdb_table_view>.offset(of: \wdb_table_view.count))
        #expect(MemoryLayout<wdb_table_view>.offset(of: \wdb_table_view.count) == 8)
    }

    /// Every register form the compiler emits has a handler in the core (else it would reach
    /// the Swift slow path, which does not know register forms), and the slow operations don't.
    @Test func theCoreHandlesEveryRegisterForm() {
        var checked = 0
        // The engine executes the Wasm 2.0 opcodes only; the 3.0 ones (numbered after them)
        // are refused before compilation and have no operation numbers of their own.
        for op in Opcode.allCases where op.rawValue < firstWasm30Opcode {
            guard let kind = RegisterKind.of(op) else {
                #expect(!wdb_core_handles(RegisterOperation.number(op, .rr)), "\(op.mnemonic)")
                continue
            }
            let forms: [RegisterForm]
            switch kind {
            case .compare: forms = [.rr, .ri, .rrBranch, .riBranch, .rrBranchUnless, .riBranchUnless]
            case .binary: forms = Compiler.canTrap(op) ? [.rr, .ri] : [.rr, .ri, RegisterForm.immediateFirst]
            case .store: forms = [.rr, .ri, .indexed, RegisterForm.indexedImmediateStore]
            case .unary: forms = [.r]
            case .load: forms = [.r, .indexed]
            }
            for form in forms {
                #expect(wdb_core_handles(RegisterOperation.number(op, form)), "\(op.mnemonic) \(form)")
                checked += 1
            }
        }
        #expect(checked > 300)
        #expect(!wdb_core_handles(InternalOp.simd.rawValue))
        #expect(wdb_core_handles(InternalOp.copy.rawValue))
    }

    /// Every chain the compiler can form has all its forms in the core, and chains stay within
    /// one type's non-trapping binary operations.
    @Test func theCoreHandlesEveryChainedForm() {
        var chains = 0
        for first in Opcode.allCases {
            for second in Opcode.allCases {
                let index = wdb_chain_index(first.rawValue, second.rawValue)
                guard index >= 0 else { continue }
                chains += 1
                #expect(RegisterKind.of(first) == .binary && RegisterKind.of(second) == .binary)
                #expect(!Compiler.canTrap(first) && !Compiler.canTrap(second))
                #expect(first.info.signature?.params == second.info.signature?.params, "\(first.mnemonic) \(second.mnemonic)")
                for form in 0..<6 {
                    let number = OperationRange.chain.base + UInt16(index) * ChainForm.count + UInt16(form)
                    #expect(wdb_core_handles(number), "\(first.mnemonic) \(second.mnemonic) \(form)")
                    #expect(RegisterOperation.decode(number) == nil)
                }
            }
        }
        #expect(chains == EngineChains.pairs.count)
        #expect(wdb_chain_index(Opcode.i32Add.rawValue, Opcode.i64Add.rawValue) < 0)
        #expect(wdb_chain_index(Opcode.i32DivU.rawValue, Opcode.i32Add.rawValue) < 0)
    }

    @Test func instructionWordsCarryOperationAndSlot() {
        let word = CodeWord.make(InternalOp.copy.rawValue, 123_456)
        #expect(CodeWord.op(word) == InternalOp.copy.rawValue)
        #expect(CodeWord.a(word) == 123_456)
    }
}

/// Compiled code keeps what breakpoints and interrupts need: every stop point starts an
/// instruction, and loop headers are recorded.
@Suite struct CompiledCodeTests {
    @Test func stopPointsAndInterruptPoints() throws {
        let m = try instantiate("""
        (module (func (export "f") (param i32) (result i32)
          (loop $a (br_if $a (i32.eqz (local.get 0))))
          (block (loop $b (br_if 1 (local.get 0)) (br $b)))
          (local.get 0)))
        """)
        let f = try #require(m.function("f"))
        _ = try f.invoke([.i32(1)])
        let compiled = try #require(m.store.compiled(f.address))
        // Loop $a starts at the entry (one point), loop $b adds one.
        #expect(compiled.interruptPoints.count == 2)
        #expect(compiled.interruptPoints.allSatisfy { compiled.stopPoint(at: Int($0)) != nil })
        #expect(compiled.stopCodeIndex == compiled.stopCodeIndex.sorted())
        let offsets = try #require(m.module.definedFunction(0)?.body.offsets)
        #expect(compiled.stopFileOffset.allSatisfy { offsets.contains($0) })
        // The words between stop points are immediates: patching a stop point's first word
        // and putting it back restores the behaviour.
        let first = Int(compiled.stopCodeIndex[1])
        let original = compiled.code[first]
        compiled.code[first] = CodeWord.make(InternalOp.unsupported.rawValue, 0)
        #expect(throws: Trap.self) { _ = try f.invoke([.i32(1)]) }
        compiled.code[first] = original
        #expect(try f.invoke([.i32(1)]) == [.i32(1)])
    }

    /// A loop counter's `local.tee (i32.add x C)`, its comparison and the br_if on it compile
    /// to one increment-and-branch.
    @Test func aCounterStepAndItsTestAreOneInstruction() throws {
        let m = try instantiate("""
        (module (func (export "count") (param i32 i32) (result i32) (local i32)
          (loop $l
            (local.set 2 (i32.add (local.get 2) (i32.const 3)))
            (br_if $l (i32.ne (local.get 1) (local.tee 0 (i32.add (local.get 0) (i32.const 1))))))
          (local.get 2)))
        """)
        let f = try #require(m.function("count"))
        #expect(try f.invoke([.i32(0), .i32(10)]) == [.i32(30)])
        #expect(try f.invoke([.i32(0xFFFF_FFFE), .i32(1)]) == [.i32(9)])   // wraps through 0
        let compiled = try #require(m.store.compiled(f.address))
        let steps = (0..<compiled.codeCount).filter { k in
            compiled.stopCodeIndex.contains(UInt32(k)) && OperationRange.of(CodeWord.op(compiled.code[k])) == .step
        }
        #expect(steps.count == 1)
    }

    /// The same for an i64 counter stepped by a slot (`j += i; j <= limit`).
    @Test func anI64CounterSteppedByASlotIsOneInstruction() throws {
        let m = try instantiate("""
        (module (func (export "count") (param i64 i64) (result i32) (local i64 i32)
          (loop $l
            (local.set 3 (i32.add (local.get 3) (i32.const 1)))
            (br_if $l (i64.le_u (local.tee 2 (i64.add (local.get 2) (local.get 0))) (local.get 1))))
          (local.get 3)))
        """)
        let f = try #require(m.function("count"))
        #expect(try f.invoke([.i64(3), .i64(30)]) == [.i32(11)])   // 3, 6, …, 30 go on; 33 ends
        let compiled = try #require(m.store.compiled(f.address))
        let steps = (0..<compiled.codeCount).filter { k in
            compiled.stopCodeIndex.contains(UInt32(k)) && OperationRange.of(CodeWord.op(compiled.code[k])) == .step64Slot
        }
        #expect(steps.count == 1)
    }

    /// `load + z` compiles to one load-and-operate that is still the load to watchpoints and
    /// traps: its memory operation is the load's, and an out-of-bounds access shows the address
    /// on the stack at the load's offset.
    @Test func aLoadFeedingABinaryIsOneInstruction() throws {
        let m = try instantiate("""
        (module (memory 1) (data (i32.const 4) "\\05\\01")
          (func (export "f") (param i32 i32) (result i32)
            (i32.add (i32.load16_u (local.get 0)) (local.get 1))))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(4), .i32(2)]) == [.i32(0x107)])
        let compiled = try #require(m.store.compiled(f.address))
        let fused = (0..<compiled.codeCount).filter { k in
            compiled.stopCodeIndex.contains(UInt32(k)) && OperationRange.of(CodeWord.op(compiled.code[k])) == .loadChain
        }
        try #require(fused.count == 1)
        let access = MemoryAccess(compiled.code[fused[0]], at: compiled.code + fused[0])
        #expect(access?.op == .i32Load16U && access?.isWrite == false && access?.size == 2)
        let invocation = f.startInvocation([.i32(0xFFFF), .i32(1)])
        guard case .trapped(let trap) = invocation.run() else {
            Issue.record("expected a trap")
            return
        }
        #expect(trap.message == "out of bounds memory access")
        #expect(invocation.frames.first?.operandStack == [.i32(0xFFFF)])
        #expect(trap.backtrace.first?.description.hasPrefix("f+0x3 ") == true)
    }

    /// A branch on a load's value (compared, directly, through an eqz) or on `x & y` compiles to
    /// one load-compare-and-branch or test-and-branch (Compiler+Tests.swift) that begins a stop
    /// point; the fused load is still the load to watchpoints.
    @Test func aBranchOnALoadOrAnAndIsOneInstruction() throws {
        let m = try instantiate("""
        (module (memory 1) (data (i32.const 0) "abc\\00")
          (func (export "find") (param i32) (result i32) (local i32)
            (block $done
              (loop $next
                (br_if $done (i32.eq (i32.load8_u (local.get 1)) (local.get 0)))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (br_if $next (i32.load8_u (local.get 1)))))
            (local.get 1))
          (func (export "bits") (param i32 i64) (result i32)
            (if (i64.eqz (i64.and (local.get 1) (i64.const 1))) (then (return (i32.const 2))))
            (if (i32.and (local.get 0) (i32.const 8)) (then (return (i32.const 1))))
            (i32.const 0)))
        """)
        let find = try #require(m.function("find")), bits = try #require(m.function("bits"))
        #expect(try find.invoke([.i32(0x63)]) == [.i32(2)])
        #expect(try find.invoke([.i32(0x7A)]) == [.i32(3)])
        #expect(try bits.invoke([.i32(8), .i64(2)]) == [.i32(2)])
        #expect(try bits.invoke([.i32(8), .i64(3)]) == [.i32(1)])
        #expect(try bits.invoke([.i32(7), .i64(3)]) == [.i32(0)])
        func ranges(_ f: FunctionInstance) throws -> [OperationRange?] {
            let compiled = try #require(m.store.compiled(f.address))
            return (0..<compiled.codeCount).filter { compiled.stopCodeIndex.contains(UInt32($0)) }
                .map { OperationRange.of(CodeWord.op(compiled.code[$0])) }
        }
        #expect(try ranges(find).filter { $0 == .loadCompare8U }.count == 2)
        #expect(try ranges(bits).filter { $0 == .test64 || $0 == .test32 }.count == 2)
        let compiled = try #require(m.store.compiled(find.address))
        let fused = try #require((0..<compiled.codeCount).first { k in
            compiled.stopCodeIndex.contains(UInt32(k)) && OperationRange.of(CodeWord.op(compiled.code[k])) == .loadCompare8U
        })
        let access = MemoryAccess(compiled.code[fused], at: compiled.code + fused)
        #expect(access?.op == .i32Load8U && access?.isWrite == false && access?.size == 1)
    }

    /// Conversions that cancel compile to less (Compiler+Conversions.swift): `wrap(extend32_s x)`
    /// is one wrap, `wrap(extend_i32_s x)` one copy, `wrap(i64.load32_s)` one i32.load, and
    /// `extend32_s(extend_i32_s x)` one extension.
    @Test func conversionsThatCancelCompileToOneInstruction() throws {
        let m = try instantiate("""
        (module (memory 1) (data (i32.const 4) "\\fe\\ff\\ff\\ff")
          (func (export "a") (param i64) (result i32) (i32.wrap_i64 (i64.extend32_s (local.get 0))))
          (func (export "b") (param i32) (result i32) (i32.wrap_i64 (i64.extend_i32_s (local.get 0))))
          (func (export "c") (param i32) (result i32) (i32.wrap_i64 (i64.load32_s (local.get 0))))
          (func (export "d") (param i32) (result i64) (i64.extend32_s (i64.extend_i32_s (local.get 0)))))
        """)
        let expected: [(String, [Value], Value, Opcode?)] = [
            ("a", [.i64(0x1_8000_0005)], .i32(0x8000_0005), .i32WrapI64), ("b", [.i32(0xFFFF_FFF0)], .i32(0xFFFF_FFF0), nil),
            ("c", [.i32(4)], .i32(0xFFFF_FFFE), .i32Load), ("d", [.i32(0xFFFF_FFFF)], .i64(0xFFFF_FFFF_FFFF_FFFF), .i64ExtendI32S)]
        for (name, arguments, result, op) in expected {
            let f = try #require(m.function(name))
            #expect(try f.invoke(arguments) == [result], "\(name)")
            let compiled = try #require(m.store.compiled(f.address))
            let first = CodeWord.op(compiled.code[0])
            if let op {
                #expect(RegisterOperation.decode(first)?.0 == op, "\(name)")
            } else {
                #expect(first == InternalOp.copy.rawValue, "\(name)")
            }
            // That one instruction, then the return.
            #expect(compiled.stopCodeIndex.count == 2, "\(name)")
        }
    }

    /// `i32.add` of two slots folds into the load or store of the sum (indexed forms): the sum
    /// wraps at 32 bits, a trap shows the address on the stack, and the access is still a
    /// memory operation to watchpoints.
    @Test func anAddOfTwoSlotsFoldsIntoTheAccess() throws {
        let m = try instantiate("""
        (module (memory 1)
          (func (export "put") (param i32 i32 i32)
            (i32.store16 offset=2 (i32.add (local.get 0) (local.get 1)) (local.get 2))
            (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.const 0x5A)))
          (func (export "get") (param i32 i32) (result i32)
            (i32.load offset=1 (i32.add (local.get 0) (local.get 1)))))
        """)
        let put = try #require(m.function("put")), get = try #require(m.function("get"))
        // 0xFFFFFFF0 + 0x20 wraps to 0x10.
        _ = try put.invoke([.i32(0xFFFF_FFF0), .i32(0x20), .i32(0xBEEF)])
        #expect(try get.invoke([.i32(0x0F), .i32(0)]) == [.i32(0xBEEF_005A)])
        for f in [put, get] {
            let compiled = try #require(m.store.compiled(f.address))
            let indexed = (0..<compiled.codeCount).filter { k in
                compiled.stopCodeIndex.contains(UInt32(k)) && MemoryAccess.isIndexed(CodeWord.op(compiled.code[k]))
            }
            #expect(!indexed.isEmpty)
            for k in indexed {
                guard case .register(_, _, .slot)? = MemoryAccess(compiled.code[k], at: compiled.code + k)?.address else {
                    Issue.record("an indexed access at \(k) has no index slot")
                    continue
                }
            }
        }
        let invocation = get.startInvocation([.i32(0xFFF0), .i32(0x20)])
        guard case .trapped(let trap) = invocation.run() else {
            Issue.record("expected a trap")
            return
        }
        #expect(trap.message == "out of bounds memory access")
        #expect(invocation.frames.first?.operandStack == [.i32(0x10010)])
    }

    /// `(x * y) + z` compiles to one chained instruction, with one stop point for both.
    @Test func aBinaryFeedingABinaryIsOneInstruction() throws {
        let m = try instantiate("""
        (module (func (export "f") (param i32 i32 i32) (result i32)
          (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2))))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(6), .i32(7), .i32(0xFFFF_FFFE)]) == [.i32(40)])
        let compiled = try #require(m.store.compiled(f.address))
        let chained = (0..<compiled.codeCount).filter { k in
            compiled.stopCodeIndex.contains(UInt32(k)) && OperationRange.of(CodeWord.op(compiled.code[k])) == .chain
        }
        #expect(chained.count == 1)
        // One run from the first local.get through the add: stop points at it and the end.
        #expect(compiled.stopCodeIndex.count == 2)
    }
}
