import CWasmEngine
import WasmCore

// The run loop's Swift half. The C core (Sources/CWasmEngine) executes the frequent operations;
// it returns WDB_STATUS_SLOW at any other operation, which `execute` below runs before the core
// is re-entered. Every operation is implemented once, on one side. The slow paths may allocate,
// call the host or compile; `execute` itself reads pc, fp and the memory base through raw
// pointers whose validity the compiler and the store guarantee (see the comments at each use).

extension Interpreter {
    /// Runs until the invocation finishes, traps or meets a debug stop.
    static func run(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        while true {
            let status = runCore(&r, ex, word: r.pc.pointee, singleStep: false)
            if status != UInt8(WDB_STATUS_SLOW) { return Status(rawValue: status) ?? .trapped }
            let slow = execute(word: r.pc.pointee, &r, store, ex)
            if slow != .running { return slow }
        }
    }

    /// Executes the instructions of one stop point (the debugger's step entry point).
    static func step(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        finishRun(executeOne(word: r.pc.pointee, &r, store, ex), &r, store, ex)
    }

    /// After executing the first instruction of a stop point: executes the rest of its folded
    /// run (the internal instructions that have no stop point of their own, see
    /// Compiler+Operands.swift), so a step always ends at a stop point.
    static func finishRun(_ first: Status, _ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        var status = first
        while status == .running, let compiled = store.compiled(r.function),
              compiled.stopPoint(at: r.pc - r.code) == nil {
            status = executeOne(word: r.pc.pointee, &r, store, ex)
        }
        return status
    }

    /// Executes the instruction at pc as if its first word were `word` (the original of a
    /// debug patch when replaying; see Debug/Patching.swift).
    static func executeOne(word: UInt64, _ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        let status = runCore(&r, ex, word: word, singleStep: true)
        if status != UInt8(WDB_STATUS_SLOW) { return Status(rawValue: status) ?? .trapped }
        return execute(word: word, &r, store, ex)
    }

    /// Enters the C core with the registers, and takes its registers back.
    @inline(__always)
    private static func runCore(_ r: inout Registers, _ ex: Execution, word: UInt64, singleStep: Bool) -> UInt8 {
        var core = wdb_core(
            pc: r.pc, fp: r.fp, code: r.code, function: r.function, context: UnsafeMutableRawPointer(r.context),
            memBase: r.memBase?.assumingMemoryBound(to: UInt8.self), memSize: r.memSize, memReserved: r.memReserved,
            globals: r.context.pointee.globals,
            tables: UnsafeRawPointer(r.context.pointee.tables)?.assumingMemoryBound(to: UnsafePointer<wdb_table_view>.self),
            depth: r.depth, entryDepth: r.entryDepth,
            entries: UnsafePointer(r.entries), frames: ex.frames, stackEnd: ex.stackEnd, maxDepth: ex.maxDepth,
            watchLow: ex.watchLow, watchHigh: ex.watchHigh, trap: 0)
        let status = wdb_core_run(&core, word, singleStep)
        r.pc = core.pc
        r.fp = core.fp
        r.code = core.code
        r.function = core.function
        r.depth = core.depth
        if status == UInt8(WDB_STATUS_TRAPPED) { ex.trap = TrapCode(rawValue: core.trap) ?? .detailed }
        return status
    }

    @inline(__always)
    static func trap(_ ex: Execution, _ code: TrapCode) -> Status {
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
            // Only a 32-bit memory's register forms run in the C core.
            r.memReserved = m.pointee.is64 ? 0 : m.pointee.reservedBytes
        } else {
            r.memBase = nil
            r.memSize = 0
            r.memReserved = 0
        }
    }

    /// Enters function `callee` with its arguments at `base`; the caller continues at `returnPC`.
    @inline(__always)
    static func call(_ r: inout Registers, _ store: Store, _ ex: Execution, callee: UInt32,
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
        // The C core returns to a caller of the same instance without looking up its entry;
        // a return that must switch instances goes to Swift (code nil).
        ex.frames[r.depth] = Frame(function: r.function, fp: r.fp, returnPC: returnPC,
                                   code: entry.context == r.context ? r.code : nil)
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
            case .return:
                // (Interpreter+GC.swift's tail calls return the same way.)
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
            case .call, .callCopy1, .callCopy2, .callCopy3, .callConst1, .callCopy1Const1, .callCopy2Const1, .callList:
                // The C core copied the folded arguments before leaving it; copying again is
                // harmless (they read locals and constants) and keeps this path self-contained.
                let w1 = pc[1]
                CallArguments.copy(w1, list: pc + 2, fp: fp)
                return call(&r, store, ex, callee: UInt32(truncatingIfNeeded: w1), base: fp + a,
                            returnPC: pc + 2 + CallArguments.words(w1))
            case .callIndirect, .callIndirectCopy1, .callIndirectCopy2, .callIndirectCopy3, .callIndirectList, .callIndirect64:
                // (callIndirect64 has no argument list: its w1 is the table index alone.)
                let listWords = op == .callIndirect64 ? 0 : CallArguments.words(pc[1])
                if listWords > 0 { CallArguments.copy(pc[1], list: pc + 3, fp: fp) }
                let words = IndirectCallWords(op, at: pc)
                let callee: UInt32
                switch words.lookUp(r) {
                case .callee(let address): callee = address
                case .undefinedElement(let index):
                    ex.trapDetail = .undefinedElement(index: UInt32(clamping: index))
                    return trap(ex, .detailed)
                case .uninitializedElement(let index):
                    ex.trapDetail = .uninitializedElement(index: UInt32(clamping: index))
                    return trap(ex, .detailed)
                }
                // Equal store type ids are equal types; a subtype passes too (GC's declared
                // supertypes), which only the registry knows (the C core checks equality).
                guard r.entries[Int(callee)].typeID == words.typeID
                        || store.types.isSubtype(r.entries[Int(callee)].typeID, of: words.typeID) else {
                    return trap(ex, .indirectCallTypeMismatch)
                }
                return call(&r, store, ex, callee: callee, base: fp + a, returnPC: pc + 3 + listWords)
            case .returnCall, .returnCallIndirect:
                return tailCall(op, &r, store, ex, a)
            case .memoryOperation:
                return memoryOperation(&r, store, ex, a)
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
            case .unsupported:
                let name = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1]))?.mnemonic ?? "?"
                ex.trapDetail = .invalidCode("instruction \(name) is not supported")
                return trap(ex, .detailed)
            default:
                // Every other internal operation belongs to the C core (wdb_engine.h).
                ex.trapDetail = .invalidCode("operation \(op) reached the slow path")
                return trap(ex, .detailed)
            }
            return .running
        }
        let op = Opcode.decodeEngineWord(raw)
        switch op {
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
        case .throw, .throwRef, .rethrow:
            return raise(op, &r, store, ex, a)
        case .callRef, .returnCallRef, .refAsNonNull, .refEq, .brOnNull, .brOnNonNull, .brOnCast, .brOnCastFail,
             .refTest, .refTestNull, .refCast, .refCastNull, .refI31, .i31GetS, .i31GetU,
             .structNew, .structNewDefault, .structGet, .structGetS, .structGetU, .structSet,
             .arrayNew, .arrayNewDefault, .arrayNewFixed, .arrayNewData, .arrayNewElem, .arrayGet, .arrayGetS,
             .arrayGetU, .arraySet, .arrayLen, .arrayFill, .arrayCopy, .arrayInitData, .arrayInitElem:
            // Typed function references and GC (Interpreter+GC.swift).
            return references(op, &r, store, ex, a)
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
