import CWasmEngine
import WasmCore

// Register forms: how the compiler encodes the Wasm operations the C core implements, with their
// operands named by slot (a local's slot, or an operand-stack slot) or given as an immediate,
// instead of read from the canonical stack slots. This is what lets `local.get`/`const`
// providers, a following `local.set`, and a following `br_if`/`if` fold into one instruction.
// The word layouts are documented in wdb_engine.h (WDB_FORM_*).

// `RegisterForm` (rr, ri, r, the branch forms, indexed) is generated from
// Scripts/engine-forms.txt (Generated/OperationRanges.swift), with the ranges' numbers.

/// Which Wasm operations have register forms, and their shape.
enum RegisterKind {
    /// Two operands, one i32 result; also fused with a following br_if / if.
    case compare
    case binary
    case unary
    case load
    case store

    var arity: Int {
        switch self {
        case .compare, .binary, .store: 2
        case .unary, .load: 1
        }
    }

    /// The register kind of each Opcode (by raw value), derived from the instruction table:
    /// plain (unprefixed) memory accesses, and numeric operations with a fixed signature of one
    /// or two operands and one result (the trapping float-to-int truncations included; the
    /// prefixed operations, the saturating truncations among them, stay in Swift).
    static let table: [RegisterKind?] = Opcode.allCases.map { op in
        let info = op.info
        guard info.prefix == 0 else { return nil }
        if info.immediate == .memarg {
            guard let signature = info.signature else { return nil }
            return signature.results.isEmpty ? .store : .load
        }
        guard info.immediate == .none, let signature = info.signature, signature.results.count == 1 else { return nil }
        let name = info.mnemonic
        switch signature.params.count {
        case 2:
            let suffix = name.split(separator: ".").last.map(String.init) ?? ""
            return ["eq", "ne", "lt", "gt", "le", "ge", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]
                .contains(suffix) ? .compare : .binary
        case 1:
            return .unary
        default:
            return nil
        }
    }

    static func of(_ op: Opcode) -> RegisterKind? { table[Int(op.rawValue)] }
}

enum RegisterOperation {
    static let base = OperationRange.register.base

    /// The operation number of `op` in `form`.
    static func number(_ op: Opcode, _ form: RegisterForm) -> UInt16 {
        base + op.rawValue * RegisterForm.count + form.rawValue
    }

    /// The Wasm operation and form of an operation number, nil when it is not a register form.
    static func decode(_ raw: UInt16) -> (Opcode, RegisterForm)? {
        guard raw >= base, raw < OperationRange.register.end else { return nil }
        let index = raw - base
        guard let op = Opcode(rawValue: index / RegisterForm.count),
              let form = RegisterForm(rawValue: index % RegisterForm.count) else { return nil }
        return (op, form)
    }

    /// The Wasm load or store an operation number stands for (a load-and-operate's load).
    static func memoryOperation(_ raw: UInt16) -> Opcode? {
        if OperationRange.of(raw) == .loadChain {
            let index = Int((raw - OperationRange.loadChain.base) / OperationRange.loadChain.slots)
            return EngineChains.loads[index].load
        }
        guard let (op, form) = decode(raw), let kind = RegisterKind.of(op) else { return nil }
        switch (kind, form) {
        case (.load, .r), (.load, .indexed), (.store, .rr), (.store, .ri), (.store, .indexed),
             (.store, RegisterForm.indexedImmediateStore): return op
        default: return nil
        }
    }

    /// Whether a load or store's address adds an index slot (instead of a constant addend).
    static func isIndexed(_ raw: UInt16) -> Bool {
        guard let (op, form) = decode(raw), let kind = RegisterKind.of(op) else { return false }
        return form == .indexed || (kind == .store && form == RegisterForm.indexedImmediateStore)
    }

    /// The guest-memory access of the load or store at `pc` (whose unpatched first word is
    /// `word`): effective address, size, and whether it writes. Loads and stores both keep the
    /// offset in the low half of word 1 and an addend (a folded `i32.add` of a constant) in its
    /// high half (indexed forms: the slot of the value added), and the address slot in the low
    /// half of word 2.
    static func memoryAccess(_ word: UInt64, pc: UnsafeMutablePointer<UInt64>, fp: UnsafeMutablePointer<UInt64>)
        -> (address: UInt64, size: UInt64, isWrite: Bool)? {
        let raw = CodeWord.op(word)
        guard let op = memoryOperation(raw) else { return nil }
        let addressSlot = Int(UInt32(truncatingIfNeeded: pc[2]))
        let addend = isIndexed(raw) ? UInt32(truncatingIfNeeded: fp[Int(pc[1] >> 32)]) : UInt32(truncatingIfNeeded: pc[1] >> 32)
        let address = UInt64(UInt32(truncatingIfNeeded: fp[addressSlot]) &+ addend) &+ (pc[1] & 0xFFFF_FFFF)
        return (address, UInt64(op.info.naturalAlignment), RegisterKind.of(op) == .store)
    }
}

/// The SIMD memory accesses, which keep the stack form (SIMD.swift): `v128.load`/`v128.store`
/// as their own operations (offset in word 1), the others as an `InternalOp.simd` word (SIMD
/// opcode in word 1, offset in word 2). The address is the first operand, at slot `a`.
enum VectorMemoryAccess {
    /// The SIMD load or store a (unpatched) first word stands for, and the word holding its
    /// offset, or nil.
    static func operation(_ word: UInt64, at pc: UnsafeMutablePointer<UInt64>) -> (op: Opcode, offsetWord: Int)? {
        let raw = CodeWord.op(word)
        if raw == Opcode.v128Load.rawValue || raw == Opcode.v128Store.rawValue {
            return (raw == Opcode.v128Load.rawValue ? .v128Load : .v128Store, 1)
        }
        guard raw == InternalOp.simd.rawValue, let op = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])),
              op.info.immediate == .memarg || op.info.immediate == .memlane else { return nil }
        return (op, 2)
    }

    static func isStore(_ op: Opcode) -> Bool { op.info.signature?.results.isEmpty ?? false }

    /// Effective address, size and direction of the SIMD access at `pc`.
    static func access(_ word: UInt64, pc: UnsafeMutablePointer<UInt64>, fp: UnsafeMutablePointer<UInt64>)
        -> (address: UInt64, size: UInt64, isWrite: Bool)? {
        guard let (op, offsetWord) = operation(word, at: pc) else { return nil }
        let address = (fp[CodeWord.a(word)] & 0xFFFF_FFFF) &+ pc[offsetWord]
        return (address, UInt64(op.info.naturalAlignment), isStore(op))
    }
}

