import WasmCore

// Operand folding: the part of the compiler that turns Wasm's stack code into register forms
// (RegisterForms.swift).
//
// A `local.get` or constant is not emitted when it is met: it is pushed as a *pending* entry.
// The instruction that consumes it then names the local's slot or the constant directly, a
// `local.set` after a producer redirects the producer's result into the local, and a br_if / if
// after a comparison becomes one compare-and-branch. Everything else first emits the pending
// entries ("materializes" them: a copy or const into their canonical slot, each at its own stop
// point), so at every stop point the live operand-stack values are in their canonical slots, as
// Docs/architecture.md, Engine invariants (3) requires. Pending entries are always the top of the stack, contiguous, and are
// emitted in stack order, so code order stays the order of the Wasm offsets.
//
// A folded run has one stop point, at the offset of its first instruction, with the operand
// stack from before it: stepping executes the run as one step, and a breakpoint on a folded
// instruction slides to the next stop point.

enum RegisterOperand {
    case slot(Int)
    case immediate(UInt64)
}

extension Compiler {
    /// Handles the instructions that take part in folding. Returns nil for the others, after
    /// materializing every pending entry (they continue in `translate`).
    mutating func translateWithOperands(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool? {
        limitPendingDepth()
        let op = instruction.opcode
        switch op {
        case .localGet:
            let index = Int(instruction.index)
            guard index < localTypes.count else { throw CompileError("unknown local") }
            guard localTypes[index] != .v128 else { break }
            defer_(Pending.Provider.local(slot: localSlots[index]), type: localTypes[index], offset: offset)
            return true
        case .i32Const, .i64Const, .f32Const, .f64Const:
            let value: UInt64
            switch instruction.immediate {
            case .i32(let v): value = UInt64(UInt32(bitPattern: v))
            case .i64(let v): value = UInt64(bitPattern: v)
            case .f32(let v): value = UInt64(v)
            case .f64(let v): value = v
            default: throw CompileError("bad constant")
            }
            defer_(.constant(value), type: op.info.signature?.results.first ?? .i32, offset: offset)
            return true
        case .drop:
            // Nothing to emit; a dropped pending provider simply disappears.
            try pop()
            return true
        case .localSet:
            return try translateLocalSet(instruction, offset: offset)
        case .localTee:
            if try foldLocalTee(instruction, offset: offset) { return true }
            if try teePendingTop(instruction, offset: offset) { return true }
        case .select, .selectTyped:
            if try translateSelect(offset: offset) { return true }
        case .globalSet:
            if try translateGlobalSetOfLocal(instruction, offset: offset) { return true }
        case .call, .callIndirect:
            // Pending arguments become the call's argument list (Compiler+Calls.swift).
            if try translateCall(instruction, offset: offset) { return true }
        case .brIf:
            return try translateBrIf(instruction, offset: offset)
        case .if:
            return try translateIf(instruction, offset: offset)
        default:
            // Accesses of another memory than a 32-bit memory 0 keep the stack form
            // (Compiler+Memories.swift), so the register forms stay memory 0's.
            if let kind = RegisterKind.of(op), !((kind == .load || kind == .store) && usesMemoryOperation(instruction)) {
                try translateRegister(op, kind: kind, memoryOffset: memoryOffset(instruction), offset: offset)
                return true
            }
        }
        if let k = try operandCount(instruction), k > 0, k <= stack.count {
            // Only the operands need their canonical slots; reads below them stay pending (no
            // instruction here writes a local of this frame).
            let firstOperand = stack.count - k
            materialize { i, _ in i >= firstOperand }
        } else {
            materialize(below: stack.count)
        }
        switch op {
        case .block, .loop, .else, .end:
            // A label: nothing may fold across it.
            lastEmission = nil
            teeIncrement = nil
        default: break
        }
        return nil
    }

    /// How many top entries an instruction that is not folded reads, when only those need to be
    /// in canonical slots; nil when everything must be (labels, branches, anything else).
    private func operandCount(_ instruction: Instruction) throws(CompileError) -> Int? {
        switch instruction.opcode {
        case .callIndirect:
            // (64-bit tables: translateCall folds every other call.)
            guard case .indexPair(let typeIndex, _) = instruction.immediate,
                  Int(typeIndex) < env.module.types.count else { return nil }
            return env.module.types[Int(typeIndex)].params.count + 1
        case .select, .selectTyped:
            return 3
        case .globalSet:
            return 1
        case .return:
            // Everything below the results is discarded.
            return controls.first?.results.count
        default:
            return nil
        }
    }

    private mutating func defer_(_ provider: Pending.Provider, type: ValueType, offset: UInt32) {
        _ = push(type, pending: Pending(provider: provider, offset: offset, nodeBefore: topNode,
                                        epoch: stopCodeIndex.count))
    }

    /// Whether a pending entry's instruction has not been covered by a run yet.
    private func isFresh(_ pending: Pending) -> Bool { pending.epoch == stopCodeIndex.count }

    private func memoryOffset(_ instruction: Instruction) -> UInt64 {
        if case .memarg(let m) = instruction.immediate { return m.offset }
        return 0
    }

    /// How deep below the top of the stack a pending entry may stay. Deeper ones are emitted,
    /// in batches (`limitPendingDepth`), which bounds the pending entries the per-instruction
    /// loops visit and the nodes a materialization renews by a constant, so compiling is
    /// linear in the number of values even when a block, call or return moves tens of thousands.
    static let pendingDepthLimit = 32

    /// Emits the pending entries more than `pendingDepthLimit` below the top once the lowest is
    /// twice that deep (a batch: its nodes are renewed once). Real code rarely has them.
    mutating func limitPendingDepth() {
        guard let lowest = pendingIndices.first, stack.count - lowest > 2 * Compiler.pendingDepthLimit else { return }
        materialize(below: stack.count - Compiler.pendingDepthLimit)
    }

    /// Emits every pending entry below stack index `limit`.
    mutating func materialize(below limit: Int) {
        materialize(where: { i, _ in i < limit })
    }

    /// Emits the pending entries that satisfy `condition`, bottom first. A fresh one (its
    /// instruction not yet in any run) gets its own stop point, in order; one that a run
    /// already covers is copied without a stop point, so the copy runs at the end of the
    /// previous run (everything between is straight-line code that falls through to here).
    mutating func materialize(where condition: (Int, Pending) -> Bool) {
        let epoch = stopCodeIndex.count
        // (A copy: materializing removes entries from the list.)
        for i in pendingIndices {
            guard let pending = stack[i].pending, condition(i, pending) else { continue }
            materialize(i, ownStop: pending.hasStop && pending.epoch == epoch)
        }
    }

    mutating func materialize(_ i: Int) {
        guard let pending = stack[i].pending else { return }
        materialize(i, ownStop: pending.hasStop && isFresh(pending))
    }

    private mutating func materialize(_ i: Int, ownStop: Bool) {
        guard let pending = stack[i].pending else { return }
        if ownStop {
            stop(pending.offset, node: pending.nodeBefore)
        } else if code.count == afterCall {
            // A call's return point begins a stop point: here, at the instruction that needs
            // the value, with the stack as it is.
            stop(currentOffset, node: topNode)
        }
        let start = code.count
        let slot = stack[i].slot
        switch pending.provider {
        case .local(let source): emit(.copy, slot, UInt64(source))
        case .constant(let value): emit(.const, slot, value)
        }
        stack[i].pending = nil
        if let k = pendingIndices.lastIndex(of: i) { pendingIndices.remove(at: k) }
        renode(from: i)
        lastEmission = LastEmission(start: start, end: code.count, destination: slot)
    }

    /// Static, so `map(Compiler.operand)` does not capture (and copy) the compiler.
    static func operand(_ entry: Entry) -> RegisterOperand {
        switch entry.pending?.provider {
        case .local(let slot)?: .slot(slot)
        case .constant(let value)?: .immediate(value)
        case nil: .slot(entry.slot)
        }
    }

    /// The stop point of the instruction at `offset`: its run starts at the earliest fresh
    /// pending provider (pushed since the last stop point; consumed now or left pending, either
    /// way its instruction runs as part of this run), else at the instruction itself. While a
    /// folded local.tee is fresh, the producer's run simply goes on (no stop point), unless
    /// `ownStop` (memory accesses: watchpoints patch stop points).
    private mutating func stopForRun(offset: UInt32, ownStop: Bool = false) {
        // A plain loop: this runs for most instructions, and a closure over `self` would copy
        // the whole compiler.
        let epoch = stopCodeIndex.count
        var earliest: Pending?
        var continuesTee = false
        for i in pendingIndices {
            guard let pending = stack[i].pending, pending.epoch == epoch else { continue }
            if !pending.hasStop {
                continuesTee = true
            } else if earliest.map({ pending.offset < $0.offset }) ?? true {
                earliest = pending
            }
        }
        if !ownStop && continuesTee {
            extendRun(to: offset)
            return
        }
        if let earliest {
            stop(earliest.offset, node: earliest.nodeBefore)
            extendRun(to: offset)
        } else {
            stop(offset)
        }
    }

    /// Emits the pending reads of the local at `slot` (before the local is written).
    private mutating func materializeReads(ofLocal slot: Int, below limit: Int) {
        materialize { i, pending in
            guard i < limit, case .local(let s) = pending.provider else { return false }
            return s == slot
        }
    }

    private func hasPendingRead(ofLocal slot: Int, below limit: Int) -> Bool {
        pendingIndices.contains { i in
            if i < limit, case .local(let s)? = stack[i].pending?.provider { return s == slot }
            return false
        }
    }

    func requireOperands(_ n: Int) throws(CompileError) {
        guard let c = controls.last, stack.count - c.baseCount >= n else { throw CompileError("operand stack underflow") }
    }

    /// `op` with its operands swapped, for a constant first operand: nil when not allowed.
    static func swapped(_ op: Opcode) -> Opcode? {
        switch op {
        case .i32Add, .i32Mul, .i32And, .i32Or, .i32Xor, .i32Eq, .i32Ne,
             .i64Add, .i64Mul, .i64And, .i64Or, .i64Xor, .i64Eq, .i64Ne: op
        case .i32LtS: .i32GtS
        case .i32GtS: .i32LtS
        case .i32LtU: .i32GtU
        case .i32GtU: .i32LtU
        case .i32LeS: .i32GeS
        case .i32GeS: .i32LeS
        case .i32LeU: .i32GeU
        case .i32GeU: .i32LeU
        case .i64LtS: .i64GtS
        case .i64GtS: .i64LtS
        case .i64LtU: .i64GtU
        case .i64GtU: .i64LtU
        case .i64LeS: .i64GeS
        case .i64GeS: .i64LeS
        case .i64LeU: .i64GeU
        case .i64GeU: .i64LeU
        default: nil
        }
    }

    private mutating func translateRegister(_ wasmOp: Opcode, kind: RegisterKind, memoryOffset: UInt64,
                                            offset: UInt32) throws(CompileError) {
        let n = kind.arity
        try requireOperands(n)
        // A load or store's word holds where it ends, the offset plus the bytes accessed, beside
        // an addend (wdb_engine.h): usesMemoryOperation gave any whose end exceeds 32 bits to
        // the memoryOperation form.
        let end = memoryOffset + UInt64(wasmOp.info.naturalAlignment)
        guard end <= 0xFFFF_FFFF else { throw CompileError("memory offset \(memoryOffset) exceeds 32 bits") }
        // Pending entries below the operands stay pending: the stop points' stack nodes say
        // where their values live.
        var op = wasmOp
        let first = stack.count - n
        if kind == .compare, nextOpcode == .select || nextOpcode == .selectTyped, let c = controls.last,
           first - 2 >= c.baseCount {
            // The select's two values, pushed before the comparison's operands: a constant among
            // them is emitted now, before the comparison, so that the select can fuse with it
            // (compare-and-select reads its values from slots). Code order stays Wasm order.
            for i in (first - 2)..<first {
                if case .constant? = stack[i].pending?.provider { materialize(i) }
            }
        }
        // The first operand must be a slot (immediates are only supported second): swap the
        // operands of a commutative (or mirrored) operation, else emit the constant.
        var swapOperands = false
        // A load or store at a constant address (every global variable of compiled C, C++ or
        // Rust): the zero slot is its address slot and the constant its addend. The constant
        // stays pending, so the stop points' stack nodes still show it.
        var constantAddress: UInt32?
        // A constant first operand of a binary operation that cannot swap its operands.
        var immediateFirst: UInt64?
        if case .immediate(let value) = Compiler.operand(stack[first]) {
            if (kind == .load || kind == .store), zeroSlot >= 0, value <= UInt64(UInt32.max) {
                constantAddress = UInt32(value)
            } else if (kind == .binary || kind == .compare), case .slot = Compiler.operand(stack[first + 1]),
               let other = Compiler.swapped(op) {
                op = other
                swapOperands = true
            } else if kind == .binary, !Compiler.canTrap(op), case .slot = Compiler.operand(stack[first + 1]) {
                // `C - x`, `C / x`, `C << x`: the immediate-first form (no const emitted).
                immediateFirst = value
            } else {
                materialize(first)
            }
        }
        if kind == .unary, try emitSimplifiedConversion(op, offset: offset) { return }
        if kind == .binary, immediateFirst == nil, try emitLoadChain(op, first: first, offset: offset) { return }
        if kind == .binary, immediateFirst == nil, try emitChain(op, first: first, offset: offset) { return }
        // `cmp; i32.eqz`: the eqz continues the comparison's run, so that a br_if / if after it
        // can replace both by one inverted compare-and-branch.
        var negated: (start: Int, op: Opcode, lhs: Int, rhs: RegisterOperand)?
        // `i32.add x, C; load`: the load computes x + C itself (the add goes), when the add
        // begins a stop point, which the load then begins (memory accesses must).
        var addend: (base: Int, addend: UInt32)?
        // `i32.add x, y; load` (both slots): an indexed load computes x + y itself.
        var indexed: (base: Int, index: Int)?
        // A comparison or eqz of the load or `and` before it (Compiler+Tests.swift).
        var test: FusedTest?, negatedTest: FusedTest?
        if op == .i32Eqz, stack[first].pending == nil, let producer = lastProducer(of: stack[first].slot),
           let comparison = producer.comparison {
            negated = (producer.start, comparison.op, comparison.lhs, comparison.rhs)
            negatedTest = producer.test
            extendRun(to: offset)
        } else if kind == .load || kind == .store, stack[first].pending == nil,
                  let producer = lastProducer(of: stack[first].slot),
                  let sum = producer.addImmediate, stopCodeIndex.last == UInt32(producer.start) {
            code.removeSubrange(producer.start...)
            addend = sum
            extendRun(to: offset)
        } else if kind == .load || kind == .store, stack[first].pending == nil,
                  let producer = lastProducer(of: stack[first].slot),
                  let sum = producer.addSlots, stopCodeIndex.last == UInt32(producer.start) {
            code.removeSubrange(producer.start...)
            indexed = sum
            extendRun(to: offset)
        } else if let fusable = fusableTest(op, kind: kind, first: first) {
            test = fusable
            extendRun(to: offset)
        } else {
            // A memory access always begins a stop point of its own (watchpoints patch them).
            stopForRun(offset: offset, ownStop: kind == .load || kind == .store)
        }
        if addend != nil || indexed != nil {
            // The address was never written: the trap site's stack says how to compute it.
            let home: StackHome = if let addend { .sum(slot: addend.base, addend: addend.addend) }
                else if let indexed { .slotSum(base: indexed.base, index: indexed.index) } else { .canonical }
            refreshNodes()
            var node: Int32 = first > 0 ? nodes[first - 1] : -1
            for i in first..<stack.count {
                nodeParents.append(node)
                nodeTypes.append(stack[i].type)
                nodeHomes.append(i == first ? home : nodeHomes[Int(nodes[i])])
                node = Int32(nodeTypes.count - 1)
            }
            trapSites.append(codeIndex: code.count, fileOffset: offset, node: node, arity: n)
        } else if kind == .load || kind == .store || Compiler.canTrap(op) {
            trapSites.append(codeIndex: code.count, fileOffset: offset, node: topNode, arity: n)
        }
        var operands = stack[first...].map(Compiler.operand)
        if swapOperands { operands.swapAt(0, 1) }
        if let constantAddress {
            operands[0] = .slot(zeroSlot)
            addend = (zeroSlot, constantAddress)
        }
        let destination = stack[first].slot
        let resultType = op.info.signature?.results.first
        _ = try pop(n)
        if let resultType { _ = push(resultType) }
        let start = code.count
        if let immediateFirst, case .slot(let rhs) = operands[1] {
            emitRegister(op, RegisterForm.immediateFirst, destination, UInt64(rhs), immediateFirst)
            // (Not a chain's first operation: chains take their constant second.)
            lastEmission = LastEmission(start: start, end: code.count, destination: destination)
            return
        }
        guard case .slot(let lhs) = operands[0] else { throw CompileError("internal: immediate first operand") }
        switch kind {
        case .unary:
            emitRegister(op, .r, destination, UInt64(lhs))
        case .load:
            if let indexed {
                emitRegister(op, .indexed, destination, end | UInt64(indexed.index) << 32, UInt64(indexed.base))
            } else {
                emitRegister(op, .r, destination, end | UInt64(addend?.addend ?? 0) << 32,
                             UInt64(addend?.base ?? lhs))
            }
        case .store:
            let offsetWord = end | UInt64(indexed?.index ?? Int(addend?.addend ?? 0)) << 32
            let address = UInt64(indexed?.base ?? addend?.base ?? lhs)
            switch operands[1] {
            case .slot(let value):
                emitRegister(op, indexed == nil ? .rr : .indexed, 0, offsetWord, address | UInt64(value) << 32)
            case .immediate(let value):
                emitRegister(op, indexed == nil ? .ri : RegisterForm.indexedImmediateStore, 0, offsetWord, address, value)
            }
            lastEmission = nil
            return
        case .binary, .compare:
            switch operands[1] {
            case .slot(let rhs): emitRegister(op, .rr, destination, UInt64(lhs) | UInt64(rhs) << 32)
            case .immediate(let value): emitRegister(op, .ri, destination, UInt64(lhs), value)
            }
        }
        var last = LastEmission(start: start, end: code.count, destination: destination)
        if kind == .compare { last.comparison = (op, lhs, operands[1]) }
        // `i64.eqz x` is `i64.eq x, 0`: a br_if / if on it becomes one compare-and-branch
        // (loops over i64 counters and bignum limbs end with it).
        if op == .i64Eqz { last.comparison = (.i64Eq, lhs, .immediate(0)) }
        if kind == .binary && !Compiler.canTrap(op) { last.binary = (op, lhs, operands[1]) }
        if kind == .unary { last.unary = (op, lhs) }
        // (Load-and-operate keeps the plain load's address layout: not for indexed loads.)
        if kind == .load && indexed == nil { last.load = op }
        if op == .i32Add, case .slot(let index) = operands[1] { last.addSlots = (lhs, index) }
        if op == .i32Add, case .immediate(let value) = operands[1] {
            last.addImmediate = (lhs, UInt32(truncatingIfNeeded: value))
        }
        if op == .i32Eqz {
            last.eqzSource = lhs
            last.negatedComparison = negated
            last.negatedTest = negatedTest
        }
        last.test = test
        lastEmission = last
    }

    /// A compare-and-branch form of comparison `op`, branching when the comparison gives
    /// `whenTrue`; its target word (the last) is left 0 for the caller.
    private mutating func emitCompareAndBranch(_ op: Opcode, _ lhs: Int, _ rhs: RegisterOperand, whenTrue: Bool) {
        switch rhs {
        case .slot(let slot):
            emitRegister(op, whenTrue ? .rrBranch : .rrBranchUnless, 0, UInt64(lhs) | UInt64(slot) << 32, 0)
        case .immediate(let value):
            emitRegister(op, whenTrue ? .riBranch : .riBranchUnless, 0, UInt64(lhs), value, 0)
        }
    }

    mutating func emitRegister(_ op: Opcode, _ form: RegisterForm, _ destination: Int, _ words: UInt64...) {
        code.append(CodeWord.make(RegisterOperation.number(op, form), destination))
        code.append(contentsOf: words)
    }

    /// The producer that wrote `slot` as the last instruction, if a following instruction may
    /// still fold into it.
    private func lastProducer(of slot: Int) -> LastEmission? {
        guard let last = lastEmission, last.end == code.count, last.destination == slot else { return nil }
        return last
    }

    private mutating func translateLocalSet(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let index = Int(instruction.index)
        guard index < localTypes.count else { throw CompileError("unknown local") }
        let local = localSlots[index]
        try requireOperands(1)
        guard localTypes[index] != .v128, let top = stack.last else {
            materialize(below: stack.count)
            stop(offset)
            let source = try pop()
            emit(localTypes[index] == .v128 ? .copy2 : .copy, local, UInt64(source.slot))
            return true
        }
        // Pending reads of this local must take its value before it changes.
        let readBelow = hasPendingRead(ofLocal: local, below: stack.count - 1)
        materializeReads(ofLocal: local, below: stack.count - 1)
        if case .local(let source)? = top.pending?.provider, source == local {
            // `local.get $x; local.set $x` changes nothing.
            try pop()
            lastEmission = nil
            return true
        }
        if let pending = top.pending {
            stopForRun(offset: offset)
            switch pending.provider {
            case .local(let source): emit(.copy, local, UInt64(source))
            case .constant(let value): emit(.const, local, value)
            }
        } else if !readBelow, let producer = lastProducer(of: top.slot) {
            // The producer writes the local directly; its stop point covers this local.set.
            code[producer.start] = (code[producer.start] & 0xFFFF_FFFF) | UInt64(local) << 32
            extendRun(to: offset)
        } else {
            stopForRun(offset: offset)
            emit(.copy, local, UInt64(top.slot))
        }
        try pop()
        lastEmission = nil
        return true
    }

    /// Division and remainder: the register-form binaries that trap.
    static func canTrap(_ op: Opcode) -> Bool {
        switch op {
        case .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i64DivS, .i64DivU, .i64RemS, .i64RemU: true
        default: false
        }
    }

    /// `producer; local.tee x`: the producer writes x, and the value stays on the stack as a
    /// pending read of x with no stop point of its own. Whatever consumes or emits it follows
    /// the producer directly in the code (nothing is emitted while it is pending), so it runs
    /// inside the producer's run. Returns false when the tee cannot fold.
    private mutating func foldLocalTee(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let index = Int(instruction.index)
        guard index < localTypes.count else { throw CompileError("unknown local") }
        guard localTypes[index] != .v128, let top = stack.last, top.pending == nil,
              let c = controls.last, stack.count > c.baseCount,
              let producer = lastProducer(of: top.slot),
              !hasPendingRead(ofLocal: localSlots[index], below: stack.count - 1) else { return false }
        let local = localSlots[index]
        code[producer.start] = (code[producer.start] & 0xFFFF_FFFF) | UInt64(local) << 32
        teeIncrement = nil
        if let add = producer.binary, add.op == .i32Add || add.op == .i64Add {
            teeIncrement = (producer.start, producer.end, local, add.op == .i64Add, add.lhs, add.rhs)
        }
        stack[stack.count - 1].pending = Pending(provider: .local(slot: local), offset: 0, nodeBefore: -1,
                                                 hasStop: false, epoch: stopCodeIndex.count)
        pendingIndices.append(stack.count - 1)
        renode(from: stack.count - 1)
        extendRun(to: offset)
        lastEmission = nil
        return true
    }

    /// `select` of one-slot values, reading its operands where they are (pending locals
    /// included) and writing a destination a following local.set / local.tee may redirect.
    /// Returns false for v128 (the old path).
    private mutating func translateSelect(offset: UInt32) throws(CompileError) -> Bool {
        try requireOperands(3)
        let first = stack.count - 3
        guard stack[first].type != .v128 else { return false }
        for i in first..<stack.count {
            if case .constant? = stack[i].pending?.provider { materialize(i) }
        }
        if try emitCompareAndSelect(first: first, offset: offset) { return true }
        stopForRun(offset: offset)
        let operands = stack[first...].map(Compiler.operand)
        guard case .slot(let v1) = operands[0], case .slot(let v2) = operands[1],
              case .slot(let condition) = operands[2] else { throw CompileError("internal: select operand") }
        let type = stack[first].type
        let destination = stack[first].slot
        _ = try pop(3)
        _ = push(type)
        let start = code.count
        emit(.selectSlots, destination, UInt64(v1) | UInt64(v2) << 32, UInt64(condition))
        lastEmission = LastEmission(start: start, end: code.count, destination: destination)
        return true
    }

    /// `local.get $y; local.tee $x` (or a constant): $x gets the value, and the entry stays a
    /// pending read of $y (or the constant), which still holds it. Returns false when the top
    /// is not pending.
    private mutating func teePendingTop(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let index = Int(instruction.index)
        guard index < localTypes.count else { throw CompileError("unknown local") }
        let local = localSlots[index]
        guard localTypes[index] != .v128, let top = stack.last, let pending = top.pending, pending.hasStop,
              let c = controls.last, stack.count > c.baseCount else { return false }
        materializeReads(ofLocal: local, below: stack.count - 1)
        if case .local(let source) = pending.provider, source == local { return true }
        stopForRun(offset: offset)
        switch pending.provider {
        case .local(let source): emit(.copy, local, UInt64(source))
        case .constant(let value): emit(.const, local, value)
        }
        lastEmission = nil
        return true
    }

    /// `local.get x; return` (or `local.get x` before the function's end) with one one-slot
    /// result: the return reads x's slot itself (a return moves its result to the frame's first
    /// slot anyway), saving the copy to the canonical slot. Returns false (nothing changed)
    /// otherwise.
    mutating func translateReturnOfLocal(offset: UInt32) throws(CompileError) -> Bool {
        guard let function = controls.first, function.results.count == 1, function.results[0].slotCount == 1,
              let c = controls.last, stack.count > c.baseCount, let top = stack.last,
              case .local(let slot)? = top.pending?.provider else { return false }
        stopForRun(offset: offset)
        try pop()
        emit(.return, slot, 1)
        lastEmission = nil
        teeIncrement = nil
        return true
    }

    /// `global.set` of a pending local (a function's prologue: `local.tee $sp; global.set
    /// $__stack_pointer`): the stack-form global.set reads the local's slot, saving the copy.
    /// It begins a stop point of its own, as a watched global's patch needs. Returns false
    /// (nothing changed) otherwise.
    private mutating func translateGlobalSetOfLocal(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let index = Int(instruction.index)
        guard index < env.globalTypes.count, env.globalTypes[index].valueType.slotCount == 1,
              let c = controls.last, stack.count > c.baseCount, let top = stack.last,
              case .local(let slot)? = top.pending?.provider else { return false }
        stopForRun(offset: offset, ownStop: true)
        try pop()
        emitWasm(.globalSet, slot, UInt64(index))
        lastEmission = nil
        return true
    }

    /// The branch of a br_if to label `depth` when it needs no value moves; nil when it does.
    private func simpleBranch(_ depth: UInt32, afterPopping n: Int) throws(CompileError) -> (label: Int, isLoop: Bool, address: Int)? {
        let li = try label(depth)
        let target = controls[li]
        let arity = target.branchArity
        let count = slots(arity)
        guard arity.count <= stack.count - n else { throw CompileError("operand stack underflow") }
        let src = arity.isEmpty ? height : stack[stack.count - n - arity.count].slot
        guard count == 0 || src == target.baseSlot else { return nil }
        let isLoop = target.kind == .loop
        return (li, isLoop, isLoop ? target.loopStart : 0)
    }

    private mutating func translateBrIf(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        try requireOperands(1)
        materialize(below: stack.count - 1)
        guard let branch = try simpleBranch(instruction.index, afterPopping: 1) else {
            materialize(below: stack.count)
            stop(offset)
            let cond = try pop()
            try emitBranch(instruction.index, conditionSlot: cond.slot)
            return true
        }
        try emitConditional(offset: offset, branchWhenTrue: true) { compiler, targetWord in
            if !branch.isLoop { compiler.controls[branch.label].fixups.append(targetWord) }
            return UInt64(branch.address)
        }
        return true
    }

    private mutating func translateIf(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        guard case .block(let bt) = instruction.immediate else { throw CompileError("bad block") }
        let (params, results) = try blockSignature(bt)
        try requireOperands(1)
        materialize(below: stack.count - 1)
        var elseFixup = 0
        try emitConditional(offset: offset, branchWhenTrue: false) { _, targetWord in
            elseFixup = targetWord
            return 0
        }
        guard stack.count - (controls.last?.baseCount ?? 0) >= params.count else {
            throw CompileError("operand stack underflow")
        }
        var control = Control(kind: .if, params: params, results: results, baseCount: stack.count - params.count,
                              baseSlot: try slotOfTop(params.count))
        control.elseFixup = elseFixup
        controls.append(control)
        lastEmission = nil
        return true
    }

    /// Emits a conditional branch on the top entry (popped), folding it with the comparison
    /// that produced it or reading a pending local directly. `target` receives the index of the
    /// word that holds the branch target and returns the target to put there.
    private mutating func emitConditional(offset: UInt32, branchWhenTrue: Bool,
                                          target: (inout Compiler, Int) -> UInt64) throws(CompileError) {
        guard let top = stack.last else { throw CompileError("operand stack underflow") }
        if case .constant? = top.pending?.provider { materialize(stack.count - 1) }
        let simple: InternalOp = branchWhenTrue ? .brIf : .brIfNot
        if case .local(let slot)? = top.pending?.provider {
            stopForRun(offset: offset)
            try pop()
            // `local.tee l (i32.add x C); br_if`: a count-down loop's step and test, one
            // increment-and-branch comparing l with 0 (the tee has no stop point of its own,
            // so the br_if already runs in the add's run).
            if top.pending?.hasStop == true
                || !emitStepAndBranch(.i32Ne, slot, .immediate(0), at: code.count, whenTrue: branchWhenTrue) {
                emit(simple, slot, 0)
            }
        } else if let producer = lastProducer(of: top.slot), let comparison = producer.negatedComparison {
            // `cmp; i32.eqz; br_if`: one compare-and-branch with the opposite sense, in place
            // of both (the eqz has no stop point of its own; the comparison's stays).
            try pop()
            extendRun(to: offset)
            if let test = producer.negatedTest,
               emitTestAndBranch(test, comparison.op, comparison.lhs, comparison.rhs, whenTrue: !branchWhenTrue) {
                // (The load or `and` before the comparison, fused too: Compiler+Tests.swift.)
            } else if !emitStepAndBranch(comparison.op, comparison.lhs, comparison.rhs, at: comparison.start,
                                         whenTrue: !branchWhenTrue) {
                code.removeSubrange(comparison.start...)
                emitCompareAndBranch(comparison.op, comparison.lhs, comparison.rhs, whenTrue: !branchWhenTrue)
            }
        } else if let producer = lastProducer(of: top.slot), let comparison = producer.comparison {
            // Replace the comparison by its compare-and-branch form; its stop point stays.
            try pop()
            extendRun(to: offset)
            if let test = producer.test,
               emitTestAndBranch(test, comparison.op, comparison.lhs, comparison.rhs, whenTrue: branchWhenTrue) {
                // (With the load or `and` before it: Compiler+Tests.swift.)
            } else if !emitStepAndBranch(comparison.op, comparison.lhs, comparison.rhs, at: producer.start,
                                         whenTrue: branchWhenTrue) {
                code.removeSubrange(producer.start...)
                emitCompareAndBranch(comparison.op, comparison.lhs, comparison.rhs, whenTrue: branchWhenTrue)
            }
        } else if let producer = lastProducer(of: top.slot), let source = producer.eqzSource {
            // Branching on i32.eqz x is branching on x with the opposite sense.
            try pop()
            extendRun(to: offset)
            if let test = producer.test,
               emitTestAndBranch(test, .i32Eq, source, .immediate(0), whenTrue: branchWhenTrue) {
                // (An eqz of a load or `and`: Compiler+Tests.swift.)
            } else {
                code.removeSubrange(producer.start...)
                emit(branchWhenTrue ? .brIfNot : .brIf, source, 0)
            }
        } else if let producer = lastProducer(of: top.slot), let test = directTest(producer),
                  emitTestAndBranch(test, .i32Ne, top.slot, .immediate(0), whenTrue: branchWhenTrue) {
            // A branch on a load's value or on `x & y` (Compiler+Tests.swift): it joins their run.
            try pop()
            extendRun(to: offset)
        } else {
            stop(offset)
            let cond = try pop()
            emit(simple, cond.slot, 0)
        }
        let targetWord = code.count - 1
        code[targetWord] = target(&self, targetWord)
        lastEmission = nil
    }
}
