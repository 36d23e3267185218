// Exact WebAssembly numeric semantics that Swift's operators do not give directly.
// All helpers are @inline(__always): they are instruction bodies of the run loop.

enum Numerics {
    // MARK: floats

    /// fmin: NaN if either operand is NaN; -0 is less than +0.
    @inline(__always)
    static func min<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
        if x.isNaN || y.isNaN { return x + y }   // propagates a (quiet) NaN
        if x == y { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    @inline(__always)
    static func max<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
        if x.isNaN || y.isNaN { return x + y }
        if x == y { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    // MARK: trapping float -> int truncation
    // Each returns nil for NaN ("invalid conversion") and for out-of-range values
    // ("integer overflow"); the caller distinguishes the two with isNaN. The bounds are powers
    // of two and so exact in both float formats; comparing the truncated value is exact.

    @inline(__always)
    static func truncS32<T: BinaryFloatingPoint>(_ x: T) -> Int32? {
        let t = x.rounded(.towardZero)
        guard t >= -2147483648.0 && t < 2147483648.0 else { return nil }
        return Int32(t)
    }

    @inline(__always)
    static func truncU32<T: BinaryFloatingPoint>(_ x: T) -> UInt32? {
        let t = x.rounded(.towardZero)
        guard t > -1.0 && t < 4294967296.0 else { return nil }
        return UInt32(t)
    }

    @inline(__always)
    static func truncS64<T: BinaryFloatingPoint>(_ x: T) -> Int64? {
        let t = x.rounded(.towardZero)
        guard t >= -9223372036854775808.0 && t < 9223372036854775808.0 else { return nil }
        return Int64(t)
    }

    @inline(__always)
    static func truncU64<T: BinaryFloatingPoint>(_ x: T) -> UInt64? {
        let t = x.rounded(.towardZero)
        guard t > -1.0 && t < 18446744073709551616.0 else { return nil }
        return UInt64(t)
    }

    // MARK: saturating truncation (NaN -> 0, clamp to the range)

    @inline(__always)
    static func satS32<T: BinaryFloatingPoint>(_ x: T) -> Int32 {
        if x.isNaN { return 0 }
        return truncS32(x) ?? (x < 0 ? .min : .max)
    }

    @inline(__always)
    static func satU32<T: BinaryFloatingPoint>(_ x: T) -> UInt32 {
        if x.isNaN { return 0 }
        return truncU32(x) ?? (x < 0 ? .min : .max)
    }

    @inline(__always)
    static func satS64<T: BinaryFloatingPoint>(_ x: T) -> Int64 {
        if x.isNaN { return 0 }
        return truncS64(x) ?? (x < 0 ? .min : .max)
    }

    @inline(__always)
    static func satU64<T: BinaryFloatingPoint>(_ x: T) -> UInt64 {
        if x.isNaN { return 0 }
        return truncU64(x) ?? (x < 0 ? .min : .max)
    }
}
