import WasmCore

/// Errors of the debug interface's state changes.
public struct DebugAccessError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// Frames of a stopped invocation, and writes into them. Every stop path leaves live operand
// values in their canonical slots (Docs/architecture.md, Engine invariants (3)), so reading a frame is reading slots.

extension Debuggee {
    /// Walks the frames: (level, function, fp, code index, depth, callee fp); the innermost
    /// `limit` of them when a limit is given.
    private func walk(_ r: Registers, limit: Int = .max) -> [(UInt32, UnsafeMutablePointer<UInt64>, Int, Int, UnsafeMutablePointer<UInt64>?)] {
        var result: [(UInt32, UnsafeMutablePointer<UInt64>, Int, Int, UnsafeMutablePointer<UInt64>?)] = []
        var function = r.function, fp = r.fp, index = r.pc - r.code, level = r.depth
        var callee: UnsafeMutablePointer<UInt64>? = nil
        while result.count < limit {
            result.append((function, fp, index, level, callee))
            if level <= r.entryDepth { break }
            level -= 1
            let saved = store.execution.frames[level]
            callee = fp
            function = saved.function
            fp = saved.fp
            guard let code = store.entries[Int(function)].code else { break }
            index = saved.returnPC - code - 1
        }
        return result
    }

    /// The frames of a stopped (or trapped) invocation, innermost first; only the innermost
    /// `limit` when given (a breakpoint condition reads one frame, and building all of them at
    /// each hit made a conditional breakpoint in a recursion quadratic in its depth).
    public func frames(_ invocation: Invocation, limit: Int = .max) -> [DebugFrame] {
        guard let r = invocation.registers else { return [] }
        if case .finished = invocation.state { return [] }
        var isTrap = false
        if case .trapped = invocation.state { isTrap = true }
        return walk(r, limit: limit).enumerated().map { level, f in
            let (function, fp, index, depth, callee) = f
            // After a trap, the innermost frame shows the instruction that trapped.
            let trapped = isTrap && level == 0
            var frame = DebugFrame(level: level, functionAddress: function, functionIndex: functionIndex(ofAddress: function) ?? 0,
                                   codeIndex: index,
                                   position: store.position(function: function, codeIndex: index, trapped: trapped),
                                   localTypes: [], locals: [], operandStack: [], depth: depth)
            guard let c = store.compiled(function), c.stopPoint(containing: index) != nil else { return frame }
            frame.localTypes = c.localTypes
            let module = store.module(ofFunction: function)
            frame.locals = store.frameLocals(function, c, fp: fp, at: frame.position?.fileOffset ?? 0)
            // In a caller, the call's arguments have moved into the callee's frame.
            frame.operandStack = c.operandStack(atCodeIndex: index, fp: fp, limit: callee.map { $0 - fp } ?? .max,
                                                trapped: trapped) { self.store.loadValue($0, from: $1, module: module) }
            return frame
        }
    }

    private func frame(_ invocation: Invocation, _ level: Int) throws(DebugAccessError) -> (UInt32, UnsafeMutablePointer<UInt64>, Int) {
        if case .finished = invocation.state { throw DebugAccessError("the invocation has finished") }
        guard let r = invocation.registers else { throw DebugAccessError("no frames") }
        let all = walk(r)
        guard level >= 0, level < all.count else { throw DebugAccessError("no frame \(level); there are \(all.count)") }
        return (all[level].0, all[level].1, all[level].2)
    }

    /// Writes local `index` (params first) of frame `level`.
    public func setLocal(_ invocation: Invocation, frame level: Int, index: Int, value: Value) throws(DebugAccessError) {
        let (function, fp, codeIndex) = try frame(invocation, level)
        guard let c = store.compiled(function), index >= 0, index < c.localTypes.count else {
            throw DebugAccessError("no local \(index)")
        }
        guard c.localTypes[index] == value.type
                || (value.type.isReference && store.value(value, matches: c.localTypes[index], module: store.module(ofFunction: function))) else {
            throw DebugAccessError("local \(index) has type \(c.localTypes[index]), not \(value.type)")
        }
        if !store.zeroesAllLocals && c.isUnwritten(local: index, at: framePosition(function, codeIndex, level: level, invocation)) {
            // A local the function has not written yet shows as zero from the position; once
            // the debugger gives it a value, only the slot can tell. From now on every slot is
            // exact: the unwritten locals of the live frames are zeroed, and calls zero all.
            zeroUnwrittenLocals(invocation)
            store.zeroAllLocals()
        }
        value.store(to: fp + c.localSlots[index])
    }

    /// The file offset a frame's locals are shown at: as `frames` computes its position.
    private func framePosition(_ function: UInt32, _ codeIndex: Int, level: Int, _ invocation: Invocation) -> UInt32 {
        var trapped = false
        if case .trapped = invocation.state { trapped = level == 0 }
        return store.position(function: function, codeIndex: codeIndex, trapped: trapped)?.fileOffset ?? 0
    }

    /// Zeroes, in every frame of `invocation` (also a trapped one) and of every suspended call
    /// of the store, the slots of the locals not written yet at the frame's position (they show
    /// as zero: now the slots say so too).
    private func zeroUnwrittenLocals(_ invocation: Invocation) {
        var trapped = false
        if case .trapped = invocation.state { trapped = true }
        let runs = [(invocation.registers, trapped)] + store.execution.suspendedRuns.values.map { ($0, false) }
        for case let (r?, trapped) in runs {
            for (level, (function, fp, index, _, _)) in walk(r).enumerated() {
                guard let c = store.compiled(function), !c.writtenChanges.isEmpty,
                      let position = store.position(function: function, codeIndex: index, trapped: trapped && level == 0)?.fileOffset
                else { continue }
                for i in c.localTypes.indices where c.isUnwritten(local: i, at: position) {
                    Value.zero(c.localTypes[i]).store(to: fp + c.localSlots[i])
                }
            }
        }
    }

    /// Writes operand-stack entry `index` (0 = bottom) of frame `level`.
    public func setOperand(_ invocation: Invocation, frame level: Int, index: Int, value: Value) throws(DebugAccessError) {
        let (function, fp, codeIndex) = try frame(invocation, level)
        guard let c = store.compiled(function), let stop = c.stopPoint(containing: codeIndex) else {
            throw DebugAccessError("no operand stack here")
        }
        let entries = c.stackEntries(node: c.stopStackNode[stop])
        let visible = frames(invocation)[level].operandStack.count
        guard index >= 0, index < min(entries.count, visible) else {
            throw DebugAccessError("no operand stack entry \(index); the stack has \(visible)")
        }
        guard entries[index].type == value.type
                || (value.type.isReference && store.value(value, matches: entries[index].type, module: store.module(ofFunction: function))) else {
            throw DebugAccessError("stack entry \(index) has type \(entries[index].type), not \(value.type)")
        }
        switch entries[index].home {
        case .canonical:
            let slot = c.localsEnd + entries[..<index].reduce(0) { $0 + $1.type.slotCount }
            value.store(to: fp + slot)
        case .local(let slot):
            // The entry is a folded local.get whose value is still read from the local.
            let local = c.localSlots.firstIndex(of: slot).map { "local \($0)" } ?? "a local"
            throw DebugAccessError("that stack entry is the value of \(local) (a folded local.get); set the local instead")
        case .constant, .sum, .slotSum:
            throw DebugAccessError("that stack entry is folded into the next instruction; it cannot be changed")
        }
    }

    /// Where frame `level` returns to: the location after its call in the caller, and the
    /// call depth there. Nil for the outermost frame.
    public func returnPoint(_ invocation: Invocation, frame level: Int) -> (location: CodeLocation, depth: Int)? {
        guard let r = invocation.registers else { return nil }
        let depth = r.depth - level
        guard depth > r.entryDepth else { return nil }
        let saved = store.execution.frames[depth - 1]
        guard let code = store.entries[Int(saved.function)].code else { return nil }
        return (CodeLocation(function: saved.function, codeIndex: saved.returnPC - code), depth - 1)
    }

    /// The values a call left at its argument base (its results), read in the innermost frame
    /// once the call returned to `returnPoint`. Folded instructions after a call (a `drop`)
    /// may hide them from the operand stack view; the slots still hold them.
    public func callResults(_ invocation: Invocation, returnPoint: CodeLocation, types: [ValueType]) -> [Value] {
        guard case .running = invocation.state, let r = invocation.registers, r.function == returnPoint.function,
              let c = store.compiled(returnPoint.function), let stop = c.stopPoint(containing: returnPoint.codeIndex - 1) else {
            return []
        }
        let callIndex = Int(c.stopCodeIndex[stop])
        guard InternalOp.of(c.code[callIndex])?.isReturningCall == true else { return [] }
        var p = r.fp + CodeWord.a(c.code[callIndex])
        var values: [Value] = []
        let module = store.module(ofFunction: returnPoint.function)
        for t in types {
            values.append(store.loadValue(t, from: p, module: module))
            p += t.slotCount
        }
        return values
    }

    /// The innermost location and call depth of a running invocation.
    public func current(_ invocation: Invocation) -> (location: CodeLocation, depth: Int)? {
        guard case .running = invocation.state, let r = invocation.registers else { return nil }
        return (CodeLocation(function: r.function, codeIndex: r.pc - r.code), r.depth)
    }

    /// The call depth at which the invocation began (its outermost frame).
    public func entryDepth(_ invocation: Invocation) -> Int? { invocation.registers?.entryDepth }

    // MARK: globals, tables

    public var globalCount: Int { store.instances[instanceIndex].globalAddresses.count }

    public func globalType(_ index: Int) -> GlobalType? {
        let all = store.instances[instanceIndex].globalAddresses
        return index >= 0 && index < all.count ? store.globals[all[index]].type : nil
    }

    public func global(_ index: Int) -> Value? {
        let all = store.instances[instanceIndex].globalAddresses
        guard index >= 0, index < all.count else { return nil }
        let g = store.globals[all[index]]
        return store.loadValue(store.storeType(ofGlobal: all[index]), from: g.slots, module: nil)
    }

    /// Writes a global (also an immutable one: the debugger may change anything).
    public func setGlobal(_ index: Int, _ value: Value) throws(DebugAccessError) {
        let all = store.instances[instanceIndex].globalAddresses
        guard index >= 0, index < all.count else { throw DebugAccessError("no global \(index)") }
        let g = store.globals[all[index]]
        guard g.type.valueType == value.type
                || (value.type.isReference && store.value(value, matches: store.storeType(ofGlobal: all[index]), module: nil)) else {
            throw DebugAccessError("global \(index) has type \(g.type.valueType), not \(value.type)")
        }
        value.store(to: g.slots)
    }

    public var tables: [TableInstance] {
        store.instances[instanceIndex].tableAddresses.map { TableInstance(store: store, address: $0) }
    }

    public var memories: [MemoryInstance] {
        store.instances[instanceIndex].memoryAddresses.map { MemoryInstance(store: store, address: $0) }
    }
}
