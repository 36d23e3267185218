import Testing
import WasmCore
@testable import WasmVM

/// Control flow (multi-value blocks, br_table, loops with parameters, early returns),
/// references, globals, v128 values (const, load, store, locals, select) and some SIMD.
@Suite struct ControlAndReferenceTests {
    @Test func multiValueBlocksAndBranches() throws {
        let m = try instantiate("""
        (module
          (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
          (func (export "swap-sub") (param i32 i32) (result i32) (call $swap (local.get 0) (local.get 1)) (i32.sub))
          (func (export "block-params") (param i32) (result i32)
            (i32.const 10) (local.get 0)
            (block (param i32 i32) (result i32) (i32.add)))
          (func (export "if-params") (param i32) (result i32 i32)
            (i32.const 1) (i32.const 2)
            (if (param i32 i32) (result i32 i32) (local.get 0)
              (then (i32.add) (i32.const 100))
              (else (i32.sub) (i32.const 200))))
          (func (export "early-return") (param i32) (result i32)
            (block (br_if 0 (local.get 0)) (return (i32.const 5)))
            (i32.const 6)))
        """)
        #expect(try m.invoke("swap-sub", [.i32(3), .i32(10)]) == [.i32(7)])
        #expect(try m.invoke("block-params", [.i32(5)]) == [.i32(15)])
        #expect(try m.invoke("if-params", [.i32(1)]) == [.i32(3), .i32(100)])
        #expect(try m.invoke("if-params", [.i32(0)]) == [.int32(-1), .i32(200)])
        #expect(try m.invoke("early-return", [.i32(0)]) == [.i32(5)])
        #expect(try m.invoke("early-return", [.i32(1)]) == [.i32(6)])
    }

    @Test func brTableWithValues() throws {
        let m = try instantiate("""
        (module (func (export "pick") (param i32) (result i32)
          (block $c (result i32)
            (block $b (result i32)
              (block $a (result i32)
                (i32.const 100) (local.get 0) (br_table $a $b $c))
              (i32.const 1) (i32.add))
            (i32.const 10) (i32.add))))
        """)
        #expect(try m.invoke("pick", [.i32(0)]) == [.i32(111)])
        #expect(try m.invoke("pick", [.i32(1)]) == [.i32(110)])
        #expect(try m.invoke("pick", [.i32(2)]) == [.i32(100)])
        #expect(try m.invoke("pick", [.int32(-1)]) == [.i32(100)])
    }

    @Test func referencesAndGlobals() throws {
        let m = try instantiate("""
        (module
          (table $t 2 externref)
          (global $r (mut externref) (ref.null extern))
          (global $count (export "count") (mut i64) (i64.const 0))
          (func $f)
          (elem declare func $f)
          (func (export "keep") (param externref) (result externref)
            (global.set $r (local.get 0))
            (table.set $t (i32.const 1) (local.get 0))
            (global.set $count (i64.add (global.get $count) (i64.const 1)))
            (table.get $t (i32.const 1)))
          (func (export "is-null") (param externref) (result i32) (ref.is_null (local.get 0)))
          (func (export "func-ref") (result funcref) (ref.func $f))
          (func (export "null-func") (result i32) (ref.is_null (ref.null func))))
        """)
        #expect(try m.invoke("keep", [.externref(42)]) == [.externref(42)])
        #expect(try m.invoke("keep", [.externref(nil)]) == [.externref(nil)])
        #expect(m.global("count")?.value == .i64(2))
        #expect(try m.invoke("is-null", [.externref(0)]) == [.i32(0)])
        #expect(try m.invoke("is-null", [.externref(nil)]) == [.i32(1)])
        #expect(try m.invoke("null-func") == [.i32(1)])
        guard case .funcref(let address?)? = try m.invoke("func-ref").first else {
            Issue.record("expected a non-null funcref")
            return
        }
        #expect(m.function(at: 0)?.address == address)
    }

    @Test func v128ValuesMoveThroughLocalsMemoryAndSelect() throws {
        let m = try instantiate("""
        (module (memory 1)
          (global $g (mut v128) (v128.const i64x2 0 0))
          (func (export "roundtrip") (param v128 v128 i32) (result v128) (local v128)
            (v128.store (i32.const 16) (select (local.get 0) (local.get 1) (local.get 2)))
            (local.set 3 (v128.load (i32.const 16)))
            (global.set $g (local.get 3))
            (global.get $g))
          (func (export "const") (result v128) (v128.const i32x4 1 2 3 4))
          (func (export "oob") (v128.store (i32.const 65530) (v128.const i64x2 0 0))))
        """)
        let a = V128(low: 0x1111_2222_3333_4444, high: 0x5555_6666_7777_8888)
        let b = V128(low: 1, high: 2)
        #expect(try m.invoke("roundtrip", [.v128(a), .v128(b), .i32(1)]) == [.v128(a)])
        #expect(try m.invoke("roundtrip", [.v128(a), .v128(b), .i32(0)]) == [.v128(b)])
        #expect(try m.invoke("const") == [.v128(V128(low: 0x2_0000_0001, high: 0x4_0000_0003))])
        #expect(trapMessage(m, "oob") == "out of bounds memory access")
    }

    @Test func unreachableTrapsAndSIMDComputesLaneWise() throws {
        let m = try instantiate("""
        (module
          (func (export "boom") (result i32) (unreachable))
          (func (export "add") (result v128) (i32x4.add (v128.const i32x4 1 2 3 -1) (v128.const i32x4 10 20 30 1)))
          (func (export "sat") (result v128) (i8x16.add_sat_s (v128.const i8x16 127 -128 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                                                             (v128.const i8x16 1 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))
          (func (export "lane") (param v128) (result i32) (i16x8.extract_lane_s 3 (local.get 0)))
          (func (export "shuffle") (param v128 v128) (result v128)
            (i8x16.shuffle 16 1 18 3 20 5 22 7 24 9 26 11 28 13 30 15 (local.get 0) (local.get 1))))
        """)
        #expect(trapMessage(m, "boom") == "unreachable")
        #expect(try m.invoke("add") == [.v128(V128(low: 0x16_0000_000B, high: 0x0000_0000_0000_0021))])
        #expect(try m.invoke("sat") == [.v128(V128(low: 0x807F, high: 0))])
        #expect(try m.invoke("lane", [.v128(V128(low: 0xFFFE_0000_0000_0000, high: 0))]) == [.int32(-2)])
        let a = V128(bytes: Array(0..<16)), b = V128(bytes: Array(100..<116))
        var bytes: [UInt8] = []
        for i in 0..<16 { bytes.append(UInt8(i % 2 == 0 ? 100 + i : i)) }
        let expected = V128(bytes: bytes)
        #expect(try m.invoke("shuffle", [.v128(a), .v128(b)]) == [.v128(expected)])
    }
}
