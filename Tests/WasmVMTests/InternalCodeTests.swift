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
        // The store's address slot and value slot share a word (0|2); br_table's entries are
        // target|destination; the table operations name their words.
        #expect(listing == [
            "0000  i32.mul/rr      a=2 0",
            "0002  i32.store/rr    a=0 8 0|2",
            "0005  copy            a=1 src=0",
            "0007  brTable         a=1 n=1 src=1 12|1 14|1",
            "0012  memory.size     a=1 0",
            "0014  copy            a=1 src=0",
            "0016  call            a=1 fn=0",
            "0018  const           a=2 value=0",
            "0020  callIndirect    a=1 table=0 type=0 index=@2",
            "0023  return          a=1 count=1",
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
}
