import WasmCore

// A disassembler of internal code (InternalOp.swift describes the format), for tests and the
// REPL's hidden `maint print code` command: one line per instruction, its code index, its
// operation and its words.
//
// Lengths come from Scripts/internal-ops.txt for the internal operations, from the register
// form for register forms, and from the immediates the compiler appends for a Wasm opcode in
// stack form. The chained forms (chains.h, steps, load chains) are not described here: their
// words are shown raw up to the next stop point. Every stop point starts an instruction, so a
// listing never runs an instruction across one: a length that would is cut at the stop point,
// and the words in between are shown as the instruction's.

enum InternalCode {
    /// The listing of a compiled function, one line per instruction:
    /// `0012  call            a=4 fn=7`.
    static func disassemble(_ function: CompiledFunction) -> [String] {
        let code = UnsafePointer(function.code)
        return instructions(function).map { instruction in
            let k = instruction.start, length = instruction.length
            let described = instruction.description
            var operands = "a=\(CodeWord.a(code[k]))"
            var i = 1
            for text in described.operands where i < length {
                operands += " " + text
                i += 1
            }
            while i < length {
                // Words of a known layout print as numbers; those of an unknown one raw.
                operands += " " + (described.length == nil ? hex(code[k + i]) : number(code[k + i]))
                i += 1
            }
            return pad(String(k), 4, left: true, with: "0") + "  " + pad(instruction.name, 16) + operands
        }
    }

    /// One instruction of a listing: where it starts, how many words it takes, and whether its
    /// layout was known and fit before the next stop point (`isCut`: it did not, and the listing
    /// ended it at the stop point).
    struct Instruction {
        var start: Int
        var length: Int
        var name: String
        fileprivate var description: Description
        var isKnown: Bool { description.length != nil }
        var isCut: Bool { description.length.map { $0 != length } ?? false }
    }

    /// The instructions of a compiled function, in code order, covering every word.
    static func instructions(_ function: CompiledFunction) -> [Instruction] {
        let code = UnsafePointer(function.code)
        let count = function.codeCount
        let stops = function.stopCodeIndex
        var nextStop = 0
        var result: [Instruction] = []
        var k = 0
        while k < count {
            while nextStop < stops.count && Int(stops[nextStop]) <= k { nextStop += 1 }
            let limit = nextStop < stops.count ? Int(stops[nextStop]) : count
            let (name, described) = describe(code[k], at: code + k, available: limit - k)
            let length = max(1, min(described.length ?? (limit - k), limit - k))
            result.append(Instruction(start: k, length: length, name: name, description: described))
            k += length
        }
        return result
    }

    /// An instruction's length (nil: unknown) and the operands it names, after `a`.
    fileprivate struct Description {
        var length: Int?
        var operands: [String] = []
    }

    private static func describe(_ word: UInt64, at pc: UnsafePointer<UInt64>, available: Int) -> (String, Description) {
        let raw = CodeWord.op(word)
        let original = CodeWord.original(word)
        var suffix = ""
        if CodeWord.isPatch(raw), let patch = InternalOp.decode(raw) {
            suffix = " [\(patch.name)]"
        }
        if original >= InternalOp.base, let op = InternalOp.decode(original) {
            return (op.name + suffix, internalOperation(op, at: pc, available: available))
        }
        if original < InternalOp.base, let op = Opcode(rawValue: original) {
            return (op.mnemonic + suffix, Description(length: 1 + stackFormImmediateWords(op)))
        }
        if let (op, form) = RegisterOperation.decode(original), let kind = RegisterKind.of(op) {
            return (op.mnemonic + "/" + formName(form) + suffix, Description(length: registerFormLength(kind, form)))
        }
        return ("op 0x" + String(original, radix: 16) + suffix, Description(length: nil))
    }

    private static func internalOperation(_ op: InternalOp, at pc: UnsafePointer<UInt64>, available: Int) -> Description {
        // The variable lengths read w1.
        let length = available > 1 || op.length == .fixed(1) ? op.wordCount(at: pc) : nil
        guard let length, length <= available else { return Description(length: length) }
        if let target = CallTarget(op, at: pc) {
            switch target {
            case .direct(let address): return Description(length: length, operands: ["fn=\(address)"])
            case .indirect(let words):
                return Description(length: length, operands: [
                    "table=\(words.table)" + (words.is64 ? " (i64)" : ""),
                    "type=\(words.typeID) index=@\(words.indexSlot)"])
            }
        }
        if op == .simd, let simd = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])) {
            return Description(length: length, operands: [simd.mnemonic])
        }
        if op == .unsupported, let wasm = Opcode(rawValue: UInt16(truncatingIfNeeded: pc[1])) {
            return Description(length: length, operands: [wasm.mnemonic])
        }
        let names = op.wordNames
        var operands: [String] = []
        for i in 1..<max(1, length) {
            let value = number(pc[i])
            operands.append(i - 1 < names.count ? "\(names[i - 1])=\(value)" : value)
        }
        return Description(length: length, operands: operands)
    }

    /// The words the compiler appends after a Wasm instruction in stack form (Compiler.swift,
    /// `translateGeneric`): one per index or offset, two for a lane offset pair and a v128.
    static func stackFormImmediateWords(_ op: Opcode) -> Int {
        switch op.info.immediate {
        case .none: return 0
        case .memlane, .v128, .shuffle: return 2
        default: return 1
        }
    }

    static func registerFormLength(_ kind: RegisterKind, _ form: RegisterForm) -> Int? {
        switch kind {
        case .compare, .binary:
            switch form {
            case .rr, .r: return 2
            case .ri, .rrBranch, .rrBranchUnless: return 3
            case .riBranch, .riBranchUnless: return 4
            case .indexed: return nil
            }
        case .unary: return 2
        case .load: return 3
        case .store:
            // RI and INDEXED_I (r's number) carry an immediate value after the address slot.
            return form == .ri || form == .r ? 4 : 3
        }
    }

    private static func formName(_ form: RegisterForm) -> String {
        switch form {
        case .rr: return "rr"
        case .ri: return "ri"
        case .r: return "r"
        case .rrBranch: return "rr_br"
        case .riBranch: return "ri_br"
        case .rrBranchUnless: return "rr_brnot"
        case .riBranchUnless: return "ri_brnot"
        case .indexed: return "indexed"
        }
    }

    private static func hex(_ word: UInt64) -> String { "0x" + String(word, radix: 16) }

    /// A word of two 32-bit halves (slot pairs, offset | addend, brTable entries) prints as
    /// low|high, else as one number.
    private static func number(_ word: UInt64) -> String {
        word >> 32 == 0 ? "\(word)" : "\(word & 0xFFFF_FFFF)|\(word >> 32)"
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false, with fill: Character = " ") -> String {
        guard text.count < width else { return left ? text : text + " " }
        let padding = String(repeating: fill, count: width - text.count)
        return left ? padding + text : text + padding
    }
}
