import WasmCore

// Compiling the WebAssembly 3.0 control instructions that leave a frame other than by `return`:
// tail calls and exception handling (Docs/wasm-3.0.md).
//
// - `return_call`, `return_call_indirect`: one instruction each (InternalOp), executed by the
//   C core when the callee is compiled and in the same instance, else by
//   Interpreter+TailCalls.swift.
// - `throw`, `throw_ref`, `rethrow`: stack-form instructions run by Interpreter+Exceptions.swift
//   (throwing is rare; it needs no speed).
// - `try_table`: the body's code range becomes an `ExceptionHandler` (ExceptionHandlers.swift);
//   each catch clause gets a landing pad emitted before the body, behind a jump: a branch to
//   the clause's label made with `emitBranch`, with the delivered values pushed on the compile
//   stack first, so the label's fixups and value moves are the ones a `br` would make. An
//   exception delivered to the clause writes its values at the try's base slot and continues
//   at the pad.
// - Legacy `try`/`catch`/`catch_all`: the try body's range is a handler whose clauses continue
//   at the catch bodies, with the payload at the try's base slot; the caught exception is also
//   kept in a hidden slot above the declared locals (one per legacy try nesting level, see
//   `legacyTryDepth`), where `rethrow` finds it. `delegate` makes a handler that forwards the
//   exception to the handlers at or outside its label.

extension Compiler {
    /// Translates the tail-call and exception-handling instructions; nil for any other.
    mutating func translateProposal30(_ instruction: Instruction, offset: UInt32, wasReachable: Bool) throws(CompileError) -> Bool? {
        let op = instruction.opcode
        switch op {
        case .returnCall, .returnCallIndirect, .throw, .throwRef, .rethrow, .tryTable, .try, .catch, .catchAll, .delegate:
            // Labels and frame exits: nothing may fold across them.
            lastEmission = nil
            teeIncrement = nil
        case .end:
            // A try_table's body ends here: its handler is complete (then `end` as for a block).
            if let control = controls.last, control.kind == .tryTable, var handler = control.handler {
                handler.end = UInt32(code.count)
                handlers.append(handler)
            }
            return nil
        default:
            return nil
        }
        switch op {
        case .returnCall:
            let index = Int(instruction.index)
            guard index < env.functionAddresses.count, let type = env.functionType(of: UInt32(index)) else {
                throw CompileError("unknown function")
            }
            let base = try slotOfTop(type.params.count)
            // A host callee's results are written where its arguments were.
            maxSlot = max(maxSlot, base + slots(type.results))
            stop(offset)
            emit(.returnCall, base, UInt64(env.functionAddresses[index]))
            return false
        case .returnCallIndirect:
            guard case .indexPair(let typeIndex, let table) = instruction.immediate,
                  Int(typeIndex) < env.module.types.count else { throw CompileError("unknown type") }
            guard Int(table) < env.tableTypes.count else { throw CompileError("unknown table") }
            let type = env.module.types[Int(typeIndex)]
            stop(offset)
            let index = try pop()
            let base = try slotOfTop(type.params.count)
            maxSlot = max(maxSlot, base + slots(type.results))
            // Bit 32 of w1 marks a 64-bit table: its index is the whole slot, and the C core
            // leaves such calls to Swift.
            let wide: UInt64 = env.tableTypes[Int(table)].addressType == .i64 ? 1 << 32 : 0
            emit(.returnCallIndirect, base, UInt64(table) | wide, UInt64(env.typeIDs[Int(typeIndex)]) | UInt64(index.slot) << 32)
            return false
        case .throw:
            let tag = try tagInfo(instruction.index)
            let a = try slotOfTop(tag.type.params.count)
            stop(offset)
            emitWasm(.throw, a, UInt64(tag.address))
            return false
        case .throwRef:
            let a = try slotOfTop(1)
            stop(offset)
            emitWasm(.throwRef, a)
            return false
        case .rethrow:
            let target = controls[try label(instruction.index)]
            guard target.kind == .legacyCatch, target.exceptionSlot >= 0 else {
                throw CompileError("rethrow outside a catch")
            }
            stop(offset)
            emitWasm(.rethrow, target.exceptionSlot)
            return false
        case .tryTable:
            guard case .tryTable(let blockType, let clauses) = instruction.immediate else { throw CompileError("bad try_table") }
            try beginTryTable(blockType, clauses, offset: offset)
            return true
        case .try:
            guard case .block(let blockType) = instruction.immediate else { throw CompileError("bad try") }
            let (params, results) = try blockSignature(blockType)
            guard stack.count - (controls.last?.baseCount ?? 0) >= params.count else {
                throw CompileError("operand stack underflow")
            }
            var control = Control(kind: .legacyTry, params: params, results: results, baseCount: stack.count - params.count,
                                  baseSlot: try slotOfTop(params.count))
            control.tryStart = code.count
            control.exceptionSlot = legacyExceptionSlots + controls.count { $0.kind == .legacyTry || $0.kind == .legacyCatch }
            guard control.exceptionSlot < localsEnd else { throw CompileError("try nesting beyond the prescan") }
            controls.append(control)
            return true
        case .catch, .catchAll:
            try beginLegacyCatch(instruction, offset: offset, wasReachable: wasReachable)
            return true
        default: // .delegate
            guard let control = controls.popLast(), control.kind == .legacyTry else { throw CompileError("delegate without try") }
            // The label counts from the block around the try.
            let target = try label(instruction.index)
            handlers.append(ExceptionHandler(start: UInt32(control.tryStart), end: UInt32(code.count),
                                             controlIndex: controls.count, payloadSlot: control.baseSlot,
                                             exceptionSlot: -1, delegateTo: target, clauses: []))
            // Then the try ends as a block.
            for f in control.fixups { patch(f, target: code.count) }
            resetStack(to: control, with: control.results)
            return true
        }
    }

    private func tagInfo(_ index: UInt32) throws(CompileError) -> (address: Int, type: FuncType) {
        guard Int(index) < env.tagAddresses.count, Int(index) < env.tagTypes.count else { throw CompileError("unknown tag") }
        return (env.tagAddresses[Int(index)], env.tagTypes[Int(index)])
    }

    private mutating func beginTryTable(_ blockType: BlockType, _ clauses: [CatchClause], offset: UInt32) throws(CompileError) {
        let (params, results) = try blockSignature(blockType)
        guard stack.count - (controls.last?.baseCount ?? 0) >= params.count else { throw CompileError("operand stack underflow") }
        let baseCount = stack.count - params.count
        let baseSlot = try slotOfTop(params.count)
        var handler = ExceptionHandler(start: 0, end: 0, controlIndex: controls.count, payloadSlot: baseSlot,
                                       exceptionSlot: -1, delegateTo: -1, clauses: [])
        if !clauses.isEmpty {
            // The landing pads, jumped over on entry. An exception discards the try's operands,
            // its params included: the delivered values sit at the try's base slot.
            stop(offset)
            emit(.jump, 0, 0)
            let skip = code.count - 1
            _ = try pop(params.count)
            for clause in clauses {
                var types: [ValueType] = []
                var tag = -1
                if clause.kind.hasTag {
                    let info = try tagInfo(clause.tag)
                    types = info.type.params
                    tag = info.address
                }
                if clause.kind == .catchRef || clause.kind == .catchAllRef { types.append(.exnref) }
                for t in types { _ = push(t) }
                let pad = code.count
                // (The label counts from the block around the try_table: it is not pushed yet.)
                try emitBranch(clause.label, conditionSlot: nil)
                _ = try pop(types.count)
                handler.clauses.append(ExceptionHandler.Clause(kind: clause.kind, tag: tag, pad: UInt32(pad)))
            }
            for t in params { _ = push(t) }
            patch(skip, target: code.count)
        }
        handler.start = UInt32(code.count)
        var control = Control(kind: .tryTable, params: params, results: results, baseCount: baseCount, baseSlot: baseSlot)
        if !clauses.isEmpty { control.handler = handler }
        controls.append(control)
    }

    private mutating func beginLegacyCatch(_ instruction: Instruction, offset: UInt32, wasReachable: Bool) throws(CompileError) {
        guard var control = controls.popLast(), control.kind == .legacyTry || control.kind == .legacyCatch else {
            throw CompileError("catch without try")
        }
        // The try body (or the previous catch body) falls through to the end.
        if wasReachable {
            stop(offset)
            emit(.jump, 0, 0)
            control.fixups.append(code.count - 1)
        }
        if control.kind == .legacyTry {
            handlers.append(ExceptionHandler(start: UInt32(control.tryStart), end: UInt32(code.count),
                                             controlIndex: controls.count, payloadSlot: control.baseSlot,
                                             exceptionSlot: control.exceptionSlot, delegateTo: -1, clauses: []))
            control.handlerIndex = handlers.count - 1
        }
        guard let h = control.handlerIndex else { throw CompileError("catch without try") }
        var payload: [ValueType] = []
        if instruction.opcode == .catch {
            let tag = try tagInfo(instruction.index)
            payload = tag.type.params
            handlers[h].clauses.append(ExceptionHandler.Clause(kind: .catch, tag: tag.address, pad: UInt32(code.count)))
        } else {
            handlers[h].clauses.append(ExceptionHandler.Clause(kind: .catchAll, tag: -1, pad: UInt32(code.count)))
        }
        control.kind = .legacyCatch
        resetStack(to: control, with: payload)
        controls.append(control)
    }

    /// The deepest nesting of legacy `try` blocks in a body: the number of hidden slots its
    /// caught exceptions need (one per level; sibling trys share a slot).
    static func legacyTryDepth(_ instructions: [Instruction]) -> Int {
        var isTry: [Bool] = []
        var depth = 0, deepest = 0
        for instruction in instructions {
            switch instruction.opcode {
            case .block, .loop, .if, .tryTable:
                isTry.append(false)
            case .try:
                isTry.append(true)
                depth += 1
                deepest = max(deepest, depth)
            case .end, .delegate:
                if isTry.popLast() == true { depth -= 1 }
            default:
                break
            }
        }
        return deepest
    }
}
