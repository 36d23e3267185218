/// Text forms of IEEE 754 bit patterns, shared by the WAT printer and the objdump-style
/// disassembler. Everything works on raw bits so NaN payloads and signed zeros survive.

public enum FloatText {
    // MARK: WAT text (what the printer writes and the assembler reads back)

    /// `f32` bits as WAT text: the shortest decimal that reads back to the same bits,
    /// `inf`/`-inf`, `nan` for the canonical NaN and `nan:0x…` for any other payload.
    public static func wat(f32 bits: UInt32) -> String {
        let sign = bits >> 31 == 1 ? "-" : ""
        let exponent = (bits >> 23) & 0xFF
        let fraction = bits & 0x7F_FFFF
        if exponent == 0xFF {
            if fraction == 0 { return sign + "inf" }
            if fraction == 0x40_0000 { return sign + "nan" }
            return sign + "nan:0x" + String(fraction, radix: 16)
        }
        let value = Float(bitPattern: bits)
        let decimal = value.description
        // Swift's description is the shortest round-tripping form; keep a hex fallback in case
        // a platform ever prints something that does not read back exactly.
        if let back = Float(decimal), back.bitPattern == bits { return decimal }
        return hex(f32: bits)
    }

    /// `f64` bits as WAT text (see `wat(f32:)`).
    public static func wat(f64 bits: UInt64) -> String {
        let sign = bits >> 63 == 1 ? "-" : ""
        let exponent = (bits >> 52) & 0x7FF
        let fraction = bits & 0xF_FFFF_FFFF_FFFF
        if exponent == 0x7FF {
            if fraction == 0 { return sign + "inf" }
            if fraction == 0x8_0000_0000_0000 { return sign + "nan" }
            return sign + "nan:0x" + String(fraction, radix: 16)
        }
        let value = Double(bitPattern: bits)
        let decimal = value.description
        if let back = Double(decimal), back.bitPattern == bits { return decimal }
        return hex(f64: bits)
    }

    // MARK: hexadecimal floats in wabt's spelling (for `wdb dump -d`)

    /// `f32` bits as wabt writes them in disassembly: `0x1.8p+0`, `-0x0p+0`, subnormals
    /// normalised with a dot even when no fraction digit follows (`0x1.p-149`), `inf`, `nan`,
    /// `nan:0x12`.
    public static func hex(f32 bits: UInt32) -> String {
        hex(sign: bits >> 31 == 1, exponent: Int((bits >> 23) & 0xFF), fraction: UInt64(bits & 0x7F_FFFF),
            fractionBits: 23, exponentBias: 127, maxExponent: 0xFF, quietBit: 1 << 22)
    }

    /// `f64` bits as wabt writes them in disassembly (see `hex(f32:)`).
    public static func hex(f64 bits: UInt64) -> String {
        hex(sign: bits >> 63 == 1, exponent: Int((bits >> 52) & 0x7FF), fraction: bits & 0xF_FFFF_FFFF_FFFF,
            fractionBits: 52, exponentBias: 1023, maxExponent: 0x7FF, quietBit: 1 << 51)
    }

    private static func hex(sign: Bool, exponent: Int, fraction: UInt64, fractionBits: Int,
                            exponentBias: Int, maxExponent: Int, quietBit: UInt64) -> String {
        let signText = sign ? "-" : ""
        if exponent == maxExponent {
            if fraction == 0 { return signText + "inf" }
            if fraction == quietBit { return signText + "nan" }
            return signText + "nan:0x" + String(fraction, radix: 16)
        }
        if exponent == 0 && fraction == 0 { return signText + "0x0p+0" }

        var unbiased = exponent - exponentBias
        var fractionValue = fraction
        let subnormal = exponent == 0
        if subnormal {
            // value = fraction * 2^(1 - bias - fractionBits); move the leading one into the
            // implicit position.
            let leading = 63 - fraction.leadingZeroBitCount   // index of the highest set bit
            unbiased = leading + 1 - exponentBias - fractionBits
            let shift = fractionBits - leading
            fractionValue = (fraction << UInt64(shift)) & ((1 << UInt64(fractionBits)) - 1)
        }
        // Pad the fraction to whole hex digits (23 bits -> 24, 52 bits stay 52).
        let padded = (fractionBits + 3) / 4 * 4
        var digits = String(fractionValue << UInt64(padded - fractionBits), radix: 16)
        digits = String(repeating: "0", count: padded / 4 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        let dot = (subnormal || !digits.isEmpty) ? "." : ""
        let exponentText = unbiased >= 0 ? "+\(unbiased)" : "\(unbiased)"
        return "\(signText)0x1\(dot)\(digits)p\(exponentText)"
    }
}
