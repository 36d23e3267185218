import WasmCore

// Tail calls (`return_call`, `return_call_indirect`): the callee replaces the current frame.
// The C core does the common case (a compiled callee of the same instance, engine.c
// TAIL_CALL); this is the rest: callees that must be compiled first, callees in another
// instance, host functions, and the traps of an indirect call.
//
// The saved callers are untouched and the call depth does not change, so a tail-recursive loop
// runs in constant stack, the call-depth limit counts only frames that exist, and the frame
// that receives the callee's results is the tail caller's caller (the debugger's `bt` no longer
// shows the tail caller, and `finish` returns to that caller).

extension Interpreter {
    /// `return_call` / `return_call_indirect` in the slow path.
    static func tailCall(_ op: InternalOp, _ r: inout Registers, _ store: Store, _ ex: Execution, _ a: Int) -> Status {
        let callee: UInt32
        switch CallTarget(op, at: r.pc) {
        case .direct(let address)?:
            callee = address
        case .indirect(let words)?:
            switch words.lookUp(r) {
            case .callee(let address): callee = address
            case .undefinedElement(let index):
                ex.trapDetail = .undefinedElement(index: UInt32(clamping: index))
                return trapped(ex, .detailed)
            case .uninitializedElement(let index):
                ex.trapDetail = .uninitializedElement(index: UInt32(clamping: index))
                return trapped(ex, .detailed)
            }
            guard r.entries[Int(callee)].typeID == words.typeID else { return trapped(ex, .indirectCallTypeMismatch) }
        case nil:
            ex.trapDetail = .invalidCode("operation \(op) is not a call")
            return trapped(ex, .detailed)
        }
        return enterInPlace(&r, store, ex, callee: callee, arguments: a)
    }

    /// Replaces the current frame with a call of `callee` whose arguments are at fp[arguments...].
    static func enterInPlace(_ r: inout Registers, _ store: Store, _ ex: Execution, callee: UInt32, arguments a: Int) -> Status {
        var entry = r.entries[Int(callee)]
        if entry.isHost {
            // A host function has no frame to put in place: call it where the arguments are, then
            // return its results from this frame as `return` would.
            let status = store.callHost(&r, callee: callee, base: r.fp + a)
            guard status == .running else { return status }
            return returnFromFrame(&r, ex, resultsAt: a, count: Int(entry.resultSlots))
        }
        if entry.code == nil {
            if let error = store.ensureCompiled(callee) {
                ex.trapDetail = .invalidCode(error.message)
                return trapped(ex, .detailed)
            }
            r.entries = store.entries
            entry = r.entries[Int(callee)]
        }
        let fp = r.fp
        guard ex.stackEnd - fp > Int(entry.frameSize) else { return trapped(ex, .callStackExhausted) }
        // The arguments move down over the replaced frame (dst < src: a forward copy is right).
        let params = Int(entry.paramSlots)
        var i = 0
        while i < params {
            fp[i] = fp[a + i]
            i += 1
        }
        (fp + params).update(repeating: 0, count: Int(entry.localsEnd) - params)
        // code is non-nil: compiled just above or before.
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

    /// The running frame now belongs to another instance than its caller (a tail call across
    /// instances): returning must switch instances, so the C core must not return on its own.
    static func forgetCallerCode(_ r: inout Registers, _ ex: Execution) {
        if r.depth > r.entryDepth { ex.frames[r.depth - 1].code = nil }
    }

    /// Returns from the current frame with `count` result slots at fp[resultsAt...] (the
    /// `return` operation's work, for the slow paths that end a frame).
    static func returnFromFrame(_ r: inout Registers, _ ex: Execution, resultsAt a: Int, count: Int) -> Status {
        let fp = r.fp
        if a != 0 {
            var i = 0
            while i < count {
                fp[i] = fp[a + i]
                i += 1
            }
        }
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
        return .running
    }

    @inline(__always)
    static func trapped(_ ex: Execution, _ code: TrapCode) -> Status {
        ex.trap = code
        return .trapped
    }
}
