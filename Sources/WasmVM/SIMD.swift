import WasmCore

// The fixed-width SIMD instructions (Wasm 2.0 §4.4.3), executed lane by lane on the two 64-bit
// slots of a v128 (low word first, lanes little-endian). Off the scalar hot path: the compiler
// emits each 0xFD instruction except v128.load/store/const as the internal `simd` operation,
// whose words are [simd | a, opcode, immediates...]: memarg offset, then lane index (memlane);
// lane index (lane); or the 16 shuffle indices as two words.

/// A v128 as two words, with lane access.
struct Vec {
    var lo: UInt64
    var hi: UInt64

    init(lo: UInt64, hi: UInt64) {
        self.lo = lo
        self.hi = hi
    }

    @inline(__always)
    init(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) {
        lo = fp[i]
        hi = fp[i + 1]
    }

    @inline(__always)
    func store(_ fp: UnsafeMutablePointer<UInt64>, _ i: Int) {
        fp[i] = lo
        fp[i + 1] = hi
    }

    @inline(__always)
    func lane<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
        let bits = T.bitWidth
        let offset = i * bits
        let word = offset < 64 ? lo : hi
        return T(truncatingIfNeeded: word >> UInt64(offset & 63))
    }

    @inline(__always)
    mutating func setLane<T: FixedWidthInteger>(_ i: Int, _ value: T) {
        let bits = T.bitWidth
        let offset = i * bits
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        let shift = UInt64(offset & 63)
        let v = (UInt64(truncatingIfNeeded: value) & mask) << shift
        if offset < 64 { lo = (lo & ~(mask << shift)) | v } else { hi = (hi & ~(mask << shift)) | v }
    }

    static let zero = Vec(lo: 0, hi: 0)
}

private enum Lanes {
    @inline(__always)
    static func map<T: FixedWidthInteger>(_ a: Vec, _: T.Type, _ f: (T) -> T) -> Vec {
        var r = Vec.zero
        for i in 0..<(128 / T.bitWidth) { r.setLane(i, f(a.lane(i, T.self))) }
        return r
    }

    @inline(__always)
    static func zip<T: FixedWidthInteger>(_ a: Vec, _ b: Vec, _: T.Type, _ f: (T, T) -> T) -> Vec {
        var r = Vec.zero
        for i in 0..<(128 / T.bitWidth) { r.setLane(i, f(a.lane(i, T.self), b.lane(i, T.self))) }
        return r
    }

    /// Lane-wise comparison: all ones where true.
    @inline(__always)
    static func compare<T: FixedWidthInteger>(_ a: Vec, _ b: Vec, _: T.Type, _ f: (T, T) -> Bool) -> Vec {
        zip(a, b, T.self) { f($0, $1) ? ~T.zero : 0 }
    }

    @inline(__always)
    static func mapF32(_ a: Vec, _ f: (Float) -> Float) -> Vec {
        map(a, UInt32.self) { f(Float(bitPattern: $0)).bitPattern }
    }

    @inline(__always)
    static func zipF32(_ a: Vec, _ b: Vec, _ f: (Float, Float) -> Float) -> Vec {
        zip(a, b, UInt32.self) { f(Float(bitPattern: $0), Float(bitPattern: $1)).bitPattern }
    }

    @inline(__always)
    static func compareF32(_ a: Vec, _ b: Vec, _ f: (Float, Float) -> Bool) -> Vec {
        compare(a, b, UInt32.self) { f(Float(bitPattern: $0), Float(bitPattern: $1)) }
    }

    @inline(__always)
    static func mapF64(_ a: Vec, _ f: (Double) -> Double) -> Vec {
        map(a, UInt64.self) { f(Double(bitPattern: $0)).bitPattern }
    }

    @inline(__always)
    static func zipF64(_ a: Vec, _ b: Vec, _ f: (Double, Double) -> Double) -> Vec {
        zip(a, b, UInt64.self) { f(Double(bitPattern: $0), Double(bitPattern: $1)).bitPattern }
    }

    @inline(__always)
    static func compareF64(_ a: Vec, _ b: Vec, _ f: (Double, Double) -> Bool) -> Vec {
        compare(a, b, UInt64.self) { f(Double(bitPattern: $0), Double(bitPattern: $1)) }
    }

    /// Each result lane (type R) from one lane of `a` (type S) at index `i + first`.
    @inline(__always)
    static func extend<S: FixedWidthInteger, R: FixedWidthInteger>(_ a: Vec, _: S.Type, _: R.Type, high: Bool) -> Vec {
        var r = Vec.zero
        let n = 128 / R.bitWidth
        for i in 0..<n { r.setLane(i, R(a.lane(i + (high ? n : 0), S.self))) }
        return r
    }

    @inline(__always)
    static func extmul<S: FixedWidthInteger, R: FixedWidthInteger>(_ a: Vec, _ b: Vec, _: S.Type, _: R.Type, high: Bool) -> Vec {
        var r = Vec.zero
        let n = 128 / R.bitWidth
        for i in 0..<n {
            let k = i + (high ? n : 0)
            r.setLane(i, R(a.lane(k, S.self)) &* R(b.lane(k, S.self)))
        }
        return r
    }

    @inline(__always)
    static func pairwise<S: FixedWidthInteger, R: FixedWidthInteger>(_ a: Vec, _: S.Type, _: R.Type) -> Vec {
        var r = Vec.zero
        for i in 0..<(128 / R.bitWidth) { r.setLane(i, R(a.lane(2 * i, S.self)) &+ R(a.lane(2 * i + 1, S.self))) }
        return r
    }

    /// Saturating narrow of two vectors of S lanes into one of R lanes.
    @inline(__always)
    static func narrow<S: FixedWidthInteger, R: FixedWidthInteger>(_ a: Vec, _ b: Vec, _: S.Type, _: R.Type) -> Vec {
        var r = Vec.zero
        let n = 128 / S.bitWidth
        for i in 0..<n {
            r.setLane(i, R(clamping: a.lane(i, S.self)))
            r.setLane(i + n, R(clamping: b.lane(i, S.self)))
        }
        return r
    }

    @inline(__always)
    static func bitmask<T: FixedWidthInteger & SignedInteger>(_ a: Vec, _: T.Type) -> UInt64 {
        var m: UInt64 = 0
        for i in 0..<(128 / T.bitWidth) where a.lane(i, T.self) < 0 { m |= 1 << UInt64(i) }
        return m
    }

    @inline(__always)
    static func allTrue<T: FixedWidthInteger>(_ a: Vec, _: T.Type) -> UInt64 {
        for i in 0..<(128 / T.bitWidth) where a.lane(i, T.self) == 0 { return 0 }
        return 1
    }

    @inline(__always)
    static func splat<T: FixedWidthInteger>(_ v: T) -> Vec {
        var r = Vec.zero
        for i in 0..<(128 / T.bitWidth) { r.setLane(i, v) }
        return r
    }

    /// i16x8.relaxed_dot_i8x16_i7x16_s as wdb defines it: both operands' lanes signed, each
    /// pair of products added and saturated to i16.
    static func relaxedDot(_ x: Vec, _ y: Vec) -> Vec {
        var out = Vec.zero
        for i in 0..<8 {
            let p0 = Int(x.lane(2 * i, Int8.self)) * Int(y.lane(2 * i, Int8.self))
            let p1 = Int(x.lane(2 * i + 1, Int8.self)) * Int(y.lane(2 * i + 1, Int8.self))
            out.setLane(i, Int16(clamping: p0 + p1))
        }
        return out
    }

    @inline(__always)
    static func abs<T: FixedWidthInteger & SignedInteger>(_ x: T) -> T { x < 0 ? 0 &- x : x }
}

extension Interpreter {
    /// Executes the SIMD instruction `op` (an internal `simd` operation at pc) with operands from
    /// fp[a...] and advances pc.
    @inline(never)
    static func simd(_ op: Opcode, _ r: inout Registers, _ a: Int) -> TrapCode {
        let fp = r.fp, pc = r.pc
        var length = 2
        func v(_ i: Int) -> Vec { Vec(fp, a + 2 * i) }
        /// Effective address of a `size`-byte access with the offset in pc[2].
        func address(_ size: UInt64) -> Int? {
            let ea = (fp[a] & 0xFFFF_FFFF) &+ pc[2]
            guard ea >= pc[2], r.memSize >= size, ea <= r.memSize &- size else { return nil }
            return Int(ea)
        }
        func load<T: FixedWidthInteger>(_ ea: Int, _: T.Type) -> T {
            // Callers checked [ea, ea + size) against the memory size, so memBase is non-nil.
            r.memBase.unsafelyUnwrapped.loadUnaligned(fromByteOffset: ea, as: T.self)
        }
        /// Loads `count` lanes of S and widens them to R.
        func loadExtend<S: FixedWidthInteger, R: FixedWidthInteger>(_: S.Type, _: R.Type) -> TrapCode {
            guard let ea = address(8) else { return .outOfBoundsMemoryAccess }
            var out = Vec.zero
            for i in 0..<(128 / R.bitWidth) { out.setLane(i, R(load(ea + i * S.bitWidth / 8, S.self))) }
            out.store(fp, a)
            return .none
        }
        func loadSplat<T: FixedWidthInteger>(_: T.Type) -> TrapCode {
            guard let ea = address(UInt64(T.bitWidth / 8)) else { return .outOfBoundsMemoryAccess }
            Lanes.splat(load(ea, T.self)).store(fp, a)
            return .none
        }
        func loadZero<T: FixedWidthInteger>(_: T.Type) -> TrapCode {
            guard let ea = address(UInt64(T.bitWidth / 8)) else { return .outOfBoundsMemoryAccess }
            var out = Vec.zero
            out.setLane(0, load(ea, T.self))
            out.store(fp, a)
            return .none
        }
        func loadLane<T: FixedWidthInteger>(_: T.Type) -> TrapCode {
            guard let ea = address(UInt64(T.bitWidth / 8)) else { return .outOfBoundsMemoryAccess }
            var out = Vec(fp, a + 1)
            out.setLane(Int(pc[3] & 15) % (128 / T.bitWidth), load(ea, T.self))
            out.store(fp, a)
            return .none
        }
        func storeLane<T: FixedWidthInteger>(_: T.Type) -> TrapCode {
            guard let ea = address(UInt64(T.bitWidth / 8)) else { return .outOfBoundsMemoryAccess }
            let value = Vec(fp, a + 1).lane(Int(pc[3] & 15) % (128 / T.bitWidth), T.self)
            r.memBase.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: ea, as: T.self)
            return .none
        }
        func shift<T: FixedWidthInteger>(_: T.Type, _ f: (T, Int) -> T) {
            let k = Int(fp[a + 2] & UInt64(T.bitWidth - 1))
            Lanes.map(v(0), T.self) { f($0, k) }.store(fp, a)
        }
        var lane: Int { Int(pc[2] & 15) }

        var result: Vec?
        var trap = TrapCode.none
        switch op {
        // memory
        case .v128Load8x8S: length = 3; trap = loadExtend(Int8.self, Int16.self)
        case .v128Load8x8U: length = 3; trap = loadExtend(UInt8.self, UInt16.self)
        case .v128Load16x4S: length = 3; trap = loadExtend(Int16.self, Int32.self)
        case .v128Load16x4U: length = 3; trap = loadExtend(UInt16.self, UInt32.self)
        case .v128Load32x2S: length = 3; trap = loadExtend(Int32.self, Int64.self)
        case .v128Load32x2U: length = 3; trap = loadExtend(UInt32.self, UInt64.self)
        case .v128Load8Splat: length = 3; trap = loadSplat(UInt8.self)
        case .v128Load16Splat: length = 3; trap = loadSplat(UInt16.self)
        case .v128Load32Splat: length = 3; trap = loadSplat(UInt32.self)
        case .v128Load64Splat: length = 3; trap = loadSplat(UInt64.self)
        case .v128Load32Zero: length = 3; trap = loadZero(UInt32.self)
        case .v128Load64Zero: length = 3; trap = loadZero(UInt64.self)
        case .v128Load8Lane: length = 4; trap = loadLane(UInt8.self)
        case .v128Load16Lane: length = 4; trap = loadLane(UInt16.self)
        case .v128Load32Lane: length = 4; trap = loadLane(UInt32.self)
        case .v128Load64Lane: length = 4; trap = loadLane(UInt64.self)
        case .v128Store8Lane: length = 4; trap = storeLane(UInt8.self)
        case .v128Store16Lane: length = 4; trap = storeLane(UInt16.self)
        case .v128Store32Lane: length = 4; trap = storeLane(UInt32.self)
        case .v128Store64Lane: length = 4; trap = storeLane(UInt64.self)
        // lanes
        case .i8x16Shuffle:
            length = 4
            let a0 = v(0), b0 = v(1)
            let indices = Vec(lo: pc[2], hi: pc[3])
            var out = Vec.zero
            for i in 0..<16 {
                let k = Int(indices.lane(i, UInt8.self) & 31)
                out.setLane(i, k < 16 ? a0.lane(k, UInt8.self) : b0.lane(k - 16, UInt8.self))
            }
            result = out
        case .i8x16Swizzle, .i8x16RelaxedSwizzle:
            let a0 = v(0), s = v(1)
            var out = Vec.zero
            for i in 0..<16 {
                let k = Int(s.lane(i, UInt8.self))
                out.setLane(i, k < 16 ? a0.lane(k, UInt8.self) : 0)
            }
            result = out
        case .i8x16Splat: result = Lanes.splat(UInt8(truncatingIfNeeded: fp[a]))
        case .i16x8Splat: result = Lanes.splat(UInt16(truncatingIfNeeded: fp[a]))
        case .i32x4Splat, .f32x4Splat: result = Lanes.splat(UInt32(truncatingIfNeeded: fp[a]))
        case .i64x2Splat, .f64x2Splat: result = Lanes.splat(fp[a])
        case .i8x16ExtractLaneS: length = 3; fp[a] = UInt64(UInt32(bitPattern: Int32(v(0).lane(lane, Int8.self))))
        case .i8x16ExtractLaneU: length = 3; fp[a] = UInt64(v(0).lane(lane, UInt8.self))
        case .i16x8ExtractLaneS: length = 3; fp[a] = UInt64(UInt32(bitPattern: Int32(v(0).lane(lane & 7, Int16.self))))
        case .i16x8ExtractLaneU: length = 3; fp[a] = UInt64(v(0).lane(lane & 7, UInt16.self))
        case .i32x4ExtractLane, .f32x4ExtractLane: length = 3; fp[a] = UInt64(v(0).lane(lane & 3, UInt32.self))
        case .i64x2ExtractLane, .f64x2ExtractLane: length = 3; fp[a] = v(0).lane(lane & 1, UInt64.self)
        case .i8x16ReplaceLane: length = 3; var x = v(0); x.setLane(lane, UInt8(truncatingIfNeeded: fp[a + 2])); result = x
        case .i16x8ReplaceLane: length = 3; var x = v(0); x.setLane(lane & 7, UInt16(truncatingIfNeeded: fp[a + 2])); result = x
        case .i32x4ReplaceLane, .f32x4ReplaceLane:
            length = 3; var x = v(0); x.setLane(lane & 3, UInt32(truncatingIfNeeded: fp[a + 2])); result = x
        case .i64x2ReplaceLane, .f64x2ReplaceLane: length = 3; var x = v(0); x.setLane(lane & 1, fp[a + 2]); result = x
        // comparisons
        case .i8x16Eq: result = Lanes.compare(v(0), v(1), UInt8.self, ==)
        case .i8x16Ne: result = Lanes.compare(v(0), v(1), UInt8.self, !=)
        case .i8x16LtS: result = Lanes.compare(v(0), v(1), Int8.self, <)
        case .i8x16LtU: result = Lanes.compare(v(0), v(1), UInt8.self, <)
        case .i8x16GtS: result = Lanes.compare(v(0), v(1), Int8.self, >)
        case .i8x16GtU: result = Lanes.compare(v(0), v(1), UInt8.self, >)
        case .i8x16LeS: result = Lanes.compare(v(0), v(1), Int8.self, <=)
        case .i8x16LeU: result = Lanes.compare(v(0), v(1), UInt8.self, <=)
        case .i8x16GeS: result = Lanes.compare(v(0), v(1), Int8.self, >=)
        case .i8x16GeU: result = Lanes.compare(v(0), v(1), UInt8.self, >=)
        case .i16x8Eq: result = Lanes.compare(v(0), v(1), UInt16.self, ==)
        case .i16x8Ne: result = Lanes.compare(v(0), v(1), UInt16.self, !=)
        case .i16x8LtS: result = Lanes.compare(v(0), v(1), Int16.self, <)
        case .i16x8LtU: result = Lanes.compare(v(0), v(1), UInt16.self, <)
        case .i16x8GtS: result = Lanes.compare(v(0), v(1), Int16.self, >)
        case .i16x8GtU: result = Lanes.compare(v(0), v(1), UInt16.self, >)
        case .i16x8LeS: result = Lanes.compare(v(0), v(1), Int16.self, <=)
        case .i16x8LeU: result = Lanes.compare(v(0), v(1), UInt16.self, <=)
        case .i16x8GeS: result = Lanes.compare(v(0), v(1), Int16.self, >=)
        case .i16x8GeU: result = Lanes.compare(v(0), v(1), UInt16.self, >=)
        case .i32x4Eq: result = Lanes.compare(v(0), v(1), UInt32.self, ==)
        case .i32x4Ne: result = Lanes.compare(v(0), v(1), UInt32.self, !=)
        case .i32x4LtS: result = Lanes.compare(v(0), v(1), Int32.self, <)
        case .i32x4LtU: result = Lanes.compare(v(0), v(1), UInt32.self, <)
        case .i32x4GtS: result = Lanes.compare(v(0), v(1), Int32.self, >)
        case .i32x4GtU: result = Lanes.compare(v(0), v(1), UInt32.self, >)
        case .i32x4LeS: result = Lanes.compare(v(0), v(1), Int32.self, <=)
        case .i32x4LeU: result = Lanes.compare(v(0), v(1), UInt32.self, <=)
        case .i32x4GeS: result = Lanes.compare(v(0), v(1), Int32.self, >=)
        case .i32x4GeU: result = Lanes.compare(v(0), v(1), UInt32.self, >=)
        case .i64x2Eq: result = Lanes.compare(v(0), v(1), UInt64.self, ==)
        case .i64x2Ne: result = Lanes.compare(v(0), v(1), UInt64.self, !=)
        case .i64x2LtS: result = Lanes.compare(v(0), v(1), Int64.self, <)
        case .i64x2GtS: result = Lanes.compare(v(0), v(1), Int64.self, >)
        case .i64x2LeS: result = Lanes.compare(v(0), v(1), Int64.self, <=)
        case .i64x2GeS: result = Lanes.compare(v(0), v(1), Int64.self, >=)
        case .f32x4Eq: result = Lanes.compareF32(v(0), v(1), ==)
        case .f32x4Ne: result = Lanes.compareF32(v(0), v(1), !=)
        case .f32x4Lt: result = Lanes.compareF32(v(0), v(1), <)
        case .f32x4Gt: result = Lanes.compareF32(v(0), v(1), >)
        case .f32x4Le: result = Lanes.compareF32(v(0), v(1), <=)
        case .f32x4Ge: result = Lanes.compareF32(v(0), v(1), >=)
        case .f64x2Eq: result = Lanes.compareF64(v(0), v(1), ==)
        case .f64x2Ne: result = Lanes.compareF64(v(0), v(1), !=)
        case .f64x2Lt: result = Lanes.compareF64(v(0), v(1), <)
        case .f64x2Gt: result = Lanes.compareF64(v(0), v(1), >)
        case .f64x2Le: result = Lanes.compareF64(v(0), v(1), <=)
        case .f64x2Ge: result = Lanes.compareF64(v(0), v(1), >=)
        // bitwise
        case .v128Not: let x = v(0); result = Vec(lo: ~x.lo, hi: ~x.hi)
        case .v128And: let x = v(0), y = v(1); result = Vec(lo: x.lo & y.lo, hi: x.hi & y.hi)
        case .v128Andnot: let x = v(0), y = v(1); result = Vec(lo: x.lo & ~y.lo, hi: x.hi & ~y.hi)
        case .v128Or: let x = v(0), y = v(1); result = Vec(lo: x.lo | y.lo, hi: x.hi | y.hi)
        case .v128Xor: let x = v(0), y = v(1); result = Vec(lo: x.lo ^ y.lo, hi: x.hi ^ y.hi)
        case .v128Bitselect, .i8x16RelaxedLaneselect, .i16x8RelaxedLaneselect, .i32x4RelaxedLaneselect,
             .i64x2RelaxedLaneselect:
            let x = v(0), y = v(1), c = v(2)
            result = Vec(lo: (x.lo & c.lo) | (y.lo & ~c.lo), hi: (x.hi & c.hi) | (y.hi & ~c.hi))
        case .v128AnyTrue: let x = v(0); fp[a] = (x.lo | x.hi) != 0 ? 1 : 0
        // integer lanes
        case .i8x16Abs: result = Lanes.map(v(0), Int8.self, Lanes.abs)
        case .i8x16Neg: result = Lanes.map(v(0), UInt8.self) { 0 &- $0 }
        case .i8x16Popcnt: result = Lanes.map(v(0), UInt8.self) { UInt8($0.nonzeroBitCount) }
        case .i8x16AllTrue: fp[a] = Lanes.allTrue(v(0), UInt8.self)
        case .i8x16Bitmask: fp[a] = Lanes.bitmask(v(0), Int8.self)
        case .i8x16NarrowI16x8S: result = Lanes.narrow(v(0), v(1), Int16.self, Int8.self)
        case .i8x16NarrowI16x8U: result = Lanes.narrow(v(0), v(1), Int16.self, UInt8.self)
        case .i8x16Shl: shift(UInt8.self) { $0 << $1 }
        case .i8x16ShrS: shift(Int8.self) { $0 >> $1 }
        case .i8x16ShrU: shift(UInt8.self) { $0 >> $1 }
        case .i8x16Add: result = Lanes.zip(v(0), v(1), UInt8.self, &+)
        case .i8x16AddSatS: result = Lanes.zip(v(0), v(1), Int8.self) { Int8(clamping: Int($0) + Int($1)) }
        case .i8x16AddSatU: result = Lanes.zip(v(0), v(1), UInt8.self) { UInt8(clamping: Int($0) + Int($1)) }
        case .i8x16Sub: result = Lanes.zip(v(0), v(1), UInt8.self, &-)
        case .i8x16SubSatS: result = Lanes.zip(v(0), v(1), Int8.self) { Int8(clamping: Int($0) - Int($1)) }
        case .i8x16SubSatU: result = Lanes.zip(v(0), v(1), UInt8.self) { UInt8(clamping: Int($0) - Int($1)) }
        case .i8x16MinS: result = Lanes.zip(v(0), v(1), Int8.self, Swift.min)
        case .i8x16MinU: result = Lanes.zip(v(0), v(1), UInt8.self, Swift.min)
        case .i8x16MaxS: result = Lanes.zip(v(0), v(1), Int8.self, Swift.max)
        case .i8x16MaxU: result = Lanes.zip(v(0), v(1), UInt8.self, Swift.max)
        case .i8x16AvgrU: result = Lanes.zip(v(0), v(1), UInt8.self) { UInt8((UInt16($0) + UInt16($1) + 1) / 2) }
        case .i16x8ExtaddPairwiseI8x16S: result = Lanes.pairwise(v(0), Int8.self, Int16.self)
        case .i16x8ExtaddPairwiseI8x16U: result = Lanes.pairwise(v(0), UInt8.self, UInt16.self)
        case .i32x4ExtaddPairwiseI16x8S: result = Lanes.pairwise(v(0), Int16.self, Int32.self)
        case .i32x4ExtaddPairwiseI16x8U: result = Lanes.pairwise(v(0), UInt16.self, UInt32.self)
        case .i16x8Abs: result = Lanes.map(v(0), Int16.self, Lanes.abs)
        case .i16x8Neg: result = Lanes.map(v(0), UInt16.self) { 0 &- $0 }
        case .i16x8Q15mulrSatS, .i16x8RelaxedQ15mulrS:
            result = Lanes.zip(v(0), v(1), Int16.self) { Int16(clamping: (Int($0) * Int($1) + 0x4000) >> 15) }
        case .i16x8AllTrue: fp[a] = Lanes.allTrue(v(0), UInt16.self)
        case .i16x8Bitmask: fp[a] = Lanes.bitmask(v(0), Int16.self)
        case .i16x8NarrowI32x4S: result = Lanes.narrow(v(0), v(1), Int32.self, Int16.self)
        case .i16x8NarrowI32x4U: result = Lanes.narrow(v(0), v(1), Int32.self, UInt16.self)
        case .i16x8ExtendLowI8x16S: result = Lanes.extend(v(0), Int8.self, Int16.self, high: false)
        case .i16x8ExtendHighI8x16S: result = Lanes.extend(v(0), Int8.self, Int16.self, high: true)
        case .i16x8ExtendLowI8x16U: result = Lanes.extend(v(0), UInt8.self, UInt16.self, high: false)
        case .i16x8ExtendHighI8x16U: result = Lanes.extend(v(0), UInt8.self, UInt16.self, high: true)
        case .i16x8Shl: shift(UInt16.self) { $0 << $1 }
        case .i16x8ShrS: shift(Int16.self) { $0 >> $1 }
        case .i16x8ShrU: shift(UInt16.self) { $0 >> $1 }
        case .i16x8Add: result = Lanes.zip(v(0), v(1), UInt16.self, &+)
        case .i16x8AddSatS: result = Lanes.zip(v(0), v(1), Int16.self) { Int16(clamping: Int($0) + Int($1)) }
        case .i16x8AddSatU: result = Lanes.zip(v(0), v(1), UInt16.self) { UInt16(clamping: Int($0) + Int($1)) }
        case .i16x8Sub: result = Lanes.zip(v(0), v(1), UInt16.self, &-)
        case .i16x8SubSatS: result = Lanes.zip(v(0), v(1), Int16.self) { Int16(clamping: Int($0) - Int($1)) }
        case .i16x8SubSatU: result = Lanes.zip(v(0), v(1), UInt16.self) { UInt16(clamping: Int($0) - Int($1)) }
        case .i16x8Mul: result = Lanes.zip(v(0), v(1), UInt16.self, &*)
        case .i16x8MinS: result = Lanes.zip(v(0), v(1), Int16.self, Swift.min)
        case .i16x8MinU: result = Lanes.zip(v(0), v(1), UInt16.self, Swift.min)
        case .i16x8MaxS: result = Lanes.zip(v(0), v(1), Int16.self, Swift.max)
        case .i16x8MaxU: result = Lanes.zip(v(0), v(1), UInt16.self, Swift.max)
        case .i16x8AvgrU: result = Lanes.zip(v(0), v(1), UInt16.self) { UInt16((UInt32($0) + UInt32($1) + 1) / 2) }
        case .i16x8ExtmulLowI8x16S: result = Lanes.extmul(v(0), v(1), Int8.self, Int16.self, high: false)
        case .i16x8ExtmulHighI8x16S: result = Lanes.extmul(v(0), v(1), Int8.self, Int16.self, high: true)
        case .i16x8ExtmulLowI8x16U: result = Lanes.extmul(v(0), v(1), UInt8.self, UInt16.self, high: false)
        case .i16x8ExtmulHighI8x16U: result = Lanes.extmul(v(0), v(1), UInt8.self, UInt16.self, high: true)
        case .i32x4Abs: result = Lanes.map(v(0), Int32.self, Lanes.abs)
        case .i32x4Neg: result = Lanes.map(v(0), UInt32.self) { 0 &- $0 }
        case .i32x4AllTrue: fp[a] = Lanes.allTrue(v(0), UInt32.self)
        case .i32x4Bitmask: fp[a] = Lanes.bitmask(v(0), Int32.self)
        case .i32x4ExtendLowI16x8S: result = Lanes.extend(v(0), Int16.self, Int32.self, high: false)
        case .i32x4ExtendHighI16x8S: result = Lanes.extend(v(0), Int16.self, Int32.self, high: true)
        case .i32x4ExtendLowI16x8U: result = Lanes.extend(v(0), UInt16.self, UInt32.self, high: false)
        case .i32x4ExtendHighI16x8U: result = Lanes.extend(v(0), UInt16.self, UInt32.self, high: true)
        case .i32x4Shl: shift(UInt32.self) { $0 << $1 }
        case .i32x4ShrS: shift(Int32.self) { $0 >> $1 }
        case .i32x4ShrU: shift(UInt32.self) { $0 >> $1 }
        case .i32x4Add: result = Lanes.zip(v(0), v(1), UInt32.self, &+)
        case .i32x4Sub: result = Lanes.zip(v(0), v(1), UInt32.self, &-)
        case .i32x4Mul: result = Lanes.zip(v(0), v(1), UInt32.self, &*)
        case .i32x4MinS: result = Lanes.zip(v(0), v(1), Int32.self, Swift.min)
        case .i32x4MinU: result = Lanes.zip(v(0), v(1), UInt32.self, Swift.min)
        case .i32x4MaxS: result = Lanes.zip(v(0), v(1), Int32.self, Swift.max)
        case .i32x4MaxU: result = Lanes.zip(v(0), v(1), UInt32.self, Swift.max)
        case .i32x4DotI16x8S:
            let x = v(0), y = v(1)
            var out = Vec.zero
            for i in 0..<4 {
                let p0 = Int32(x.lane(2 * i, Int16.self)) &* Int32(y.lane(2 * i, Int16.self))
                let p1 = Int32(x.lane(2 * i + 1, Int16.self)) &* Int32(y.lane(2 * i + 1, Int16.self))
                out.setLane(i, p0 &+ p1)
            }
            result = out
        case .i32x4ExtmulLowI16x8S: result = Lanes.extmul(v(0), v(1), Int16.self, Int32.self, high: false)
        case .i32x4ExtmulHighI16x8S: result = Lanes.extmul(v(0), v(1), Int16.self, Int32.self, high: true)
        case .i32x4ExtmulLowI16x8U: result = Lanes.extmul(v(0), v(1), UInt16.self, UInt32.self, high: false)
        case .i32x4ExtmulHighI16x8U: result = Lanes.extmul(v(0), v(1), UInt16.self, UInt32.self, high: true)
        case .i64x2Abs: result = Lanes.map(v(0), Int64.self, Lanes.abs)
        case .i64x2Neg: result = Lanes.map(v(0), UInt64.self) { 0 &- $0 }
        case .i64x2AllTrue: fp[a] = Lanes.allTrue(v(0), UInt64.self)
        case .i64x2Bitmask: fp[a] = Lanes.bitmask(v(0), Int64.self)
        case .i64x2ExtendLowI32x4S: result = Lanes.extend(v(0), Int32.self, Int64.self, high: false)
        case .i64x2ExtendHighI32x4S: result = Lanes.extend(v(0), Int32.self, Int64.self, high: true)
        case .i64x2ExtendLowI32x4U: result = Lanes.extend(v(0), UInt32.self, UInt64.self, high: false)
        case .i64x2ExtendHighI32x4U: result = Lanes.extend(v(0), UInt32.self, UInt64.self, high: true)
        case .i64x2Shl: shift(UInt64.self) { $0 << $1 }
        case .i64x2ShrS: shift(Int64.self) { $0 >> $1 }
        case .i64x2ShrU: shift(UInt64.self) { $0 >> $1 }
        case .i64x2Add: result = Lanes.zip(v(0), v(1), UInt64.self, &+)
        case .i64x2Sub: result = Lanes.zip(v(0), v(1), UInt64.self, &-)
        case .i64x2Mul: result = Lanes.zip(v(0), v(1), UInt64.self, &*)
        case .i64x2ExtmulLowI32x4S: result = Lanes.extmul(v(0), v(1), Int32.self, Int64.self, high: false)
        case .i64x2ExtmulHighI32x4S: result = Lanes.extmul(v(0), v(1), Int32.self, Int64.self, high: true)
        case .i64x2ExtmulLowI32x4U: result = Lanes.extmul(v(0), v(1), UInt32.self, UInt64.self, high: false)
        case .i64x2ExtmulHighI32x4U: result = Lanes.extmul(v(0), v(1), UInt32.self, UInt64.self, high: true)
        // float lanes: the scalar semantics per lane
        case .f32x4Abs: result = Lanes.map(v(0), UInt32.self) { $0 & 0x7FFF_FFFF }
        case .f32x4Neg: result = Lanes.map(v(0), UInt32.self) { $0 ^ 0x8000_0000 }
        case .f32x4Sqrt: result = Lanes.mapF32(v(0)) { $0.squareRoot() }
        case .f32x4Ceil: result = Lanes.mapF32(v(0)) { $0.rounded(.up) }
        case .f32x4Floor: result = Lanes.mapF32(v(0)) { $0.rounded(.down) }
        case .f32x4Trunc: result = Lanes.mapF32(v(0)) { $0.rounded(.towardZero) }
        case .f32x4Nearest: result = Lanes.mapF32(v(0)) { $0.rounded(.toNearestOrEven) }
        case .f32x4Add: result = Lanes.zipF32(v(0), v(1), +)
        case .f32x4Sub: result = Lanes.zipF32(v(0), v(1), -)
        case .f32x4Mul: result = Lanes.zipF32(v(0), v(1), *)
        case .f32x4Div: result = Lanes.zipF32(v(0), v(1), /)
        case .f32x4Min, .f32x4RelaxedMin: result = Lanes.zipF32(v(0), v(1), Numerics.min)
        case .f32x4Max, .f32x4RelaxedMax: result = Lanes.zipF32(v(0), v(1), Numerics.max)
        case .f32x4Pmin: result = Lanes.zip(v(0), v(1), UInt32.self) { Float(bitPattern: $1) < Float(bitPattern: $0) ? $1 : $0 }
        case .f32x4Pmax: result = Lanes.zip(v(0), v(1), UInt32.self) { Float(bitPattern: $0) < Float(bitPattern: $1) ? $1 : $0 }
        case .f64x2Abs: result = Lanes.map(v(0), UInt64.self) { $0 & 0x7FFF_FFFF_FFFF_FFFF }
        case .f64x2Neg: result = Lanes.map(v(0), UInt64.self) { $0 ^ 0x8000_0000_0000_0000 }
        case .f64x2Sqrt: result = Lanes.mapF64(v(0)) { $0.squareRoot() }
        case .f64x2Ceil: result = Lanes.mapF64(v(0)) { $0.rounded(.up) }
        case .f64x2Floor: result = Lanes.mapF64(v(0)) { $0.rounded(.down) }
        case .f64x2Trunc: result = Lanes.mapF64(v(0)) { $0.rounded(.towardZero) }
        case .f64x2Nearest: result = Lanes.mapF64(v(0)) { $0.rounded(.toNearestOrEven) }
        case .f64x2Add: result = Lanes.zipF64(v(0), v(1), +)
        case .f64x2Sub: result = Lanes.zipF64(v(0), v(1), -)
        case .f64x2Mul: result = Lanes.zipF64(v(0), v(1), *)
        case .f64x2Div: result = Lanes.zipF64(v(0), v(1), /)
        case .f64x2Min, .f64x2RelaxedMin: result = Lanes.zipF64(v(0), v(1), Numerics.min)
        case .f64x2Max, .f64x2RelaxedMax: result = Lanes.zipF64(v(0), v(1), Numerics.max)
        case .f64x2Pmin: result = Lanes.zip(v(0), v(1), UInt64.self) { Double(bitPattern: $1) < Double(bitPattern: $0) ? $1 : $0 }
        case .f64x2Pmax: result = Lanes.zip(v(0), v(1), UInt64.self) { Double(bitPattern: $0) < Double(bitPattern: $1) ? $1 : $0 }
        // conversions
        case .i32x4TruncSatF32x4S, .i32x4RelaxedTruncF32x4S:
            result = Lanes.map(v(0), UInt32.self) { UInt32(bitPattern: Numerics.satS32(Float(bitPattern: $0))) }
        case .i32x4TruncSatF32x4U, .i32x4RelaxedTruncF32x4U: result = Lanes.map(v(0), UInt32.self) { Numerics.satU32(Float(bitPattern: $0)) }
        case .f32x4ConvertI32x4S: result = Lanes.map(v(0), UInt32.self) { Float(Int32(bitPattern: $0)).bitPattern }
        case .f32x4ConvertI32x4U: result = Lanes.map(v(0), UInt32.self) { Float($0).bitPattern }
        case .i32x4TruncSatF64x2SZero, .i32x4TruncSatF64x2UZero, .i32x4RelaxedTruncF64x2SZero,
             .i32x4RelaxedTruncF64x2UZero:
            let signed = op == .i32x4TruncSatF64x2SZero || op == .i32x4RelaxedTruncF64x2SZero
            let x = v(0)
            var out = Vec.zero
            for i in 0..<2 {
                let d = Double(bitPattern: x.lane(i, UInt64.self))
                out.setLane(i, signed ? UInt32(bitPattern: Numerics.satS32(d)) : Numerics.satU32(d))
            }
            result = out
        case .f64x2ConvertLowI32x4S, .f64x2ConvertLowI32x4U:
            let x = v(0)
            var out = Vec.zero
            for i in 0..<2 {
                let d = op == .f64x2ConvertLowI32x4S ? Double(x.lane(i, Int32.self)) : Double(x.lane(i, UInt32.self))
                out.setLane(i, d.bitPattern)
            }
            result = out
        case .f32x4DemoteF64x2Zero:
            let x = v(0)
            var out = Vec.zero
            for i in 0..<2 { out.setLane(i, Float(Double(bitPattern: x.lane(i, UInt64.self))).bitPattern) }
            result = out
        case .f64x2PromoteLowF32x4:
            let x = v(0)
            var out = Vec.zero
            for i in 0..<2 { out.setLane(i, Double(Float(bitPattern: x.lane(i, UInt32.self))).bitPattern) }
            result = out
        // relaxed SIMD without a non-relaxed counterpart (the choices: Docs/wasm-3.0.md)
        case .f32x4RelaxedMadd, .f32x4RelaxedNmadd:
            // Unfused: the product is rounded before the addition (f32x4.mul, then f32x4.add).
            let negate = op == .f32x4RelaxedNmadd
            let product = Lanes.zipF32(v(0), v(1)) { negate ? -($0 * $1) : $0 * $1 }
            result = Lanes.zipF32(product, v(2), +)
        case .f64x2RelaxedMadd, .f64x2RelaxedNmadd:
            let negate = op == .f64x2RelaxedNmadd
            let product = Lanes.zipF64(v(0), v(1)) { negate ? -($0 * $1) : $0 * $1 }
            result = Lanes.zipF64(product, v(2), +)
        case .i16x8RelaxedDotI8x16I7x16S:
            result = Lanes.relaxedDot(v(0), v(1))
        case .i32x4RelaxedDotI8x16I7x16AddS:
            // The i16x8 dot product, its adjacent pairs added as i32, plus c (wrapping).
            let dot = Lanes.relaxedDot(v(0), v(1)), c = v(2)
            var out = Vec.zero
            for i in 0..<4 {
                let sum = Int32(dot.lane(2 * i, Int16.self)) &+ Int32(dot.lane(2 * i + 1, Int16.self))
                out.setLane(i, sum &+ c.lane(i, Int32.self))
            }
            result = out
        default:
            return .detailed
        }
        if trap != .none { return trap }
        result?.store(fp, a)
        r.pc = pc + length
        return .none
    }
}
