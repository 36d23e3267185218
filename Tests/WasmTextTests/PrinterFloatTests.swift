import Testing
@testable import WasmText

@Suite struct PrinterFloatTests {
    /// Spellings taken from wabt 1.0.42's `wasm-objdump -d` for these bit patterns.
    @Test(arguments: [
        (UInt32(0x3F80_0000), "0x1p+0"), (0x8000_0000, "-0x0p+0"), (0x0000_0001, "0x1.p-149"),
        (0x0000_0300, "0x1.8p-140"), (0x7F80_0000, "inf"), (0xFF80_0000, "-inf"),
        (0x7FC0_0000, "nan"), (0xFFC0_0000, "-nan"), (0x7F80_0001, "nan:0x1"), (0xFF80_0012, "-nan:0x12"),
        (0x7F7F_FFFF, "0x1.fffffep+127"), (0x3DCC_CCCD, "0x1.99999ap-4"), (0x5015_02F9, "0x1.2a05f2p+33"),
    ])
    func f32HexMatchesObjdump(bits: UInt32, expected: String) {
        #expect(FloatText.hex(f32: bits) == expected)
    }

    @Test(arguments: [
        (UInt64(0x3FF0_0000_0000_0000), "0x1p+0"), (0x8000_0000_0000_0000, "-0x0p+0"),
        (0x0000_0000_0000_0001, "0x1.p-1074"), (0x0000_0006_0000_0000, "0x1.8p-1040"),
        (0x7FF0_0000_0000_0000, "inf"), (0x7FF8_0000_0000_0000, "nan"), (0xFFF8_0000_0000_0000, "-nan"),
        (0x7FF0_0000_0000_0001, "nan:0x1"), (0x7FEF_FFFF_FFFF_FFFF, "0x1.fffffffffffffp+1023"),
        (0x3FB9_9999_9999_999A, "0x1.999999999999ap-4"), (0x419D_6F34_5400_0000, "0x1.d6f3454p+26"),
        (0xC004_0000_0000_0000, "-0x1.4p+1"),
    ])
    func f64HexMatchesObjdump(bits: UInt64, expected: String) {
        #expect(FloatText.hex(f64: bits) == expected)
    }

    @Test func watTextIsShortestDecimal() {
        #expect(FloatText.wat(f32: Float(1.5).bitPattern) == "1.5")
        #expect(FloatText.wat(f32: Float(0.1).bitPattern) == "0.1")
        #expect(FloatText.wat(f32: (-0.0 as Float).bitPattern) == "-0.0")
        #expect(FloatText.wat(f64: (0.1 as Double).bitPattern) == "0.1")
        #expect(FloatText.wat(f64: 0x7FF8_0000_0000_0000) == "nan")
        #expect(FloatText.wat(f64: 0xFFF0_0000_0000_0000) == "-inf")
        #expect(FloatText.wat(f32: 0x7FA0_0000) == "nan:0x200000")
    }

    /// Every finite pattern of a pseudo-random sweep reads back to the same bits.
    @Test func watTextRoundTripsBits() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        for _ in 0..<20_000 {
            let bits64 = next()
            let bits32 = UInt32(truncatingIfNeeded: bits64 >> 17)
            if !Float(bitPattern: bits32).isNaN {
                let text = FloatText.wat(f32: bits32)
                #expect(Float(text)?.bitPattern == bits32, "f32 \(text)")
            }
            if !Double(bitPattern: bits64).isNaN {
                let text = FloatText.wat(f64: bits64)
                #expect(Double(text)?.bitPattern == bits64, "f64 \(text)")
            }
        }
    }
}
