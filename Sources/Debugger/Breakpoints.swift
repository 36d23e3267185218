import WasmCore
import WASI
import WasmVM

// Breakpoints, watchpoints and catchpoints: one numbering, as gdb.

extension DebugSession {
    /// `break LOC [if COND]` / `tbreak LOC`: reports where it landed.
    @discardableResult
    public func setBreakpoint(_ spec: String, condition: String? = nil, temporary: Bool = false) throws -> Breakpoint {
        let positions = try resolveLocations(spec)
        guard let position = positions.first else { throw DebuggerError("no location \"\(spec)\"") }
        var bp = Breakpoint(number: nextBreakpointNumber, kind: .code(position))
        bp.otherLocations = Array(positions.dropFirst())
        bp.location = spec
        bp.temporary = temporary
        if let condition { try setCondition(&bp, condition) }
        nextBreakpointNumber += 1
        for p in positions { debuggee?.armBreakpoint(p.location) }
        breakpoints.append(bp)
        return bp
    }

    func setCondition(_ bp: inout Breakpoint, _ text: String?) throws {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            bp.condition = nil
            bp.parsedCondition = nil
            return
        }
        bp.parsedCondition = try ExpressionParser.parse(text)
        bp.condition = text
    }

    func index(ofBreakpoint number: Int) throws -> Int {
        guard let i = breakpoints.firstIndex(where: { $0.number == number }) else {
            throw DebuggerError("No breakpoint number \(number).")
        }
        return i
    }

    public func breakpoint(_ number: Int) -> Breakpoint? { breakpoints.first { $0.number == number } }

    /// `condition N [EXPR]` (no expression: unconditional).
    public func setCondition(_ number: Int, _ expression: String?) throws {
        let i = try index(ofBreakpoint: number)
        try setCondition(&breakpoints[i], expression)
    }

    /// `ignore N COUNT`.
    public func ignore(_ number: Int, count: Int) throws {
        let i = try index(ofBreakpoint: number)
        breakpoints[i].ignoreCount = max(0, count)
    }

    public func enable(_ numbers: [Int]) throws { try setEnabled(numbers, true) }
    public func disable(_ numbers: [Int]) throws { try setEnabled(numbers, false) }

    private func setEnabled(_ numbers: [Int], _ on: Bool) throws {
        let targets = numbers.isEmpty ? breakpoints.map(\.number) : numbers
        for n in targets {
            let i = try index(ofBreakpoint: n)
            guard breakpoints[i].enabled != on else { continue }
            breakpoints[i].enabled = on
            for p in breakpoints[i].codeLocations {
                if on { debuggee?.armBreakpoint(p.location) } else { debuggee?.disarmBreakpoint(p.location) }
            }
        }
        refreshWatches()
        refreshHostFilter()
    }

    /// `delete [N…]` (none: all).
    public func delete(_ numbers: [Int] = []) throws {
        let targets = numbers.isEmpty ? breakpoints.map(\.number) : numbers
        for n in targets {
            let i = try index(ofBreakpoint: n)
            if breakpoints[i].enabled { for p in breakpoints[i].codeLocations { debuggee?.disarmBreakpoint(p.location) } }
            if let scope = breakpoints[i].scope { debuggee?.disarmBreakpoint(scope.returnPoint) }
            breakpoints.remove(at: i)
        }
        refreshWatches()
        refreshHostFilter()
    }

    // MARK: watchpoints

    /// `watch EXPR [if COND]`, `rwatch`, `awatch`: EXPR is `mem.T[ADDR]`, `mem[A..B]`,
    /// `$global` or `global[N]`.
    @discardableResult
    public func watch(_ expression: String, kind: WatchKind = .write, condition: String? = nil) throws -> Breakpoint {
        let target = try watchTarget(expression)
        var bp = Breakpoint(number: nextBreakpointNumber, kind: .watch(target, kind, expression: expression))
        if let condition { try setCondition(&bp, condition) }
        nextBreakpointNumber += 1
        breakpoints.append(bp)
        refreshWatches()
        refreshHostFilter()
        return bp
    }

    /// Ties watchpoint `number` to the Wasm frame `level` (0: innermost) of the stopped call,
    /// as gdb ties a watch on a local to its frame: when that frame returns, the watchpoint is
    /// deleted and the guest stops in the caller, right after the call. Nothing happens for
    /// the outermost frame (it returns only when the program ends).
    public func scopeWatch(_ number: Int, toFrame level: Int) throws {
        let i = try index(ofBreakpoint: number)
        guard let current, let debuggee, breakpoints[i].scope == nil,
              let ret = debuggee.returnPoint(current.invocation, frame: level) else { return }
        debuggee.armBreakpoint(ret.location)
        breakpoints[i].scope = WatchScope(returnPoint: ret.location, depth: ret.depth)
    }

    /// The watchpoints deleted because their frame returned, since the last call (oldest first).
    public func takeEndedWatchScopes() -> [Int] {
        defer { endedWatchScopes.removeAll() }
        return endedWatchScopes
    }

    /// At a breakpoint patch: deletes the scoped watchpoints whose frame just returned here.
    /// True when there was one.
    func endWatchScopes(at location: CodeLocation, depth: Int) -> Bool {
        let ended = breakpoints.filter { $0.scope?.returnPoint == location && $0.scope?.depth == depth }.map(\.number)
        guard !ended.isEmpty else { return false }
        try? delete(ended)
        endedWatchScopes += ended
        return true
    }

    private func watchTarget(_ text: String) throws -> WatchTarget {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let (memory, inner) = memoryRangeText(t) {
            let parts = String(inner).components(separatedBy: "..")
            guard parts.count == 2, let lo = DebugSession.parseNumber(parts[0]), let hi = DebugSession.parseNumber(parts[1]), lo < hi else {
                throw DebuggerError("bad range \"\(t)\"; use mem[0x64..0x68]")
            }
            return .memory(UInt64(lo)..<UInt64(hi), view: nil, memory: try memory.map(resolveMemory) ?? 0)
        }
        let e = try ExpressionParser.parse(t)
        switch e {
        case .memory(let view, let address, let selector):
            let evaluator = ExpressionEvaluator(context: evaluationContext())
            let memory = try evaluator.memoryIndex(selector)
            guard instance?.memory(at: memory) != nil else { throw DebuggerError("no memory \(memory)") }
            let a = try ExpressionEvaluator.address(try evaluator.evaluate(address).value)
            return .memory(a..<(a &+ UInt64(view.byteCount)), view: view, memory: memory)
        case .global(let g):
            guard debuggee?.global(g) != nil else { throw DebuggerError("no global \(g)") }
            return .global(g)
        case .name(let name):
            if let g = globalIndex(named: name) { return .global(g) }
            if localIndex(named: name) != nil {
                throw DebuggerError("watching a local is not supported (locals change at any instruction); watch memory or a global")
            }
            throw DebuggerError("no global named \"$\(name)\"")
        case .local:
            throw DebuggerError("watching a local is not supported (locals change at any instruction); watch memory or a global")
        default:
            throw DebuggerError("cannot watch \"\(t)\"; use mem.i32[ADDR], mem[A..B], $global or global[N]")
        }
    }

    /// `mem[A..B]`, `memN[A..B]`, `$name[A..B]`: the memory (nil: memory 0) and `A..B`.
    private func memoryRangeText(_ t: String) -> (memory: MemorySelector?, inner: Substring)? {
        guard t.hasSuffix("]"), t.contains(".."), let open = t.firstIndex(of: "[") else { return nil }
        let head = t[..<open], inner = t[t.index(after: open)..<t.index(before: t.endIndex)]
        if head == "mem" { return (nil, inner) }
        if head.hasPrefix("mem"), let n = UInt32(head.dropFirst(3)) { return (.index(n), inner) }
        if head.hasPrefix("$"), head.count > 1 { return (.name(String(head.dropFirst())), inner) }
        return nil
    }

    private func resolveMemory(_ selector: MemorySelector) throws -> UInt32 {
        let memory = try ExpressionEvaluator(context: evaluationContext()).memoryIndex(selector)
        guard instance?.memory(at: memory) != nil else { throw DebuggerError("no memory \(memory)") }
        return memory
    }

    var activeWatches: [Breakpoint] {
        breakpoints.filter { bp in
            if bp.enabled, case .watch = bp.kind { return true }
            return false
        }
    }

    /// Patches the accesses the enabled watchpoints need, and nothing else.
    func refreshWatches() {
        guard let debuggee else { return }
        var low = UInt64.max, high = UInt64(0)
        var memoryReads = false, globals: Set<UInt32> = [], globalReads = false
        var memories: Set<UInt32> = []
        for bp in activeWatches {
            guard case .watch(let target, let kind, _) = bp.kind else { continue }
            switch target {
            case .memory(let range, _, let memory):
                memories.insert(memory)
                // The run loop's range check covers memory 0's register-form accesses.
                if memory == 0 {
                    low = min(low, range.lowerBound)
                    high = max(high, range.upperBound)
                }
                if kind != .write { memoryReads = true }
            case .global(let g):
                globals.insert(UInt32(g))
                if kind != .write { globalReads = true }
            }
        }
        debuggee.configureWatches(memory: low < high ? low..<high : nil, memoryReads: memoryReads,
                                  globals: globals, globalReads: globalReads, memories: memories)
    }

    /// The watched value now.
    func watchValue(_ target: WatchTarget) -> WatchValue? {
        switch target {
        case .memory(let range, let view, let index):
            guard let memory = instance?.memory(at: index),
                  let bytes = try? memory.read(at: range.lowerBound, count: Int(range.upperBound - range.lowerBound)) else { return nil }
            if let view { return .value(view.value(bytes)) }
            return .bytes(bytes)
        case .global(let g):
            return debuggee?.global(g).map { .value($0) }
        }
    }

    /// `info lastwrite ADDR`: the instruction or host call that last wrote a watched byte.
    public func lastWrite(_ address: UInt64) -> Accessor? { lastWriters[address] }

    // MARK: catchpoints

    /// `catch wasi [NAME|GROUP…] [if EXPR]`, `catch call IMPORT`: stops before matching host
    /// calls (and after them when `after`). Empty `names`: every host call.
    @discardableResult
    public func catchHostCalls(_ names: [String] = [], after: Bool = false, condition: String? = nil) throws -> Breakpoint {
        let groups = Set(WASIFunction.allCases.map { $0.group.rawValue })
        var nameSet: Set<String> = [], groupSet: Set<String> = []
        for n in names {
            if groups.contains(n) { groupSet.insert(n) } else { nameSet.insert(n) }
        }
        var bp = Breakpoint(number: nextBreakpointNumber, kind: .catchpoint(.hostCall(names: nameSet, groups: groupSet, after: after)))
        if let condition { try setCondition(&bp, condition) }
        nextBreakpointNumber += 1
        breakpoints.append(bp)
        refreshHostFilter()
        return bp
    }

    /// `catch trap`: a trap is reported as this catchpoint (with the frames kept).
    @discardableResult
    public func catchTraps() -> Breakpoint {
        let bp = Breakpoint(number: nextBreakpointNumber, kind: .catchpoint(.trap))
        nextBreakpointNumber += 1
        breakpoints.append(bp)
        return bp
    }

    /// The import name of a host function address: `fd_write` for WASI, `module.name` else.
    func importName(ofAddress address: UInt32) -> String {
        guard let module, let debuggee else { return "?" }
        let addresses = debuggee.functionAddresses
        if let k = addresses.firstIndex(of: address), k < module.importedFunctionCount {
            var n = 0
            for imp in module.imports where imp.descriptor.kind == .function {
                if n == k { return imp.module.hasPrefix("wasi_") ? imp.name : "\(imp.module).\(imp.name)" }
                n += 1
            }
        }
        return debuggee.hostName(ofAddress: address) ?? "host function \(address)"
    }

    func catchpointMatches(_ target: CatchTarget, call name: String) -> Bool {
        guard case .hostCall(let names, let groups, _) = target else { return false }
        if names.isEmpty && groups.isEmpty { return true }
        let bare = name.split(separator: ".").last.map(String.init) ?? name
        if names.contains(name) || names.contains(bare) { return true }
        if let f = WASIFunction(name: bare), groups.contains(f.group.rawValue) { return true }
        return false
    }

    /// Host calls stop before they run only while a catchpoint or a memory watchpoint needs it.
    func refreshHostFilter() {
        guard let debuggee else { return }
        let catching = breakpoints.contains { bp in
            if bp.enabled, case .catchpoint(.hostCall) = bp.kind { return true }
            return false
        }
        let watchingMemory = activeWatches.contains { bp in
            if case .watch(.memory, _, _) = bp.kind { return true }
            return false
        }
        debuggee.setHostCallFilter(catching || watchingMemory ? { _ in true } : nil)
        // (Every change of the catchpoints comes here: the exception stops follow them too.)
        refreshExceptionStops()
    }
}

extension String {
    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let r = rest.range(of: separator) {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

extension Substring {
    func range(of needle: String) -> Range<Substring.Index>? {
        let n = Array(needle)
        guard !n.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < n.count, j < endIndex, self[j] == n[k] { j = index(after: j); k += 1 }
            if k == n.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}
