#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

// The `memoryOperation` internal operation (Compiler+Memories.swift): every memory instruction
// on a memory other than a 32-bit memory 0. Operands are in stack form at fp[a...]; a 64-bit
// memory's addresses and sizes use the whole slot, a 32-bit one's the low half. Bounds are
// checked without wrapping: address + offset beyond 2^64 is out of bounds, as is any access
// whose last byte lies beyond the memory.

extension Interpreter {
    @inline(never)
    static func memoryOperation(_ r: inout Registers, _ store: Store, _ ex: Execution, _ a: Int) -> Status {
        let words = MemoryOperationWords(at: r.pc)
        let code = performMemoryOperation(r, store, a, words)
        // memory.grow (of any memory: memory 1 may be the same memory as memory 0, imported
        // twice) may have moved or resized memory 0.
        if words.opcode == Opcode.memoryGrow.rawValue { reloadMemory(&r) }
        switch code {
        case .none:
            r.pc += 4
            return .running
        case .detailed:
            ex.trapDetail = .invalidCode("bad memory instruction")
            ex.trap = .detailed
            return .trapped
        default:
            ex.trap = code
            return .trapped
        }
    }

    /// The memory of index `index` in the running instance, if it exists.
    static func memory(_ r: Registers, _ index: Int) -> UnsafeMutablePointer<MemoryStorage>? {
        let context = r.context.pointee
        guard index >= 0, index < context.memoryCount, let memories = context.memories else { return nil }
        return memories[index]
    }

    /// Executes one memoryOperation; returns the trap it raises (.none when it succeeded).
    private static func performMemoryOperation(_ r: Registers, _ store: Store, _ a: Int,
                                               _ words: MemoryOperationWords) -> TrapCode {
        let fp = r.fp
        guard let op = words.op, let memory = memory(r, words.memory) else { return .detailed }
        let is64 = memory.pointee.is64
        /// An address or length operand of this memory.
        func operand(_ i: Int, wide: Bool) -> UInt64 { wide ? fp[i] : fp[i] & 0xFFFF_FFFF }

        switch op {
        case .memorySize:
            fp[a] = memory.pointee.pages
            return .none
        case .memoryGrow:
            fp[a] = memory.pointee.grow(by: operand(a, wide: is64)) ?? (is64 ? UInt64.max : 0xFFFF_FFFF)
            return .none
        case .memoryFill:
            let d = operand(a, wide: is64), value = Int32(truncatingIfNeeded: fp[a + 1] & 0xFF), n = operand(a + 2, wide: is64)
            guard memory.pointee.contains(d, n) else { return .outOfBoundsMemoryAccess }
            // In bounds, and n > 0 means the memory has bytes (base is non-nil).
            if n > 0 { memset(memory.pointee.base.unsafelyUnwrapped + Int(d), value, Int(n)) }
            return .none
        case .memoryCopy:
            guard let source = self.memory(r, words.sourceMemory) else { return .detailed }
            let sourceIs64 = source.pointee.is64
            let d = operand(a, wide: is64), s = operand(a + 1, wide: sourceIs64)
            let n = operand(a + 2, wide: is64 && sourceIs64)
            guard memory.pointee.contains(d, n), source.pointee.contains(s, n) else { return .outOfBoundsMemoryAccess }
            if n > 0 {
                // memmove: the two may be one memory (the same index, or one memory imported twice).
                memmove(memory.pointee.base.unsafelyUnwrapped + Int(d), source.pointee.base.unsafelyUnwrapped + Int(s), Int(n))
            }
            return .none
        case .memoryInit:
            let d = operand(a, wide: is64), s = fp[a + 1] & 0xFFFF_FFFF, n = fp[a + 2] & 0xFFFF_FFFF
            let instance = store.instances[r.context.pointee.instanceIndex]
            let segment = words.dataSegment
            guard segment < instance.data.count else { return .detailed }
            let bytes = instance.data[segment]
            guard s <= UInt64(bytes.count), n <= UInt64(bytes.count) - s, memory.pointee.contains(d, n) else {
                return .outOfBoundsMemoryAccess
            }
            if n > 0 {
                bytes.withUnsafeBytes { src in
                    memcpy(memory.pointee.base.unsafelyUnwrapped + Int(d), src.baseAddress.unsafelyUnwrapped + Int(s), Int(n))
                }
            }
            return .none
        default:
            break
        }

        // Loads and stores: the access covers [address + offset, + size); the sum must not wrap.
        let size = UInt64(op.info.naturalAlignment)
        let (ea, overflow) = operand(a, wide: is64).addingReportingOverflow(words.offset)
        guard !overflow, memory.pointee.contains(ea, size), let base = memory.pointee.base else {
            return .outOfBoundsMemoryAccess
        }
        // In bounds: [ea, ea + size) lies inside the memory's bytes.
        let p = base + Int(ea)
        func load<T: FixedWidthInteger>(_: T.Type) -> T { p.loadUnaligned(as: T.self) }
        func write<T: FixedWidthInteger>(_ v: T) { p.storeBytes(of: v, as: T.self) }
        switch op {
        case .i32Load, .f32Load: fp[a] = UInt64(load(UInt32.self))
        case .i64Load, .f64Load: fp[a] = load(UInt64.self)
        case .i32Load8S: fp[a] = UInt64(UInt32(bitPattern: Int32(load(Int8.self))))
        case .i32Load8U: fp[a] = UInt64(load(UInt8.self))
        case .i32Load16S: fp[a] = UInt64(UInt32(bitPattern: Int32(load(Int16.self))))
        case .i32Load16U: fp[a] = UInt64(load(UInt16.self))
        case .i64Load8S: fp[a] = UInt64(bitPattern: Int64(load(Int8.self)))
        case .i64Load8U: fp[a] = UInt64(load(UInt8.self))
        case .i64Load16S: fp[a] = UInt64(bitPattern: Int64(load(Int16.self)))
        case .i64Load16U: fp[a] = UInt64(load(UInt16.self))
        case .i64Load32S: fp[a] = UInt64(bitPattern: Int64(load(Int32.self)))
        case .i64Load32U: fp[a] = UInt64(load(UInt32.self))
        case .i32Store, .f32Store, .i64Store32: write(UInt32(truncatingIfNeeded: fp[a + 1]))
        case .i64Store, .f64Store: write(fp[a + 1])
        case .i32Store8, .i64Store8: write(UInt8(truncatingIfNeeded: fp[a + 1]))
        case .i32Store16, .i64Store16: write(UInt16(truncatingIfNeeded: fp[a + 1]))
        case .v128Load:
            fp[a] = load(UInt64.self)
            fp[a + 1] = (p + 8).loadUnaligned(as: UInt64.self)
        case .v128Store:
            p.storeBytes(of: fp[a + 1], as: UInt64.self)
            (p + 8).storeBytes(of: fp[a + 2], as: UInt64.self)
        default:
            return vectorAccess(op, p, fp, a, lane: Int(words.lane & 15)) ? .none : .detailed
        }
        return .none
    }

    /// The SIMD loads and stores other than v128.load/store, at a checked pointer.
    private static func vectorAccess(_ op: Opcode, _ p: UnsafeMutableRawPointer, _ fp: UnsafeMutablePointer<UInt64>,
                                     _ a: Int, lane: Int) -> Bool {
        func extend<S: FixedWidthInteger, R: FixedWidthInteger>(_: S.Type, _: R.Type) {
            var out = Vec.zero
            for i in 0..<(128 / R.bitWidth) { out.setLane(i, R(p.loadUnaligned(fromByteOffset: i * S.bitWidth / 8, as: S.self))) }
            out.store(fp, a)
        }
        func splat<T: FixedWidthInteger>(_: T.Type) {
            let v = p.loadUnaligned(as: T.self)
            var out = Vec.zero
            for i in 0..<(128 / T.bitWidth) { out.setLane(i, v) }
            out.store(fp, a)
        }
        func zero<T: FixedWidthInteger>(_: T.Type) {
            var out = Vec.zero
            out.setLane(0, p.loadUnaligned(as: T.self))
            out.store(fp, a)
        }
        func loadLane<T: FixedWidthInteger>(_: T.Type) {
            var out = Vec(fp, a + 1)
            out.setLane(lane % (128 / T.bitWidth), p.loadUnaligned(as: T.self))
            out.store(fp, a)
        }
        func storeLane<T: FixedWidthInteger>(_: T.Type) {
            p.storeBytes(of: Vec(fp, a + 1).lane(lane % (128 / T.bitWidth), T.self), as: T.self)
        }
        switch op {
        case .v128Load8x8S: extend(Int8.self, Int16.self)
        case .v128Load8x8U: extend(UInt8.self, UInt16.self)
        case .v128Load16x4S: extend(Int16.self, Int32.self)
        case .v128Load16x4U: extend(UInt16.self, UInt32.self)
        case .v128Load32x2S: extend(Int32.self, Int64.self)
        case .v128Load32x2U: extend(UInt32.self, UInt64.self)
        case .v128Load8Splat: splat(UInt8.self)
        case .v128Load16Splat: splat(UInt16.self)
        case .v128Load32Splat: splat(UInt32.self)
        case .v128Load64Splat: splat(UInt64.self)
        case .v128Load32Zero: zero(UInt32.self)
        case .v128Load64Zero: zero(UInt64.self)
        case .v128Load8Lane: loadLane(UInt8.self)
        case .v128Load16Lane: loadLane(UInt16.self)
        case .v128Load32Lane: loadLane(UInt32.self)
        case .v128Load64Lane: loadLane(UInt64.self)
        case .v128Store8Lane: storeLane(UInt8.self)
        case .v128Store16Lane: storeLane(UInt16.self)
        case .v128Store32Lane: storeLane(UInt32.self)
        case .v128Store64Lane: storeLane(UInt64.self)
        default: return false
        }
        return true
    }
}
