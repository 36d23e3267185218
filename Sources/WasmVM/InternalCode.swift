import WasmCore

// A disassembler of internal code (InternalOp.swift describes the format), for tests and the
// REPL's hidden `maint print code` command: one line per instruction, its code index, its
// operation and its words.
//
// Lengths and word names come from the tables: Scripts/internal-ops.txt for the internal
// operations, Scripts/engine-forms.txt (`OperationLayout`) for the register forms, chains, load
// chains and increment-and-branch steps, and the immediates the compiler appends for a Wasm
// opcode in stack form. A register form lists as `i32.add/ri`, a chain as its two operations
// (`i32.mul+i32.add/rr`), a load chain as its load and operation (`i32.load+i32.add/first`), a
// step as its add and comparison (`i32.add+i32.lt_u/ri_br`, `a` the local it writes); slots
// print as @N, as in `x=@3`. Every stop point starts an instruction, so a listing never runs an
// instruction across one: a length that would is cut at the stop point, and the words in between
// are shown as the instruction's. Words of an unknown layout print raw (hex).

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
                // (An empty text: a word the text before it described, as a constant argument's value.)
                if !text.isEmpty { operands += " " + text }
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
        if let range = OperationRange.of(original), let (name, described) = engineForm(original, in: range, at: pc, available: available) {
            return (name + suffix, described)
        }
        return ("op 0x" + String(original, radix: 16) + suffix, Description(length: nil))
    }

    private static func internalOperation(_ op: InternalOp, at pc: UnsafePointer<UInt64>, available: Int) -> Description {
        // The variable lengths read w1.
        let length = available > 1 || op.length == .fixed(1) ? op.wordCount(at: pc) : nil
        guard let length, length <= available else { return Description(length: length) }
        if let target = CallTarget(op, at: pc) {
            var operands: [String]
            switch target {
            case .direct(let address): operands = ["fn=\(address)"]
            case .indirect(let words):
                operands = ["table=\(words.table)" + (words.is64 ? " (i64)" : ""),
                            "type=\(words.typeID) index=@\(words.indexSlot)"]
            }
            if case .arguments(let fixed) = op.length {
                // The argument list (Compiler+Calls.swift): `@destination=@source` for a copy,
                // `@destination=value` for a constant (two words).
                let copies = Int((pc[1] >> 32) & 0xFFFF), constants = Int(pc[1] >> 48)
                for i in 0..<copies {
                    let w = pc[fixed + i]
                    operands.append("@\(UInt32(truncatingIfNeeded: w))=@\(w >> 32)")
                }
                for k in 0..<constants {
                    operands += ["@\(pc[fixed + copies + 2 * k])=\(number(pc[fixed + copies + 2 * k + 1]))", ""]
                }
            }
            return Description(length: length, operands: operands)
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

    /// A register form or superinstruction: its name and its words by the layout of
    /// Scripts/engine-forms.txt; nil for a number the table gives no layout.
    private static func engineForm(_ raw: UInt16, in range: OperationRange, at pc: UnsafePointer<UInt64>,
                                   available: Int) -> (String, Description)? {
        let block = Int((raw - range.base) / range.slots), form = (raw - range.base) % range.slots
        let name: String
        let layout: (name: String, words: [String])?
        switch range {
        case .register:
            guard let op = Opcode(rawValue: UInt16(block)), let kind = RegisterKind.of(op),
                  let registerForm = RegisterForm(rawValue: form) else { return nil }
            name = op.mnemonic
            layout = OperationLayout.register(kind, registerForm)
        case .chain:
            let pair = EngineChains.pairs[block]
            name = pair.first.mnemonic + "+" + pair.second.mnemonic
            layout = OperationLayout.of(range, form: form)
        case .loadChain:
            let pair = EngineChains.loads[block]
            name = pair.load.mnemonic + "+" + pair.operation.mnemonic
            layout = OperationLayout.of(range, form: form)
        case .step, .stepSlot, .step64, .step64Slot:
            guard let first = range.firstOpcode, let comparison = Opcode(rawValue: first.rawValue + UInt16(block)) else {
                return nil
            }
            let add: Opcode = range == .step64 || range == .step64Slot ? .i64Add : .i32Add
            name = add.mnemonic + "+" + comparison.mnemonic
            layout = OperationLayout.of(range, form: form)
        case .test32, .test64:
            name = (range == .test64 ? Opcode.i64And : Opcode.i32And).mnemonic + "+br_if"
            layout = OperationLayout.of(range, form: form)
        case .loadCompare, .loadCompare8U, .loadCompare8S, .loadCompare16U, .loadCompare16S, .loadCompare64:
            guard let load = range.loadOfLoadCompare, let first = range.firstOpcode,
                  let comparison = Opcode(rawValue: first.rawValue + UInt16(block)) else { return nil }
            name = load.mnemonic + "+" + comparison.mnemonic
            layout = OperationLayout.of(range, form: form)
        case .select32, .selectWide:
            guard let first = range.firstOpcode, let comparison = Opcode(rawValue: first.rawValue + UInt16(block)) else {
                return nil
            }
            name = comparison.mnemonic + "+select"
            layout = OperationLayout.of(range, form: form)
        }
        guard let layout else { return nil }
        let length = 1 + layout.words.count
        guard length <= available else { return (name + "/" + layout.name, Description(length: length)) }
        let operands = layout.words.enumerated().map { i, word in
            let value = pc[1 + i]
            let halves = word.split(separator: "|")
            if halves.count == 2 {
                return named(halves[0], value & 0xFFFF_FFFF) + " " + named(halves[1], value >> 32)
            }
            return named(Substring(word), value)
        }
        return (name + "/" + layout.name, Description(length: length, operands: operands))
    }

    /// `name=value` for a layout's value: @name a slot (`x=@3`), #name an immediate, else a number.
    private static func named(_ spec: Substring, _ value: UInt64) -> String {
        if spec.hasPrefix("@") { return "\(spec.dropFirst())=@\(value)" }
        let name = spec.hasPrefix("#") ? spec.dropFirst() : spec
        // Immediates are raw 64-bit slot values: a wide one (a negative i64, a double) in hex.
        return "\(name)=" + (value >> 32 == 0 ? "\(value)" : hex(value))
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
