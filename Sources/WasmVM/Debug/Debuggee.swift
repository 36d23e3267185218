#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

/// An instruction in compiled code: a function (by store address) and a code index there.
public struct CodeLocation: Hashable, Sendable {
    public var function: UInt32
    public var codeIndex: Int
    public init(function: UInt32, codeIndex: Int) {
        self.function = function
        self.codeIndex = codeIndex
    }
}

/// A stop point of a compiled function: where its instruction starts in the code, and the
/// module file offset of the Wasm instruction it begins.
public struct StopPoint: Hashable, Sendable {
    public var codeIndex: Int
    public var fileOffset: UInt32
    /// Offset of the last Wasm instruction the stop point's run executes (equal to
    /// `fileOffset` unless instructions were folded into it).
    public var runEnd: UInt32

    public init(codeIndex: Int, fileOffset: UInt32, runEnd: UInt32? = nil) {
        self.codeIndex = codeIndex
        self.fileOffset = fileOffset
        self.runEnd = runEnd ?? fileOffset
    }

    /// Whether the run executes the instruction at `offset`.
    public func covers(_ offset: UInt32) -> Bool { fileOffset <= offset && offset <= runEnd }
}

/// Why a debug run or step came back.
public enum DebugEvent: Hashable, Sendable {
    /// One instruction ran; the guest is still running.
    case stepped
    case finished([Value])
    case trapped(Trap)
    /// Stopped before an instruction patched with a breakpoint.
    case breakpoint
    /// Stopped by `interrupt()` at a loop header, function entry or return from a call.
    case interrupted
    /// Stopped before an access that may touch a watched range or global.
    case watch
    /// Stopped before a call of host function `function` that the host-call filter selected.
    case hostCall(function: UInt32)
    /// Stopped before a throw (`setExceptionStops(atThrow:)`); the throw has not run.
    case exceptionThrown
    /// Stopped at the handler an exception was just delivered to (`setExceptionStops(atCatch:)`).
    case exceptionCaught
}

/// A memory or global access about to happen (at a `.watch` stop).
public enum PendingAccess: Hashable, Sendable {
    /// A load or store of `size` bytes at `address` of memory `memory` (0 unless multi-memory).
    case memory(address: UInt64, size: UInt64, isWrite: Bool, memory: UInt32 = 0)
    /// A bulk operation: the ranges it reads (in memory `readMemory`) and writes (in
    /// `writeMemory`).
    case bulk(reads: [Range<UInt64>], writes: [Range<UInt64>], readMemory: UInt32 = 0, writeMemory: UInt32 = 0)
    case global(index: UInt32, isWrite: Bool)
}

/// One frame of a stopped invocation, innermost first.
public struct DebugFrame: Hashable, Sendable {
    /// 0 for the innermost frame.
    public var level: Int
    public var functionAddress: UInt32
    /// Index in the module's function index space.
    public var functionIndex: UInt32
    /// The instruction about to run (innermost) or the call in progress (callers).
    public var codeIndex: Int
    public var position: CodePosition?
    public var localTypes: [ValueType]
    public var locals: [Value]
    /// Wasm operand stack, bottom first.
    public var operandStack: [Value]
    /// Saved callers below this frame (the run loop's call depth while it is innermost).
    public var depth: Int
}

/// The engine's debugging interface for one instance: stop points, patches (breakpoints,
/// watched accesses, interrupts), stepping and running with debug events, and frame access.
/// All of it is off the free-running path: a guest with nothing armed runs the plain loop.
public final class Debuggee {
    let store: Store
    let instanceIndex: Int
    public let instance: Instance
    /// Breakpoint patches per location (several users may share one: user and temporary).
    private var breakpointCounts: [CodeLocation: Int] = [:]
    private var watchedLocations: Set<CodeLocation> = []
    /// Interrupt arming, shared with the interrupting thread.
    private var lock = pthread_mutex_t()
    private var running = false
    private var interruptRequested = false
    private var armedInterrupts: [(UnsafeMutablePointer<UInt64>, UInt64)] = []
    /// Code and interrupt points of every compiled function, captured on the debugger thread.
    private var interruptTargets: [(UnsafeMutablePointer<UInt64>, [UInt32])] = []

    /// First stop points of functions not compiled yet (`entryStopPoint`): a breakpoint there
    /// is counted in `breakpointCounts` and patched in when the function is compiled.
    private var pendingEntryStops: [UInt32: StopPoint] = [:]

    /// The last watch configuration (`configureWatches`), applied to functions compiled later.
    private var watchSettings: WatchSettings?

    /// What `configureWatches` patches.
    struct WatchSettings {
        var memory: Range<UInt64>?
        var memoryReads: Bool
        var globals: Set<UInt32>
        var globalReads: Bool
        /// Memories with a watched range, by index; their `memoryOperation` accesses (any
        /// memory but a 32-bit memory 0) are all patched and checked in Swift.
        var memories: Set<UInt32>
    }

    /// Compiles lazily, as a free run does: a function is compiled on its first call (or when
    /// a breakpoint asks for its stop points), and the debugger's patches are applied as it
    /// is made: interrupt points registered (and armed if an interrupt is pending), watched
    /// accesses switched to their checking variant. Opening a module of 100,000 functions then
    /// costs what `wdb run` costs, not a compilation of everything.
    public init(instance: Instance) throws {
        self.instance = instance
        store = instance.store
        instanceIndex = instance.index
        pthread_mutex_init(&lock, nil)
        // Frames show every local at every stop point: none may show a stale value.
        store.enterDebugging()
        for address in store.instances[instanceIndex].functionAddresses {
            if let compiled = store.compiled(address) { register(compiled, address: address) }
        }
        store.compileObservers[ObjectIdentifier(self)] = { [weak self] address, compiled in self?.register(compiled, address: address) }
    }

    deinit {
        store.compileObservers[ObjectIdentifier(self)] = nil
        pthread_mutex_destroy(&lock)
    }

    /// A function of this instance just compiled (or compiled before the debuggee existed).
    private func register(_ compiled: CompiledFunction, address: UInt32) {
        guard Int(address) < store.functions.count, case .wasm(let i, _) = store.functions[Int(address)].kind,
              i == instanceIndex else { return }
        let points = Debuggee.interruptPoints(of: compiled)
        pthread_mutex_lock(&lock)
        interruptTargets.append((compiled.code, points))
        // An interrupt armed now must cover code that appears while it is pending.
        if !armedInterrupts.isEmpty {
            for p in points {
                let slot = compiled.code + Int(p)
                let word = slot.pointee
                armedInterrupts.append((slot, word))
                slot.pointee = CodeWord.patched(word, with: .interrupt)
            }
        }
        pthread_mutex_unlock(&lock)
        if let settings = watchSettings {
            let wanted = watchedLocations(in: compiled, address: address, settings: settings)
            watchedLocations.formUnion(wanted)
            for location in wanted { refresh(location) }
        }
        // Breakpoints set on the function's name before it ran (armBreakpoint did not compile it).
        if pendingEntryStops.removeValue(forKey: address) != nil {
            for location in breakpointCounts.keys where location.function == address { refresh(location) }
        }
    }

    /// Where an interrupt may stop a function: its entry and loop headers (so a running loop
    /// stops within one iteration), and the stop point after each call (so an interrupt that
    /// arrives while a host call blocks, in `fd_read` or a sleep, stops as soon as it returns).
    private static func interruptPoints(of compiled: CompiledFunction) -> [UInt32] {
        var points = Set(compiled.interruptPoints)
        let stops = compiled.stopCodeIndex
        for (k, index) in stops.enumerated() where k + 1 < stops.count {
            if InternalOp.of(compiled.code[Int(index)])?.isReturningCall == true {
                points.insert(stops[k + 1])
            }
        }
        return points.sorted()
    }

    // MARK: functions and stop points

    public var functionAddresses: [UInt32] { store.instances[instanceIndex].functionAddresses }

    /// Function index (in the module's index space) of a store address, if it belongs here.
    public func functionIndex(ofAddress address: UInt32) -> UInt32? {
        guard Int(address) < store.functions.count,
              case .wasm(let i, let index) = store.functions[Int(address)].kind, i == instanceIndex else {
            if let k = functionAddresses.firstIndex(of: address) { return UInt32(k) }
            return nil
        }
        return index
    }

    public func functionAddress(ofIndex index: UInt32) -> UInt32? {
        let all = functionAddresses
        return Int(index) < all.count ? all[Int(index)] : nil
    }

    /// The import name of a host function address (`wasi_snapshot_preview1.fd_write` style
    /// names are the host's `name`).
    public func hostName(ofAddress address: UInt32) -> String? {
        guard Int(address) < store.functions.count, case .host(_, let name) = store.functions[Int(address)].kind else {
            return nil
        }
        return name
    }

    public func functionType(ofAddress address: UInt32) -> FuncType? {
        Int(address) < store.functions.count ? store.functions[Int(address)].type : nil
    }

    public func stopPoints(ofFunction address: UInt32) -> [StopPoint] {
        // Asking where a function can stop compiles it (a breakpoint is about to go there).
        if store.compiled(address) == nil { _ = store.ensureCompiled(address) }
        guard let c = store.compiled(address) else { return [] }
        return c.stopCodeIndex.indices.map {
            StopPoint(codeIndex: Int(c.stopCodeIndex[$0]), fileOffset: c.stopFileOffset[$0], runEnd: c.stopRunEnd[$0])
        }
    }

    /// The first stop point of a function (where a breakpoint on its name goes). Unlike
    /// `stopPoints(ofFunction:)` this does not compile a function that has not run yet: only
    /// its first instructions are translated (setting breakpoints in ten large library
    /// functions cost 3.5 M instructions of compilation; Docs/performance.md).
    public func entryStopPoint(ofFunction address: UInt32) -> StopPoint? {
        if store.compiled(address) == nil, let known = pendingEntryStops[address] { return known }
        guard functionIndex(ofAddress: address) != nil, let stop = store.entryStopPoint(address) else { return nil }
        if store.compiled(address) == nil { pendingEntryStops[address] = stop }
        return stop
    }

    /// The stop point that begins at a location (compiled, or the known entry of a function
    /// not compiled yet).
    public func stopPoint(at location: CodeLocation) -> StopPoint? {
        guard let c = store.compiled(location.function) else {
            return pendingEntryStops[location.function].flatMap { $0.codeIndex == location.codeIndex ? $0 : nil }
        }
        guard let k = c.stopPoint(at: location.codeIndex) else { return nil }
        return StopPoint(codeIndex: Int(c.stopCodeIndex[k]), fileOffset: c.stopFileOffset[k], runEnd: c.stopRunEnd[k])
    }

    public func isStopPoint(_ location: CodeLocation) -> Bool {
        if store.compiled(location.function) == nil { return stopPoint(at: location) != nil }
        return store.compiled(location.function)?.stopPoint(at: location.codeIndex) != nil
    }

    /// The Wasm position of a location (the stop point containing it).
    public func position(of location: CodeLocation) -> CodePosition? {
        if store.compiled(location.function) == nil, let stop = stopPoint(at: location),
           let index = functionIndex(ofAddress: location.function) {
            return CodePosition(functionIndex: index, fileOffset: stop.fileOffset)
        }
        return store.position(function: location.function, codeIndex: location.codeIndex)
    }

    /// The position of the instruction that executes at a location: inside a folded run, a
    /// memory access or division reports its own offset rather than the run's start (for traps
    /// and watchpoint accessors).
    public func instructionPosition(of location: CodeLocation) -> CodePosition? {
        store.position(function: location.function, codeIndex: location.codeIndex, trapped: true)
    }

    /// The operation at a location, as an `Opcode` when it is one (a register form gives its
    /// Wasm operation; nil for internal operations).
    public func opcode(at location: CodeLocation) -> Opcode? {
        guard let word = word(at: location) else { return nil }
        let raw = CodeWord.original(word)
        if let (op, _) = RegisterOperation.decode(raw) { return op }
        return raw < InternalOp.base ? Opcode(rawValue: raw) : nil
    }

    /// Whether the instruction at a location is a call (direct or indirect) that returns to
    /// the next instruction (the operations Scripts/internal-ops.txt flags `call` but not `tail`).
    public func isCall(at location: CodeLocation) -> Bool {
        guard let word = word(at: location) else { return false }
        return InternalOp.of(word)?.isReturningCall == true
    }

    /// The callee of a direct call at a location.
    public func directCallee(at location: CodeLocation) -> UInt32? {
        guard let word = word(at: location), let op = InternalOp.of(word), op.isReturningCall,
              let c = store.compiled(location.function), location.codeIndex + 1 < c.codeCount,
              case .direct(let callee)? = CallTarget(op, at: c.code + location.codeIndex) else { return nil }
        return callee
    }

    private func word(at location: CodeLocation) -> UInt64? {
        guard let c = store.compiled(location.function), location.codeIndex >= 0,
              location.codeIndex < c.codeCount else { return nil }
        return c.code[location.codeIndex]
    }

    // MARK: patches

    /// Arms a breakpoint patch at a stop point (reference counted). False if not a stop point.
    @discardableResult
    public func armBreakpoint(_ location: CodeLocation) -> Bool {
        // A breakpoint at the entry of a function not called yet waits for its compilation
        // (`register` patches it in); anywhere else in such a function compiles it now.
        if store.compiled(location.function) == nil && stopPoint(at: location) == nil {
            _ = store.ensureCompiled(location.function)
        }
        guard isStopPoint(location) else { return false }
        breakpointCounts[location, default: 0] += 1
        refresh(location)
        return true
    }

    public func disarmBreakpoint(_ location: CodeLocation) {
        guard let n = breakpointCounts[location] else { return }
        if n <= 1 { breakpointCounts[location] = nil } else { breakpointCounts[location] = n - 1 }
        refresh(location)
    }

    public func hasBreakpointPatch(_ location: CodeLocation) -> Bool { breakpointCounts[location] != nil }

    /// Rewrites the word at a location from the patch state (breakpoint wins over a watch).
    private func refresh(_ location: CodeLocation) {
        guard let c = store.compiled(location.function), location.codeIndex < c.codeCount else { return }
        let base = CodeWord.unpatched(c.code[location.codeIndex])
        if breakpointCounts[location] != nil {
            c.code[location.codeIndex] = CodeWord.patched(base, with: .breakpoint)
        } else if watchedLocations.contains(location) {
            c.code[location.codeIndex] = CodeWord.patched(base, with: .watchedAccess)
        } else {
            c.code[location.codeIndex] = base
        }
    }

    /// Switches the accesses that may touch watched state to their checking variant:
    /// stores (and loads when `memoryReads`) and bulk memory writes while `memory` is non-empty,
    /// and `global.set` (and `global.get` when `globalReads`) of the `globals` indices.
    /// Everything else runs unpatched. `memory` is the union of the watched byte ranges.
    /// `memories` are the memory indices that have watched ranges (multi-memory: default, memory
    /// 0 when `memory` is set); `memory` is the union of the ranges in memory 0.
    public func configureWatches(memory: Range<UInt64>?, memoryReads: Bool, globals: Set<UInt32>, globalReads: Bool,
                                 memories: Set<UInt32>? = nil) {
        let ex = store.execution
        if let memory, !memory.isEmpty {
            ex.watchLow = memory.lowerBound
            ex.watchHigh = memory.upperBound
        } else {
            ex.watchLow = 1
            ex.watchHigh = 0
        }
        let memory0 = memory.flatMap { $0.isEmpty ? nil : $0 }
        let settings = WatchSettings(memory: memory0, memoryReads: memoryReads, globals: globals, globalReads: globalReads,
                                     memories: memories ?? (memory0 == nil ? [] : [0]))
        watchSettings = settings.memory == nil && globals.isEmpty && settings.memories.isEmpty ? nil : settings
        var wanted: Set<CodeLocation> = []
        for address in functionAddresses {
            guard let c = store.compiled(address) else { continue }
            wanted.formUnion(watchedLocations(in: c, address: address, settings: settings))
        }
        let changed = wanted.symmetricDifference(watchedLocations)
        watchedLocations = wanted
        for location in changed { refresh(location) }
    }

    /// The accesses of one compiled function that a watch configuration checks.
    private func watchedLocations(in c: CompiledFunction, address: UInt32, settings: WatchSettings) -> Set<CodeLocation> {
        guard functionIndex(ofAddress: address) != nil, case .wasm(let i, _) = store.functions[Int(address)].kind,
              i == instanceIndex else { return [] }
        let memory = settings.memory, memoryReads = settings.memoryReads
        let globals = settings.globals, globalReads = settings.globalReads
        var wanted: Set<CodeLocation> = []
        for index in c.stopCodeIndex {
            let k = Int(index)
            let raw = CodeWord.original(c.code[k])
            var watch = false
            if let access = MemoryAccess(CodeWord.unpatched(c.code[k]), at: c.code + k, available: c.codeCount - k) {
                // Memory 0 with 32-bit addresses (register forms, load chains, stack forms) is
                // watched through `memory`, the union the C core checks inline; any other memory
                // (a `memoryOperation`, checked in Swift at the stop) through `memories`.
                let watched = raw == InternalOp.memoryOperation.rawValue
                    ? !Set(access.memories).isDisjoint(with: settings.memories) : memory != nil
                watch = watched && (access.isWrite || memoryReads)
            }
            if !globals.isEmpty, k + 1 < c.codeCount {
                let g = UInt32(truncatingIfNeeded: c.code[k + 1])
                let isSet = raw == Opcode.globalSet.rawValue || raw == InternalOp.globalSet2.rawValue
                let isGet = raw == Opcode.globalGet.rawValue || raw == InternalOp.globalGet2.rawValue
                if globals.contains(g) && (isSet || (isGet && globalReads)) { watch = true }
            }
            if watch { wanted.insert(CodeLocation(function: address, codeIndex: k)) }
        }
        return wanted
    }

    /// Selects the host calls that stop before they run (nil: none).
    public func setHostCallFilter(_ filter: ((UInt32) -> Bool)?) {
        store.execution.hostCallFilter = filter
    }

    // MARK: interrupts

    /// Asks a running (or about to run) guest to stop at the next loop header, function entry
    /// or return from a call. Safe to call from any thread.
    public func interrupt() {
        pthread_mutex_lock(&lock)
        interruptRequested = true
        if running { armInterrupts() }
        pthread_mutex_unlock(&lock)
    }

    /// Called with the lock held. The run thread reads these words while they are written:
    /// each is one aligned 8-byte store, which the hardware performs atomically, and the run
    /// loop either sees the old instruction or the interrupt patch.
    private func armInterrupts() {
        guard armedInterrupts.isEmpty else { return }
        for (code, points) in interruptTargets {
            for p in points {
                let slot = code + Int(p)
                let word = slot.pointee
                armedInterrupts.append((slot, word))
                slot.pointee = CodeWord.patched(word, with: .interrupt)
            }
        }
    }

    private func disarmInterrupts() {
        for (slot, word) in armedInterrupts.reversed() { slot.pointee = word }
        armedInterrupts.removeAll()
    }

    /// A trap of `kind` placed at the invocation's current stop, with the backtrace a trap
    /// there would carry: for a run the host abandons at a stop (`wdb run --timeout` turns its
    /// interrupt into a trap report). The invocation itself is left as it is.
    public func trap(_ kind: TrapKind, at invocation: Invocation) -> Trap {
        guard case .running = invocation.state, let r = invocation.registers else { return Trap(kind) }
        let (frames, omitted) = store.backtrace(r, trapped: false)
        var trap = Trap(kind, backtrace: frames)
        trap.omittedFrameCount = omitted
        return trap
    }

    // MARK: running

    /// Runs until a debug event. Does not replay a patch at pc: call `step` first to get past
    /// a breakpoint the run stopped at.
    public func run(_ invocation: Invocation) -> DebugEvent {
        guard case .running = invocation.state, var r = invocation.registers else { return event(invocation, .finished) }
        pthread_mutex_lock(&lock)
        running = true
        if interruptRequested { armInterrupts() }
        pthread_mutex_unlock(&lock)
        let status = settleAtHandler(Interpreter.run(&r, store, store.execution), &r)
        pthread_mutex_lock(&lock)
        running = false
        disarmInterrupts()
        // A request is answered by this stop, whatever stopped the run.
        interruptRequested = false
        pthread_mutex_unlock(&lock)
        invocation.registers = r
        invocation.finish(status, r)
        return event(invocation, status)
    }

    /// Whether an interrupt was requested and not yet delivered (e.g. while stepping).
    public func takeInterruptRequest() -> Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let requested = interruptRequested
        interruptRequested = false
        return requested
    }

    /// Executes one stop point's instructions (a folded run may be several internal
    /// instructions), replaying the original of a patched word. A host call selected by the
    /// filter comes back as `.hostCall` without running unless `passHostCall` is true.
    public func step(_ invocation: Invocation, passHostCall: Bool = false, passThrow: Bool = false) -> DebugEvent {
        guard case .running = invocation.state, var r = invocation.registers else { return event(invocation, .finished) }
        let ex = store.execution
        ex.passNextHostCall = passHostCall
        store.exceptionHeap.passNextThrow = passThrow
        defer { store.exceptionHeap.passNextThrow = false }
        var status: Status
        if CodeWord.isPatch(CodeWord.op(r.pc.pointee)) {
            status = Interpreter.finishRun(Interpreter.replay(&r, store, ex), &r, store, ex)
        } else {
            status = Interpreter.step(&r, store, ex)
        }
        status = settleAtHandler(status, &r)
        ex.passNextHostCall = false
        invocation.registers = r
        invocation.finish(status, r)
        return event(invocation, status)
    }

    private func event(_ invocation: Invocation, _ status: Status) -> DebugEvent {
        switch invocation.state {
        case .finished(let values): return .finished(values)
        case .trapped(let trap): return .trapped(trap)
        case .running: break
        }
        switch status {
        case .breakpoint: return .breakpoint
        case .interrupted: return .interrupted
        case .watch: return .watch
        case .hostCall:
            let callee = invocation.registers.flatMap { r in pendingCallee(r) } ?? UInt32.max
            return .hostCall(function: callee)
        case .exceptionThrown: return .exceptionThrown
        case .exceptionCaught: return .exceptionCaught
        default: return .stepped
        }
    }

    /// The function the call-like instruction at pc enters (nil: not a call, or a table entry
    /// the call would trap on).
    private func pendingCallee(_ r: Registers) -> UInt32? {
        let raw = CodeWord.original(r.pc.pointee)
        guard raw >= InternalOp.base, let op = InternalOp.decode(raw) else { return nil }
        switch CallTarget(op, at: r.pc) {
        case .direct(let address)?: return address
        case .indirect(let words)?:
            if case .callee(let address) = words.lookUp(r) { return address }
            return nil
        case nil: return nil
        }
    }

    /// Arguments of the host call pc is at (at a `.hostCall` stop).
    public func pendingHostArguments(_ invocation: Invocation) -> [Value] {
        guard let r = invocation.registers, let callee = pendingCallee(r),
              let type = functionType(ofAddress: callee) else { return [] }
        var p = r.fp + CodeWord.a(r.pc.pointee)
        var values: [Value] = []
        for t in type.params {
            values.append(store.loadValue(t, from: p, module: store.module(ofFunction: r.function)))
            p += t.slotCount
        }
        return values
    }

    /// The access the instruction at pc is about to make (at a `.watch` stop).
    public func pendingAccess(_ invocation: Invocation) -> PendingAccess? {
        guard let r = invocation.registers else { return nil }
        let original = CodeWord.unpatched(r.pc.pointee)
        let raw = CodeWord.op(original)
        if let access = MemoryAccess(original, at: r.pc) { return pendingAccess(access, r) }
        if raw == Opcode.globalSet.rawValue || raw == InternalOp.globalSet2.rawValue {
            return .global(index: UInt32(truncatingIfNeeded: r.pc[1]), isWrite: true)
        }
        if raw == Opcode.globalGet.rawValue || raw == InternalOp.globalGet2.rawValue {
            return .global(index: UInt32(truncatingIfNeeded: r.pc[1]), isWrite: false)
        }
        return nil
    }
}

extension Debuggee {
    /// What a memory access (MemoryAccess.swift) is about to touch in the frame at `r`.
    func pendingAccess(_ access: MemoryAccess, _ r: Registers) -> PendingAccess? {
        let fp = r.fp
        func is64(_ index: UInt32) -> Bool { Interpreter.memory(r, Int(index))?.pointee.is64 ?? false }
        guard case .bulk(let a) = access.address else {
            guard let address = access.effectiveAddress(fp, is64: is64(access.memory)) else { return nil }
            return .memory(address: address, size: access.size, isWrite: access.isWrite, memory: access.memory)
        }
        let memory = access.memory
        func operand(_ i: Int, _ wide: Bool) -> UInt64 { wide ? fp[i] : fp[i] & 0xFFFF_FFFF }
        func range(_ start: UInt64, _ count: UInt64) -> Range<UInt64> { start..<(start &+ count < start ? .max : start &+ count) }
        switch access.op {
        case .memoryFill:
            return .bulk(reads: [], writes: [range(operand(a, is64(memory)), operand(a + 2, is64(memory)))],
                         writeMemory: memory)
        case .memoryInit:
            return .bulk(reads: [], writes: [range(operand(a, is64(memory)), fp[a + 2] & 0xFFFF_FFFF)], writeMemory: memory)
        case .memoryCopy:
            let source = access.sourceMemory ?? memory
            let n = operand(a + 2, is64(memory) && is64(source))
            return .bulk(reads: [range(operand(a + 1, is64(source)), n)], writes: [range(operand(a, is64(memory)), n)],
                         readMemory: source, writeMemory: memory)
        default:
            return nil
        }
    }
}
