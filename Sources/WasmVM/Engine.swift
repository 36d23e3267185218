import WasmCore

// Entering and leaving the run loop: invocations from the host, and the stepping interface.

extension Store {
    /// Sets up the registers for a call of Wasm function `address` with `arguments` (already
    /// checked against its type) at the top of the value stack.
    func prepare(_ address: UInt32, _ arguments: [Value]) -> Result<Registers, Trap> {
        let ex = execution
        if let error = ensureCompiled(address) { return .failure(Trap(.invalidCode(error.message))) }
        let entry = entries[Int(address)]
        let base = ex.stackTop
        guard let code = entry.code, let context = entry.context else {
            return .failure(Trap(.invalidCode("function \(address) has no code")))
        }
        guard ex.depth < ex.maxDepth, ex.stackEnd - base > Int(entry.frameSize) + 2 * arguments.count else {
            return .failure(Trap(.callStackExhausted))
        }
        var p = base
        for v in arguments {
            v.store(to: p)
            p += v.type.slotCount
        }
        let params = Int(entry.paramSlots)
        (base + params).update(repeating: 0, count: Int(entry.localsEnd) - params)
        var r = Registers(pc: code, fp: base, code: code, function: address, context: context,
                          memBase: nil, memSize: 0, depth: ex.depth, entryDepth: ex.depth, entries: entries)
        Interpreter.reloadMemory(&r)
        return .success(r)
    }

    /// The results of a finished invocation, read from the entry frame.
    func results(of address: UInt32, _ r: Registers) -> [Value] {
        var values: [Value] = []
        var p = r.fp
        let module = self.module(ofFunction: address)
        for t in functions[Int(address)].type.results {
            values.append(loadValue(t, from: p, module: module))
            p += t.slotCount
        }
        return values
    }

    /// The trap that stopped `r`, with its backtrace.
    func takeTrap(_ r: Registers) -> Trap {
        let ex = execution
        let kind = ex.trap == .detailed ? (ex.trapDetail ?? .host("unknown trap")) : (ex.trap.kind ?? .unreachable)
        ex.trap = .none
        ex.trapDetail = nil
        let (frames, omitted) = backtrace(r, trapped: true)
        var trap = Trap(kind, backtrace: frames)
        trap.omittedFrameCount = omitted
        return trap
    }

    /// Calls function `address` (Wasm or host) to completion.
    func invoke(_ address: UInt32, _ arguments: [Value]) throws(Trap) -> [Value] {
        guard Int(address) < functions.count else { throw Trap(.host("unknown function address \(address)")) }
        let type = functions[Int(address)].type
        guard arguments.count == type.params.count,
              zip(arguments, type.params).allSatisfy({ value($0, matches: $1, module: module(ofFunction: address)) }) else {
            throw Trap(.host("arguments \(arguments.map(\.type)) do not match the parameters \(type.params)"))
        }
        if case .host = functions[Int(address)].kind {
            let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: max(2 * (type.params.count + type.results.count), 1))
            defer { slots.deallocate() }
            var p = slots
            for v in arguments {
                v.store(to: p)
                p += v.type.slotCount
            }
            switch callHostFunction(address, arguments: slots, caller: Caller(store: self, instanceIndex: nil)) {
            case .success:
                var results: [Value] = []
                p = slots
                for t in type.results {
                    results.append(loadValue(t, from: p, module: nil))
                    p += t.slotCount
                }
                return results
            case .failure(let kind): throw Trap(kind)
            }
        }
        var r: Registers
        switch prepare(address, arguments) {
        case .success(let registers): r = registers
        case .failure(let trap): throw trap
        }
        switch Interpreter.runPastDebugStops(&r, self, execution) {
        case .finished: return results(of: address, r)
        default: throw takeTrap(r)
        }
    }
}

/// A call in progress that the host drives one internal instruction at a time (the debugger's
/// view of the engine). While it is suspended, other calls in the same runtime run above its
/// frames; suspended invocations must be finished in the reverse order of their creation.
public final class Invocation {
    public enum State: Hashable, Sendable {
        case running
        case finished([Value])
        case trapped(Trap)
    }

    let store: Store
    let function: UInt32
    var registers: Registers?
    public private(set) var state: State
    /// The stack top and depth before this invocation, restored when it ends.
    private let savedTop: UnsafeMutablePointer<UInt64>
    private let savedDepth: Int

    init(store: Store, function: UInt32, arguments: [Value]) {
        self.store = store
        self.function = function
        // An invocation is the debugger's view: its frames show every local at every stop,
        // also before the program writes it (Store.enterDebugging).
        store.enterDebugging()
        savedTop = store.execution.stackTop
        savedDepth = store.execution.depth
        guard store.functions.indices.contains(Int(function)),
              arguments.count == store.functions[Int(function)].type.params.count,
              zip(arguments, store.functions[Int(function)].type.params).allSatisfy({
                  store.value($0, matches: $1, module: store.module(ofFunction: function))
              }) else {
            registers = nil
            state = .trapped(Trap(.host("the arguments do not match the function's parameters")))
            return
        }
        switch store.prepare(function, arguments) {
        case .success(let r):
            registers = r
            state = .running
            reserve(r)
        case .failure(let trap):
            registers = nil
            state = .trapped(trap)
        }
    }

    deinit {
        // A suspended invocation dropped without finishing: its frames are no longer roots.
        store.execution.suspendedRuns[ObjectIdentifier(self)] = nil
    }

    /// Moves the runtime's free stack above this invocation's frames while it is suspended.
    private func reserve(_ r: Registers) {
        let ex = store.execution
        ex.stackTop = r.fp + Int(r.entries[Int(r.function)].frameSize)
        ex.depth = r.depth + 1
    }

    /// Executes one internal instruction; returns the new state.
    @discardableResult
    public func step() -> State {
        guard case .running = state, var r = registers else { return state }
        let status = Interpreter.step(&r, store, store.execution)
        registers = r
        finish(status, r)
        return state
    }

    /// Gives up a suspended call (the host stopped it and will not resume it: Ctrl-C on a call
    /// the prompt runs beside the debug session). Its frames are dropped and the runtime's stack
    /// goes back to where it was before the call, so later calls do not run above dead frames.
    /// Only the innermost suspended invocation of a runtime may be abandoned.
    public func abandon(_ trap: Trap) {
        guard case .running = state else { return }
        registers = nil
        state = .trapped(trap)
        store.execution.suspendedRuns[ObjectIdentifier(self)] = nil
        store.execution.stackTop = savedTop
        store.execution.depth = savedDepth
    }

    /// Runs to completion (or a trap).
    @discardableResult
    public func run() -> State {
        guard case .running = state, var r = registers else { return state }
        let status = Interpreter.run(&r, store, store.execution)
        registers = r
        finish(status, r)
        return state
    }

    func finish(_ status: Status, _ r: Registers) {
        switch status {
        case .running, .breakpoint, .interrupted, .watch, .hostCall, .exceptionThrown, .exceptionCaught:
            reserve(r)
            store.execution.suspendedRuns[ObjectIdentifier(self)] = r
            return
        case .finished: state = .finished(store.results(of: function, r))
        case .trapped: state = .trapped(store.takeTrap(r))
        }
        store.execution.suspendedRuns[ObjectIdentifier(self)] = nil
        store.execution.stackTop = savedTop
        store.execution.depth = savedDepth
    }

    /// The frames at the current stop, innermost first (also after a trap: the frames stay).
    public var frames: [FrameState] {
        guard let r = registers else { return [] }
        if case .finished = state { return [] }
        if case .trapped = state { return store.frameStates(r, trapped: true) }
        return store.frameStates(r, trapped: false)
    }
}
