import WasmCore

// Numeric instruction bodies. Operands are read from fp[a] (and fp[a+1]); the result is
// written to fp[a]. fp points into the value stack, and the compiler guarantees that a and
// a+1 lie inside the current frame (frameSize covers the maximum operand height).

@inline(__always) private func u32(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: fp[i]) }
@inline(__always) private func s32(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> Int32 { Int32(truncatingIfNeeded: fp[i]) }
@inline(__always) private func s64(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> Int64 { Int64(bitPattern: fp[i]) }
@inline(__always) private func f32(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: fp[i])) }
@inline(__always) private func f64(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) -> Double { Double(bitPattern: fp[i]) }
@inline(__always) private func b(_ v: Bool) -> UInt64 { v ? 1 : 0 }
@inline(__always) private func w32(_ v: UInt32) -> UInt64 { UInt64(v) }
@inline(__always) private func wf32(_ v: Float) -> UInt64 { UInt64(v.bitPattern) }
@inline(__always) private func wf64(_ v: Double) -> UInt64 { v.bitPattern }

enum Interpreter {
    /// Executes a one-word numeric instruction. Returns `.none`, or the trap it raised.
    /// Transparent: the optimiser did not honour @inline(__always) for this large switch, and
    /// the out-of-line call plus second dispatch cost about 30% on arithmetic loops.
    @_transparent
    static func numeric(_ op: Opcode, _ fp: UnsafeMutablePointer<UInt64>, _ a: Int) -> TrapCode {
        let c = a + 1
        switch op {
        // i32 comparisons
        case .i32Eqz: fp[a] = b(u32(fp, a) == 0)
        case .i32Eq: fp[a] = b(u32(fp, a) == u32(fp, c))
        case .i32Ne: fp[a] = b(u32(fp, a) != u32(fp, c))
        case .i32LtS: fp[a] = b(s32(fp, a) < s32(fp, c))
        case .i32LtU: fp[a] = b(u32(fp, a) < u32(fp, c))
        case .i32GtS: fp[a] = b(s32(fp, a) > s32(fp, c))
        case .i32GtU: fp[a] = b(u32(fp, a) > u32(fp, c))
        case .i32LeS: fp[a] = b(s32(fp, a) <= s32(fp, c))
        case .i32LeU: fp[a] = b(u32(fp, a) <= u32(fp, c))
        case .i32GeS: fp[a] = b(s32(fp, a) >= s32(fp, c))
        case .i32GeU: fp[a] = b(u32(fp, a) >= u32(fp, c))
        // i64 comparisons
        case .i64Eqz: fp[a] = b(fp[a] == 0)
        case .i64Eq: fp[a] = b(fp[a] == fp[c])
        case .i64Ne: fp[a] = b(fp[a] != fp[c])
        case .i64LtS: fp[a] = b(s64(fp, a) < s64(fp, c))
        case .i64LtU: fp[a] = b(fp[a] < fp[c])
        case .i64GtS: fp[a] = b(s64(fp, a) > s64(fp, c))
        case .i64GtU: fp[a] = b(fp[a] > fp[c])
        case .i64LeS: fp[a] = b(s64(fp, a) <= s64(fp, c))
        case .i64LeU: fp[a] = b(fp[a] <= fp[c])
        case .i64GeS: fp[a] = b(s64(fp, a) >= s64(fp, c))
        case .i64GeU: fp[a] = b(fp[a] >= fp[c])
        // float comparisons (IEEE: any comparison with NaN is false, except ne)
        case .f32Eq: fp[a] = b(f32(fp, a) == f32(fp, c))
        case .f32Ne: fp[a] = b(f32(fp, a) != f32(fp, c))
        case .f32Lt: fp[a] = b(f32(fp, a) < f32(fp, c))
        case .f32Gt: fp[a] = b(f32(fp, a) > f32(fp, c))
        case .f32Le: fp[a] = b(f32(fp, a) <= f32(fp, c))
        case .f32Ge: fp[a] = b(f32(fp, a) >= f32(fp, c))
        case .f64Eq: fp[a] = b(f64(fp, a) == f64(fp, c))
        case .f64Ne: fp[a] = b(f64(fp, a) != f64(fp, c))
        case .f64Lt: fp[a] = b(f64(fp, a) < f64(fp, c))
        case .f64Gt: fp[a] = b(f64(fp, a) > f64(fp, c))
        case .f64Le: fp[a] = b(f64(fp, a) <= f64(fp, c))
        case .f64Ge: fp[a] = b(f64(fp, a) >= f64(fp, c))
        // i32 arithmetic
        case .i32Clz: fp[a] = UInt64(u32(fp, a).leadingZeroBitCount)
        case .i32Ctz: fp[a] = UInt64(u32(fp, a).trailingZeroBitCount)
        case .i32Popcnt: fp[a] = UInt64(u32(fp, a).nonzeroBitCount)
        case .i32Add: fp[a] = w32(u32(fp, a) &+ u32(fp, c))
        case .i32Sub: fp[a] = w32(u32(fp, a) &- u32(fp, c))
        case .i32Mul: fp[a] = w32(u32(fp, a) &* u32(fp, c))
        case .i32DivS:
            let x = s32(fp, a), y = s32(fp, c)
            if y == 0 { return .integerDivideByZero }
            if x == .min && y == -1 { return .integerOverflow }
            fp[a] = w32(UInt32(bitPattern: x / y))
        case .i32DivU:
            let y = u32(fp, c)
            if y == 0 { return .integerDivideByZero }
            fp[a] = w32(u32(fp, a) / y)
        case .i32RemS:
            let x = s32(fp, a), y = s32(fp, c)
            if y == 0 { return .integerDivideByZero }
            fp[a] = y == -1 ? 0 : w32(UInt32(bitPattern: x % y))
        case .i32RemU:
            let y = u32(fp, c)
            if y == 0 { return .integerDivideByZero }
            fp[a] = w32(u32(fp, a) % y)
        case .i32And: fp[a] = w32(u32(fp, a) & u32(fp, c))
        case .i32Or: fp[a] = w32(u32(fp, a) | u32(fp, c))
        case .i32Xor: fp[a] = w32(u32(fp, a) ^ u32(fp, c))
        case .i32Shl: fp[a] = w32(u32(fp, a) &<< u32(fp, c))
        case .i32ShrS: fp[a] = w32(UInt32(bitPattern: s32(fp, a) &>> s32(fp, c)))
        case .i32ShrU: fp[a] = w32(u32(fp, a) &>> u32(fp, c))
        case .i32Rotl: fp[a] = w32(Numerics.rotl32(u32(fp, a), u32(fp, c)))
        case .i32Rotr: fp[a] = w32(Numerics.rotr32(u32(fp, a), u32(fp, c)))
        // i64 arithmetic
        case .i64Clz: fp[a] = UInt64(fp[a].leadingZeroBitCount)
        case .i64Ctz: fp[a] = UInt64(fp[a].trailingZeroBitCount)
        case .i64Popcnt: fp[a] = UInt64(fp[a].nonzeroBitCount)
        case .i64Add: fp[a] = fp[a] &+ fp[c]
        case .i64Sub: fp[a] = fp[a] &- fp[c]
        case .i64Mul: fp[a] = fp[a] &* fp[c]
        case .i64DivS:
            let x = s64(fp, a), y = s64(fp, c)
            if y == 0 { return .integerDivideByZero }
            if x == .min && y == -1 { return .integerOverflow }
            fp[a] = UInt64(bitPattern: x / y)
        case .i64DivU:
            let y = fp[c]
            if y == 0 { return .integerDivideByZero }
            fp[a] = fp[a] / y
        case .i64RemS:
            let x = s64(fp, a), y = s64(fp, c)
            if y == 0 { return .integerDivideByZero }
            fp[a] = y == -1 ? 0 : UInt64(bitPattern: x % y)
        case .i64RemU:
            let y = fp[c]
            if y == 0 { return .integerDivideByZero }
            fp[a] = fp[a] % y
        case .i64And: fp[a] = fp[a] & fp[c]
        case .i64Or: fp[a] = fp[a] | fp[c]
        case .i64Xor: fp[a] = fp[a] ^ fp[c]
        case .i64Shl: fp[a] = fp[a] &<< fp[c]
        case .i64ShrS: fp[a] = UInt64(bitPattern: s64(fp, a) &>> s64(fp, c))
        case .i64ShrU: fp[a] = fp[a] &>> fp[c]
        case .i64Rotl: fp[a] = Numerics.rotl64(fp[a], fp[c])
        case .i64Rotr: fp[a] = Numerics.rotr64(fp[a], fp[c])
        // f32 arithmetic; abs, neg and copysign are bit operations (they keep NaN payloads)
        case .f32Abs: fp[a] = w32(u32(fp, a) & 0x7FFF_FFFF)
        case .f32Neg: fp[a] = w32(u32(fp, a) ^ 0x8000_0000)
        case .f32Ceil: fp[a] = wf32(f32(fp, a).rounded(.up))
        case .f32Floor: fp[a] = wf32(f32(fp, a).rounded(.down))
        case .f32Trunc: fp[a] = wf32(f32(fp, a).rounded(.towardZero))
        case .f32Nearest: fp[a] = wf32(f32(fp, a).rounded(.toNearestOrEven))
        case .f32Sqrt: fp[a] = wf32(f32(fp, a).squareRoot())
        case .f32Add: fp[a] = wf32(f32(fp, a) + f32(fp, c))
        case .f32Sub: fp[a] = wf32(f32(fp, a) - f32(fp, c))
        case .f32Mul: fp[a] = wf32(f32(fp, a) * f32(fp, c))
        case .f32Div: fp[a] = wf32(f32(fp, a) / f32(fp, c))
        case .f32Min: fp[a] = wf32(Numerics.min(f32(fp, a), f32(fp, c)))
        case .f32Max: fp[a] = wf32(Numerics.max(f32(fp, a), f32(fp, c)))
        case .f32Copysign: fp[a] = w32((u32(fp, a) & 0x7FFF_FFFF) | (u32(fp, c) & 0x8000_0000))
        // f64 arithmetic
        case .f64Abs: fp[a] = fp[a] & 0x7FFF_FFFF_FFFF_FFFF
        case .f64Neg: fp[a] = fp[a] ^ 0x8000_0000_0000_0000
        case .f64Ceil: fp[a] = wf64(f64(fp, a).rounded(.up))
        case .f64Floor: fp[a] = wf64(f64(fp, a).rounded(.down))
        case .f64Trunc: fp[a] = wf64(f64(fp, a).rounded(.towardZero))
        case .f64Nearest: fp[a] = wf64(f64(fp, a).rounded(.toNearestOrEven))
        case .f64Sqrt: fp[a] = wf64(f64(fp, a).squareRoot())
        case .f64Add: fp[a] = wf64(f64(fp, a) + f64(fp, c))
        case .f64Sub: fp[a] = wf64(f64(fp, a) - f64(fp, c))
        case .f64Mul: fp[a] = wf64(f64(fp, a) * f64(fp, c))
        case .f64Div: fp[a] = wf64(f64(fp, a) / f64(fp, c))
        case .f64Min: fp[a] = wf64(Numerics.min(f64(fp, a), f64(fp, c)))
        case .f64Max: fp[a] = wf64(Numerics.max(f64(fp, a), f64(fp, c)))
        case .f64Copysign: fp[a] = (fp[a] & 0x7FFF_FFFF_FFFF_FFFF) | (fp[c] & 0x8000_0000_0000_0000)
        // conversions
        case .i32WrapI64: fp[a] = fp[a] & 0xFFFF_FFFF
        case .i32TruncF32S: return truncate(fp, a, f32(fp, a)) { Numerics.truncS32($0).map { UInt64(UInt32(bitPattern: $0)) } }
        case .i32TruncF32U: return truncate(fp, a, f32(fp, a)) { Numerics.truncU32($0).map { UInt64($0) } }
        case .i32TruncF64S: return truncate(fp, a, f64(fp, a)) { Numerics.truncS32($0).map { UInt64(UInt32(bitPattern: $0)) } }
        case .i32TruncF64U: return truncate(fp, a, f64(fp, a)) { Numerics.truncU32($0).map { UInt64($0) } }
        case .i64ExtendI32S: fp[a] = UInt64(bitPattern: Int64(s32(fp, a)))
        case .i64ExtendI32U: fp[a] = fp[a] & 0xFFFF_FFFF
        case .i64TruncF32S: return truncate(fp, a, f32(fp, a)) { Numerics.truncS64($0).map { UInt64(bitPattern: $0) } }
        case .i64TruncF32U: return truncate(fp, a, f32(fp, a)) { Numerics.truncU64($0) }
        case .i64TruncF64S: return truncate(fp, a, f64(fp, a)) { Numerics.truncS64($0).map { UInt64(bitPattern: $0) } }
        case .i64TruncF64U: return truncate(fp, a, f64(fp, a)) { Numerics.truncU64($0) }
        case .f32ConvertI32S: fp[a] = wf32(Float(s32(fp, a)))
        case .f32ConvertI32U: fp[a] = wf32(Float(u32(fp, a)))
        case .f32ConvertI64S: fp[a] = wf32(Float(s64(fp, a)))
        case .f32ConvertI64U: fp[a] = wf32(Float(fp[a]))
        case .f32DemoteF64: fp[a] = wf32(Float(f64(fp, a)))
        case .f64ConvertI32S: fp[a] = wf64(Double(s32(fp, a)))
        case .f64ConvertI32U: fp[a] = wf64(Double(u32(fp, a)))
        case .f64ConvertI64S: fp[a] = wf64(Double(s64(fp, a)))
        case .f64ConvertI64U: fp[a] = wf64(Double(fp[a]))
        case .f64PromoteF32: fp[a] = wf64(Double(f32(fp, a)))
        // reinterpretations: the slot already holds the bits
        case .i32ReinterpretF32, .f32ReinterpretI32, .i64ReinterpretF64, .f64ReinterpretI64: break
        // sign extension
        case .i32Extend8S: fp[a] = w32(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: fp[a]))))
        case .i32Extend16S: fp[a] = w32(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: fp[a]))))
        case .i64Extend8S: fp[a] = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: fp[a])))
        case .i64Extend16S: fp[a] = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: fp[a])))
        case .i64Extend32S: fp[a] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: fp[a])))
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
