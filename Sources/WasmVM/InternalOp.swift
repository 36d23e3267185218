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

// The `InternalOp` enum, its flags and word layouts are generated from Scripts/internal-ops.txt
// (Sources/WasmVM/Generated/InternalOps.swift); Docs/architecture.md says how to add one.

/// How long an internal operation's instruction is, in words (the first word included).
enum InternalOpLength: Equatable {
    case fixed(Int)
    /// 3 + n + 1 words, n = w1 & 0xFFFFFFFF (n + 1 branch table entries after three words).
    case brTable
    /// 2 + the words of the SIMD Opcode's immediates (w1 holds the Opcode; Compiler.swift).
    case simd
    /// A debug patch: the length of the original operation kept in bits 16..31.
    case patch
    /// A call: this many fixed words, then its argument list (`CallArguments`).
    case arguments(Int)
}

extension InternalOp {
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

extension InternalOp {
    /// Length in words of the instruction at `pc`, whose unpatched operation is this one; nil
    /// for a debug patch (ask the original operation) or an unknown SIMD operation. Reads pc[1]
    /// for the variable lengths, so the caller makes sure that word exists.
    func wordCount(at pc: UnsafePointer<UInt64>) -> Int? {
        switch length {
        case .fixed(let count): return count
        case .brTable: return 3 + Int(pc[1] & 0xFFFF_FFFF) + 1
        case .simd:
            guard let op = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])) else { return nil }
            return 2 + Self.simdImmediateWords(op.info.immediate)
        case .patch: return nil
        case .arguments(let fixed): return fixed + CallArguments.words(pc[1])
        }
    }

    /// The words the compiler appends for a SIMD instruction's immediates (Compiler.swift).
    static func simdImmediateWords(_ kind: ImmediateKind) -> Int {
        switch kind {
        case .memarg, .lane: return 1
        case .memlane, .v128, .shuffle: return 2
        default: return 0
        }
    }
}

extension InternalOp {
    /// The internal operation a (possibly patched) instruction word stands for; nil for a Wasm
    /// opcode in stack form or a register form.
    @inline(__always)
    static func of(_ word: UInt64) -> InternalOp? {
        let raw = CodeWord.original(word)
        return raw >= base ? decode(raw) : nil
    }

    /// A call that returns to the next instruction (not a tail call).
    var isReturningCall: Bool { isCallLike && !isTailCall }
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
