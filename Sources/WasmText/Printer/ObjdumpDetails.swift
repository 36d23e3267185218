import WasmCore

extension Objdump {
    // MARK: section headers (-h)

    /// `Sections:` and one line per section: payload start, end and size, and the entry
    /// count (the start function for Start, the name for custom sections).
    public static func sectionHeaders(_ module: Module) -> String {
        var out = "\nSections:\n\n"
        for location in module.sectionLocations {
            let detail: String
            switch location.id {
            case .custom:
                detail = "\"\(ObjdumpNames.cString(location.customName ?? ""))\""
            case .start:
                detail = "start: \(module.start.map(String.init) ?? "?")"
            default:
                detail = "count: \(location.count.map(String.init) ?? String(entryCount(location.id, module)))"
            }
            out += headerLine(location.id.description, location.payloadOffset, location.payloadSize, detail)
        }
        return out
    }

    /// The same table from a walk over the section headers (`BinaryDecoder.walkSections`), for
    /// a module that cannot be decoded: every section the walk read, including ones the decoder
    /// does not know (`Tag`). Counts are the numbers the payloads start with, as wasm-objdump
    /// prints them.
    public static func sectionHeaders(_ walk: SectionWalk) -> String {
        var out = "\nSections:\n\n"
        for header in walk.headers {
            let number = header.leadingNumber.map(String.init) ?? "?"
            let detail: String
            switch header.id {
            case SectionID.custom.rawValue: detail = "\"\(ObjdumpNames.cString(header.customName ?? ""))\""
            case SectionID.start.rawValue: detail = "start: \(number)"
            default: detail = "count: \(number)"
            }
            out += headerLine(header.name, header.payloadOffset, header.payloadSize, detail)
        }
        return out
    }

    /// One line of the table: the name right-aligned in 9 columns, payload start, end and size.
    private static func headerLine(_ name: String, _ payloadOffset: UInt32, _ payloadSize: UInt32,
                                   _ detail: String) -> String {
        let padded = String(repeating: " ", count: max(0, 9 - name.count)) + name
        let end = UInt64(payloadOffset) + UInt64(payloadSize)
        return "\(padded) start=0x\(hex(payloadOffset, digits: 8)) end=0x\(hex(end, digits: 8)) (size=0x\(hex(payloadSize, digits: 8))) \(detail)\n"
    }

    static func entryCount(_ id: SectionID, _ module: Module) -> Int {
        switch id {
        case .type: module.types.count
        case .import: module.imports.count
        case .function, .code: module.functions.count
        case .table: module.tables.count
        case .memory: module.memories.count
        case .global: module.globals.count
        case .export: module.exports.count
        case .element: module.elements.count
        case .data: module.data.count
        case .dataCount: Int(module.dataCount ?? 0)
        case .tag: module.tags.count
        case .custom, .start: 0
        }
    }

    // MARK: details (-x)

    /// `Section Details:` in wasm-objdump's layout: one block per section present.
    public static func details(_ module: Module) -> String {
        let names = ObjdumpNames(module)
        var out = "\nSection Details:\n\n"
        // Index-space bases, computed once (each is a scan of the imports).
        let firstFunction = module.importedFunctionCount, firstTable = module.importedTableCount
        let firstMemory = module.importedMemoryCount, firstGlobal = module.importedGlobalCount
        let present = Set(module.sectionLocations.map(\.id))
        // A module not decoded from a binary has no locations: list whatever it holds.
        func has(_ id: SectionID, _ nonEmpty: Bool) -> Bool {
            module.sectionLocations.isEmpty ? nonEmpty : present.contains(id)
        }

        if has(.type, !module.typeDefinitions.isEmpty) {
            out += "Type[\(module.typeDefinitions.count)]:\n"
            for (i, definition) in module.typeDefinitions.enumerated() {
                out += " - type[\(i)] \(typeDefinition(definition))\n"
            }
        }
        if has(.import, !module.imports.isEmpty) { out += importDetails(module, names) }
        if has(.function, !module.functions.isEmpty) {
            out += "Function[\(module.functions.count)]:\n"
            for (i, function) in module.functions.enumerated() {
                let index = UInt32(truncatingIfNeeded: firstFunction + i)
                out += " - func[\(index)] sig=\(function.typeIndex)\(ObjdumpNames.suffix(index, names.functions))\n"
            }
        }
        if has(.table, !module.tables.isEmpty) {
            out += "Table[\(module.tables.count)]:\n"
            for (i, table) in module.tables.enumerated() {
                let index = UInt32(truncatingIfNeeded: firstTable + i)
                out += " - table[\(index)] \(tableType(table))\(ObjdumpNames.suffix(index, names.tables))\n"
            }
        }
        if has(.memory, !module.memories.isEmpty) {
            out += "Memory[\(module.memories.count)]:\n"
            for (i, memory) in module.memories.enumerated() {
                let index = UInt32(truncatingIfNeeded: firstMemory + i)
                out += " - memory[\(index)] \(memoryType(memory))\n"
            }
        }
        if has(.tag, !module.tags.isEmpty) {
            out += "Tag[\(module.tags.count)]:\n"
            for (i, tag) in module.tags.enumerated() {
                out += " - tag[\(module.importedTagCount + i)] sig=\(tag.typeIndex)\n"
            }
        }
        if has(.global, !module.globals.isEmpty) {
            out += "Global[\(module.globals.count)]:\n"
            for (i, global) in module.globals.enumerated() {
                let index = UInt32(truncatingIfNeeded: firstGlobal + i)
                out += " - global[\(index)] \(global.type.valueType) mutable=\(global.type.isMutable ? 1 : 0)\(ObjdumpNames.suffix(index, names.globals)) - init \(initText(global.initializer, names))\n"
            }
        }
        if has(.export, !module.exports.isEmpty) {
            out += "Export[\(module.exports.count)]:\n"
            for export in module.exports {
                // As wasm-objdump: only exported functions show their name.
                let suffix = export.kind == .function ? ObjdumpNames.suffix(export.index, names.functions) : ""
                out += " - \(export.kind)[\(export.index)]\(suffix) -> \"\(export.name)\"\n"
            }
        }
        if let start = module.start {
            out += "Start:\n - start function: \(start)\(ObjdumpNames.suffix(start, names.functions))\n"
        }
        if has(.element, !module.elements.isEmpty) { out += elementDetails(module, names) }
        if let count = module.dataCount {
            out += "DataCount:\n - data count: \(count)\n"
        }
        if has(.code, !module.functions.isEmpty) {
            out += "Code[\(module.functions.count)]:\n"
            for (i, function) in module.functions.enumerated() {
                let index = UInt32(truncatingIfNeeded: firstFunction + i)
                out += " - func[\(index)] size=\(function.bodySize)\(ObjdumpNames.suffix(index, names.functions))\n"
            }
        }
        if has(.data, !module.data.isEmpty) { out += dataDetails(module, names) }
        for section in module.customSections {
            out += "Custom:\n - name: \"\(section.name)\"\n"
            if section.name == "name" { out += nameDetails(module.names) }
        }
        return out
    }

    static func signature(_ type: FuncType) -> String {
        let params = "(" + type.params.map(\.description).joined(separator: ", ") + ")"
        let results: String
        switch type.results.count {
        case 0: results = "nil"
        case 1: results = type.results[0].description
        default: results = "(" + type.results.map(\.description).joined(separator: ", ") + ")"
        }
        return "\(params) -> \(results)"
    }

    static func limitsText(_ limits: Limits) -> String {
        "initial=\(limits.min)" + (limits.max.map { " max=\($0)" } ?? "") + (limits.addressType == .i64 ? " i64" : "")
    }

    /// A function type as `(i32) -> nil`; struct and array types (GC) in their text form,
    /// with `sub`/`final` and the supertype when declared.
    static func typeDefinition(_ definition: SubType) -> String {
        let composite: String
        switch definition.composite {
        case .function(let f): composite = signature(f)
        case .structure(let fields):
            composite = "(struct" + fields.map { " (field \(fieldText($0)))" }.joined() + ")"
        case .array(let element):
            composite = "(array \(fieldText(element)))"
        }
        if definition.isPlain { return composite }
        let supers = definition.supertypes.map { " \($0)" }.joined()
        return "(sub\(definition.isFinal ? " final" : "")\(supers) \(composite))"
    }

    static func fieldText(_ field: FieldType) -> String {
        field.isMutable ? "(mut \(field.storage))" : field.storage.description
    }

    static func tableType(_ table: TableType) -> String {
        "type=\(table.elementType) \(limitsText(table.limits))"
    }

    static func memoryType(_ memory: MemoryType) -> String {
        "pages: \(limitsText(memory.limits))"
    }

    static func importDetails(_ module: Module, _ names: ObjdumpNames) -> String {
        var out = "Import[\(module.imports.count)]:\n"
        var counters: [ExternalKind: UInt32] = [:]
        for imp in module.imports {
            let kind = imp.descriptor.kind
            let index = counters[kind, default: 0]
            counters[kind] = index &+ 1
            let source = " <- \(imp.module).\(imp.name)"
            switch imp.descriptor {
            case .function(let typeIndex):
                out += " - func[\(index)] sig=\(typeIndex)\(ObjdumpNames.suffix(index, names.functions))\(source)\n"
            case .table(let type):
                out += " - table[\(index)] \(tableType(type))\(source)\n"
            case .memory(let type):
                out += " - memory[\(index)] \(memoryType(type))\(source)\n"
            case .global(let type):
                out += " - global[\(index)] \(type.valueType) mutable=\(type.isMutable ? 1 : 0)\(source)\n"
            case .tag(let type):
                out += " - tag[\(index)] sig=\(type.typeIndex)\(source)\n"
            }
        }
        return out
    }

    /// A constant expression as wasm-objdump summarises it: `i32=5`, `global=0 <g>`,
    /// `ref.func:3`, `ref.null funcref`; longer expressions as a parenthesised list.
    static func initText(_ expression: Expression, _ names: ObjdumpNames) -> String {
        var instructions = expression.instructions
        if instructions.last?.opcode == .end { instructions.removeLast() }
        if instructions.count == 1 {
            let instruction = instructions[0]
            switch instruction.immediate {
            case .i32(let v): return "i32=\(v)"
            case .i64(let v): return "i64=\(v)"
            case .f32(let bits): return "f32=\(FloatText.hex(f32: bits))"
            case .f64(let bits): return "f64=\(FloatText.hex(f64: bits))"
            case .v128(let v): return "v128=\(WatInstructionText.v128Text(v))"
            case .refType(let type): return "ref.null \(type)"
            case .index(let i) where instruction.opcode == .globalGet:
                return "global=\(i)\(ObjdumpNames.suffix(i, names.globals))"
            case .index(let i) where instruction.opcode == .refFunc:
                return "ref.func:\(i)\(ObjdumpNames.suffix(i, names.functions))"
            default: break
            }
        }
        return "(" + instructions.map { instructionText($0, names: names) }.joined(separator: ", ") + ")"
    }

    static func elementDetails(_ module: Module, _ names: ObjdumpNames) -> String {
        var out = "Elem[\(module.elements.count)]:\n"
        for (i, segment) in module.elements.enumerated() {
            let flags = segment.encodingFlags.map(String.init) ?? "?"
            var line = " - segment[\(i)] flags=\(flags)"
            // Items are numbered by the table slot they fill when the offset is a constant.
            var base: UInt64 = 0
            switch segment.mode {
            case .active(let table, let offset):
                line += " table=\(table) count=\(segment.items.count) - init \(initText(offset, names))"
                base = constantOffset(offset) ?? 0
            case .passive:
                line += " table=0 count=\(segment.items.count) passive"
            case .declarative:
                line += " table=0 count=\(segment.items.count) declarative"
            }
            out += line + "\n"
            switch segment.items {
            case .functions(let functions):
                for (j, f) in functions.enumerated() {
                    out += "  - elem[\(base &+ UInt64(j))] = ref.func:\(f)\(ObjdumpNames.suffix(f, names.functions))\n"
                }
            case .expressions(let expressions):
                for (j, e) in expressions.enumerated() {
                    out += "  - elem[\(base &+ UInt64(j))] = \(initText(e, names))\n"
                }
            }
        }
        return out
    }

    /// The value of an `i32.const N` expression, as an unsigned address.
    static func constantOffset(_ expression: Expression) -> UInt64? {
        guard expression.instructions.count <= 2, case .i32(let v)? = expression.instructions.first?.immediate else {
            return nil
        }
        return UInt64(UInt32(bitPattern: v))
    }

    static func dataDetails(_ module: Module, _ names: ObjdumpNames) -> String {
        var out = "Data[\(module.data.count)]:\n"
        for (i, segment) in module.data.enumerated() {
            var line = " - segment[\(i)]\(ObjdumpNames.suffix(UInt32(truncatingIfNeeded: i), names.data))"
            var base: UInt64 = 0
            switch segment.mode {
            case .passive:
                line += " passive size=\(segment.bytes.count)"
            case .active(let memory, let offset):
                line += " memory=\(memory) size=\(segment.bytes.count) - init \(initText(offset, names))"
                base = constantOffset(offset) ?? 0
            }
            out += line + "\n" + hexDump(segment.bytes, base: base, prefix: "  - ")
        }
        return out
    }

    /// 16 bytes per line: address, hex in pairs, printable ASCII (others as `.`).
    public static func hexDump(_ bytes: [UInt8], base: UInt64 = 0, prefix: String = "") -> String {
        var out = ""
        var start = 0
        while start < bytes.count {
            let row = bytes[start..<min(start + 16, bytes.count)]
            var hexColumn = ""
            for (k, byte) in row.enumerated() {
                if k > 0 && k % 2 == 0 { hexColumn += " " }
                hexColumn += hex(byte, digits: 2)
            }
            hexColumn += String(repeating: " ", count: max(0, 41 - hexColumn.count))
            let ascii = String(row.map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : "." })
            out += "\(prefix)\(hex(base &+ UInt64(start), digits: 7)): \(hexColumn)\(ascii)\n"
            start += 16
        }
        return out
    }

    static func nameDetails(_ names: NameSection) -> String {
        var out = ""
        if let module = names.moduleName { out += " - module <\(module)>\n" }
        func list(_ kind: String, _ table: [UInt32: String]) {
            for index in table.keys.sorted() { out += " - \(kind)[\(index)] <\(table[index] ?? "")>\n" }
        }
        list("func", names.functionNames)
        for function in names.localNames.keys.sorted() {
            let locals = names.localNames[function] ?? [:]
            for local in locals.keys.sorted() {
                out += " - func[\(function)] local[\(local)] <\(locals[local] ?? "")>\n"
            }
        }
        for function in names.labelNames.keys.sorted() {
            let labels = names.labelNames[function] ?? [:]
            for label in labels.keys.sorted() {
                out += " - func[\(function)] label[\(label)] <\(labels[label] ?? "")>\n"
            }
        }
        list("type", names.typeNames)
        list("table", names.tableNames)
        list("memory", names.memoryNames)
        list("global", names.globalNames)
        list("elemseg", names.elementNames)
        list("dataseg", names.dataNames)
        return out
    }
}
