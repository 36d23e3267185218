import CWasmEngine
import WasmCore

// Register forms: how the compiler encodes the Wasm operations the C core implements, with their
// operands named by slot (a local's slot, or an operand-stack slot) or given as an immediate,
// instead of read from the canonical stack slots. This is what lets `local.get`/`const`
// providers, a following `local.set`, and a following `br_if`/`if` fold into one instruction.
// The word layouts are documented in wdb_engine.h (WDB_FORM_*) and, for the disassembler, in
// Scripts/engine-forms.txt (`OperationLayout`); MemoryAccess.swift reads the loads' and stores'.

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
}
