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
        // The store's address slot and value slot share a word (0|3); br_table's entries are
        // target|destination; the table operations name their words. Slot 1 is the zero slot
        // (a function with loads or stores has one), so the operand stack starts at 2.
        #expect(listing == [
            "0000  i32.mul/rr      a=3 0",
            "0002  i32.store/rr    a=0 8 0|3",
            "0005  copy            a=2 src=0",
            "0007  brTable         a=2 n=1 src=2 12|2 14|2",
            "0012  memory.size     a=2 0",
            "0014  copy            a=2 src=0",
            "0016  call            a=2 fn=0",
            "0018  const           a=3 value=0",
            "0020  callIndirect    a=2 table=0 type=0 index=@3",
            "0023  return          a=2 count=1",
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
            (call $tailIndirect)))
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
}
