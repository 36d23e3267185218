/// Instructions to bytes. The opcode bytes come from the instruction table; the immediates
/// are written from the `Immediate` case (see Instruction.swift for which case each kind uses).
enum InstructionEncoder {
    static func write(_ expression: Expression, to w: inout ByteWriter) {
        let prefixes = InstructionTables.prefixes
        let codes = InstructionTables.codes
        for instruction in expression.instructions {
            let raw = Int(instruction.opcode.rawValue)
            let prefix = prefixes[raw]
            if prefix == 0 {
                w.byte(UInt8(truncatingIfNeeded: codes[raw]))
            } else {
                w.byte(prefix)
                w.u32(codes[raw])
            }
            writeImmediate(instruction.immediate, to: &w)
        }
    }

    static func writeImmediate(_ immediate: Immediate, to w: inout ByteWriter) {
        switch immediate {
        case .none:
            break
        case .block(let type):
            switch type {
            case .empty: w.byte(0x40)
            case .value(let t): w.valueType(t)
            case .typeIndex(let index): w.s64(Int64(index))
            }
        case .index(let i):
            w.u32(i)
        case .indexPair(let a, let b):
            w.u32(a)
            w.u32(b)
        case .brTable(let targets, let defaultTarget):
            w.u32(UInt32(targets.count))
            for t in targets { w.u32(t) }
            w.u32(defaultTarget)
        case .memarg(let arg):
            write(arg, to: &w)
        case .memlane(let arg, let lane):
            write(arg, to: &w)
            w.byte(lane)
        case .lane(let lane):
            w.byte(lane)
        case .i32(let v):
            w.s32(v)
        case .i64(let v):
            w.s64(v)
        case .f32(let bits):
            w.fixedU32(bits)
        case .f64(let bits):
            w.fixedU64(bits)
        case .v128(let v):
            w.fixedU64(v.low)
            w.fixedU64(v.high)
        case .select(let types):
            w.u32(UInt32(types.count))
            for t in types { w.valueType(t) }
        case .refType(let t):
            // ref.null, ref.test and ref.cast carry a heap type; nullability is in the opcode.
            w.heapType(t.heapType)
        case .brOnCast(let label, let from, let to):
            w.byte((from.isNullable ? 1 : 0) | (to.isNullable ? 2 : 0))
            w.u32(label)
            w.heapType(from.heapType)
            w.heapType(to.heapType)
        case .tryTable(let type, let clauses):
            writeImmediate(.block(type), to: &w)
            w.u32(UInt32(clauses.count))
            for clause in clauses {
                w.byte(clause.kind.rawValue)
                if clause.kind.hasTag { w.u32(clause.tag) }
                w.u32(clause.label)
            }
        }
    }

    /// Alignment and offset; a non-zero memory index uses the multi-memory form (bit 6 of the
    /// alignment field, then the index), which Wasm 2.0 modules never need.
    static func write(_ arg: MemArg, to w: inout ByteWriter) {
        if arg.memory == 0 {
            w.u32(arg.align)
        } else {
            w.u32(arg.align | 0x40)
            w.u32(arg.memory)
        }
        w.u64(arg.offset)
    }
}

/// The `name` custom section's payload, subsections in increasing id order.
enum NameSectionEncoder {
    static func encode(_ names: NameSection) -> [UInt8] {
        var w = ByteWriter()
        func subsection(_ id: UInt8, _ content: (inout ByteWriter) -> Void) {
            var sub = ByteWriter()
            content(&sub)
            w.byte(id)
            w.vector(sub.bytes)
        }
        if let moduleName = names.moduleName {
            subsection(0) { $0.name(moduleName) }
        }
        let maps: [(UInt8, [UInt32: String])] = [(1, names.functionNames)]
        for (id, map) in maps where !map.isEmpty {
            subsection(id) { nameMap(map, to: &$0) }
        }
        if !names.localNames.isEmpty { subsection(2) { indirectNameMap(names.localNames, to: &$0) } }
        if !names.labelNames.isEmpty { subsection(3) { indirectNameMap(names.labelNames, to: &$0) } }
        let extended: [(UInt8, [UInt32: String])] = [
            (4, names.typeNames), (5, names.tableNames), (6, names.memoryNames),
            (7, names.globalNames), (8, names.elementNames), (9, names.dataNames),
        ]
        for (id, map) in extended where !map.isEmpty {
            subsection(id) { nameMap(map, to: &$0) }
        }
        if !names.fieldNames.isEmpty { subsection(10) { indirectNameMap(names.fieldNames, to: &$0) } }
        if !names.tagNames.isEmpty { subsection(11) { nameMap(names.tagNames, to: &$0) } }
        return w.bytes
    }

    static func nameMap(_ map: [UInt32: String], to w: inout ByteWriter) {
        w.u32(UInt32(map.count))
        for index in map.keys.sorted() {
            w.u32(index)
            w.name(map[index] ?? "")
        }
    }

    static func indirectNameMap(_ map: [UInt32: [UInt32: String]], to w: inout ByteWriter) {
        w.u32(UInt32(map.count))
        for index in map.keys.sorted() {
            w.u32(index)
            nameMap(map[index] ?? [:], to: &w)
        }
    }
}
