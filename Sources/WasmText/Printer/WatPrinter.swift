import WasmCore

/// Binary model → WAT text that reassembles to the same bytes (for encodings the text format
/// can express). Entities are named by `$ids` made from the name section; everything else is
/// printed by index, with `(;N;)` comments giving each definition's index.
///
/// Field order follows the binary so index spaces and segment order are unchanged: types,
/// imports, functions, tables, memories, globals, exports, start, elements, data. Every type is
/// printed, used or not, and every function names its `(type N)` explicitly so the assembler
/// never has to invent one.
public enum WatPrinter {
    public static func print(_ module: Module, folded: Bool = false) -> String {
        var text = ""
        print(module, folded: folded) { text += $0 }
        return text
    }

    /// Streams the text to `write` in pieces as it is made (a function at a time, long local
    /// declarations in chunks), so memory stays bounded by the largest function, not by the
    /// output: a 31-byte module may declare 4,294,967,295 locals.
    public static func print(_ module: Module, folded: Bool = false, to write: (String) -> Void) {
        var printer = ModulePrinter(module: module, folded: folded)
        printer.run(write)
    }
}

/// One line of a function's flat WAT text, with the instruction it shows.
public struct WatLine: Hashable, Sendable {
    /// Index into the function body's instructions; nil for a line that shows none.
    public var instructionIndex: Int?
    /// The text, indented two spaces per enclosing block.
    public var text: String
}

extension WatPrinter {
    /// The flat WAT text of one defined function's body, a line per instruction (the final
    /// `end` left out), named as in `print`: for listings such as the debugger's
    /// `disassemble`, which put offsets and markers beside each instruction. Empty for an
    /// imported or unknown function.
    public static func bodyLines(_ module: Module, function index: UInt32) -> [WatLine] {
        guard let function = module.definedFunction(index) else { return [] }
        let ids = WatIdentifiers(module.names)
        var text = WatInstructionText(module: module, ids: ids)
        text.localIds = ids.locals[index] ?? [:]
        var body = WatBodyPrinter(text: text)
        body.labelIds = ids.labels[index] ?? [:]
        var lines: [String] = []
        var sources: [Int?] = []
        body.flat(function.body.instructions, indent: "", into: &lines, sources: &sources)
        return zip(sources, lines).map { WatLine(instructionIndex: $0, text: $1) }
    }
}

private struct ModulePrinter {
    let module: Module
    let folded: Bool
    let ids: WatIdentifiers
    /// Shared by every body and constant expression (it holds per-module lookup tables).
    let instructionText: WatInstructionText
    var lines: [String] = []

    init(module: Module, folded: Bool) {
        self.module = module
        self.folded = folded
        self.ids = WatIdentifiers(module.names)
        self.instructionText = WatInstructionText(module: module, ids: ids)
    }

    mutating func run(_ write: (String) -> Void) {
        lines.append("(module" + (ids.module.map { " " + $0 } ?? ""))
        printTypes()
        printImports()
        printFunctions(write)
        printTables()
        printMemories()
        printTags()
        printGlobals()
        printExports()
        if let start = module.start {
            lines.append("  (start \(reference(start, ids.functions)))")
        }
        printElements()
        printData()
        if printCustomSectionNotes() {
            lines.append(")")  // the last line is a comment: close on a line of its own
        } else {
            lines[lines.count - 1] += ")"
        }
        flush(write, keepingLast: false)
    }

    /// Writes the lines made so far; the last one stays when more may be appended to it.
    mutating func flush(_ write: (String) -> Void, keepingLast: Bool) {
        let count = keepingLast ? lines.count - 1 : lines.count
        guard count > 0 else { return }
        write(lines[0..<count].joined(separator: "\n") + "\n")
        lines.removeFirst(count)
    }

    // MARK: helpers

    func reference(_ index: UInt32, _ table: [UInt32: String]) -> String {
        table[index] ?? String(index)
    }

    /// ` $id (;N;)` or ` (;N;)`: what follows a definition's keyword.
    func definitionLabel(_ index: Int, _ table: [UInt32: String]) -> String {
        let id = UInt32(exactly: index).flatMap { table[$0] }
        return (id.map { " " + $0 } ?? "") + " (;\(index);)"
    }


    /// `(param $a i32) (param i64 f32)`: named parameters one by one, unnamed ones grouped.
    func valueList(_ keyword: String, _ types: [ValueType], firstIndex: UInt32 = 0,
                   names: [UInt32: String] = [:]) -> String {
        var groups: [String] = []
        var unnamed: [String] = []
        func flush() {
            if !unnamed.isEmpty { groups.append("(\(keyword) \(unnamed.joined(separator: " ")))") }
            unnamed = []
        }
        for (offset, type) in types.enumerated() {
            let index = firstIndex &+ UInt32(truncatingIfNeeded: offset)
            if let name = names[index] {
                flush()
                groups.append("(\(keyword) \(name) \(typeText(type)))")
            } else {
                unnamed.append(typeText(type))
            }
        }
        flush()
        return groups.joined(separator: " ")
    }

    /// ` (type $t) (param i32) (result i32)` for a function of type `typeIndex`.
    func typeUse(_ typeIndex: UInt32, paramNames: [UInt32: String] = [:]) -> String {
        var text = " (type \(reference(typeIndex, ids.types)))"
        if Int(typeIndex) < module.types.count {
            let type = module.types[Int(typeIndex)]
            let params = valueList("param", type.params, names: paramNames)
            let results = valueList("result", type.results)
            if !params.isEmpty { text += " " + params }
            if !results.isEmpty { text += " " + results }
        }
        return text
    }

    static func limits(_ limits: Limits) -> String {
        let bounds = limits.max.map { "\(limits.min) \($0)" } ?? "\(limits.min)"
        return limits.addressType == .i64 ? "i64 " + bounds : bounds
    }

    func globalType(_ type: GlobalType) -> String {
        type.isMutable ? "(mut \(typeText(type.valueType)))" : typeText(type.valueType)
    }

    /// A constant expression as one or more folded instructions, e.g. `(i32.const 0)`.
    func constantExpression(_ expression: Expression) -> [String] {
        var body = WatBodyPrinter(text: instructionText)
        body.labelNotes = false
        return body.lines(expression.instructions, folded: true, indent: "")
    }

    /// Whether `lines` form exactly one folded instruction (so no `(offset …)`/`(item …)`
    /// wrapper is needed). Code too deep to fold comes back flat and fails this.
    static func isSingleFolded(_ lines: [String]) -> Bool {
        lines.count == 1 && lines[0].hasPrefix("(")
    }

    /// A constant expression on one line.
    func inlineExpression(_ expression: Expression) -> String {
        constantExpression(expression).map { $0.trimmingLeadingSpaces() }.joined(separator: " ")
    }

    // MARK: sections

    mutating func printTypes() {
        let groups = module.recursionGroupRanges
        let explicit = module.recursionGroups.count == groups.count ? module.recursionGroups.map(\.isExplicit) : []
        for (g, range) in groups.enumerated() {
            let inRec = range.count != 1 || (g < explicit.count && explicit[g])
            if inRec { lines.append("  (rec") }
            for index in range {
                let indent = inRec ? "    " : "  "
                lines.append("\(indent)(type\(definitionLabel(index, ids.types)) \(subType(module.typeDefinitions[index], index: index)))")
            }
            if inRec { lines[lines.count - 1] += ")" }
        }
    }

    /// `(func …)`, `(struct (field …)*)`, `(array (mut i8))`, wrapped in `(sub final? $super …)`
    /// unless the type is final without supertypes.
    func subType(_ type: SubType, index: Int) -> String {
        var composite: String
        switch type.composite {
        case .function(let f):
            composite = "(func"
            let params = valueList("param", f.params)
            let results = valueList("result", f.results)
            if !params.isEmpty { composite += " " + params }
            if !results.isEmpty { composite += " " + results }
            composite += ")"
        case .structure(let fields):
            let names = module.names.fieldNames[UInt32(index)] ?? [:]
            composite = "(struct" + fields.enumerated().map { i, field in
                let name = names[UInt32(i)].flatMap { WatIdentifiers.identifier($0) }.map { " " + $0 } ?? ""
                return " (field\(name) \(fieldType(field)))"
            }.joined() + ")"
        case .array(let element):
            composite = "(array \(fieldType(element)))"
        }
        if type.isPlain { return composite }
        let supers = type.supertypes.map { " " + reference($0, ids.types) }.joined()
        return "(sub\(type.isFinal ? " final" : "")\(supers) \(composite))"
    }

    /// `$name` of each tag with a name.
    var tagIds: [UInt32: String] { module.names.tagNames.compactMapValues { WatIdentifiers.identifier($0) } }

    /// A value type with type indices named by their ids (`(ref null $node)`).
    func typeText(_ type: ValueType) -> String { instructionText.valueTypeText(type) }

    func fieldType(_ field: FieldType) -> String {
        let storage: String
        switch field.storage {
        case .value(let t): storage = typeText(t)
        default: storage = field.storage.description
        }
        return field.isMutable ? "(mut \(storage))" : storage
    }

    mutating func printTags() {
        let first = module.importedTagCount
        for (offset, tag) in module.tags.enumerated() {
            lines.append("  (tag\(definitionLabel(first + offset, tagIds))\(typeUse(tag.typeIndex)))")
        }
    }

    mutating func printImports() {
        var counters = [0, 0, 0, 0, 0]  // function, table, memory, global, tag
        for imp in module.imports {
            let head = "  (import \(WatString.quoted(imp.module)) \(WatString.quoted(imp.name))"
            let description: String
            switch imp.descriptor {
            case .function(let typeIndex):
                let index = counters[0]
                counters[0] += 1
                let names = UInt32(exactly: index).flatMap { ids.locals[$0] } ?? [:]
                description = "(func\(definitionLabel(index, ids.functions))\(typeUse(typeIndex, paramNames: names)))"
            case .table(let type):
                description = "(table\(definitionLabel(counters[1], ids.tables)) \(Self.limits(type.limits)) \(instructionText.refTypeText(type.elementType)))"
                counters[1] += 1
            case .memory(let type):
                description = "(memory\(definitionLabel(counters[2], ids.memories)) \(Self.limits(type.limits)))"
                counters[2] += 1
            case .global(let type):
                description = "(global\(definitionLabel(counters[3], ids.globals)) \(globalType(type)))"
                counters[3] += 1
            case .tag(let tag):
                description = "(tag\(definitionLabel(counters[4], tagIds))\(typeUse(tag.typeIndex)))"
                counters[4] += 1
            }
            lines.append("\(head) \(description))")
        }
    }

    mutating func printFunctions(_ write: (String) -> Void) {
        let firstIndex = module.importedFunctionCount
        for (offset, function) in module.functions.enumerated() {
            let index = firstIndex + offset
            let functionIndex = UInt32(truncatingIfNeeded: index)
            let localIds = ids.locals[functionIndex] ?? [:]
            let type = Int(function.typeIndex) < module.types.count ? module.types[Int(function.typeIndex)] : nil
            lines.append("  (func\(definitionLabel(index, ids.functions))\(typeUse(function.typeIndex, paramNames: localIds))")
            let paramCount = UInt32(truncatingIfNeeded: type?.params.count ?? 0)
            let localCount = function.locals.reduce(UInt64(0)) { $0 + UInt64($1.count) }
            if localIds.isEmpty && localCount > 4096 {
                // Many unnamed locals: one group, written in chunks as it is made.
                // The line's last type stays in `lines` (unwritten, no newline before it), so the
                // function's closing parenthesis can still be appended as for any line.
                flush(write, keepingLast: false)
                write("    (local")
                let declared = function.locals.filter { $0.count > 0 }
                for (k, declaration) in declared.enumerated() {
                    let token = " " + declaration.type.description
                    var left = UInt64(declaration.count) - (k == declared.count - 1 ? 1 : 0)
                    let piece = String(repeating: token, count: 1024)
                    while left >= 1024 { write(piece); left -= 1024 }
                    if left > 0 { write(String(repeating: token, count: Int(left))) }
                }
                lines = [(declared.last.map { " " + $0.type.description } ?? "") + ")"]
            } else {
                let locals = valueList("local", function.expandedLocals, firstIndex: paramCount, names: localIds)
                if !locals.isEmpty { lines.append("    " + locals) }
            }

            var text = instructionText
            text.localIds = localIds
            var body = WatBodyPrinter(text: text)
            body.functionResultCount = type?.results.count ?? 0
            body.labelIds = ids.labels[functionIndex] ?? [:]
            lines += body.lines(function.body.instructions, folded: folded, indent: "    ")
            lines[lines.count - 1] += ")"
            flush(write, keepingLast: true)
        }
    }

    mutating func printTables() {
        let first = module.importedTableCount
        for (offset, table) in module.tables.enumerated() {
            let initializer = table.initializer.map { " " + inlineExpression($0) } ?? ""
            lines.append("  (table\(definitionLabel(first + offset, ids.tables)) \(Self.limits(table.limits)) \(instructionText.refTypeText(table.elementType))\(initializer))")
        }
    }

    mutating func printMemories() {
        let first = module.importedMemoryCount
        for (offset, memory) in module.memories.enumerated() {
            lines.append("  (memory\(definitionLabel(first + offset, ids.memories)) \(Self.limits(memory.limits)))")
        }
    }

    mutating func printGlobals() {
        let first = module.importedGlobalCount
        for (offset, global) in module.globals.enumerated() {
            lines.append("  (global\(definitionLabel(first + offset, ids.globals)) \(globalType(global.type)) \(inlineExpression(global.initializer)))")
        }
    }

    mutating func printExports() {
        for export in module.exports {
            let table: [UInt32: String]
            switch export.kind {
            case .function: table = ids.functions
            case .table: table = ids.tables
            case .memory: table = ids.memories
            case .global: table = ids.globals
            case .tag: table = tagIds
            }
            lines.append("  (export \(WatString.quoted(export.name)) (\(export.kind) \(reference(export.index, table))))")
        }
    }

    mutating func printElements() {
        for (index, segment) in module.elements.enumerated() {
            var parts = ["  (elem" + definitionLabel(index, ids.elements)]
            switch segment.mode {
            case .passive:
                break
            case .declarative:
                parts.append("declare")
            case .active(let table, let offset):
                // Flags 2 and 6 name the table explicitly; keep that even for table 0.
                let explicit = segment.encodingFlags.map { $0 & 0b010 != 0 } ?? false
                if table != 0 || explicit {
                    parts.append("(table \(reference(table, ids.tables)))")
                }
                parts.append(offsetExpression(offset))
            }
            switch segment.items {
            case .functions(let functions):
                parts.append("func")
                parts += functions.map { reference($0, ids.functions) }
            case .expressions(let expressions):
                parts.append(instructionText.refTypeText(segment.type))
                for item in expressions {
                    let folded = constantExpression(item)
                    parts.append(Self.isSingleFolded(folded) ? folded[0] : "(item \(inlineExpression(item)))")
                }
            }
            lines.append(parts.joined(separator: " ") + ")")
        }
    }

    mutating func printData() {
        for (index, segment) in module.data.enumerated() {
            var parts = ["  (data" + definitionLabel(index, ids.data)]
            if case .active(let memory, let offset) = segment.mode {
                // Flag 2 names the memory explicitly; keep that even for memory 0.
                if memory != 0 || segment.encodingFlags == 2 {
                    parts.append("(memory \(reference(memory, ids.memories)))")
                }
                parts.append(offsetExpression(offset))
            }
            parts.append(WatString.quoted(segment.bytes))
            lines.append(parts.joined(separator: " ") + ")")
        }
    }

    /// `(i32.const 8)` for a one-instruction offset, `(offset …)` otherwise.
    func offsetExpression(_ expression: Expression) -> String {
        let folded = constantExpression(expression)
        return Self.isSingleFolded(folded) ? folded[0] : "(offset \(inlineExpression(expression)))"
    }

    /// Custom sections as `(@custom "name" (after kind) "bytes")` annotations, placed where
    /// the binary had them, so the text assembles to the same bytes. Not printed: `name`
    /// (the `$ids` show it) and debug information (DWARF `.debug_*`, source maps), which
    /// would bury the code under bytes; a comment says they were there.
    /// Returns whether it printed anything.
    mutating func printCustomSectionNotes() -> Bool {
        var printed = false
        for section in module.customSections where section.name != "name" {
            if Self.isDebugInformation(section.name) {
                lines.append("  ;; custom section \(WatString.quoted(section.name)), \(section.payload.count) bytes, not printed")
            } else {
                let place = section.after.flatMap(Self.sectionKeyword).map { "(after \($0))" } ?? "(before first)"
                lines.append("  (@custom \(WatString.quoted(section.name)) \(place) \(WatString.quoted(section.payload)))")
            }
            printed = true
        }
        return printed
    }

    static func isDebugInformation(_ name: String) -> Bool {
        name.hasPrefix(".debug_") || name == "sourceMappingURL" || name == "external_debug_info"
            || name == SourceMap.customSectionName
    }

    /// The section kind keyword of a `@custom` placement; nil for a custom section (its
    /// followers go where it went: the encoder puts them first).
    static func sectionKeyword(_ id: SectionID) -> String? {
        switch id {
        case .custom: nil
        case .type: "type"
        case .import: "import"
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .tag: "tag"
        case .global: "global"
        case .export: "export"
        case .start: "start"
        case .element: "elem"
        case .dataCount: "datacount"
        case .code: "code"
        case .data: "data"
        }
    }
}

private extension String {
    func trimmingLeadingSpaces() -> String {
        String(drop { $0 == " " })
    }
}
