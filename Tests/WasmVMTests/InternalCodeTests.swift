import Testing
import WasmCore
@testable import WasmVM

/// The disassembler of internal code lists each instruction by the layout its operation has
/// (Scripts/internal-ops.txt for the internal operations).
@Suite struct InternalCodeTests {
    @Test func listsATinyFunction() throws {
        let m = try instantiate("""
        (module
          (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (table 1 funcref) (elem (i32.const 0) $g)
          (type $t (func (param i32) (result i32)))
          (memory 1)
          (func (export "f") (param i32) (result i32)
            (i32.store offset=8 (local.get 0) (i32.mul (local.get 0) (local.get 0)))
            (block (block (br_table 0 1 (local.get 0))) (drop (memory.size)))
            (call $g (local.get 0))
            (call_indirect (type $t) (i32.const 0))))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(1)]) == [.i32(3)])
        let compiled = try #require(m.store.compiled(f.address))
        let listing = InternalCode.disassemble(compiled)
        // Register forms name their words by the layouts of Scripts/engine-forms.txt (slots as
        // @N); br_table's entries are target|destination; the internal operations name their
        // words by Scripts/internal-ops.txt. Slot 1 is the zero slot (a function with loads or
        // stores has one), so the operand stack starts at 2.
        #expect(listing == [
            "0000  i32.mul/rr      a=3 x=@0 y=@0",
            "0002  i32.store/rr    a=0 end=12 addend=0 address=@0 value=@3",
            "0005  copy            a=2 src=0",
            "0007  brTable         a=2 n=1 src=2 12|2 14|2",
            "0012  memory.size     a=2 0",
            // The call's argument is read from local 0 by the call itself (Compiler+Calls.swift).
            "0014  callCopy1       a=2 fn=0 @2=@0",
            "0017  const           a=3 value=0",
            "0019  callIndirect    a=2 table=0 type=0 index=@3",
            "0022  return          a=2 count=1",
        ])
    }

    /// A call lists its argument list: copies as `@destination=@source`, constants as
    /// `@destination=value`; an indirect call's index may be a local's slot.
    @Test func listsACallsArguments() throws {
        let m = try instantiate("""
        (module
          (type $t (func (param i32 i64) (result i32)))
          (table 1 funcref) (elem (i32.const 0) $g)
          (func $g (type $t) (local.get 0))
          (func (export "f") (param i32) (result i32)
            (call $g (local.get 0) (i64.const -2))
            (call_indirect (type $t) (i32.const 9) (i64.const 1) (local.get 0))
            (i32.add)))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(0)]) == [.i32(9)])
        let compiled = try #require(m.store.compiled(f.address))
        #expect(InternalCode.disassemble(compiled) == [
            "0000  callCopy1Const1 a=1 fn=0 @1=@0 @2=4294967294|4294967295",
            "0005  callIndirectList a=2 table=0 type=0 index=@0 @2=9 @3=1",
            "0012  i32.add/rr      a=1 x=@1 y=@2",
            "0014  return          a=1 count=1",
        ])
    }

    /// Every stop point starts a listed instruction (the listing never runs across one), and
    /// a patched word lists its original operation with the patch named.
    @Test func stopPointsStartInstructionsAndPatchesShowTheOriginal() throws {
        let m = try instantiate("""
        (module (func (export "f") (param i32) (result i32) (local i32)
          (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0)))
            (br_if $l (i32.lt_u (local.get 1) (i32.const 100))))
          (local.get 1)))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(7)]) == [.i32(105)])
        let compiled = try #require(m.store.compiled(f.address))
        let starts = Set(InternalCode.disassemble(compiled).compactMap { Int($0.prefix(4)) })
        #expect(compiled.stopCodeIndex.allSatisfy { starts.contains(Int($0)) })
        let first = Int(compiled.stopCodeIndex[0])
        let original = compiled.code[first]
        compiled.code[first] = CodeWord.patched(original, with: .breakpoint)
        defer { compiled.code[first] = original }
        let patched = InternalCode.disassemble(compiled)
        #expect(patched.contains { $0.hasPrefix(String(format: "%04d", first)) && $0.contains("[breakpoint]") })
    }

    /// The lengths the listing knows are the ones the compiler emits: over functions using
    /// most kinds of operation (register forms and their branch fusions, loads and stores,
    /// stack forms, SIMD, br_table, two-slot copies, tail calls, a memory64 access), no known
    /// instruction runs into the next stop point and every word is listed once.
    @Test func knownLengthsMatchWhatTheCompilerEmits() throws {
        let m = try instantiate("""
        (module
          (memory 1) (memory $wide i64 1)
          (global $v (mut v128) (v128.const i64x2 0 0))
          (table 2 funcref) (elem (i32.const 0) $leaf $leaf)
          (type $t (func (param i32) (result i32)))
          (func $leaf (param i32) (result i32) (i32.xor (local.get 0) (i32.const 5)))
          (func $tail (param i32) (result i32) (return_call $leaf (local.get 0)))
          (func $tailIndirect (param i32) (result i32) (return_call_indirect (type $t) (local.get 0) (i32.const 1)))
          (func (export "f") (param i32) (result i32) (local i32 i64 v128)
            (local.set 3 (i32x4.add (v128.load (i32.const 16)) (i32x4.splat (local.get 0))))
            (global.set $v (local.get 3))
            (v128.store (i32.const 32) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get 3) (global.get $v)))
            (i64.store $wide (i64.const 8) (i64.extend_i32_u (local.get 0)))
            (local.set 2 (i64.load $wide (i64.const 8)))
            (loop $l
              (local.set 1 (i32.add (i32.add (local.get 1) (i32.const 1)) (i32.load offset=4 (local.get 0))))
              (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.const 9))
              (br_if $l (i32.lt_u (local.get 1) (i32.const 50))))
            (block $a (block $b (block $c (br_table $a $b $c (local.get 0))) (local.set 1 (i32.const 1))))
            (if (i32.eqz (local.get 0)) (then (local.set 1 (f32.eq (f32.const 1) (f32.convert_i32_s (local.get 1))))))
            (local.set 1 (i32.add (local.get 1) (call $tail (local.get 1))))
            (i32.add (local.get 1) (i32.wrap_i64 (local.get 2)))
            (call_indirect (type $t) (i32.const 0))
            (call $tailIndirect)
            ;; Argument lists: copies and constants, and an indirect call's index read from a local.
            (drop (call $three (local.get 1) (i64.const -2) (local.get 0)))
            (i32.add (call_indirect (type $t) (i32.const 7) (i32.and (local.get 0) (i32.const 1)))))
          (func $three (param i32 i64 i32) (result i32) (local.get 0)))
        """)
        let f = try #require(m.function("f"))
        _ = try f.invoke([.i32(3)])
        var checked = 0
        for address in m.store.instances[m.index].functionAddresses {
            let compiled = try #require(m.store.compiled(address))
            let instructions = InternalCode.instructions(compiled)
            #expect(instructions.reduce(0) { $0 + $1.length } == compiled.codeCount)
            for instruction in instructions where instruction.isKnown {
                #expect(!instruction.isCut, "\(instruction.name) at \(instruction.start)")
                checked += 1
            }
        }
        #expect(checked > 30)
    }

    /// Register forms, chains, load chains, indexed stores and increment-and-branch steps list
    /// by name and by the word layouts of Scripts/engine-forms.txt.
    @Test func listsSuperinstructionsByLayout() throws {
        let m = try instantiate("""
        (module (memory 1)
          (func (export "f") (param i32 i32 i32) (result i32) (local i32 i64)
            (local.set 3 (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
            (local.set 3 (i32.xor (i32.shl (local.get 3) (i32.const 2)) (i32.const 7)))
            (local.set 3 (i32.sub (local.get 3) (i32.load8_u offset=4 (local.get 0))))
            (i32.store16 offset=8 (i32.add (local.get 0) (local.get 1)) (i32.const 9))
            (loop $l (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 10))))
            (loop $m (br_if $m (i64.le_s (local.tee 4 (i64.add (local.get 4) (i64.extend_i32_u (local.get 1))))
                                         (i64.const 100))))
            (local.get 3)))
        """)
        let f = try #require(m.function("f"))
        _ = try f.invoke([.i32(1), .i32(2), .i32(3)])
        let compiled = try #require(m.store.compiled(f.address))
        // A chain names its two operations, a load chain its load and operation (`second`:
        // z - load), a step its add and comparison (a = the local it tees; the i64 one steps
        // by the slot holding the extended value); targets are code indices (the loop headers).
        // Slots: params 0-2, the zero slot 3, local 4 (read before written: zeroed at entry)
        // at 4, local 3 (written first) at 5, the operand stack from 6.
        #expect(InternalCode.disassemble(compiled) == [
            "0000  i32.mul+i32.add/rr a=5 x=@0 y=@1 z=@2",
            "0003  i32.shl+i32.xor/ri_i a=5 x=@5 C=2 K=7",
            "0007  i32.load8_u+i32.sub/second a=5 end=5 addend=0 address=@0 z=@5",
            "0010  i32.store16/indexed_i a=0 end=10 index=@1 address=@0 value=9",
            "0014  i32.add+i32.lt_u/ri_br a=0 x=@0 step=1 y=10 target=14",
            "0018  i64.extend_i32_u/r a=7 x=@1",
            "0020  i64.add+i64.le_s/ri_br a=4 x=@4 step=@7 y=100 target=18",
            "0024  return          a=5 count=1",
        ])
        // Every instruction of it has a known layout that ends before the next stop point.
        #expect(InternalCode.instructions(compiled).allSatisfy { $0.isKnown && !$0.isCut })
    }

    /// A constant first operand of a subtraction or division is an immediate (`ir`, no const
    /// emitted); a count-down loop's `local.tee` of its decrement, branched on, is one
    /// increment-and-branch comparing with 0; returns of a local read its slot (no copy).
    @Test func listsImmediateFirstFormsAndCountDownSteps() throws {
        let m = try instantiate("""
        (module
          (func (export "f") (param i32 f64) (result f64) (local f64)
            (local.set 2 (f64.div (f64.const 0.5) (local.get 1)))
            (local.set 0 (i32.sub (i32.const 100) (local.get 0)))
            (loop $l (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
            (if (i32.eqz (local.get 0)) (then (return (local.get 2))))
            (local.get 1)))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(3), .double(4)]) == [.double(0.125)])
        let compiled = try #require(m.store.compiled(f.address))
        // Slots: params 0-1, local 2, the operand stack from 3.
        #expect(InternalCode.disassemble(compiled) == [
            "0000  f64.div/ir      a=2 y=@1 x=0x3fe0000000000000",
            "0003  i32.sub/ir      a=0 y=@0 x=100",
            "0006  i32.add+i32.ne/ri_br a=0 x=@0 step=4294967295 y=0 target=6",
            "0010  brIf            a=0 target=14",
            "0012  return          a=2 count=1",
            "0014  return          a=1 count=1",
        ])
        #expect(InternalCode.instructions(compiled).allSatisfy { $0.isKnown && !$0.isCut })
    }

    /// A comparison (or `i32.eqz`) that only a `select` uses fuses with it: `cmp+select`
    /// picks `first` when the comparison holds; an eqz of a comparison swaps the two values,
    /// an eqz of a slot compares it with 0.
    @Test func listsCompareAndSelect() throws {
        let m = try instantiate("""
        (module
          (func (export "g") (param f32 i32 i32) (result i32) (local i32)
            (local.set 3 (select (local.get 1) (local.get 2) (f32.ge (local.get 0) (f32.const 1))))
            (local.set 3 (select (local.get 3) (local.get 2) (i32.eqz (i32.lt_s (local.get 1) (local.get 2)))))
            (select (local.get 3) (local.get 1) (i32.eqz (local.get 2)))))
        """)
        let g = try #require(m.function("g"))
        #expect(try g.invoke([.f32(Float(2).bitPattern), .i32(5), .i32(7)]) == [.i32(5)])
        #expect(try g.invoke([.f32(Float(0.5).bitPattern), .i32(9), .i32(4)]) == [.i32(9)])
        #expect(try g.invoke([.f32(Float(0.5).bitPattern), .i32(9), .i32(0)]) == [.i32(0)])
        let compiled = try #require(m.store.compiled(g.address))
        // Slots: params 0-2, local 3, the operand stack from 4.
        #expect(InternalCode.disassemble(compiled) == [
            "0000  f32.ge+select/ri a=3 first=@1 second=@2 x=@0 y=1065353216",
            "0004  i32.lt_s+select/rr a=3 first=@2 second=@3 x=@1 y=@2",
            "0007  i32.eq+select/ri a=4 first=@3 second=@1 x=@2 y=0",
            "0011  return          a=4 count=1",
        ])
        #expect(InternalCode.instructions(compiled).allSatisfy { $0.isKnown && !$0.isCut })
    }
}
