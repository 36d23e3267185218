import WasmCore

// The debugger's view of exceptions and tail calls: stops at throws and at catches (the
// catchpoints `catch throw` / `catch catch`, and step-over and `finish` when an exception
// unwinds the frame they wait for), what the exception is, and where tail calls are.

/// An exception as the debugger reports it.
public struct ExceptionInfo: Hashable, Sendable {
    /// `$name` of the tag (its module's name section), its export name, or `tag N`.
    public var tag: String
    public var payload: [Value]

    public init(tag: String, payload: [Value]) {
        self.tag = tag
        self.payload = payload
    }
}

extension Debuggee {
    /// Whether the guest stops before each throw (`.exceptionThrown`) and at the handler of each
    /// catch (`.exceptionCaught`). Off (the default), throwing costs no check beyond one flag.
    public func setExceptionStops(atThrow: Bool, atCatch: Bool) {
        store.exceptionHeap.stopAtThrow = atThrow
        store.exceptionHeap.stopAtCatch = atCatch
    }

    /// The exception the throw at pc is about to raise (at an `.exceptionThrown` stop).
    public func pendingException(_ invocation: Invocation) -> ExceptionInfo? {
        guard let r = invocation.registers else { return nil }
        let word = CodeWord.unpatched(r.pc.pointee)
        let raw = CodeWord.op(word)
        let a = CodeWord.a(word)
        if raw == Opcode.throw.rawValue {
            let tag = Int(truncatingIfNeeded: r.pc[1])
            guard tag < store.tags.count else { return nil }
            let payload = Array(UnsafeBufferPointer(start: r.fp + a, count: store.tags[tag].payloadSlots))
            return describe(tag: tag, payload: payload)
        }
        guard raw == Opcode.throwRef.rawValue || raw == Opcode.rethrow.rawValue,
              let index = ExceptionHeap.decode(r.fp[a]), let object = store.exceptionHeap.object(index) else { return nil }
        return describe(tag: object.tag, payload: object.payload)
    }

    /// The exception last delivered to a handler (at an `.exceptionCaught` stop).
    public var lastCaughtException: ExceptionInfo? {
        store.exceptionHeap.lastCaught.map { describe(tag: $0.tag, payload: $0.payload) }
    }

    private func describe(tag: Int, payload: [UInt64]) -> ExceptionInfo {
        ExceptionInfo(tag: tag < store.tags.count ? store.tags[tag].name : "?",
                      payload: store.payloadValues(tag: tag, payload: payload))
    }

    /// Whether the instruction at a location is a tail call (`return_call`, `return_call_indirect`):
    /// it replaces the current frame, so stepping over it means running to the caller.
    public func isTailCall(at location: CodeLocation) -> Bool {
        guard let c = store.compiled(location.function), location.codeIndex >= 0, location.codeIndex < c.codeCount else {
            return false
        }
        return InternalOp.of(c.code[location.codeIndex])?.isTailCall == true
    }

    /// After an exception was delivered, pc is at the handler's landing pad: runs on to the
    /// handler's first stop point, so the stop shows (and stepping continues from) where the
    /// handler's code begins.
    func settleAtHandler(_ status: Status, _ r: inout Registers) -> Status {
        guard status == .exceptionCaught else { return status }
        let settled = Interpreter.finishRun(.running, &r, store, store.execution)
        return settled == .running ? .exceptionCaught : settled
    }
}
