import WasmCore
import WasmVM

// Exception catchpoints and the stepping rules exceptions and tail calls need.
//
// `catch throw [TAG...]` stops before a matching throw runs (pc at the throw, the payload read
// from its operands), `catch catch [TAG...]` at the first stop point of the handler that caught
// it (the frames above the handler are already gone). The engine is asked to stop at throws or
// catches only while such a catchpoint exists, or (catches) while a step-over, `finish` or
// `until` waits at a return point: an exception that unwinds past that frame would otherwise
// run on, so the step ends at the handler instead (gdb does the same for a longjmp).

extension DebugSession {
    /// `catch throw [TAG...]` / `catch catch [TAG...]`. Tags by name, with or without `$`
    /// (`$e`, `e`, an export name); none: every exception.
    @discardableResult
    public func catchExceptions(_ tags: [String] = [], atCatch: Bool, condition: String? = nil) throws -> Breakpoint {
        let names = Set(tags.map(DebugSession.bareTagName))
        var bp = Breakpoint(number: nextBreakpointNumber, kind: .catchpoint(.exception(tags: names, atCatch: atCatch)))
        if let condition { try setCondition(&bp, condition) }
        nextBreakpointNumber += 1
        breakpoints.append(bp)
        refreshExceptionStops()
        return bp
    }

    static func bareTagName(_ name: String) -> String { name.hasPrefix("$") ? String(name.dropFirst()) : name }

    /// Tells the engine which exception events to stop at (catchpoints, and catches while a
    /// step waits for a return point).
    func refreshExceptionStops() {
        guard let debuggee else { return }
        var atThrow = false, atCatch = !stepTargets.isEmpty
        for bp in breakpoints where bp.enabled {
            guard case .catchpoint(.exception(_, let catching)) = bp.kind else { continue }
            if catching { atCatch = true } else { atThrow = true }
        }
        debuggee.setExceptionStops(atThrow: atThrow, atCatch: atCatch)
    }

    func takePassThrow() -> Bool {
        defer { passThrow = false }
        return passThrow
    }

    /// At an exception event: the catchpoint that stops here, or (at a catch) the end of a step
    /// whose frame the exception unwound; nil to go on.
    func exceptionStop(caught: Bool) -> Stop? {
        guard let current, let debuggee else { return nil }
        let info = caught ? debuggee.lastCaughtException : debuggee.pendingException(current.invocation)
        if let info {
            for i in breakpoints.indices {
                guard breakpoints[i].enabled, case .catchpoint(.exception(let tags, let atCatch)) = breakpoints[i].kind,
                      atCatch == caught, tags.isEmpty || tags.contains(DebugSession.bareTagName(info.tag)),
                      hit(i) != nil else { continue }
                return Stop(reason: .exception(number: breakpoints[i].number, caught: caught, exception: info),
                            position: currentPosition)
            }
        }
        // A step over a call, `finish` or `until` waits at a return point at depth d: a handler
        // at depth d or below means that frame is gone.
        if caught, let (_, depth) = debuggee.current(current.invocation),
           stepTargets.values.contains(where: { target in target.map { depth <= $0 } ?? false }) {
            return Stop(reason: .stepDone, position: currentPosition)
        }
        return nil
    }

    /// `next` over `return_call`: the callee replaces this frame, so "over" means until it
    /// returns to this frame's caller (as `next` over `return`). In the outermost frame there is
    /// no caller: it steps into the callee.
    func overTailCall() -> Stop? {
        guard let current, let debuggee, let ret = debuggee.returnPoint(current.invocation, frame: 0) else {
            return stepIntoTailCallee()
        }
        arm(ret.location, depth: ret.depth, purpose: .step)
        let stop = runFree()
        return stop.reason == .stepDone ? nil : stop
    }

    private func stepIntoTailCallee() -> Stop? {
        guard let current, let debuggee else { return nil }
        repeat {
            if let stop = advanceOne() { return stop }
            guard let (location, _) = debuggee.current(current.invocation) else { return nil }
            if debuggee.isStopPoint(location) { return nil }
        } while true
    }
}
