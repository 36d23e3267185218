import Testing
import WasmCore
@testable import WasmVM

/// Calls zero only the locals a read may see before a write (Compiler+LocalZeroing.swift), and
/// loads and stores at a constant address read the hidden zero slot: both must keep Wasm's
/// semantics (a local starts at zero) whatever the value stack held before.
@Suite struct LocalZeroingTests {
    /// The analysis of the body of function "f" of `wat` (its params counted from the type).
    private func readFirst(_ wat: String) throws -> [Bool]? {
        let module = try assemble(wat)
        let body = try #require(module.functions.first?.body)
        let type = try #require(module.types.first)
        let locals = type.params.count + (module.functions.first?.expandedLocals.count ?? 0)
        return Compiler.localsReadBeforeWritten(body.instructions, paramCount: type.params.count, localCount: locals)
    }

    @Test func marksTheLocalsSomePathReadsBeforeWriting() throws {
        // 1: written first. 2: read in the loop before its write. 3: written in one arm only.
        // 4: written in both arms. 5: a branch leaves the block before the write.
        let marks = try #require(try readFirst("""
        (module (type (func (param i32) (result i32)))
          (func (type 0) (local i32 i32 i32 i32 i32)
            (local.set 1 (i32.const 1))
            (loop $l (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                     (br_if $l (i32.lt_u (local.get 2) (local.get 1))))
            (if (local.get 0) (then (local.set 3 (i32.const 3))))
            (if (local.get 0) (then (local.set 4 (i32.const 4))) (else (local.set 4 (i32.const 5))))
            (block $b (br_if $b (local.get 0)) (local.set 5 (i32.const 6)))
            (i32.add (i32.add (local.get 1) (local.get 3))
                     (i32.add (local.get 4) (local.get 5)))))
        """))
        #expect(marks == [false, false, true, true, false, true])
    }

    @Test func exceptionHandlingZeroesEverything() throws {
        let marks = try readFirst("""
        (module (type (func (param i32) (result i32))) (tag $e)
          (func (type 0) (local i32)
            (block $h (try_table (catch_all $h) (local.set 1 (i32.const 1))))
            (local.get 1)))
        """)
        #expect(marks == nil)
    }

    /// A callee whose frame lies where a previous call left nonzero values still sees zero in a
    /// local that one path reads before writing; the locals every path writes are correct too.
    @Test func aLocalReadBeforeItsWriteStartsAtZeroOverAStaleFrame() throws {
        let m = try instantiate("""
        (module
          (memory 1)
          (func $dirty (local i32 i32 i32 i32)
            (local.set 0 (i32.const 99)) (local.set 1 (i32.const 99))
            (local.set 2 (i32.const 99)) (local.set 3 (i32.const 99))
            (i32.store (i32.const 64) (i32.add (local.get 0) (local.get 3))))
          (func $check (param i32) (result i32) (local i32 i32)
            (local.set 2 (i32.const 5))
            (if (local.get 0) (then (local.set 1 (i32.const 7))))
            (i32.add (local.get 1) (local.get 2)))
          (func (export "f") (param i32) (result i32)
            (call $dirty)
            (call $check (local.get 0))))
        """)
        let f = try #require(m.function("f"))
        #expect(try f.invoke([.i32(0)]) == [.i32(5)])
        #expect(try f.invoke([.i32(1)]) == [.i32(12)])
    }

    /// `i32.const C; load offset=O` and the stores read the zero slot as their address: the
    /// address is C + O (33 bits, no wrap), and one past the end traps.
    @Test func constantAddressesKeepWasmSemantics() throws {
        let m = try instantiate("""
        (module
          (memory 1)
          (func (export "f") (param i32) (result i32)
            (i32.store offset=8 (i32.const 16) (local.get 0))
            (i32.store8 (i32.const 30) (i32.const 0x1FF))
            (i32.add (i32.load (i32.const 24)) (i32.load8_u offset=2 (i32.const 28))))
          (func (export "beyond") (result i32)
            (i32.load offset=0xFFFFFFFF (i32.const 0x10)))
          (func (export "last") (result i32)
            (i32.store (i32.const 65532) (i32.const 41))
            (i32.load offset=65532 (i32.const 0))))
        """)
        #expect(try m.function("f")?.invoke([.i32(40)]) == [.i32(40 + 0xFF)])
        #expect(try m.function("last")?.invoke([]) == [.i32(41)])
        #expect(throws: Trap.self) { try m.function("beyond")?.invoke([]) }
    }
}
