import Testing
import WasmCore
@testable import WasmVM

/// Float semantics: NaN propagation and canonical NaNs, signed zeros, min/max, rounding,
/// conversions with their traps and saturation, bit-exact abs/neg/copysign.
@Suite struct FloatTests {
    static let wat = """
    (module
      (func (export "f32.min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
      (func (export "f32.max") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
      (func (export "f64.min") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
      (func (export "f64.max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
      (func (export "f32.div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
      (func (export "f64.add") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
      (func (export "f32.mul") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
      (func (export "f32.neg") (param f32) (result f32) (f32.neg (local.get 0)))
      (func (export "f64.abs") (param f64) (result f64) (f64.abs (local.get 0)))
      (func (export "f32.copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
      (func (export "f64.nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
      (func (export "f32.nearest") (param f32) (result f32) (f32.nearest (local.get 0)))
      (func (export "f64.ceil") (param f64) (result f64) (f64.ceil (local.get 0)))
      (func (export "f64.trunc") (param f64) (result f64) (f64.trunc (local.get 0)))
      (func (export "f64.sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
      (func (export "i32.trunc_f32_s") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
      (func (export "i32.trunc_f64_s") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "i32.trunc_f64_u") (param f64) (result i32) (i32.trunc_f64_u (local.get 0)))
      (func (export "i64.trunc_f64_u") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
      (func (export "i32.trunc_sat_f32_s") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
      (func (export "i64.trunc_sat_f64_u") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))
      (func (export "f32.convert_i64_u") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
      (func (export "f64.convert_i32_s") (param i32) (result f64) (f64.convert_i32_s (local.get 0)))
      (func (export "f32.demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
      (func (export "f64.promote") (param f32) (result f64) (f64.promote_f32 (local.get 0)))
      (func (export "f32.eq") (param f32 f32) (result i32) (f32.eq (local.get 0) (local.get 1)))
      (func (export "f64.ne") (param f64 f64) (result i32) (f64.ne (local.get 0) (local.get 1)))
    )
    """

    static let negZero32 = Value.f32(0x8000_0000)
    static let negZero64 = Value.f64(0x8000_0000_0000_0000)

    func isCanonicalNaN32(_ v: [Value]) -> Bool {
        if case .f32(let b)? = v.first { return b & 0x7FFF_FFFF == 0x7FC0_0000 }
        return false
    }

    func isNaN64(_ v: [Value]) -> Bool {
        if case .f64(let b)? = v.first { return Double(bitPattern: b).isNaN }
        return false
    }

    @Test func minMaxTreatNaNAndSignedZero() throws {
        let m = try instantiate(FloatTests.wat)
        #expect(try m.invoke("f32.min", [.float(0), FloatTests.negZero32]) == [FloatTests.negZero32])
        #expect(try m.invoke("f32.min", [FloatTests.negZero32, .float(0)]) == [FloatTests.negZero32])
        #expect(try m.invoke("f32.max", [FloatTests.negZero32, .float(0)]) == [.float(0)])
        #expect(try m.invoke("f64.max", [.double(0), FloatTests.negZero64]) == [.double(0)])
        #expect(try m.invoke("f64.min", [FloatTests.negZero64, .double(0)]) == [FloatTests.negZero64])
        #expect(isNaN64(try m.invoke("f64.min", [.double(.nan), .double(1)])))
        #expect(isNaN64(try m.invoke("f64.max", [.double(1), .double(.nan)])))
        #expect(try m.invoke("f32.min", [.float(-.infinity), .float(1)]) == [.float(-.infinity)])
    }

    @Test func nanResultsAreCanonicalOrPropagated() throws {
        let m = try instantiate(FloatTests.wat)
        #expect(isCanonicalNaN32(try m.invoke("f32.div", [.float(0), .float(0)])))
        #expect(isCanonicalNaN32(try m.invoke("f32.mul", [.float(.infinity), .float(0)])))
        // An arithmetic NaN operand gives an arithmetic NaN (quiet bit set).
        if case .f64(let bits)? = try m.invoke("f64.add", [.f64(0x7FF4_0000_0000_0001), .double(1)]).first {
            #expect(Double(bitPattern: bits).isNaN && bits & (1 << 51) != 0)
        } else { Issue.record("no f64 result") }
        #expect(try m.invoke("f32.eq", [.float(.nan), .float(.nan)]) == [.i32(0)])
        #expect(try m.invoke("f64.ne", [.double(.nan), .double(.nan)]) == [.i32(1)])
    }

    @Test func signOperationsKeepPayloads() throws {
        let m = try instantiate(FloatTests.wat)
        #expect(try m.invoke("f32.neg", [.f32(0x7FA0_0001)]) == [.f32(0xFFA0_0001)])
        #expect(try m.invoke("f64.abs", [.f64(0xFFF0_0000_0000_0123)]) == [.f64(0x7FF0_0000_0000_0123)])
        #expect(try m.invoke("f32.copysign", [.f32(0x7FA0_0000), .float(-1)]) == [.f32(0xFFA0_0000)])
        #expect(try m.invoke("f32.neg", [.float(0)]) == [FloatTests.negZero32])
    }

    @Test func roundingTiesToEven() throws {
        let m = try instantiate(FloatTests.wat)
        #expect(try m.invoke("f64.nearest", [.double(0.5)]) == [.double(0)])
        #expect(try m.invoke("f64.nearest", [.double(1.5)]) == [.double(2)])
        #expect(try m.invoke("f64.nearest", [.double(2.5)]) == [.double(2)])
        #expect(try m.invoke("f64.nearest", [.double(-0.5)]) == [FloatTests.negZero64])
        #expect(try m.invoke("f32.nearest", [.float(-3.5)]) == [.float(-4)])
        #expect(try m.invoke("f64.ceil", [.double(-0.5)]) == [FloatTests.negZero64])
        #expect(try m.invoke("f64.trunc", [.double(-1.9)]) == [.double(-1)])
        #expect(isNaN64(try m.invoke("f64.sqrt", [.double(-1)])))
        #expect(try m.invoke("f64.sqrt", [FloatTests.negZero64]) == [FloatTests.negZero64])
    }

    @Test func truncationTrapsAtTheBoundaries() throws {
        let m = try instantiate(FloatTests.wat)
        #expect(try m.invoke("i32.trunc_f32_s", [.float(-2_147_483_648)]) == [.int32(.min)])
        #expect(trapMessage(m, "i32.trunc_f32_s", [.float(2_147_483_648)]) == "integer overflow")
        #expect(trapMessage(m, "i32.trunc_f32_s", [.float(.nan)]) == "invalid conversion to integer")
        #expect(try m.invoke("i32.trunc_f64_s", [.double(-2_147_483_648.9)]) == [.int32(.min)])
        #expect(trapMessage(m, "i32.trunc_f64_s", [.double(-2_147_483_649)]) == "integer overflow")
        #expect(try m.invoke("i32.trunc_f64_u", [.double(-0.9)]) == [.i32(0)])
        #expect(trapMessage(m, "i32.trunc_f64_u", [.double(-1)]) == "integer overflow")
        #expect(try m.invoke("i32.trunc_f64_u", [.double(4_294_967_295.9)]) == [.i32(0xFFFF_FFFF)])
        #expect(trapMessage(m, "i64.trunc_f64_u", [.double(18_446_744_073_709_551_616)]) == "integer overflow")
        #expect(trapMessage(m, "i64.trunc_f64_u", [.double(.infinity)]) == "integer overflow")
    }

    @Test func saturatingTruncation() throws {
        let m = try instantiate(FloatTests.wat)
        #expect(try m.invoke("i32.trunc_sat_f32_s", [.float(.nan)]) == [.i32(0)])
        #expect(try m.invoke("i32.trunc_sat_f32_s", [.float(3e9)]) == [.int32(.max)])
        #expect(try m.invoke("i32.trunc_sat_f32_s", [.float(-.infinity)]) == [.int32(.min)])
        #expect(try m.invoke("i64.trunc_sat_f64_u", [.double(-5)]) == [.i64(0)])
        #expect(try m.invoke("i64.trunc_sat_f64_u", [.double(1e30)]) == [.i64(.max)])
    }

    @Test func conversionsRoundCorrectly() throws {
        let m = try instantiate(FloatTests.wat)
        // 2^64 - 1 rounds up to 2^64 in f32.
        #expect(try m.invoke("f32.convert_i64_u", [.int64(-1)]) == [.float(18_446_744_073_709_551_616)])
        // 0x0020_0000_0000_0001 lies between two f32 values; ties and sticky bits matter.
        #expect(try m.invoke("f32.convert_i64_u", [.i64(0x0020_0000_2000_0001)]) == [.f32(0x5A00_0001)])
        #expect(try m.invoke("f64.convert_i32_s", [.int32(.min)]) == [.double(-2_147_483_648)])
        // Subnormal results and overflow to infinity in demotion.
        #expect(try m.invoke("f32.demote", [.double(1e-45)]) == [.f32(1)])
        #expect(try m.invoke("f32.demote", [.double(1e300)]) == [.float(.infinity)])
        #expect(try m.invoke("f64.promote", [.f32(1)]) == [.double(Double(Float(bitPattern: 1)))])
        if case .f64(let bits)? = try m.invoke("f64.promote", [.f32(0x7FC0_0000)]).first {
            #expect(bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000)
        }
    }
}
