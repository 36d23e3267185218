import CWasmEngine
import WasmCore

// Branches on a value computed right before them, as one instruction (wdb_engine.h):
// - test-and-branch: `i32.and x y` (or i64.and) tested by a br_if / if, directly, through
//   `i32.eqz` / `i64.eqz`, or as `== 0` / `!= 0` (`if (flags & BIT)`, `while (n & 1)`);
// - load-compare-and-branch: a load whose value a comparison (or the branch itself, or an eqz)
//   tests at once (`while (*s != c)`, `if (node->next)`, `if (p->key == key)`).
// Measured by counting the dispatched (previous, next) operation pairs over the benchmark
// programs (Docs/performance.md, session 8): these were the most frequent pairs that are one
// dependent computation inside one run and had no combined form.
//
// Debugging guarantees, as for the chains (Compiler+Chains.swift): the comparison (or eqz) joins
// the run of the load or `and` it consumes instead of beginning a stop point, and the branch
// joins that run too, so the fused instruction has the one stop point of its first part, and
// the intermediate values (the loaded value, `x & y`, the comparison's result) are never on the
// operand stack at a stop point. Only the load can trap, and it traps first, at the start of the
// fused instruction, where its trap site already is (the load's words and code index stay).

/// A load or `and` whose result the comparison (or eqz) emitted last tests, inside its run.
struct FusedTest {
    enum Source {
        /// The load's operation and its first two words (end | addend, address slot).
        case load(Opcode, offsetWord: UInt64, address: UInt64)
        case and(wide: Bool, lhs: Int, rhs: RegisterOperand)
    }
    /// Code index of the load or `and`.
    var start: Int
    /// The slot its result was written to (and the comparison read).
    var result: Int
    var source: Source
}

extension Compiler {
    /// A test the comparison or eqz `op` on the top `kind.arity` entries (from `first`) can fuse
    /// with: the load or `and` emitted last, whose result is one of the operands and whose run
    /// is still open. Nil otherwise (nothing changed).
    func fusableTest(_ op: Opcode, kind: RegisterKind, first: Int) -> FusedTest? {
        guard kind == .compare || op == .i32Eqz || op == .i64Eqz,
              let producer = lastEmission, producer.end == code.count,
              (stopCodeIndex.last.map { Int($0) } ?? -1) <= producer.start else { return nil }
        let operands = stack[first...]
        guard operands.contains(where: { $0.pending == nil && $0.slot == producer.destination }) else { return nil }
        let wide = op == .i64Eqz || (op.rawValue >= Opcode.i64Eq.rawValue && op.rawValue <= Opcode.i64GeU.rawValue)
        let narrow = op == .i32Eqz || (op.rawValue >= Opcode.i32Eq.rawValue && op.rawValue <= Opcode.i32GeU.rawValue)
        guard wide || narrow else { return nil }
        if let load = producer.load, producer.end - producer.start == 3, OperationRange.loadCompare(of: load) != nil,
           (load == .i64Load) == wide {
            return FusedTest(start: producer.start, result: producer.destination,
                             source: .load(load, offsetWord: code[producer.start + 1], address: code[producer.start + 2]))
        }
        if let and = producer.binary, and.op == (wide ? .i64And : .i32And),
           stack[first].pending == nil, stack[first].slot == producer.destination {
            // `x & y` tested against zero: an eqz, or `== 0` / `!= 0`.
            let againstZero: Bool
            if op == .i32Eqz || op == .i64Eqz {
                againstZero = true
            } else if op == .i32Eq || op == .i32Ne || op == .i64Eq || op == .i64Ne,
                      case .immediate(0) = Compiler.operand(stack[first + 1]) {
                againstZero = true
            } else {
                againstZero = false
            }
            if againstZero {
                return FusedTest(start: producer.start, result: producer.destination,
                                 source: .and(wide: wide, lhs: and.lhs, rhs: and.rhs))
            }
        }
        return nil
    }

    /// A test a br_if / if on the value of the last emission can fuse with when nothing compares
    /// it first: an i32 load or `i32.and` in a run that is still open. Nil otherwise.
    func directTest(_ producer: LastEmission) -> FusedTest? {
        guard producer.end == code.count,
              (stopCodeIndex.last.map { Int($0) } ?? -1) <= producer.start else { return nil }
        if let load = producer.load, load != .i64Load, producer.end - producer.start == 3,
           OperationRange.loadCompare(of: load) != nil {
            return FusedTest(start: producer.start, result: producer.destination,
                             source: .load(load, offsetWord: code[producer.start + 1], address: code[producer.start + 2]))
        }
        if let and = producer.binary, and.op == .i32And {
            return FusedTest(start: producer.start, result: producer.destination,
                             source: .and(wide: false, lhs: and.lhs, rhs: and.rhs))
        }
        return nil
    }

    /// Replaces the code from `test.start` (the load or `and`, and the comparison after it) by
    /// one load-compare-and-branch or test-and-branch that branches when `op(lhs, rhs)` is
    /// `whenTrue`; `op(lhs, rhs)` is the comparison of `test.result` (eq / ne with 0 for an
    /// `and`). Its target word (the last) is left 0 for the caller. Returns false (nothing
    /// changed) when the comparison does not fit.
    mutating func emitTestAndBranch(_ test: FusedTest, _ op: Opcode, _ lhs: Int, _ rhs: RegisterOperand,
                                    whenTrue: Bool) -> Bool {
        switch test.source {
        case .and(let wide, let x, let y):
            guard lhs == test.result, case .immediate(0) = rhs,
                  op == (wide ? .i64Eq : .i32Eq) || op == (wide ? .i64Ne : .i32Ne) else { return false }
            // Branch when x & y is nonzero: `!= 0` taken, or `== 0` not taken.
            let nonzero = (op == .i32Ne || op == .i64Ne) == whenTrue
            let range: OperationRange = wide ? .test64 : .test32
            code.removeSubrange(test.start...)
            switch y {
            case .slot(let slot):
                emitNumbered(range.base + UInt16(nonzero ? WDB_STEP_RR_BR : WDB_STEP_RR_BRNOT), 0,
                             UInt64(x) | UInt64(slot) << 32, 0)
            case .immediate(let value):
                emitNumbered(range.base + UInt16(nonzero ? WDB_STEP_RI_BR : WDB_STEP_RI_BRNOT), 0, UInt64(x), value, 0)
            }
            return true
        case .load(let load, let offsetWord, let address):
            guard let range = OperationRange.loadCompare(of: load), let firstComparison = range.firstOpcode else { return false }
            // The loaded value goes on the left.
            var compare = op
            let other: RegisterOperand
            if lhs == test.result {
                other = rhs
            } else if case .slot(let r) = rhs, r == test.result, let mirrored = Compiler.swapped(op) {
                compare = mirrored
                other = .slot(lhs)
            } else {
                return false
            }
            guard compare.rawValue >= firstComparison.rawValue,
                  compare.rawValue - firstComparison.rawValue < range.blocks else { return false }
            let block = compare.rawValue - firstComparison.rawValue
            code.removeSubrange(test.start...)
            let number = range.base + block * range.slots
            switch other {
            case .slot(let y):
                emitNumbered(number + UInt16(whenTrue ? WDB_STEP_RR_BR : WDB_STEP_RR_BRNOT), 0,
                             offsetWord, (address & 0xFFFF_FFFF) | UInt64(y) << 32, 0)
            case .immediate(let y):
                emitNumbered(number + UInt16(whenTrue ? WDB_STEP_RI_BR : WDB_STEP_RI_BRNOT), 0,
                             offsetWord, address & 0xFFFF_FFFF, y, 0)
            }
            return true
        }
    }
}
