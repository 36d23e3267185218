import WasmCore

// Numeric instruction bodies. Operands are read from fp[a] (and fp[a+1]); the result is
// written to fp[a]. fp points into the value stack, and the compiler guarantees that a and
// a+1 lie inside the current frame (frameSize covers the maximum operand height).

@inline(__always) private func f32(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: fp[i])) }
@inline(__always) private func f64(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> Double { Double(bitPattern: fp[i]) }
@inline(__always) private func b(_ v: Bool) -> UInt64 { v ? 1 : 0 }
@inline(__always) private func w32(_ v: UInt32) -> UInt64 { UInt64(v) }

enum Interpreter {
    /// Executes one of the one-word numeric instructions the C core leaves to Swift (those that
    /// trap or saturate on float-to-int conversion, and ref.is_null). Returns `.none`, or the
    /// trap it raised.
    static func numeric(_ op: Opcode, _ fp: UnsafeMutablePointer<UInt64>, _ a: Int) -> TrapCode {
        switch op {
        // trapping truncations
        case .i32TruncF32S: return truncate(fp, a, f32(fp, a)) { Numerics.truncS32($0).map { UInt64(UInt32(bitPattern: $0)) } }
        case .i32TruncF32U: return truncate(fp, a, f32(fp, a)) { Numerics.truncU32($0).map { UInt64($0) } }
        case .i32TruncF64S: return truncate(fp, a, f64(fp, a)) { Numerics.truncS32($0).map { UInt64(UInt32(bitPattern: $0)) } }
        case .i32TruncF64U: return truncate(fp, a, f64(fp, a)) { Numerics.truncU32($0).map { UInt64($0) } }
        case .i64TruncF32S: return truncate(fp, a, f32(fp, a)) { Numerics.truncS64($0).map { UInt64(bitPattern: $0) } }
        case .i64TruncF32U: return truncate(fp, a, f32(fp, a)) { Numerics.truncU64($0) }
        case .i64TruncF64S: return truncate(fp, a, f64(fp, a)) { Numerics.truncS64($0).map { UInt64(bitPattern: $0) } }
        case .i64TruncF64U: return truncate(fp, a, f64(fp, a)) { Numerics.truncU64($0) }
        // saturating truncations
        case .i32TruncSatF32S: fp[a] = w32(UInt32(bitPattern: Numerics.satS32(f32(fp, a))))
        case .i32TruncSatF32U: fp[a] = w32(Numerics.satU32(f32(fp, a)))
        case .i32TruncSatF64S: fp[a] = w32(UInt32(bitPattern: Numerics.satS32(f64(fp, a))))
        case .i32TruncSatF64U: fp[a] = w32(Numerics.satU32(f64(fp, a)))
        case .i64TruncSatF32S: fp[a] = UInt64(bitPattern: Numerics.satS64(f32(fp, a)))
        case .i64TruncSatF32U: fp[a] = Numerics.satU64(f32(fp, a))
        case .i64TruncSatF64S: fp[a] = UInt64(bitPattern: Numerics.satS64(f64(fp, a)))
        case .i64TruncSatF64U: fp[a] = Numerics.satU64(f64(fp, a))
        // references
        case .refIsNull: fp[a] = b(fp[a] == 0)
        default:
            return .detailed
        }
        return .none
    }

    /// A trapping float-to-int conversion: NaN is an invalid conversion, out of range an
    /// overflow.
    @inline(__always)
    private static func truncate<T: BinaryFloatingPoint>(_ fp: UnsafeMutablePointer<UInt64>, _ a: Int, _ x: T,
                                                         _ convert: (T) -> UInt64?) -> TrapCode {
        if x.isNaN { return .invalidConversionToInteger }
        guard let v = convert(x) else { return .integerOverflow }
        fp[a] = v
        return .none
    }
}
