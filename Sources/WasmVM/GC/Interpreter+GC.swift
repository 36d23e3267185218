#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

// Execution of the typed-function-reference and GC instructions, in stack form (the word
// layouts are Compiler+GC.swift's). Objects are reached through the heap's id table; every
// access checks null and bounds before it touches a payload.

extension Interpreter {
    private static func fail(_ ex: Execution, _ message: String) -> Status {
        ex.trapDetail = .reference(message)
        return trap(ex, .detailed)
    }

    /// Executes GC/reference instruction `op` at pc with its first operand at fp[a].
    static func references(_ op: Opcode, _ r: inout Registers, _ store: Store, _ ex: Execution, _ a: Int) -> Status {
        let pc = r.pc
        let fp = r.fp
        let heap = store.heap
        let types = store.types
        let w1 = pc[1]
        var next = pc + 2
        switch op {
        case .callRef:
            let reference = fp[Int(truncatingIfNeeded: w1)]
            guard reference != 0 else { return fail(ex, "null function reference") }
            return call(&r, store, ex, callee: UInt32(truncatingIfNeeded: reference &- 1), base: fp + a, returnPC: pc + 2)
        case .returnCallRef:
            let reference = fp[Int(truncatingIfNeeded: w1)]
            guard reference != 0 else { return fail(ex, "null function reference") }
            return tailCallOfReference(&r, store, ex, callee: UInt32(truncatingIfNeeded: reference &- 1), arguments: a,
                            count: Int(truncatingIfNeeded: pc[2]))
        case .refAsNonNull:
            guard fp[a] != 0 else { return fail(ex, "null reference") }
            next = pc + 1
        case .refEq:
            fp[a] = fp[a] == fp[a + 1] ? 1 : 0
            next = pc + 1
        case .brOnNull:
            fp[Int(truncatingIfNeeded: w1)] = fp[a] == 0 ? 1 : 0
        case .brOnNonNull:
            fp[Int(truncatingIfNeeded: w1)] = fp[a] != 0 ? 1 : 0
        case .brOnCast, .brOnCastFail:
            let passes = test(fp[a], pc[2], store)
            fp[Int(truncatingIfNeeded: w1)] = passes == (op == .brOnCast) ? 1 : 0
            next = pc + 3
        case .refTest, .refTestNull:
            fp[a] = test(fp[a], w1, store) ? 1 : 0
        case .refCast, .refCastNull:
            guard test(fp[a], w1, store) else { return fail(ex, "cast failure") }
        case .refI31:
            fp[a] = ReferenceBits.i31(UInt32(truncatingIfNeeded: fp[a]))
            next = pc + 1
        case .i31GetS, .i31GetU:
            let bits = fp[a]
            guard bits != 0 else { return fail(ex, "null i31 reference") }
            let v = UInt32(truncatingIfNeeded: bits) & 0x7FFF_FFFF
            fp[a] = UInt64(op == .i31GetS ? UInt32(bitPattern: AnyReference.signed(v)) : v)
            next = pc + 1
        case .arrayLen:
            guard let block = objectBlock(fp[a], heap) else { return fail(ex, "null array reference") }
            fp[a] = UInt64(heap.header(block).pointee.length)
            next = pc + 1
        default:
            let status = allocatingOrAccess(op, &r, store, ex, a, heap: heap, types: types)
            if status != .running { return status }
            next = r.pc
        }
        r.pc = next
        return .running
    }

    /// The block of the object a non-null reference names (nil for null).
    @inline(__always)
    private static func objectBlock(_ bits: UInt64, _ heap: GCHeap) -> UnsafeMutableRawPointer? {
        ReferenceBits.isObject(bits) ? heap.block(ReferenceBits.objectID(bits)) : nil
    }

    /// ref.test's question: does reference `bits` have the type encoded in `target`
    /// (Compiler.encode)?
    static func test(_ bits: UInt64, _ target: UInt64, _ store: Store) -> Bool {
        if bits == 0 { return target & Compiler.nullableFlag != 0 }
        let heapType: HeapType = target & Compiler.concreteFlag != 0
            ? .concrete(UInt32(truncatingIfNeeded: target))
            : .abstract(AbstractHeapType(rawValue: UInt8(truncatingIfNeeded: target)) ?? .none)
        switch store.types.top(of: heapType) {
        case .func:
            let address = bits &- 1
            guard address < UInt64(store.functions.count) else { return false }
            return store.types.heapMatches(.concrete(store.entries[Int(address)].typeID), heapType)
        case .extern:
            return heapType != .abstract(.noextern)
        default:
            return store.matches(bits: bits, heapType: heapType)
        }
    }

    /// A tail call (`return_call_ref`): the arguments move to the frame's base and the callee
    /// takes over the frame, returning to this frame's caller.
    static func tailCallOfReference(_ r: inout Registers, _ store: Store, _ ex: Execution, callee: UInt32, arguments a: Int,
                                    count: Int) -> Status {
        let fp = r.fp
        var entry = r.entries[Int(callee)]
        if entry.isHost {
            // The host writes its results at the arguments; then this frame returns them.
            let status = store.callHost(&r, callee: callee, base: fp + a)
            if status != .running { return status }
            let results = Int(entry.resultSlots)
            for i in 0..<results { fp[i] = fp[a + i] }
            return returnFromFrame(&r, ex)
        }
        if entry.code == nil {
            if let error = store.ensureCompiled(callee) {
                ex.trapDetail = .invalidCode(error.message)
                return trap(ex, .detailed)
            }
            r.entries = store.entries
            entry = r.entries[Int(callee)]
        }
        guard ex.stackEnd - fp > Int(entry.frameSize) else { return trap(ex, .callStackExhausted) }
        for i in 0..<count { fp[i] = fp[a + i] }
        let params = Int(entry.paramSlots)
        (fp + params).update(repeating: 0, count: Int(entry.localsEnd) - params)
        r.code = entry.code.unsafelyUnwrapped
        r.pc = r.code
        r.function = callee
        if let context = entry.context, context != r.context {
            r.context = context
            reloadMemory(&r)
            forgetCallerCode(&r, ex)
        }
        return .running
    }

    /// Pops the current frame with its results already at fp[0...] (the `return` operation's
    /// second half).
    private static func returnFromFrame(_ r: inout Registers, _ ex: Execution) -> Status {
        if r.depth == r.entryDepth { return .finished }
        r.depth -= 1
        let frame = ex.frames[r.depth]
        r.fp = frame.fp
        r.pc = frame.returnPC
        r.function = frame.function
        let entry = r.entries[Int(frame.function)]
        r.code = entry.code.unsafelyUnwrapped
        r.context = entry.context.unsafelyUnwrapped
        reloadMemory(&r)
        return .running
    }
}
