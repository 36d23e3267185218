import WasmCore

// Throwing and catching (WebAssembly 3.0 exception handling, and the legacy instructions),
// entirely in the slow path: unwinding is rare, so the C core's call and return stay as they
// are. An exception looks for a handler in the current frame at the throw, then in each caller
// at its call in progress (ExceptionHandlers.swift), across instances, up to the frame that
// began the invocation. Found: the frames above the handler's are dropped, the values are
// delivered and execution continues at the handler. Not found: the invocation ends as a trap
// ("uncaught exception (tag $t, payload ...)"), the frames kept for inspection as for any trap
// (Docs/architecture.md, Engine invariants (8)). An exception does not cross a host function:
// a host function that called back into the guest sees the inner invocation end with that trap.

extension Interpreter {
    /// `throw`, `throw_ref` and the legacy `rethrow` at pc, operands at fp[a...].
    static func raise(_ op: Opcode, _ r: inout Registers, _ store: Store, _ ex: Execution, _ a: Int) -> Status {
        let heap = store.exceptionHeap
        if heap.stopAtThrow {
            // The debugger sees the throw before it happens, then lets it go.
            if heap.passNextThrow {
                heap.passNextThrow = false
            } else {
                return .exceptionThrown
            }
        }
        let object: Int
        switch op {
        case .throw:
            let tag = Int(truncatingIfNeeded: r.pc[1])
            guard tag < store.tags.count else {
                ex.trapDetail = .invalidCode("unknown tag")
                return trapped(ex, .detailed)
            }
            let payload = Array(UnsafeBufferPointer(start: r.fp + a, count: store.tags[tag].payloadSlots))
            object = heap.allocate(tag: tag, payload: payload)
            // The live stack ends with this frame; the new object is in flight.
            store.collectExceptionsIfDue(top: r.fp + Int(r.entries[Int(r.function)].frameSize), pinned: [object])
        default:
            // throw_ref, or rethrow of the exception a legacy catch keeps in its hidden slot.
            guard let index = ExceptionHeap.decode(r.fp[a]), heap.object(index) != nil else {
                if r.fp[a] == 0 {
                    ex.trapDetail = .nullExceptionReference
                } else {
                    ex.trapDetail = .invalidCode("exception reference to a freed exception")
                }
                return trapped(ex, .detailed)
            }
            object = index
        }
        return unwind(object, &r, store, ex)
    }

    /// Finds the handler of exception `object` from the current frame outward and continues
    /// there, or ends the invocation with an uncaught-exception trap.
    static func unwind(_ object: Int, _ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        let heap = store.exceptionHeap
        guard let exception = heap.object(object) else {
            ex.trapDetail = .invalidCode("exception reference to a freed exception")
            return trapped(ex, .detailed)
        }
        var level = r.depth
        var function = r.function
        var fp = r.fp
        var codeIndex = r.pc - r.code
        while true {
            if let compiled = store.compiled(function),
               let (handler, clause) = compiled.handler(at: codeIndex, tag: exception.tag) {
                // Drop the frames above the handler's (they stay in the stacks' memory, unused).
                r.depth = level
                r.fp = fp
                r.function = function
                let entry = r.entries[Int(function)]
                // A frame with a handler is a compiled Wasm function: it was running.
                r.code = entry.code.unsafelyUnwrapped
                if let context = entry.context, context != r.context {
                    r.context = context
                }
                reloadMemory(&r)
                deliver(object, exception, handler: handler, clause: clause, fp: fp, heap)
                r.pc = r.code + Int(clause.pad)
                if heap.stopAtCatch {
                    heap.lastCaught = (exception.tag, exception.payload)
                    return .exceptionCaught
                }
                return .running
            }
            if level <= r.entryDepth { break }
            level -= 1
            let saved = ex.frames[level]
            function = saved.function
            fp = saved.fp
            guard let code = r.entries[Int(function)].code else { break }
            // A caller is inside its call instruction (returnPC is the word after it).
            codeIndex = saved.returnPC - code - 1
        }
        let tagName = exception.tag < store.tags.count ? store.tags[exception.tag].name : "?"
        ex.trapDetail = .uncaughtException(tag: tagName, payload: store.payloadValues(tag: exception.tag, payload: exception.payload))
        heap.releaseIfUnreferenced(object)
        return trapped(ex, .detailed)
    }

    /// Writes what a clause receives into the handler's frame: the payload at the try's base slot
    /// (`catch`, `catch_ref`, legacy `catch`), then the exnref (`catch_ref`, `catch_all_ref`), or
    /// the exnref into the legacy try's hidden slot. An exception no exnref will refer to is
    /// freed here.
    private static func deliver(_ object: Int, _ exception: ExceptionObject, handler: ExceptionHandler,
                                clause: ExceptionHandler.Clause, fp: UnsafeMutablePointer<UInt64>, _ heap: ExceptionHeap) {
        var slot = handler.payloadSlot
        if clause.kind == .catch || clause.kind == .catchRef {
            for raw in exception.payload {
                fp[slot] = raw
                slot += 1
            }
        }
        if handler.exceptionSlot >= 0 {
            fp[handler.exceptionSlot] = heap.reference(object)
        } else if clause.kind == .catchRef || clause.kind == .catchAllRef {
            fp[slot] = heap.reference(object)
        } else {
            heap.releaseIfUnreferenced(object)
        }
    }
}
