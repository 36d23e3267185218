import CWasmEngine
import WasmCore

// Superinstructions formed inside one run (the C core's chains.h and wdb_engine.h):
// - chained operations: `x op1 y` followed by a binary operation that uses its result becomes
//   one instruction, saving a dispatch and the intermediate value's trip through its slot;
// - load-and-operate: a load whose value a binary operation of its type uses at once;
// - increment-and-branch: a counter's tee'd add, the comparison and the branch that test it.
//
// Debugging guarantees: the chain is fused only when the first operation was the last thing
// emitted and no stop point begins after it, so the second operation runs inside the first's
// run (a breakpoint on it stops before the run, as for any folded instruction) and the
// intermediate value is never on the operand stack at a stop point. Neither operation can
// trap, so no trap site needs the intermediate value either.

// `ChainForm` is generated from Scripts/engine-forms.txt (Generated/OperationRanges.swift).

extension Compiler {
    /// Emits binary operation `op2`, whose operands are the top two entries from `first`, as a
    /// chain with the operation that produced one of them. Returns false (nothing changed) when
    /// it cannot chain.
    mutating func emitChain(_ op2: Opcode, first: Int, offset: UInt32) throws(CompileError) -> Bool {
        guard let producer = lastEmission, producer.end == code.count, let op1 = producer.binary,
              (stopCodeIndex.last.map { Int($0) } ?? -1) <= producer.start else { return false }
        let chain = wdb_chain_index(op1.op.rawValue, op2.rawValue)
        guard chain >= 0, let (resultFirst, other) = chainOperands(op2, first: first, producer: producer) else {
            return false
        }
        let destination = stack[first].slot
        let resultType = op2.info.signature?.results.first ?? stack[first].type
        _ = try pop(2)
        _ = push(resultType)
        code.removeSubrange(producer.start...)
        extendRun(to: offset)
        let number = { (form: ChainForm) in
            UInt16(WDB_CHAIN_BASE) + UInt16(chain) * UInt16(WDB_CHAIN_FORM_COUNT) + form.rawValue
        }
        let x = UInt64(op1.lhs)
        switch (op1.rhs, other, resultFirst) {
        case (.slot(let y), .slot(let z), true):
            emitNumbered(number(.rr), destination, x | UInt64(y) << 32, UInt64(z))
        case (.immediate(let c), .slot(let z), true):
            emitNumbered(number(.ri), destination, x | UInt64(z) << 32, c)
        case (.slot(let y), .immediate(let k), _):
            emitNumbered(number(.rrImmediate), destination, x | UInt64(y) << 32, k)
        case (.immediate(let c), .immediate(let k), _):
            emitNumbered(number(.riImmediate), destination, x, c, k)
        case (.slot(let y), .slot(let z), false):
            emitNumbered(number(.rrReversed), destination, x | UInt64(y) << 32, UInt64(z))
        case (.immediate(let c), .slot(let z), false):
            emitNumbered(number(.riReversed), destination, x | UInt64(z) << 32, c)
        }
        // A following local.set / local.tee may still redirect the result; nothing chains on.
        lastEmission = LastEmission(start: producer.start, end: code.count, destination: destination)
        return true
    }

    /// Emits binary operation `op2` as a load-and-operate when one of its operands is the value
    /// of the load emitted last (chains.h): the load's words stay (its stop point, trap site and
    /// watchpoint address are unchanged), its operation becomes the combined one. Returns false
    /// (nothing changed) when they do not combine.
    mutating func emitLoadChain(_ op2: Opcode, first: Int, offset: UInt32) throws(CompileError) -> Bool {
        guard let producer = lastEmission, producer.end == code.count, let load = producer.load,
              (stopCodeIndex.last.map { Int($0) } ?? -1) <= producer.start,
              producer.end - producer.start == 3 else { return false }
        let index = wdb_load_chain_index(load.rawValue, op2.rawValue)
        guard index >= 0, let (resultFirst, other) = chainOperands(op2, first: first, producer: producer) else {
            return false
        }
        let form: Int
        switch (other, resultFirst) {
        case (.slot, true): form = Int(WDB_LOAD_FIRST)
        case (.slot, false): form = Int(WDB_LOAD_SECOND)
        case (.immediate, _): form = Int(WDB_LOAD_IMMEDIATE)
        }
        let destination = stack[first].slot
        let resultType = op2.info.signature?.results.first ?? stack[first].type
        _ = try pop(2)
        _ = push(resultType)
        extendRun(to: offset)
        let number = Int(WDB_LOAD_CHAIN_BASE) + Int(index) * Int(WDB_LOAD_FORM_COUNT) + form
        code[producer.start] = CodeWord.make(UInt16(number), destination)
        switch other {
        case .slot(let z): code[producer.start + 2] = (code[producer.start + 2] & 0xFFFF_FFFF) | UInt64(z) << 32
        case .immediate(let k): code.append(k)
        }
        lastEmission = LastEmission(start: producer.start, end: code.count, destination: destination)
        return true
    }

    /// Which of `op2`'s two operands (from stack index `first`) is `producer`'s result, and the
    /// other operand; a commutative op2 always gets the result first, and a constant other
    /// operand must come second. Nil when the producer's result is not an operand.
    private func chainOperands(_ op2: Opcode, first: Int, producer: LastEmission) -> (Bool, RegisterOperand)? {
        let lhs = stack[first], rhs = stack[first + 1]
        let other: RegisterOperand
        var resultFirst: Bool
        if lhs.pending == nil && lhs.slot == producer.destination {
            other = Compiler.operand(rhs)
            resultFirst = true
        } else if rhs.pending == nil && rhs.slot == producer.destination {
            other = Compiler.operand(lhs)
            resultFirst = false
        } else {
            return nil
        }
        if !resultFirst {
            if case .immediate = other, !Compiler.isCommutative(op2) { return nil }
            if Compiler.isCommutative(op2) { resultFirst = true }
        }
        return (resultFirst, other)
    }

    /// Replaces a comparison starting at code index `start`, branched on, and the tee'd
    /// increment (i32 or i64, by a constant or a slot) right before it that wrote one of its
    /// operands, by one increment-and-branch
    /// (wdb_engine.h, WDB_STEP_*); its target word (the last) is left 0 for the caller. Returns
    /// false (nothing changed) when they do not fit that form. No stop point lies between them
    /// (the comparison continues the increment's run), so the pair was one step already.
    mutating func emitStepAndBranch(_ op: Opcode, _ lhs: Int, _ rhs: RegisterOperand, at start: Int,
                                    whenTrue: Bool) -> Bool {
        guard let step = teeIncrement, step.end == start,
              (stopCodeIndex.last.map { Int($0) } ?? -1) <= step.start else { return false }
        let first: Opcode = step.wide ? .i64Eq : .i32Eq
        let last: Opcode = step.wide ? .i64GeU : .i32GeU
        guard op.rawValue >= first.rawValue, op.rawValue <= last.rawValue else { return false }
        // The step rides in 32 bits of word 1: a slot, or a constant (i64: sign-extended).
        let base: Int, stepBits: UInt64
        switch step.step {
        case .slot(let slot):
            base = step.wide ? WDB_STEP64_SLOT_BASE : WDB_STEP_SLOT_BASE
            stepBits = UInt64(slot)
        case .immediate(let value):
            if step.wide {
                guard Int64(bitPattern: value) == Int64(Int32(truncatingIfNeeded: value)) else { return false }
            }
            base = step.wide ? WDB_STEP64_BASE : WDB_STEP_BASE
            stepBits = value & 0xFFFF_FFFF
        }
        var compare = op
        let other: RegisterOperand
        if lhs == step.local {
            other = rhs
        } else if case .slot(let r) = rhs, r == step.local, let mirrored = Compiler.swapped(op) {
            compare = mirrored
            other = .slot(lhs)
        } else {
            return false
        }
        let form: Int
        let y: UInt64
        switch other {
        case .slot(let slot): form = whenTrue ? WDB_STEP_RR_BR : WDB_STEP_RR_BRNOT; y = UInt64(slot)
        case .immediate(let value): form = whenTrue ? WDB_STEP_RI_BR : WDB_STEP_RI_BRNOT; y = value
        }
        let number = Int(base) + Int(compare.rawValue - first.rawValue) * Int(WDB_STEP_FORM_COUNT) + form
        code.removeSubrange(step.start...)
        emitNumbered(UInt16(number), step.local, UInt64(step.base) | stepBits << 32, y, 0)
        teeIncrement = nil
        return true
    }

    /// Emits the `select` whose operands are the top three entries from `first` as one
    /// compare-and-select (wdb_engine.h) when its condition is the comparison emitted last (or
    /// `i32.eqz` of a slot, `x == 0`, or of a comparison, which swaps the two values). The
    /// select continues the comparison's run, as a chain does: no stop point lies between them
    /// and neither traps. Returns false (nothing changed) otherwise.
    mutating func emitCompareAndSelect(first: Int, offset: UInt32) throws(CompileError) -> Bool {
        let condition = stack[first + 2]
        guard condition.pending == nil, let producer = lastEmission, producer.end == code.count,
              producer.destination == condition.slot,
              case .slot(var v1) = Compiler.operand(stack[first]),
              case .slot(var v2) = Compiler.operand(stack[first + 1]) else { return false }
        let start: Int, op: Opcode, lhs: Int, rhs: RegisterOperand
        if let negated = producer.negatedComparison {
            (start, op, lhs, rhs) = negated
            swap(&v1, &v2)
        } else if let comparison = producer.comparison {
            start = producer.start
            (op, lhs, rhs) = comparison
        } else if let source = producer.eqzSource {
            (start, op, lhs, rhs) = (producer.start, .i32Eq, source, .immediate(0))
        } else {
            return false
        }
        guard (stopCodeIndex.last.map { Int($0) } ?? -1) <= start else { return false }
        let range: OperationRange, firstComparison: Opcode
        if op.rawValue >= Opcode.i32Eq.rawValue && op.rawValue <= Opcode.i32GeU.rawValue {
            (range, firstComparison) = (.select32, .i32Eq)
        } else if op.rawValue >= Opcode.i64Eq.rawValue && op.rawValue <= Opcode.f64Ge.rawValue {
            (range, firstComparison) = (.selectWide, .i64Eq)
        } else {
            return false
        }
        let type = stack[first].type
        let destination = stack[first].slot
        _ = try pop(3)
        _ = push(type)
        code.removeSubrange(start...)
        extendRun(to: offset)
        let block = op.rawValue - firstComparison.rawValue
        let number = { (form: SelectForm) in range.base + block * range.slots + form.rawValue }
        let values = UInt64(v1) | UInt64(v2) << 32
        switch rhs {
        case .slot(let y): emitNumbered(number(.rr), destination, values, UInt64(lhs) | UInt64(y) << 32)
        case .immediate(let k): emitNumbered(number(.ri), destination, values, UInt64(lhs), k)
        }
        // A following local.set / local.tee may still redirect the result.
        lastEmission = LastEmission(start: start, end: code.count, destination: destination)
        return true
    }

    static func isCommutative(_ op: Opcode) -> Bool {
        switch op {
        case .i32Add, .i32Mul, .i32And, .i32Or, .i32Xor, .i64Add, .i64Mul, .i64And, .i64Or, .i64Xor,
             .f32Add, .f32Mul, .f64Add, .f64Mul: true
        default: false
        }
    }
}
