import Testing
import WasmCore
@testable import WasmVM

/// Extended constant expressions (evaluated at instantiation) and relaxed SIMD with the
/// behaviour wdb chose for each instruction (Docs/wasm-3.0.md).
@Suite struct ExtendedConstAndRelaxedSIMDTests {
    @Test func extendedConstantsInGlobalsAndSegmentOffsets() throws {
        let runtime = Runtime()
        var imports = Imports()
        imports.define("env", "base", .global(runtime.makeGlobal(GlobalType(valueType: .i32, isMutable: false), value: .i32(100))))
        imports.define("env", "wide", .global(runtime.makeGlobal(GlobalType(valueType: .i64, isMutable: false), value: .i64(7))))
        let m = try runtime.instantiate(assemble("""
        (module
          (import "env" "base" (global $base i32))
          (import "env" "wide" (global $wide i64))
          (memory (export "mem") 1)
          (table 10 funcref)
          (global (export "sum") i32 (i32.add (global.get $base) (i32.const 5)))
          (global (export "product") i64 (i64.mul (i64.sub (global.get $wide) (i64.const 2)) (i64.const 3)))
          (global (export "wraps") i32 (i32.mul (i32.const 0x10000) (i32.const 0x10000)))
          (data (i32.add (global.get $base) (i32.const 28)) "\\05")
          (elem (i32.sub (i32.const 3) (i32.const 1)) func $f)
          (func $f (result i32) (i32.const 11))
          (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))
        """), imports: imports)
        #expect(m.global("sum")?.value == .i32(105))
        #expect(m.global("product")?.value == .i64(15))
        #expect(m.global("wraps")?.value == .i32(0))
        #expect(try m.memory("mem")?.read(at: 128, count: 1) == [5])
        #expect(try m.invoke("call", [.i32(2)]) == [.i32(11)])
    }

    @Test func anExtendedOffsetOutOfBoundsTraps() throws {
        #expect(throws: Trap.self) {
            _ = try instantiate("""
            (module (memory 1) (data (i32.add (i32.const 65535) (i32.const 1)) "x"))
            """)
        }
    }

    /// Runs a relaxed SIMD function of (v128, v128, v128) -> v128 on i32x4 / f32x4 lanes.
    private func lanes(_ m: Instance, _ name: String, _ a: [UInt32], _ b: [UInt32] = [0, 0, 0, 0],
                       _ c: [UInt32] = [0, 0, 0, 0]) throws -> [UInt32] {
        func v(_ x: [UInt32]) -> Value {
            let x = x + [UInt32](repeating: 0, count: max(0, 4 - x.count))
            return .v128(V128(low: UInt64(x[0]) | UInt64(x[1]) << 32, high: UInt64(x[2]) | UInt64(x[3]) << 32))
        }
        guard case .v128(let r)? = try m.invoke(name, [v(a), v(b), v(c)]).first else { return [] }
        return [UInt32(truncatingIfNeeded: r.low), UInt32(truncatingIfNeeded: r.low >> 32),
                UInt32(truncatingIfNeeded: r.high), UInt32(truncatingIfNeeded: r.high >> 32)]
    }

    static let relaxed = """
    (module
      (func (export "swizzle") (param v128 v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
      (func (export "trunc_s") (param v128 v128 v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
      (func (export "trunc_u") (param v128 v128 v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
      (func (export "madd") (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
      (func (export "nmadd") (param v128 v128 v128) (result v128) (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
      (func (export "laneselect") (param v128 v128 v128) (result v128) (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
      (func (export "min") (param v128 v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
      (func (export "max") (param v128 v128 v128) (result v128) (f32x4.relaxed_max (local.get 0) (local.get 1)))
      (func (export "q15") (param v128 v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
      (func (export "dot") (param v128 v128 v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
      (func (export "dot_add") (param v128 v128 v128) (result v128)
        (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
    )
    """

    @Test func relaxedSIMDFollowsTheChosenBehaviour() throws {
        let m = try instantiate(Self.relaxed)
        let f = { (x: Float) in x.bitPattern }
        // swizzle: an index of 16 or more gives 0 (as i8x16.swizzle); index 0 picks byte 1.
        #expect(try lanes(m, "swizzle", [0x0403_0201, 0, 0, 0], [0x8010_0100, 0, 0, 0])
            == [0x0000_0201, 0x0101_0101, 0x0101_0101, 0x0101_0101])
        // trunc: saturating, NaN to 0 (as trunc_sat).
        #expect(try lanes(m, "trunc_s", [f(.nan), f(3e9), f(-3e9), f(-1.5)]) == [0, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF])
        #expect(try lanes(m, "trunc_u", [f(.nan), f(5e9), f(-1), f(2.9)]) == [0, 0xFFFF_FFFF, 0, 2])
        // madd: unfused (the product is rounded first): (1 + 2^-23)(1 - 2^-23) rounds to 1, so
        // adding -1 gives 0 (fused, it would give -2^-46).
        let x = Float(1) + .ulpOfOne, y = Float(1) - .ulpOfOne
        #expect(try lanes(m, "madd", [f(x), f(2), 0, 0], [f(y), f(3), 0, 0], [f(-1), f(1), 0, 0]) == [0, f(7), 0, 0])
        #expect(try lanes(m, "nmadd", [f(2), 0, 0, 0], [f(3), 0, 0, 0], [f(10), 0, 0, 0]) == [f(4), 0, 0, 0])
        // laneselect: bitwise, as v128.bitselect.
        #expect(try lanes(m, "laneselect", [0xFFFF_FFFF, 0xFFFF_FFFF, 0, 0], [0, 0, 0xFFFF_FFFF, 0], [0xF0F0_F0F0, 0, 0xFFFF_FFFF, 0])
            == [0xF0F0_F0F0, 0, 0, 0])
        // min/max: NaN propagates and -0 < +0 (as f32x4.min/max).
        #expect(try lanes(m, "min", [f(.nan), f(-0.0), f(1), 0], [f(1), f(0), f(2), 0]).map { Float(bitPattern: $0) }[0].isNaN)
        #expect(try lanes(m, "min", [f(1), f(-0.0), f(1), 0], [f(1), f(0), f(2), 0])[1] == f(-0.0))
        #expect(try lanes(m, "max", [f(1), f(-0.0), f(1), 0], [f(1), f(0), f(2), 0])[1] == f(0))
        // q15mulr: saturating (-32768 * -32768 gives 32767).
        #expect(try lanes(m, "q15", [0x8000_8000, 0, 0, 0], [0x8000_4000, 0, 0, 0]) == [0x7FFF_C000, 0, 0, 0])
        // dot: signed x signed, each pair's sum saturated to i16: (-128)(-128) * 2 = 32768 -> 32767.
        #expect(try lanes(m, "dot", [0x0302_8080, 0, 0, 0], [0x0101_8080, 0, 0, 0]) == [0x0005_7FFF, 0, 0, 0])
        // dot_add: the i16 pairs added as i32, plus c.
        #expect(try lanes(m, "dot_add", [0x0102_0304, 0, 0, 0], [0x0101_0101, 0, 0, 0], [100, 1, 0, 0]) == [110, 1, 0, 0])
    }
}
