import WasmCore

/// Turns single instructions into WAT text (mnemonic and immediates), naming indices by the
/// module's `$ids` where it has them. Used for function bodies and constant expressions.
struct WatInstructionText {
    let module: Module
    let ids: WatIdentifiers
    /// Ids of the current function's locals (parameters first).
    var localIds: [UInt32: String] = [:]
    /// Label ids of the enclosing structured instructions, innermost last (nil = unnamed).
    var labelStack: [String?] = []

    /// Type index of every function in the index space, computed once per module (looking
    /// it up per `call` would make printing quadratic).
    let functionTypeIndices: [UInt32]

    init(module: Module, ids: WatIdentifiers) {
        self.module = module
        self.ids = ids
        self.functionTypeIndices = module.functionTypeIndices
    }

    /// `block $l (result i32)`, `i32.load offset=4`, `call $f`, …
    func text(_ instruction: Instruction, label: String? = nil) -> String {
        let info = instruction.opcode.info
        var parts = [info.mnemonic]
        switch (info.immediate, instruction.immediate) {
        case (.block, .block(let type)):
            if let label { parts.append(label) }
            if let typeText = blockType(type) { parts.append(typeText) }
        case (.label, .index(let depth)):
            parts.append(labelReference(depth))
        case (.brTable, .brTable(let targets, let defaultTarget)):
            parts += targets.map(labelReference)
            parts.append(labelReference(defaultTarget))
        case (.function, .index(let index)):
            parts.append(reference(index, ids.functions))
        case (.callIndirect, .indexPair(let type, let table)):
            if showsTable(table) { parts.append(reference(table, ids.tables)) }
            parts.append("(type \(reference(type, ids.types)))")
        case (.local, .index(let index)):
            parts.append(reference(index, localIds))
        case (.global, .index(let index)):
            parts.append(reference(index, ids.globals))
        case (.table, .index(let index)):
            if showsTable(index) { parts.append(reference(index, ids.tables)) }
        case (.memory, .index(let index)), (.memoryFill, .index(let index)):
            if index != 0 { parts.append(reference(index, ids.memories)) }
        case (.memarg, .memarg(let memarg)):
            parts += memargText(memarg, natural: info.naturalAlignment)
        case (.memlane, .memlane(let memarg, let lane)):
            parts += memargText(memarg, natural: info.naturalAlignment)
            parts.append(String(lane))
        case (.lane, .lane(let lane)):
            parts.append(String(lane))
        case (.i32, .i32(let value)):
            parts.append(String(value))
        case (.i64, .i64(let value)):
            parts.append(String(value))
        case (.f32, .f32(let bits)):
            parts.append(FloatText.wat(f32: bits))
        case (.f64, .f64(let bits)):
            parts.append(FloatText.wat(f64: bits))
        case (.v128, .v128(let value)):
            parts.append(Self.v128Text(value))
        case (.shuffle, .v128(let lanes)):
            parts += lanes.bytes.map { String($0) }
        case (.select, .select(let types)):
            parts.append("(result" + types.map { " " + valueTypeText($0) }.joined() + ")")
        case (.refType, .refType(let type)):
            parts.append(heapTypeText(type.heapType))
        case (.heapType, .refType(let type)):
            parts.append(refTypeText(type))
        case (.tag, .index(let index)):
            parts.append(reference(index, tagIds))
        case (.typeIndex, .index(let index)):
            parts.append(reference(index, ids.types))
        case (.field, .indexPair(let type, let field)):
            parts.append(reference(type, ids.types))
            let names = module.names.fieldNames[type] ?? [:]
            parts.append(names[field].flatMap { WatIdentifiers.identifier($0) } ?? String(field))
        case (.typePair, .indexPair(let a, let b)):
            parts.append(reference(a, ids.types))
            parts.append(reference(b, ids.types))
        case (.typeData, .indexPair(let type, let data)):
            parts.append(reference(type, ids.types))
            parts.append(reference(data, ids.data))
        case (.typeElem, .indexPair(let type, let element)):
            parts.append(reference(type, ids.types))
            parts.append(reference(element, ids.elements))
        case (.typeFixed, .indexPair(let type, let count)):
            parts.append(reference(type, ids.types))
            parts.append(String(count))
        case (.brOnCast, .brOnCast(let label, let from, let to)):
            parts.append(labelReference(label))
            parts.append(refTypeText(from))
            parts.append(refTypeText(to))
        case (.tryTable, .tryTable(let type, let clauses)):
            if let label { parts.append(label) }
            if let typeText = blockType(type) { parts.append(typeText) }
            for clause in clauses {
                var text = "(" + clause.kind.keyword
                if clause.kind.hasTag { text += " " + reference(clause.tag, tagIds) }
                text += " " + labelReference(clause.label) + ")"
                parts.append(text)
            }
        case (.data, .index(let index)):
            parts.append(reference(index, ids.data))
        case (.elem, .index(let index)):
            parts.append(reference(index, ids.elements))
        case (.memoryInit, .indexPair(let data, let memory)):
            if memory != 0 { parts.append(reference(memory, ids.memories)) }
            parts.append(reference(data, ids.data))
        case (.memoryCopy, .indexPair(let destination, let source)):
            if destination != 0 || source != 0 {
                parts.append(reference(destination, ids.memories))
                parts.append(reference(source, ids.memories))
            }
        case (.tableInit, .indexPair(let element, let table)):
            if showsTable(table) { parts.append(reference(table, ids.tables)) }
            parts.append(reference(element, ids.elements))
        case (.tableCopy, .indexPair(let destination, let source)):
            if showsTable(destination) || showsTable(source) {
                parts.append(reference(destination, ids.tables))
                parts.append(reference(source, ids.tables))
            }
        case (.none, _):
            break
        default:
            // The immediate does not fit the opcode's row: only a hand-built model can do this.
            parts.append("(; unexpected immediate \(instruction.immediate) ;)")
        }
        return parts.joined(separator: " ")
    }

    /// Table 0 may be left out of table instructions; it is written when it has a name, which
    /// reads better (`table.get $funcs`). Memory 0 is always left out: naming it is
    /// multi-memory syntax.
    func showsTable(_ index: UInt32) -> Bool {
        index != 0 || ids.tables[index] != nil
    }

    /// `(result i32)`, `(type $t)`, or nil for the empty block type.
    func blockType(_ type: BlockType) -> String? {
        switch type {
        case .empty: nil
        case .value(let value): "(result \(valueTypeText(value)))"
        case .typeIndex(let index): "(type \(reference(index, ids.types)))"
        }
    }

    /// `$name` of each tag with a name.
    var tagIds: [UInt32: String] { module.names.tagNames.compactMapValues { WatIdentifiers.identifier($0) } }

    func heapTypeText(_ type: HeapType) -> String {
        switch type {
        case .abstract(let a): a.description
        case .concrete(let index): reference(index, ids.types)
        }
    }

    func valueTypeText(_ type: ValueType) -> String {
        if case .ref(let r) = type { return refTypeText(r) }
        return type.description
    }

    /// `funcref`, `(ref null $t)`: type indices by their ids.
    func refTypeText(_ type: RefType) -> String {
        if type.isNullable, case .abstract = type.heapType { return type.description }
        return "(ref \(type.isNullable ? "null " : "")\(heapTypeText(type.heapType)))"
    }

    /// `$id` when the entity has one, else the index.
    func reference(_ index: UInt32, _ table: [UInt32: String]) -> String {
        table[index] ?? String(index)
    }

    /// A branch target: the label's `$id` when the enclosing block has one (ids are unique per
    /// function, so no shadowing can change the meaning), else the relative depth.
    /// A numeric target carries the nesting level of its block as a comment, as wabt writes
    /// it: `br 1 (;@2;)` jumps to the block marked `;; label = @2` (`@0` is the function).
    func labelReference(_ depth: UInt32) -> String {
        let position = labelStack.count - 1 - Int(depth)
        if position >= 0, position < labelStack.count, let id = labelStack[position] { return id }
        return position >= -1 ? "\(depth) (;@\(position + 1);)" : String(depth)
    }

    /// `offset=`/`align=` only where they differ from the defaults.
    func memargText(_ memarg: MemArg, natural: UInt8) -> [String] {
        var parts: [String] = []
        if memarg.memory != 0 { parts.append(reference(memarg.memory, ids.memories)) }
        if memarg.offset != 0 { parts.append("offset=\(memarg.offset)") }
        let naturalExponent = UInt32(natural.trailingZeroBitCount)
        if memarg.align != naturalExponent {
            if memarg.align < 64 {
                parts.append("align=\(UInt64(1) << UInt64(memarg.align))")
            } else {
                parts.append("(; alignment 2^\(memarg.align) has no text form ;)")
            }
        }
        return parts
    }

    /// `i32x4 0x00000001 0x00000002 0x00000003 0x00000004`.
    static func v128Text(_ value: V128) -> String {
        let words = [UInt32(truncatingIfNeeded: value.low), UInt32(truncatingIfNeeded: value.low >> 32),
                     UInt32(truncatingIfNeeded: value.high), UInt32(truncatingIfNeeded: value.high >> 32)]
        return "i32x4 " + words.map { hex32($0) }.joined(separator: " ")
    }

    static func hex32(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
