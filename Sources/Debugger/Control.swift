import WasmCore
import WasmVM

// Running and stepping. Free running uses the engine's plain loop with patches; a stop
// comes back as a debug event that is decided here (condition, ignore count, depth of a
// temporary return-point breakpoint). Step-over and finish run the callee freely up to a
// temporary breakpoint on the return point, keyed on the call depth so recursion is right.

extension DebugSession {
    enum StepPurpose { case step, finish(resultTypes: [ValueType]) }

    func requireRunning() throws -> Active {
        guard let current else { throw DebuggerError("The program is not being run.") }
        return current
    }

    // MARK: verbs

    /// `continue [N]`: N > 1 ignores the breakpoint stopped at N - 1 more times.
    public func continueExecution(_ count: Int = 1, from last: Stop? = nil) throws -> Stop {
        _ = try requireRunning()
        // `continue N` at any stop of a numbered breakpoint, watchpoint or catchpoint passes it
        // N - 1 more times, as gdb's does.
        if count > 1, let n = last?.reason.breakpointNumber, let i = try? index(ofBreakpoint: n) {
            breakpoints[i].ignoreCount = count - 1
        }
        selectedFrame = 0
        if let stop = advanceOne() { return stop }
        return runFree()
    }

    /// `stepi [N]`: to the next stop point, into calls.
    public func stepInstruction(_ count: Int = 1) throws -> Stop {
        _ = try requireRunning()
        selectedFrame = 0
        for _ in 0..<max(count, 1) {
            if let stop = toNextStopPoint() { return stop }
        }
        return Stop(reason: .stepDone, position: currentPosition)
    }

    /// `nexti [N]`: to the next stop point, over calls.
    public func nextInstruction(_ count: Int = 1) throws -> Stop {
        _ = try requireRunning()
        selectedFrame = 0
        for _ in 0..<max(count, 1) {
            if let stop = overNextStopPoint() { return stop }
        }
        return Stop(reason: .stepDone, position: currentPosition)
    }

    /// `step [N]`: by source line where the frame has line information (a WAT source map, or
    /// DWARF), else by instruction.
    public func step(_ count: Int = 1) throws -> Stop {
        guard currentHasLineInfo else { return try stepInstruction(count) }
        _ = try requireRunning()
        selectedFrame = 0
        for _ in 0..<max(count, 1) {
            if let stop = byLine(over: false) { return stop }
        }
        return Stop(reason: .stepDone, position: currentPosition)
    }

    /// `next [N]`: as `step`, over calls (a breakpoint inside a call still stops there).
    public func next(_ count: Int = 1) throws -> Stop {
        guard currentHasLineInfo else { return try nextInstruction(count) }
        _ = try requireRunning()
        selectedFrame = 0
        for _ in 0..<max(count, 1) {
            if let stop = byLine(over: true) { return stop }
        }
        return Stop(reason: .stepDone, position: currentPosition)
    }

    /// `finish`: runs until the selected frame returns; the stop carries its values.
    public func finish() throws -> Stop {
        let active = try requireRunning()
        guard let debuggee else { throw DebuggerError("no module loaded") }
        if let stop = try finishInlined() { return stop }
        let frames = debuggee.frames(active.invocation)
        let level = min(selectedPhysicalFrame, frames.count - 1)
        guard level >= 0, let ret = debuggee.returnPoint(active.invocation, frame: level) else {
            throw DebuggerError("\"finish\" not meaningful in the outermost frame.")
        }
        let results = debuggee.functionType(ofAddress: frames[level].functionAddress)?.results ?? []
        selectedFrame = 0
        arm(ret.location, depth: ret.depth, purpose: .finish(resultTypes: results))
        if let stop = advanceOne() {
            disarmStepTargets()
            return stop
        }
        return runFree()
    }

    /// `finish` in a frame that is an inlined call (DWARF at -O2): runs, stepping over calls,
    /// until the code of that call is left (gdb's "Run till exit" of an inlined frame). The
    /// Wasm frame that holds it keeps running, so there is no value to report. Nil when the
    /// selected frame is not inlined.
    private func finishInlined() throws -> Stop? {
        let frames = backtrace()
        guard !frames.isEmpty else { return nil }
        let frame = frames[min(selectedFrame, frames.count - 1)]
        // The chain as the frame shows it (a stop point's folded run may take its source
        // position from an instruction inside the run).
        guard frame.source?.isInlined == true, let chain = frame.position?.source?.inlined,
              frame.inlineDepth < chain.count, let current, let debuggee else { return nil }
        let call = chain[frame.inlineDepth].handle
        guard let (_, startDepth) = debuggee.current(current.invocation) else { return nil }
        // The Wasm depth of the frame holding the inlined call (a selected outer frame is deeper down).
        let depth = startDepth - frame.physicalLevel
        selectedFrame = 0
        if frame.physicalLevel > 0, let ret = debuggee.returnPoint(current.invocation, frame: frame.physicalLevel - 1) {
            // Back in the holding frame first, then out of the inlined code.
            arm(ret.location, depth: ret.depth, purpose: .step)
            let stop = runFree()
            guard stop.reason == .stepDone else { return stop }
        }
        while true {
            guard let (location, d) = debuggee.current(current.invocation) else { return Stop(reason: .stepDone, position: currentPosition) }
            if d < depth { return Stop(reason: .stepDone, position: currentPosition) }  // the holding frame returned
            if d == depth, debuggee.isStopPoint(location), let here = currentPosition?.source,
               !here.inlined.contains(where: { $0.handle == call }) {
                // Out of the inlined code, on a source line (line 0 is glue between the two).
                return Stop(reason: .stepDone, position: currentPosition)
            }
            if let stop = overNextStopPoint() { return stop }
            // A breakpoint met on the way stops, as it would in a free run.
            if let (location, _) = debuggee.current(current.invocation), debuggee.hasBreakpointPatch(location),
               let stop = breakpointHere() {
                return stop
            }
        }
    }

    /// `until`: `next`, but never stops back at a lower offset of the same frame (leaves loops).
    /// `until LOC`: runs to LOC or until the current frame returns.
    public func until(_ spec: String? = nil) throws -> Stop {
        let active = try requireRunning()
        guard let debuggee, let (start, depth) = debuggee.current(active.invocation) else { throw DebuggerError("not running") }
        guard let spec else {
            let startOffset = debuggee.position(of: start)?.fileOffset ?? 0
            while true {
                let stop = try next()
                guard stop.reason == .stepDone, let (loc, d) = debuggee.current(active.invocation) else { return stop }
                if d < depth || (d == depth && (debuggee.position(of: loc)?.fileOffset ?? 0) > startOffset) || d > depth {
                    return stop
                }
            }
        }
        return try runTo(spec, alsoAtReturn: true)
    }

    /// `advance LOC`: runs to LOC (or until the current frame returns).
    public func advance(_ spec: String) throws -> Stop { try runTo(spec, alsoAtReturn: true) }

    private func runTo(_ spec: String, alsoAtReturn: Bool) throws -> Stop {
        let active = try requireRunning()
        let target = try resolveLocation(spec)
        selectedFrame = 0
        arm(target.location, depth: nil, purpose: .step)
        if alsoAtReturn, let ret = debuggee?.returnPoint(active.invocation, frame: 0) {
            arm(ret.location, depth: ret.depth, purpose: .step)
        }
        if let stop = advanceOne() {
            disarmStepTargets()
            return stop
        }
        return runFree()
    }

    // MARK: stepping machinery

    func arm(_ location: CodeLocation, depth: Int?, purpose: StepPurpose) {
        guard let debuggee else { return }
        if stepTargets[location] == nil { debuggee.armBreakpoint(location) }
        stepTargets[location] = depth
        stepPurpose = purpose
        refreshExceptionStops()
    }

    func disarmStepTargets() {
        if let debuggee { for (location, _) in stepTargets { debuggee.disarmBreakpoint(location) } }
        stepTargets.removeAll()
        refreshExceptionStops()
    }

    /// One stop point forward, into calls. Nil when the step simply completed.
    private func toNextStopPoint() -> Stop? {
        guard let current, let debuggee else { return nil }
        repeat {
            if let stop = advanceOne() { return stop }
            if debuggee.takeInterruptRequest() { return Stop(reason: .interrupted, position: currentPosition) }
            guard let (location, _) = debuggee.current(current.invocation) else { return nil }
            if debuggee.isStopPoint(location) { return nil }
        } while true
    }

    /// One stop point forward, running a called function to its return.
    private func overNextStopPoint() -> Stop? {
        guard let current, let debuggee, let (start, depth) = debuggee.current(current.invocation) else { return nil }
        if debuggee.isTailCall(at: start) { return overTailCall() }
        guard debuggee.isCall(at: start) else { return toNextStopPoint() }
        if let stop = advanceOne() { return stop }
        guard let (_, d) = debuggee.current(current.invocation) else { return nil }
        if d > depth, let ret = debuggee.returnPoint(current.invocation, frame: 0) {
            arm(ret.location, depth: ret.depth, purpose: .step)
            let stop = runFree()
            guard stop.reason == .stepDone else { return stop }
        }
        guard let (location, _) = debuggee.current(current.invocation) else { return nil }
        return debuggee.isStopPoint(location) ? nil : toNextStopPoint()
    }

    var currentHasLineInfo: Bool {
        guard let offset = currentPosition?.position.fileOffset else { return sourceMap != nil }
        return hasLineInfo(atFileOffset: offset)
    }

    /// Steps until the source line or the frame changes, as gdb's `step`/`next`: code without
    /// a line (DWARF line 0) is stepped through; `step` into a function without line
    /// information (libc built without -g) runs it to its return instead of stopping in it,
    /// and into one with line information stops at its first line after the prologue.
    private func byLine(over: Bool) -> Stop? {
        guard let current, let debuggee, let (start, depth) = debuggee.current(current.invocation) else { return nil }
        let startLine = line(of: start)
        while true {
            if let stop = over ? overNextStopPoint() : toNextStopPoint() { return stop }
            guard let (location, d) = debuggee.current(current.invocation) else { return nil }
            if d < depth { return nil }  // returned into the caller: stop there, as gdb
            if d > depth {
                // Stepped into a call (`step`): stay only where there is line information.
                guard let offset = debuggee.position(of: location)?.fileOffset, hasLineInfo(atFileOffset: offset) else {
                    if let stop = stepOutOfCallee(depth: d) { return stop }
                    continue
                }
                if let stop = toFirstLine(depth: d) { return stop }
                return nil
            }
            guard let here = line(of: location) else { continue }  // line 0: compiler glue
            if here != startLine { return nil }
        }
    }

    /// In a callee without line information: run it to its return (breakpoints inside stop).
    private func stepOutOfCallee(depth: Int) -> Stop? {
        guard let current, let debuggee, let ret = debuggee.returnPoint(current.invocation, frame: 0) else { return nil }
        arm(ret.location, depth: ret.depth, purpose: .step)
        let stop = runFree()
        return stop.reason == .stepDone ? nil : stop
    }

    /// Just entered a function with line information: on to its first line after the
    /// prologue (where `break FUNC` would stop).
    private func toFirstLine(depth: Int) -> Stop? {
        guard let current, let debuggee, let (location, _) = debuggee.current(current.invocation),
              let offset = debuggee.position(of: location)?.fileOffset else { return nil }
        if sourceMap != nil { return nil }
        guard let function = debugInfo?.function(containing: offset), function.prologueEnd > offset else { return nil }
        while true {
            if let stop = toNextStopPoint() { return stop }
            guard let (here, d) = debuggee.current(current.invocation) else { return nil }
            if d != depth { return nil }
            if let at = debuggee.position(of: here)?.fileOffset, at >= function.prologueEnd { return nil }
        }
    }

    /// Runs freely until something stops the guest.
    func runFree() -> Stop {
        let stop = runFreeLoop()
        disarmStepTargets()
        return stop
    }

    private func runFreeLoop() -> Stop {
        while true {
            guard let current, let debuggee else { return Stop(reason: .stepDone, position: nil) }
            let event = debuggee.run(current.invocation)
            switch event {
            case .breakpoint:
                if let stop = decideBreakpoint() { return stop }
                if let stop = advanceOne() { return stop }
            case .watch, .hostCall, .stepped:
                if let stop = advanceOne() { return stop }
            case .exceptionThrown:
                // Reported or not, the throw goes on when the guest resumes.
                passThrow = true
                if let stop = exceptionStop(caught: false) { return stop }
                if let stop = advanceOne() { return stop }
            case .exceptionCaught:
                // At the handler's first stop point; a breakpoint there is reported by the next run.
                if let stop = exceptionStop(caught: true) { return stop }
            case .interrupted:
                return Stop(reason: .interrupted, position: currentPosition)
            case .finished, .trapped:
                return ended(event)
            }
        }
    }

    /// At a breakpoint patch: a user breakpoint whose condition holds, or the target of a
    /// step/finish at the right depth, stops; anything else runs on.
    private func decideBreakpoint() -> Stop? {
        guard let current, let debuggee, let (location, depth) = debuggee.current(current.invocation) else { return nil }
        if let stop = breakpointHere() { return stop }
        // A watched local's frame returned: the watch ends and the guest stops here (a finish
        // of that same frame still reports its value).
        let scopeEnded = endWatchScopes(at: location, depth: depth)
        if let target = stepTargets[location], target == nil || target == depth {
            switch stepPurpose {
            case .step: return Stop(reason: .stepDone, position: currentPosition)
            case .finish(let types):
                let values = debuggee.callResults(current.invocation, returnPoint: location, types: types)
                return Stop(reason: .finished(values: values), position: currentPosition)
            }
        }
        return scopeEnded ? Stop(reason: .watchScopeEnded, position: currentPosition) : nil
    }

    /// The first enabled user breakpoint at the current location that stops (its condition
    /// holds and its ignore count is used up), counted as a hit.
    func breakpointHere() -> Stop? {
        guard let current, let debuggee, let (location, _) = debuggee.current(current.invocation) else { return nil }
        for i in breakpoints.indices {
            guard breakpoints[i].enabled, breakpoints[i].codeLocations.contains(where: { $0.location == location }) else { continue }
            if let stop = hit(i) { return stop }
        }
        return nil
    }

    /// Counts a hit of breakpoint `i` (condition, ignore count, temporary) and returns the stop.
    func hit(_ i: Int) -> Stop? {
        if let condition = breakpoints[i].parsedCondition {
            // A condition that cannot be evaluated stops, as gdb does, so the user sees why.
            if let v = try? ExpressionEvaluator(context: evaluationContext()).evaluate(condition).value,
               let truth = try? ExpressionEvaluator.truth(v), !truth {
                return nil
            }
        }
        breakpoints[i].hitCount += 1
        if breakpoints[i].ignoreCount > 0 {
            breakpoints[i].ignoreCount -= 1
            return nil
        }
        let bp = breakpoints[i]
        let reason: StopReason
        switch bp.kind {
        case .code: reason = .breakpoint(number: bp.number)
        default: reason = .breakpoint(number: bp.number)
        }
        if bp.temporary { try? delete([bp.number]) }
        return Stop(reason: reason, position: currentPosition)
    }

    /// Executes one instruction of the current call with every check a stop may need:
    /// replaying a patch, host-call catchpoints, watched values. Nil: nothing to report.
    func advanceOne() -> Stop? {
        guard let current, let debuggee, let (location, _) = debuggee.current(current.invocation) else { return nil }
        let pass = passHostCall
        passHostCall = false
        let watches = activeWatches
        let access = watches.isEmpty ? nil : debuggee.pendingAccess(current.invocation)
        let before = watches.map { watchValue(kindTarget($0)) }
        var event = debuggee.step(current.invocation, passHostCall: pass, passThrow: takePassThrow())
        if case .exceptionThrown = event {
            if let stop = exceptionStop(caught: false) {
                passThrow = true
                return stop
            }
            event = debuggee.step(current.invocation, passThrow: true)
        }
        if case .exceptionCaught = event, let stop = exceptionStop(caught: true) { return stop }
        var hostCall: String?
        var afterStop: Stop?
        var reported = pass ? caughtHostCall : nil
        caughtHostCall = nil
        if case .hostCall(let callee) = event {
            let name = importName(ofAddress: callee)
            let arguments = debuggee.pendingHostArguments(current.invocation)
            for i in breakpoints.indices {
                // A catchpoint with `after` stops only once the call has returned.
                guard breakpoints[i].enabled, case .catchpoint(let target) = breakpoints[i].kind,
                      !target.stopsAfter, catchpointMatches(target, call: name), hit(i) != nil else { continue }
                let decoded = decodeWASICall(name, arguments)
                passHostCall = true
                caughtHostCall = (callee, name, arguments, decoded)
                return Stop(reason: .catchpoint(number: breakpoints[i].number, call: name, arguments: arguments,
                                                results: nil, decoded: decoded?.callText),
                            position: currentPosition)
            }
            // Decoded only if an after-catchpoint may report this call.
            let decoded = hasAfterCatchpoint(for: name) ? decodeWASICall(name, arguments) : nil
            event = debuggee.step(current.invocation, passHostCall: true)
            reported = (callee, name, arguments, decoded)
        }
        if let (callee, name, arguments, decoded) = reported {
            hostCall = name
            if case .stepped = event {
                let types = debuggee.functionType(ofAddress: callee)?.results ?? []
                for bp in breakpoints where bp.enabled {
                    if case .catchpoint(let target) = bp.kind, case .hostCall(_, _, true) = target,
                       catchpointMatches(target, call: name), let (here, _) = debuggee.current(current.invocation) {
                        let results = debuggee.callResults(current.invocation, returnPoint: here, types: types)
                        afterStop = Stop(reason: .catchpoint(number: bp.number, call: name, arguments: arguments,
                                                             results: results,
                                                             decoded: decodedReturn(decoded, results: results)),
                                         position: currentPosition)
                        break
                    }
                }
            }
        }
        if !watches.isEmpty {
            let accessor: Accessor = hostCall.map { .hostCall($0) }
                ?? resolved(location, instruction: true).map { .instruction($0) } ?? .hostCall("?")
            if let stop = checkWatches(watches, before: before, access: access, accessor: accessor) { return stop }
        }
        if let afterStop { return afterStop }
        switch event {
        case .finished, .trapped: return ended(event)
        default: return nil
        }
    }

    private func kindTarget(_ bp: Breakpoint) -> WatchTarget {
        if case .watch(let target, _, _) = bp.kind { return target }
        return .global(-1)
    }

    private func checkWatches(_ watches: [Breakpoint], before: [WatchValue?], access: PendingAccess?, accessor: Accessor) -> Stop? {
        // Who wrote: an instruction's write range, or any byte a host call changed (memory 0's
        // bytes: `info lastwrite ADDR` names an address of memory 0).
        if case .memory(let address, let size, true, let memory)? = access, memory == 0 {
            for bp in watches {
                guard case .watch(.memory(let range, _, memory), _, _) = bp.kind else { continue }
                for a in max(address, range.lowerBound)..<max(max(address, range.lowerBound), min(address &+ size, range.upperBound)) {
                    lastWriters[a] = accessor
                }
            }
        }
        if case .bulk(_, let writes, _, let memory)? = access, memory == 0 {
            for bp in watches {
                guard case .watch(.memory(let range, _, memory), _, _) = bp.kind else { continue }
                for w in writes where w.overlaps(range) {
                    for a in max(w.lowerBound, range.lowerBound)..<min(w.upperBound, range.upperBound) { lastWriters[a] = accessor }
                }
            }
        }
        for (k, bp) in watches.enumerated() {
            guard case .watch(let target, let kind, _) = bp.kind, let now = watchValue(target) else { continue }
            let old = before[k]
            let changed = old != now
            if changed, case .memory(let range, _, 0) = target, case .hostCall = accessor,
               case .bytes(let a)? = old.map(rawBytes), case .bytes(let b) = rawBytes(now) {
                for (j, (x, y)) in zip(a, b).enumerated() where x != y { lastWriters[range.lowerBound + UInt64(j)] = accessor }
            }
            let read = reads(access, target)
            let hitNow: Bool
            switch kind {
            case .write: hitNow = changed
            case .read: hitNow = read
            case .access: hitNow = changed || read || writes(access, target)
            }
            guard hitNow, let i = breakpoints.firstIndex(where: { $0.number == bp.number }), hit(i) != nil else { continue }
            let reportOld: WatchValue? = kind == .read && !changed ? nil : old
            return Stop(reason: .watchpoint(number: bp.number, old: reportOld, new: now, accessor: accessor), position: currentPosition)
        }
        return nil
    }

    private func rawBytes(_ v: WatchValue) -> WatchValue {
        if case .value(let value) = v {
            let view: MemoryView
            switch value.type {
            case .i64: view = .i64
            case .f32: view = .f32
            case .f64: view = .f64
            default: view = .i32
            }
            return .bytes(view.bytes(value))
        }
        return v
    }

    /// [a, a + size), clamped at 2^64 (a memory64 access may wrap: it traps, it must not crash).
    private func accessRange(_ a: UInt64, _ size: UInt64) -> Range<UInt64> {
        let (end, overflow) = a.addingReportingOverflow(size)
        return a..<(overflow ? .max : end)
    }

    private func reads(_ access: PendingAccess?, _ target: WatchTarget) -> Bool {
        switch (access, target) {
        case (.memory(let a, let size, false, let m)?, .memory(let range, _, let watched)):
            return m == watched && accessRange(a, size).overlaps(range)
        case (.bulk(let reads, _, let m, _)?, .memory(let range, _, let watched)):
            return m == watched && reads.contains { $0.overlaps(range) }
        case (.global(let g, false)?, .global(let w)): return Int(g) == w
        default: return false
        }
    }

    private func writes(_ access: PendingAccess?, _ target: WatchTarget) -> Bool {
        switch (access, target) {
        case (.memory(let a, let size, true, let m)?, .memory(let range, _, let watched)):
            return m == watched && accessRange(a, size).overlaps(range)
        case (.bulk(_, let writes, _, let m)?, .memory(let range, _, let watched)):
            return m == watched && writes.contains { $0.overlaps(range) }
        case (.global(let g, true)?, .global(let w)): return Int(g) == w
        default: return false
        }
    }

    /// The end of the current call: its values, an exit, or a trap (frames kept to inspect).
    func ended(_ event: DebugEvent) -> Stop {
        guard let finished = active.popLast() else { return Stop(reason: .stepDone, position: nil) }
        selectedFrame = 0
        disarmStepTargets()
        passHostCall = false
        passThrow = false
        switch event {
        case .finished(let values):
            // A command's _start returned: the program is over, so the descriptors it opened
            // are closed now, not at the next run (proc_exit closes them itself).
            if finished.isStart { wasiHost?.close() }
            return Stop(reason: finished.isStart ? .exited(code: 0) : .returned(values: values), position: nil)
        case .trapped(let trap):
            if let code = exitCode?(trap) {
                active.removeAll()
                return Stop(reason: .exited(code: code), position: nil)
            }
            trappedInvocation = finished.invocation
            let position = debuggee?.frames(finished.invocation).first.flatMap { f in
                resolved(CodeLocation(function: f.functionAddress, codeIndex: f.codeIndex), instruction: true)
            }
            if let bp = breakpoints.first(where: { $0.enabled && $0.kind == .catchpoint(.trap) }),
               let i = breakpoints.firstIndex(where: { $0.number == bp.number }) {
                breakpoints[i].hitCount += 1
                return Stop(reason: .trapCaught(number: bp.number, trap: trap), position: position)
            }
            return Stop(reason: .trapped(trap), position: position)
        default:
            return Stop(reason: .stepDone, position: nil)
        }
    }
}
