import Testing
import WasmCore
@testable import WasmVM

/// i32/i64 arithmetic at the edges: overflow, division traps, shifts and rotations past the
/// width, bit counts, sign extension.
@Suite struct IntegerTests {
    static let wat = """
    (module
      (func (export "i32.div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "i32.div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
      (func (export "i32.rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
      (func (export "i32.rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
      (func (export "i64.div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
      (func (export "i64.rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
      (func (export "i32.shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
      (func (export "i32.shr_s") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
      (func (export "i64.shr_u") (param i64 i64) (result i64) (i64.shr_u (local.get 0) (local.get 1)))
      (func (export "i32.rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
      (func (export "i32.rotr") (param i32 i32) (result i32) (i32.rotr (local.get 0) (local.get 1)))
      (func (export "i64.rotl") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
      (func (export "i32.clz") (param i32) (result i32) (i32.clz (local.get 0)))
      (func (export "i32.ctz") (param i32) (result i32) (i32.ctz (local.get 0)))
      (func (export "i64.popcnt") (param i64) (result i64) (i64.popcnt (local.get 0)))
      (func (export "i64.clz") (param i64) (result i64) (i64.clz (local.get 0)))
      (func (export "i32.extend8_s") (param i32) (result i32) (i32.extend8_s (local.get 0)))
      (func (export "i64.extend32_s") (param i64) (result i64) (i64.extend32_s (local.get 0)))
      (func (export "i64.extend_i32_s") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))
      (func (export "i64.extend_i32_u") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
      (func (export "i32.wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
      (func (export "i32.add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "i64.mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
      (func (export "i32.lt_s") (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))
      (func (export "i32.lt_u") (param i32 i32) (result i32) (i32.lt_u (local.get 0) (local.get 1)))
    )
    """

    @Test func divisionAndRemainder() throws {
        let m = try instantiate(IntegerTests.wat)
        #expect(try m.invoke("i32.div_s", [.int32(-7), .int32(2)]) == [.int32(-3)])
        #expect(try m.invoke("i32.div_u", [.int32(-1), .int32(2)]) == [.i32(0x7FFF_FFFF)])
        #expect(try m.invoke("i32.rem_s", [.int32(-7), .int32(2)]) == [.int32(-1)])
        #expect(try m.invoke("i32.rem_s", [.int32(.min), .int32(-1)]) == [.i32(0)])
        #expect(try m.invoke("i32.rem_u", [.int32(-1), .int32(10)]) == [.i32(5)])
        #expect(try m.invoke("i64.rem_s", [.int64(.min), .int64(-1)]) == [.i64(0)])
        #expect(try m.invoke("i64.div_s", [.int64(.min), .int64(2)]) == [.int64(.min / 2)])
        #expect(trapMessage(m, "i32.div_s", [.int32(.min), .int32(-1)]) == "integer overflow")
        #expect(trapMessage(m, "i64.div_s", [.int64(.min), .int64(-1)]) == "integer overflow")
        #expect(trapMessage(m, "i32.div_u", [.i32(1), .i32(0)]) == "integer divide by zero")
        #expect(trapMessage(m, "i32.rem_s", [.int32(.min), .i32(0)]) == "integer divide by zero")
        #expect(trapMessage(m, "i64.rem_s", [.i64(5), .i64(0)]) == "integer divide by zero")
    }

    @Test func shiftsAndRotationsUseTheCountModuloTheWidth() throws {
        let m = try instantiate(IntegerTests.wat)
        #expect(try m.invoke("i32.shl", [.i32(1), .i32(33)]) == [.i32(2)])
        #expect(try m.invoke("i32.shr_s", [.int32(-8), .i32(1)]) == [.int32(-4)])
        #expect(try m.invoke("i32.shr_s", [.int32(-8), .i32(32)]) == [.int32(-8)])
        #expect(try m.invoke("i64.shr_u", [.int64(-1), .i64(63)]) == [.i64(1)])
        #expect(try m.invoke("i64.shr_u", [.int64(-1), .i64(64)]) == [.int64(-1)])
        #expect(try m.invoke("i32.rotl", [.i32(0x8000_0001), .i32(1)]) == [.i32(3)])
        #expect(try m.invoke("i32.rotr", [.i32(1), .i32(1)]) == [.i32(0x8000_0000)])
        #expect(try m.invoke("i32.rotl", [.i32(0x1234_5678), .i32(32)]) == [.i32(0x1234_5678)])
        #expect(try m.invoke("i64.rotl", [.i64(0x8000_0000_0000_0000), .i64(65)]) == [.i64(1)])
    }

    @Test func bitCountsAndExtension() throws {
        let m = try instantiate(IntegerTests.wat)
        #expect(try m.invoke("i32.clz", [.i32(0)]) == [.i32(32)])
        #expect(try m.invoke("i32.ctz", [.i32(0)]) == [.i32(32)])
        #expect(try m.invoke("i32.clz", [.i32(0x0080_0000)]) == [.i32(8)])
        #expect(try m.invoke("i64.clz", [.i64(0)]) == [.i64(64)])
        #expect(try m.invoke("i64.popcnt", [.int64(-1)]) == [.i64(64)])
        #expect(try m.invoke("i32.extend8_s", [.i32(0x80)]) == [.int32(-128)])
        #expect(try m.invoke("i32.extend8_s", [.i32(0x1_7F)]) == [.i32(0x7F)])
        #expect(try m.invoke("i64.extend32_s", [.i64(0x8000_0000)]) == [.int64(-2_147_483_648)])
        #expect(try m.invoke("i64.extend_i32_s", [.int32(-1)]) == [.int64(-1)])
        #expect(try m.invoke("i64.extend_i32_u", [.int32(-1)]) == [.i64(0xFFFF_FFFF)])
        #expect(try m.invoke("i32.wrap", [.i64(0x1_2345_6789)]) == [.i32(0x2345_6789)])
    }

    @Test func wrappingArithmeticAndComparisons() throws {
        let m = try instantiate(IntegerTests.wat)
        #expect(try m.invoke("i32.add", [.int32(.max), .i32(1)]) == [.int32(.min)])
        #expect(try m.invoke("i64.mul", [.int64(.max), .i64(2)]) == [.int64(-2)])
        #expect(try m.invoke("i32.lt_s", [.int32(-1), .i32(0)]) == [.i32(1)])
        #expect(try m.invoke("i32.lt_u", [.int32(-1), .i32(0)]) == [.i32(0)])
    }
}
