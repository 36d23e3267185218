// Typed views of the words of the call-like internal operations (the ones Scripts/internal-ops.txt
// flags `call`): the slow-path interpreter, its tail calls and the debugger (step-over, host-call
// stops) read a call's callee through these, so a call-like operation's layout is decoded once.
//
// Layouts: `call`, `returnCall`: w1 = function address (`call`: argument counts in bits 32..63,
// Compiler+Calls.swift). `callIndirect`, `callIndirect64`, `returnCallIndirect`: w1 = table
// index (`callIndirect`: argument counts in bits 32..63; `returnCallIndirect`: bit 32 set for a
// 64-bit table; `callIndirect64` is always one), w2 = store type id | index slot << 32.

/// The callee words of a call-like instruction.
enum CallTarget {
    /// A function address.
    case direct(UInt32)
    /// A table entry.
    case indirect(IndirectCallWords)

    /// The callee words of the instruction at `pc`, whose unpatched operation is `op`; nil when
    /// `op` is not call-like.
    @inline(__always)
    init?(_ op: InternalOp, at pc: UnsafePointer<UInt64>) {
        guard op.isCallLike else { return nil }
        if op.isIndirectCall {
            self = .indirect(IndirectCallWords(op, at: pc))
        } else {
            self = .direct(UInt32(truncatingIfNeeded: pc[1]))
        }
    }
}

/// The words of an indirect call (`callIndirect`, `callIndirect64`, `returnCallIndirect`).
struct IndirectCallWords {
    /// The table, an index into the instance's tables.
    let table: Int
    /// A 64-bit table: the index is all 64 bits of its slot, else its low 32 bits.
    let is64: Bool
    /// The store type id the callee must have (or be a subtype of).
    let typeID: UInt32
    /// The frame slot holding the element index.
    let indexSlot: Int

    @inline(__always)
    init(_ op: InternalOp, at pc: UnsafePointer<UInt64>) {
        let w1 = pc[1], w2 = pc[2]
        table = Int(UInt32(truncatingIfNeeded: w1))
        is64 = op == .callIndirect64 || (op == .returnCallIndirect && w1 >> 32 != 0)
        typeID = UInt32(truncatingIfNeeded: w2)
        indexSlot = Int(w2 >> 32)
    }

    /// The element index the call reads from frame `fp`.
    @inline(__always)
    func index(_ fp: UnsafePointer<UInt64>) -> UInt64 {
        let slot = fp[indexSlot]
        return is64 ? slot : slot & 0xFFFF_FFFF
    }

    /// What the table holds at the call's index: the callee's function address, or why there is
    /// none (the caller traps, or the debugger knows no callee). The type is not checked here:
    /// the interpreter accepts subtypes, the tail call path equal types only.
    enum Lookup {
        case callee(UInt32)
        case undefinedElement(UInt64)
        case uninitializedElement(UInt64)
    }

    func lookUp(_ r: Registers) -> Lookup {
        let index = index(r.fp)
        guard let tables = r.context.pointee.tables else { return .undefinedElement(index) }
        let table = tables[self.table]
        guard index < table.pointee.count, let elements = table.pointee.elements else { return .undefinedElement(index) }
        // index < count, and count is an Int: the conversion is exact.
        let ref = elements[Int(index)]
        guard ref != 0 else { return .uninitializedElement(index) }
        return .callee(UInt32(truncatingIfNeeded: ref &- 1))
    }
}
