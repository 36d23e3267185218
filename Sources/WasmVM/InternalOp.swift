import WasmCore

// The engine's instruction format ("internal code"), executed by the C core
// (Sources/CWasmEngine) and, for the slow operations, by Interpreter.swift.
//
// Code is an array of 64-bit words. The first word of every instruction holds the operation in
// its low 16 bits and one operand slot (`a`, a frame-relative slot index) in its high 32 bits;
// further words hold pre-decoded immediates. Operation numbers come in three ranges:
// - below `InternalOp.base`: a Wasm instruction in stack form, numbered by its `Opcode` raw
//   value (the instruction table stays the one definition of the instruction set): operands
//   at `a`, `a+1`, `a+2`, the result at `a`. Used for what has no register form (SIMD, bulk
//   memory, tables, the saturating float truncations, globals, memory.size/grow);
// - `InternalOp`s: the operations of the compiled form itself (copies, constants, resolved
//   branches, calls, returns, debug patches);
// - from `RegisterOperation.base` (RegisterForms.swift): the arithmetic, comparisons, loads
//   and stores in register form, whose operands are named by slot or given as immediates, and
//   which fold `local.get`, constants, `local.set`/`local.tee` and compare-and-branch.
//
// Slots: params and locals first, then the Wasm operand stack, each entry at its canonical
// slot (localsEnd + the slots below it). At each stop point every live operand-stack value is
// in its canonical slot, or the stop point's stack node says where it is (a folded read of a
// local or a constant; Compiler+Operands.swift).
//
// Patching: a breakpoint can replace the low 16 bits of an instruction's first word with a
// breakpoint operation and keep the original operation in bits 16..31; every stop point
// starts an instruction, so this is always possible.

enum InternalOp: UInt16, CaseIterable {
    /// Numbered above every Opcode so both share the 16-bit operation field.
    /// (0x200: above the 437 Opcodes, and small, so the C core's dispatch table stays small.)
    static let base: UInt16 = 0x200

    /// fp[a] = fp[w1]
    case copy = 0x200
    /// fp[a..a+1] = fp[w1..w1+1] (v128)
    case copy2
    /// fp[a] = w1
    case const
    /// fp[a] = w1, fp[a+1] = w2 (v128)
    case const2
    /// pc = w1
    case jump
    /// if fp[a] as i32 != 0 { pc = w1 }
    case brIf
    /// if fp[a] as i32 == 0 { pc = w1 }  (the `if` instruction)
    case brIfNot
    /// move w3 slots from fp[w2] to fp[a]; pc = w1
    case brCopy
    /// if fp[a] != 0 { move w3 slots from fp[w2 & 0xFFFFFFFF] to fp[w2 >> 32]; pc = w1 }
    case brIfCopy
    /// i = fp[a]; w1 = n | count << 32; w2 = src; then n + 1 entries (target | dst << 32)
    case brTable
    /// results (w1 slots) from fp[a] to fp[0]; pop the frame
    case `return`
    /// call function address w1 with arguments at fp[a...]
    case call
    /// w1 = table index; w2 = type id | (index slot) << 32; arguments at fp[a...]
    case callIndirect
    /// select over two-slot values: v1 at a, v2 at a+2, condition at a+4
    case select2
    /// global w1 (two slots) to fp[a..a+1] / from fp[a..a+1]
    case globalGet2
    case globalSet2
    /// consume one unit of fuel; trap when none is left (emitted only when fuel is limited)
    case fuel
    /// an instruction the engine does not execute: traps
    case unsupported
    /// w1 = SIMD Opcode, then its immediates (see SIMD.swift)
    case simd
    /// Debug patches (Debug/Patching.swift). Each replaces only the low 16 bits of an
    /// instruction's first word and keeps the original operation in bits 16..31, so the
    /// original instruction can be replayed from the patched word alone.
    /// Stops before the instruction (a breakpoint).
    case breakpoint
    /// Stops before the instruction (an interrupt armed at a loop header or function entry).
    case interrupt
    /// A memory or global access while a watchpoint exists: checks the access and stops
    /// before it when it may touch a watched range, else runs the original.
    case watchedAccess
    /// fp[a] = fp[w2] as i32 != 0 ? fp[w1 & 0xFFFFFFFF] : fp[w1 >> 32] (one-slot `select` with
    /// its operands named by slot; Compiler+Operands.swift)
    case selectSlots
    /// Tail call (`return_call`): move the arguments at fp[a...] to fp[0...] and enter function
    /// address w1 in place of the current frame (the saved callers stay as they are).
    case returnCall
    /// `return_call_indirect`: w1 = table index; w2 = type id | (index slot) << 32; arguments at
    /// fp[a...], as `callIndirect`, replacing the current frame.
    case returnCallIndirect
    /// A memory instruction on a memory other than a 32-bit memory 0 (multi-memory, memory64),
    /// in stack form: w1 = Opcode | memory index << 32, w2, w3 (Compiler+Memories.swift).
    case memoryOperation
    /// `callIndirect` through a table64 table (same words; the i64 index is checked in Swift).
    case callIndirect64

    /// Number of cases (a literal, so the run loop's range check costs no lazy initialisation;
    /// a test checks it against `allCases`).
    static let count: UInt16 = 27

    /// The operation of an instruction word's low 16 bits, known to be >= `base`.
    ///
    /// `init(rawValue:)` is an out-of-line call in optimised builds; a no-payload enum's
    /// in-memory tag is its case index, and the cases are numbered from `base` in order, so
    /// `raw - base` is the tag (a test checks this for every case).
    @inline(__always)
    static func decode(_ raw: UInt16) -> InternalOp? {
        let index = raw &- base
        guard index < count else { return nil }
        return unsafeBitCast(UInt8(truncatingIfNeeded: index), to: InternalOp.self)
    }
}

extension Opcode {
    /// The Opcode of an instruction word's low 16 bits, known to be below `InternalOp.base`.
    ///
    /// Only the engine's compiler writes code words, and it writes Opcode raw values; the tag
    /// of this no-payload enum is its case index, which equals its raw value (0, 1, 2, ... in
    /// declaration order), so the bit cast avoids the out-of-line `init(rawValue:)`. A test
    /// checks the assumption for every case.
    @inline(__always)
    static func decodeEngineWord(_ raw: UInt16) -> Opcode {
        unsafeBitCast(raw, to: Opcode.self)
    }
}

/// Helpers to build and read instruction words.
enum CodeWord {
    @inline(__always)
    static func make(_ op: UInt16, _ a: Int) -> UInt64 {
        UInt64(op) | (UInt64(truncatingIfNeeded: a) << 32)
    }

    @inline(__always)
    static func op(_ word: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: word) }

    @inline(__always)
    static func a(_ word: UInt64) -> Int { Int(word >> 32) }

    /// `word` with its operation replaced by debug patch `patch`, keeping the original
    /// operation in bits 16..31 (unused by every instruction word).
    static func patched(_ word: UInt64, with patch: InternalOp) -> UInt64 {
        let original = UInt64(original(word))
        return (word & 0xFFFF_FFFF_0000_0000) | original << 16 | UInt64(patch.rawValue)
    }

    /// The operation a (possibly patched) word stands for.
    @inline(__always)
    static func original(_ word: UInt64) -> UInt16 {
        let op = UInt16(truncatingIfNeeded: word)
        return isPatch(op) ? UInt16(truncatingIfNeeded: word >> 16) : op
    }

    /// The unpatched word of a (possibly patched) word.
    @inline(__always)
    static func unpatched(_ word: UInt64) -> UInt64 {
        (word & 0xFFFF_FFFF_0000_0000) | UInt64(original(word))
    }

    @inline(__always)
    static func isPatch(_ op: UInt16) -> Bool {
        op == InternalOp.breakpoint.rawValue || op == InternalOp.interrupt.rawValue
            || op == InternalOp.watchedAccess.rawValue
    }
}
