import WasmCore

// The instruction bodies of the run loop. `execute` runs exactly one internal instruction; the
// free-running loop (`run`) and the debugger's single step (`step`) both inline it, so there
// is one copy of the semantics. On the paths that do not trap or call out (host calls,
// compilation, bulk operations go to @inline(never) slow paths), nothing here allocates,
// retains, throws or takes a lock: pc, fp and the memory base are raw pointers whose validity
// the compiler and the store guarantee (see the comments at each use).

extension Interpreter {
    /// Runs until the invocation finishes or traps.
    static func run(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        // Work on a local copy so the optimiser can keep the registers in CPU registers.
        var local = r
        defer { r = local }
        while true {
            let status = execute(&local, store, ex)
            if status != .running { return status }
        }
    }

    /// Executes one internal instruction (the debugger's step entry point).
    static func step(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        execute(&r, store, ex)
    }

    @inline(__always)
    private static func trap(_ ex: Execution, _ code: TrapCode) -> Status {
        ex.trap = code
        return .trapped
    }

    /// Effective address of a memory access of `size` bytes, or nil when out of bounds.
    @inline(__always)
    private static func address(_ r: Registers, _ base: UInt64, _ offset: UInt64, _ size: UInt64) -> Int? {
        let ea = (base & 0xFFFF_FFFF) &+ offset
        guard ea >= offset, r.memSize >= size, ea <= r.memSize &- size else { return nil }
        return Int(truncatingIfNeeded: ea)
    }

    @inline(__always)
    private static func load<T: FixedWidthInteger>(_ r: inout Registers, _ ex: Execution, _ a: Int, _: T.Type,
                                                   _ widen: (T) -> UInt64) -> Status {
        let pc = r.pc, fp = r.fp
        guard let ea = address(r, fp[a], pc[1], UInt64(MemoryLayout<T>.size)) else {
            return trap(ex, .outOfBoundsMemoryAccess)
        }
        // In bounds: memSize > 0, so memBase is non-nil and [ea, ea + size) is inside it.
        fp[a] = widen(r.memBase.unsafelyUnwrapped.loadUnaligned(fromByteOffset: ea, as: T.self))
        r.pc = pc + 2
        return .running
    }

    @inline(__always)
    private static func storeValue<T: FixedWidthInteger>(_ r: inout Registers, _ ex: Execution, _ a: Int, _: T.Type) -> Status {
        let pc = r.pc, fp = r.fp
        guard let ea = address(r, fp[a], pc[1], UInt64(MemoryLayout<T>.size)) else {
            return trap(ex, .outOfBoundsMemoryAccess)
        }
        // In bounds, as in `load`.
        r.memBase.unsafelyUnwrapped.storeBytes(of: T(truncatingIfNeeded: fp[a + 1]), toByteOffset: ea, as: T.self)
        r.pc = pc + 2
        return .running
    }

    /// Moves `count` slots down the frame (branch results to the label's height). dst < src
    /// (or equal), so a forward copy is correct for overlapping ranges.
    @inline(__always)
    private static func move(_ fp: UnsafeMutablePointer<UInt64>, from src: Int, to dst: Int, count: Int) {
        var i = 0
        while i < count {
            fp[dst + i] = fp[src + i]
            i += 1
        }
    }

    @inline(__always)
    static func reloadMemory(_ r: inout Registers) {
        if let m = r.context.pointee.memory {
            r.memBase = m.pointee.base
            r.memSize = m.pointee.byteCount
        } else {
            r.memBase = nil
            r.memSize = 0
        }
    }

    /// Enters function `callee` with its arguments at `base`; the caller continues at `returnPC`.
    @inline(__always)
    private static func call(_ r: inout Registers, _ store: Store, _ ex: Execution, callee: UInt32,
                             base: UnsafeMutablePointer<UInt64>, returnPC: UnsafeMutablePointer<UInt64>) -> Status {
        var entry = r.entries[Int(callee)]
        if entry.isHost {
            let status = store.callHost(&r, callee: callee, base: base)
            if status == .running { r.pc = returnPC }
            return status
        }
        // r.depth saved callers + the current frame + the callee must stay within the limit.
        if r.depth + 2 > ex.maxDepth { return trap(ex, .callStackExhausted) }
        if entry.code == nil {
            if let error = store.ensureCompiled(callee) {
                ex.trapDetail = .invalidCode(error.message)
                return trap(ex, .detailed)
            }
            r.entries = store.entries
            entry = r.entries[Int(callee)]
        }
        // The new frame must fit in the value stack (frameSize is the callee's maximum extent).
        guard ex.stackEnd - base > Int(entry.frameSize) else { return trap(ex, .callStackExhausted) }
        ex.frames[r.depth] = Frame(function: r.function, fp: r.fp, returnPC: returnPC)
        r.depth += 1
        // Non-parameter locals start at zero.
        let params = Int(entry.paramSlots)
        (base + params).update(repeating: 0, count: Int(entry.localsEnd) - params)
        r.fp = base
        // code is non-nil: compiled just above or before.
        r.code = entry.code.unsafelyUnwrapped
        r.pc = r.code
        r.function = callee
        if let context = entry.context, context != r.context {
            r.context = context
            reloadMemory(&r)
        }
        return .running
    }

    @inline(__always)
    static func execute(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        execute(word: r.pc.pointee, &r, store, ex)
    }

    /// Executes the instruction at pc as if its first word were `word` (the original of a
    /// debug patch when replaying; see Debug/Patching.swift).
    @inline(__always)
    static func execute(word: UInt64, _ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        let pc = r.pc
        let fp = r.fp
        let raw = UInt16(truncatingIfNeeded: word)
        let a = Int(truncatingIfNeeded: word >> 32)
        if raw >= InternalOp.base {
            guard let op = InternalOp.decode(raw) else {
                ex.trapDetail = .invalidCode("bad operation \(raw)")
                return trap(ex, .detailed)
            }
            switch op {
            case .copy:
                fp[a] = fp[Int(truncatingIfNeeded: pc[1])]
                r.pc = pc + 2
            case .copy2:
                let s = Int(truncatingIfNeeded: pc[1])
                fp[a] = fp[s]
                fp[a + 1] = fp[s + 1]
                r.pc = pc + 2
            case .const:
                fp[a] = pc[1]
                r.pc = pc + 2
            case .const2:
                fp[a] = pc[1]
                fp[a + 1] = pc[2]
                r.pc = pc + 3
            case .jump:
                r.pc = r.code + Int(truncatingIfNeeded: pc[1])
            case .brIf:
                r.pc = UInt32(truncatingIfNeeded: fp[a]) != 0 ? r.code + Int(truncatingIfNeeded: pc[1]) : pc + 2
            case .brIfNot:
                r.pc = UInt32(truncatingIfNeeded: fp[a]) == 0 ? r.code + Int(truncatingIfNeeded: pc[1]) : pc + 2
            case .brCopy:
                move(fp, from: Int(truncatingIfNeeded: pc[2]), to: a, count: Int(truncatingIfNeeded: pc[3]))
                r.pc = r.code + Int(truncatingIfNeeded: pc[1])
            case .brIfCopy:
                if UInt32(truncatingIfNeeded: fp[a]) != 0 {
                    let w = pc[2]
                    move(fp, from: Int(w & 0xFFFF_FFFF), to: Int(w >> 32), count: Int(truncatingIfNeeded: pc[3]))
                    r.pc = r.code + Int(truncatingIfNeeded: pc[1])
                } else {
                    r.pc = pc + 4
                }
            case .brTable:
                let n = Int(pc[1] & 0xFFFF_FFFF)
                let count = Int(pc[1] >> 32)
                let i = min(Int(UInt32(truncatingIfNeeded: fp[a])), n)
                // The compiler emitted n + 1 entries after the three header words.
                let entry = pc[3 + i]
                move(fp, from: Int(truncatingIfNeeded: pc[2]), to: Int(entry >> 32), count: count)
                r.pc = r.code + Int(entry & 0xFFFF_FFFF)
            case .return:
                let count = Int(truncatingIfNeeded: pc[1])
                if a != 0 { move(fp, from: a, to: 0, count: count) }
                if r.depth == r.entryDepth { return .finished }
                r.depth -= 1
                let frame = ex.frames[r.depth]
                r.fp = frame.fp
                r.pc = frame.returnPC
                r.function = frame.function
                // A caller is a compiled Wasm function: it was running before the call.
                let entry = r.entries[Int(frame.function)]
                r.code = entry.code.unsafelyUnwrapped
                r.context = entry.context.unsafelyUnwrapped
                reloadMemory(&r)
            case .call:
                return call(&r, store, ex, callee: UInt32(truncatingIfNeeded: pc[1]), base: fp + a, returnPC: pc + 2)
            case .callIndirect:
                let tableIndex = Int(truncatingIfNeeded: pc[1])
                let w = pc[2]
                let typeID = UInt32(truncatingIfNeeded: w)
                let index = UInt64(UInt32(truncatingIfNeeded: fp[Int(w >> 32)]))
                // Validation guarantees the table index exists in this instance.
                let table = r.context.pointee.tables.unsafelyUnwrapped[tableIndex]
                guard index < table.pointee.count else {
                    ex.trapDetail = .undefinedElement(index: UInt32(index))
                    return trap(ex, .detailed)
                }
                let ref = table.pointee.elements.unsafelyUnwrapped[Int(index)]
                guard ref != 0 else {
                    ex.trapDetail = .uninitializedElement(index: UInt32(index))
                    return trap(ex, .detailed)
                }
                let callee = UInt32(truncatingIfNeeded: ref &- 1)
                guard r.entries[Int(callee)].typeID == typeID else { return trap(ex, .indirectCallTypeMismatch) }
                return call(&r, store, ex, callee: callee, base: fp + a, returnPC: pc + 3)
            case .select2:
                if UInt32(truncatingIfNeeded: fp[a + 4]) == 0 {
                    fp[a] = fp[a + 2]
                    fp[a + 1] = fp[a + 3]
                }
                r.pc = pc + 1
            case .globalGet2:
                let g = r.context.pointee.globals.unsafelyUnwrapped[Int(truncatingIfNeeded: pc[1])]
                fp[a] = g[0]
                fp[a + 1] = g[1]
                r.pc = pc + 2
            case .globalSet2:
                let g = r.context.pointee.globals.unsafelyUnwrapped[Int(truncatingIfNeeded: pc[1])]
                g[0] = fp[a]
                g[1] = fp[a + 1]
                r.pc = pc + 2
            case .fuel:
                if ex.fuel == 0 { return trap(ex, .outOfFuel) }
                ex.fuel -= 1
                r.pc = pc + 1
            case .simd:
                let code = simd(Opcode.decodeEngineWord(UInt16(truncatingIfNeeded: pc[1])), &r, a)
                if code != .none {
                    if code == .detailed { ex.trapDetail = .invalidCode("unknown SIMD operation") }
                    return trap(ex, code)
                }
            case .breakpoint:
                return .breakpoint
            case .interrupt:
                return .interrupted
            case .watchedAccess:
                return watchedAccess(word, &r, store, ex)
            case .unsupported:
                let name = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1]))?.mnemonic ?? "?"
                ex.trapDetail = .invalidCode("instruction \(name) is not supported")
                return trap(ex, .detailed)
            }
            return .running
        }
        let op = Opcode.decodeEngineWord(raw)
        switch op {
        case .unreachable:
            return trap(ex, .unreachable)
        case .select:
            if UInt32(truncatingIfNeeded: fp[a + 2]) == 0 { fp[a] = fp[a + 1] }
            r.pc = pc + 1
        case .globalGet:
            // The compiler checked the global index against the instance's globals.
            fp[a] = r.context.pointee.globals.unsafelyUnwrapped[Int(truncatingIfNeeded: pc[1])][0]
            r.pc = pc + 2
        case .globalSet:
            r.context.pointee.globals.unsafelyUnwrapped[Int(truncatingIfNeeded: pc[1])][0] = fp[a]
            r.pc = pc + 2
        case .i32Load: return load(&r, ex, a, UInt32.self) { UInt64($0) }
        case .i64Load: return load(&r, ex, a, UInt64.self) { $0 }
        case .f32Load: return load(&r, ex, a, UInt32.self) { UInt64($0) }
        case .f64Load: return load(&r, ex, a, UInt64.self) { $0 }
        case .i32Load8S: return load(&r, ex, a, Int8.self) { UInt64(UInt32(bitPattern: Int32($0))) }
        case .i32Load8U: return load(&r, ex, a, UInt8.self) { UInt64($0) }
        case .i32Load16S: return load(&r, ex, a, Int16.self) { UInt64(UInt32(bitPattern: Int32($0))) }
        case .i32Load16U: return load(&r, ex, a, UInt16.self) { UInt64($0) }
        case .i64Load8S: return load(&r, ex, a, Int8.self) { UInt64(bitPattern: Int64($0)) }
        case .i64Load8U: return load(&r, ex, a, UInt8.self) { UInt64($0) }
        case .i64Load16S: return load(&r, ex, a, Int16.self) { UInt64(bitPattern: Int64($0)) }
        case .i64Load16U: return load(&r, ex, a, UInt16.self) { UInt64($0) }
        case .i64Load32S: return load(&r, ex, a, Int32.self) { UInt64(bitPattern: Int64($0)) }
        case .i64Load32U: return load(&r, ex, a, UInt32.self) { UInt64($0) }
        case .i32Store, .f32Store, .i64Store32: return storeValue(&r, ex, a, UInt32.self)
        case .i64Store, .f64Store: return storeValue(&r, ex, a, UInt64.self)
        case .i32Store8, .i64Store8: return storeValue(&r, ex, a, UInt8.self)
        case .i32Store16, .i64Store16: return storeValue(&r, ex, a, UInt16.self)
        case .v128Load:
            guard let ea = address(r, fp[a], pc[1], 16) else { return trap(ex, .outOfBoundsMemoryAccess) }
            // In bounds, as in `load`.
            let m = r.memBase.unsafelyUnwrapped
            fp[a] = m.loadUnaligned(fromByteOffset: ea, as: UInt64.self)
            fp[a + 1] = m.loadUnaligned(fromByteOffset: ea + 8, as: UInt64.self)
            r.pc = pc + 2
        case .v128Store:
            guard let ea = address(r, fp[a], pc[1], 16) else { return trap(ex, .outOfBoundsMemoryAccess) }
            let m = r.memBase.unsafelyUnwrapped
            m.storeBytes(of: fp[a + 1], toByteOffset: ea, as: UInt64.self)
            m.storeBytes(of: fp[a + 2], toByteOffset: ea + 8, as: UInt64.self)
            r.pc = pc + 2
        case .memorySize:
            fp[a] = r.memSize / 65536
            r.pc = pc + 2
        case .memoryGrow, .memoryInit, .dataDrop, .memoryCopy, .memoryFill,
             .tableGet, .tableSet, .tableInit, .elemDrop, .tableCopy, .tableGrow, .tableSize, .tableFill:
            let code = store.bulk(op, &r, a)
            if code != .none { return trap(ex, code) }
            r.pc = pc + 2
        default:
            let code = numeric(op, fp, a)
            if code != .none {
                if code == .detailed {
                    ex.trapDetail = .invalidCode("instruction \(op.mnemonic) is not supported")
                }
                return trap(ex, code)
            }
            r.pc = pc + 1
        }
        return .running
    }
}
