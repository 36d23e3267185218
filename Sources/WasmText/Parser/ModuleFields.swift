import WasmCore

/// Module fields (spec §6.6): the two passes over `(type …)`, `(func …)`, `(import …)` and the
/// rest, with every abbreviation (inline imports and exports, inline elements and data).
extension WatParser {
    /// Parses a whole module: `(module $id? field*)` or a bare list of fields.
    func parseModule() throws(WatError) -> Module {
        var end = s.tokens.count - 1   // the eof token
        if peek.kind == .lparen, peek(1).kind == .keyword, s.equals(peek(1), "module") {
            moduleLocation = peek
            let close = Int(s.matching(pos))
            pos += 2
            // `(module definition $M …)` (a script's module definition) reads like a module.
            if peek.kind == .keyword, s.equals(peek, "definition") { advance() }
            if let (name, _) = optionalID() { module.names.moduleName = name }
            // `(@name "…")` of the module; a second one is an error, a `@custom` starts the fields.
            if let name = try optionalNameAnnotation() {
                module.names.moduleName = name
                if peek.kind == .annotation, annotationKind(peek) == .name {
                    throw error("@name annotation: multiple module", at: peek)
                }
            }
            if peek.kind == .keyword, s.equals(peek, "binary") || s.equals(peek, "quote") {
                throw error("a \(text(peek)) module cannot be assembled here", at: peek)
            }
            guard close + 1 < s.tokens.count, s.tokens[close + 1].kind == .eof else {
                throw unexpected(token(close + 1), expected: "end of input after the module")
            }
            end = close
        }
        let fieldsStart = pos
        try scanFields(from: fieldsStart, to: end)
        var p = fieldsStart
        while p < end {
            pos = p
            if s.tokens[p].kind == .annotation {
                // Only `@custom` stands among the fields.
                guard annotationKind(s.tokens[p]) == .custom else { throw misplaced(s.tokens[p]) }
                try parseCustomAnnotation(s.tokens[p])
                p += 1
                continue
            }
            let close = Int(s.matching(p))
            try parseField(close: close)
            p = close + 1
        }
        sortCustomSections()
        if encodingStyle.writesDataCount(dataSegmentUses, dataSegments: module.data.count) {
            module.dataCount = UInt32(module.data.count)
        }
        return module
    }

    /// Pass 1: defines every module-level name, parses explicit types and checks that imports
    /// come before definitions.
    private func scanFields(from start: Int, to end: Int) throws(WatError) {
        // Pass 0: type names, so type definitions can refer to later types.
        var q = start
        while q < end {
            if s.tokens[q].kind == .annotation {
                q += 1
                continue
            }
            guard s.tokens[q].kind == .lparen else { break }
            let keyword = token(q + 1)
            let close = Int(s.matching(q))
            if s.equals(keyword, "type") {
                try defineTypeName(at: q)
            } else if s.equals(keyword, "rec") {
                var inner = q + 2
                while inner < close, s.tokens[inner].kind == .lparen, s.equals(token(inner + 1), "type") {
                    try defineTypeName(at: inner)
                    inner = Int(s.matching(inner)) + 1
                }
            }
            q = close + 1
        }
        var firstDefinition: String?
        var p = start
        while p < end {
            let open = s.tokens[p]
            if open.kind == .annotation {
                p += 1   // read in pass 2
                continue
            }
            guard open.kind == .lparen else { throw unexpected(open, expected: "a module field \"(\"") }
            let keyword = token(p + 1)
            let close = Int(s.matching(p))
            guard keyword.kind == .keyword else { throw unexpected(keyword, expected: "a module field") }
            pos = p + 2
            func definition(_ space: IndexSpace, noun: String) throws(WatError) {
                let index = counts[space.rawValue]
                counts[space.rawValue] += 1
                try define(space, optionalID(), index: index)
                if hasChild("import", from: pos, to: close) {
                    if let firstDefinition { throw error("import after \(firstDefinition)", at: keyword) }
                } else if firstDefinition == nil {
                    firstDefinition = noun
                }
            }
            if s.equals(keyword, "type") || s.equals(keyword, "rec") {
                pos = p
                try parseTypeDefinitionField()
            } else if s.equals(keyword, "tag") {
                try definition(.tag, noun: "tag")
            } else if s.equals(keyword, "func") {
                try definition(.function, noun: "function")
            } else if s.equals(keyword, "table") {
                try definition(.table, noun: "table")
                if hasChild("elem", from: pos, to: close) { counts[IndexSpace.elem.rawValue] += 1 }
            } else if s.equals(keyword, "memory") {
                try definition(.memory, noun: "memory")
                if hasChild("data", from: pos, to: close) { counts[IndexSpace.data.rawValue] += 1 }
            } else if s.equals(keyword, "global") {
                try definition(.global, noun: "global")
            } else if s.equals(keyword, "import") {
                if let firstDefinition { throw error("import after \(firstDefinition)", at: keyword) }
                // (import "m" "n" (kind $id? …))
                let d = p + 4
                if token(d).kind == .lparen, token(d + 1).kind == .keyword {
                    let kind = token(d + 1)
                    let space: IndexSpace? = s.equals(kind, "func") ? .function : s.equals(kind, "table") ? .table
                        : s.equals(kind, "memory") ? .memory : s.equals(kind, "global") ? .global
                        : s.equals(kind, "tag") ? .tag : nil
                    if let space {
                        let index = counts[space.rawValue]
                        counts[space.rawValue] += 1
                        pos = d + 2
                        try define(space, optionalID(), index: index)
                    }
                }
            } else if s.equals(keyword, "elem") {
                let index = counts[IndexSpace.elem.rawValue]
                counts[IndexSpace.elem.rawValue] += 1
                try define(.elem, optionalID(), index: index)
            } else if s.equals(keyword, "data") {
                let index = counts[IndexSpace.data.rawValue]
                counts[IndexSpace.data.rawValue] += 1
                try define(.data, optionalID(), index: index)
            } else if s.equals(keyword, "export") || s.equals(keyword, "start") {
                // nothing to define
            } else {
                throw error("unknown module field \(describe(keyword))", at: keyword)
            }
            p = close + 1
        }
    }

    /// Whether the first child list of the field after its inline exports (searched from
    /// token `from`) starts with `kw`: where an inline `(import …)`, a table's `(elem …)` or
    /// a memory's `(data …)` must be. Stops there, so a function body is not scanned.
    private func hasChild(_ kw: StaticString, from: Int, to close: Int) -> Bool {
        var j = from
        while j < close {
            let t = s.tokens[j]
            if t.kind == .lparen {
                let k = token(j + 1)
                guard k.kind == .keyword else { return false }
                if s.equals(k, kw) { return true }
                if !s.equals(k, "export") { return false }
                j = Int(s.matching(j)) + 1
            } else {
                j += 1
            }
        }
        return false
    }

    /// Pass 2: one field, with `pos` at its `(`.
    private func parseField(close: Int) throws(WatError) {
        let keyword = peek(1)
        let before = (imports: module.imports.count, globals: module.globalCount, elements: module.elements.count,
                      data: module.data.count, exports: module.exports.count, start: module.start)
        defer { noteFieldLocations(keyword, since: before) }
        pos += 2
        if s.equals(keyword, "type") || s.equals(keyword, "rec") {
            pos = close + 1   // parsed in pass 1
        } else if s.equals(keyword, "tag") {
            try parseTag()
        } else if s.equals(keyword, "func") {
            try parseFunction()
        } else if s.equals(keyword, "table") {
            try parseTable()
        } else if s.equals(keyword, "memory") {
            try parseMemory()
        } else if s.equals(keyword, "global") {
            try parseGlobal()
        } else if s.equals(keyword, "import") {
            try parseImport()
        } else if s.equals(keyword, "export") {
            let name = try parseName()
            try expectLParen()
            let kindToken = peek
            guard let (kind, space) = externalKind(kindToken) else {
                throw unexpected(kindToken, expected: "func, table, memory, global or tag")
            }
            advance()
            let index = try parseIndex(space)
            try expectRParen()
            try expectRParen()
            module.exports.append(Export(name: name, kind: kind, index: index))
        } else if s.equals(keyword, "start") {
            if module.start != nil { throw error("multiple start sections", at: keyword) }
            module.start = try parseIndex(.function)
            try expectRParen()
        } else if s.equals(keyword, "elem") {
            try parseElem()
        } else if s.equals(keyword, "data") {
            try parseData()
        }
        if pos != close + 1 {
            // Every field parser consumes its closing paren; anything else is left-over input.
            throw unexpected(peek, expected: "\")\"")
        }
    }

    /// Remembers where the items a field defined are, in the words the validator uses for
    /// them ("global 3", "data segment 0" …), so its errors can point at the field.
    private func noteFieldLocations(_ t: Token, since before: (imports: Int, globals: Int, elements: Int, data: Int,
                                                               exports: Int, start: UInt32?)) {
        let at = packedLocation(t)
        for i in before.imports..<module.imports.count { fieldLocations["import \(i)"] = at }
        for i in before.globals..<module.globalCount { fieldLocations["global \(i)"] = at }
        for i in before.elements..<module.elements.count { fieldLocations["element segment \(i)"] = at }
        for i in before.data..<module.data.count { fieldLocations["data segment \(i)"] = at }
        for i in before.exports..<module.exports.count {
            fieldLocations["exported as \"\(module.exports[i].name)\""] = at
            fieldLocations["export name \"\(module.exports[i].name)\""] = at   // a duplicate: the later one
        }
        if before.start == nil, module.start != nil { fieldLocations["start function"] = at }
    }

    private func externalKind(_ t: Token) -> (ExternalKind, IndexSpace)? {
        guard t.kind == .keyword else { return nil }
        if s.equals(t, "func") { return (.function, .function) }
        if s.equals(t, "table") { return (.table, .table) }
        if s.equals(t, "memory") { return (.memory, .memory) }
        if s.equals(t, "global") { return (.global, .global) }
        if s.equals(t, "tag") { return (.tag, .tag) }
        return nil
    }

    /// `(export "name")*` after a definition's id.
    private func parseInlineExports(_ kind: ExternalKind, index: UInt32) throws(WatError) {
        while atList("export") {
            pos += 2
            let name = try parseName()
            try expectRParen()
            module.exports.append(Export(name: name, kind: kind, index: index))
        }
    }

    /// `(import "m" "n")` inside a definition, if present.
    private func parseInlineImport() throws(WatError) -> (String, String)? {
        guard atList("import") else { return nil }
        pos += 2
        let moduleName = try parseName()
        let name = try parseName()
        try expectRParen()
        return (moduleName, name)
    }

    private func parseImport() throws(WatError) {
        let moduleName = try parseName()
        let name = try parseName()
        try expectLParen()
        let kindToken = peek
        guard let (kind, _) = externalKind(kindToken) else {
            throw unexpected(kindToken, expected: "func, table, memory or global")
        }
        advance()
        let id = try binderName(optionalID())
        let descriptor: Import.Descriptor
        switch kind {
        case .function:
            let use = try parseTypeUse(allowParamNames: true)
            let index = UInt32(module.importedFunctionCount)
            if let id { module.names.functionNames[index] = id }
            descriptor = .function(typeIndex: try resolve(use, at: kindToken))
        case .table:
            if let id { module.names.tableNames[UInt32(module.importedTableCount)] = id }
            descriptor = .table(try parseTableType())
        case .memory:
            if let id { module.names.memoryNames[UInt32(module.importedMemoryCount)] = id }
            descriptor = .memory(MemoryType(limits: try parseLimits()))
        case .global:
            if let id { module.names.globalNames[UInt32(module.importedGlobalCount)] = id }
            descriptor = .global(try parseGlobalType())
        case .tag:
            if let id { module.names.tagNames[UInt32(module.importedTagCount)] = id }
            let use = try parseTypeUse(allowParamNames: true)
            descriptor = .tag(TagType(typeIndex: try resolve(use, at: kindToken)))
        }
        try expectRParen()
        try expectRParen()
        module.imports.append(Import(module: moduleName, name: name, descriptor: descriptor))
    }

    private func parseTableType() throws(WatError) -> TableType {
        let limits = try parseLimits()
        return TableType(elementType: try parseRefType(), limits: limits)
    }

    /// `valtype` or `(mut valtype)`.
    private func parseGlobalType() throws(WatError) -> GlobalType {
        if atList("mut") {
            pos += 2
            let type = try parseValueType()
            try expectRParen()
            return GlobalType(valueType: type, isMutable: true)
        }
        return GlobalType(valueType: try parseValueType(), isMutable: false)
    }

    // MARK: functions

    private func parseFunction() throws(WatError) {
        let funcToken = token(pos - 1)
        let funcOpen = pos - 2   // parseField moved past `(` and `func`
        let index = UInt32(module.functionCount)
        if let name = try binderName(optionalID()) { module.names.functionNames[index] = name }
        try parseInlineExports(.function, index: index)
        if let (moduleName, name) = try parseInlineImport() {
            let use = try parseTypeUse(allowParamNames: true)
            let typeIndex = try resolve(use, at: funcToken)
            try expectRParen()
            module.imports.append(Import(module: moduleName, name: name, descriptor: .function(typeIndex: typeIndex)))
            return
        }
        let use = try parseTypeUse(allowParamNames: true)
        let typeIndex = try resolve(use, at: funcToken)

        // Locals: parameters first (named by the inline params), then declared locals.
        localNames.removeAll()
        var localNameList: [UInt32: String] = [:]
        let paramCount = use.hasInline || use.explicit == nil ? use.params.count : signature(of: typeIndex).params.count
        for (i, name) in use.paramNames.enumerated() {
            guard let (n, t) = name else { continue }
            if !defineLocal(t, index: UInt32(i)) { throw error("duplicate local $\(n)", at: t) }
            localNameList[UInt32(i)] = n
        }
        var localCount = UInt32(paramCount)
        var declarations: [LocalDeclaration] = []
        func addLocal(_ type: ValueType) {
            if let last = declarations.last, last.type == type {
                declarations[declarations.count - 1].count += 1
            } else {
                declarations.append(LocalDeclaration(count: 1, type: type))
            }
            localCount &+= 1
        }
        while atList("local") {
            pos += 2
            if let (n, t) = optionalID() {
                if !defineLocal(t, index: localCount) { throw error("duplicate local $\(n)", at: t) }
                localNameList[localCount] = try optionalNameAnnotation() ?? n
                addLocal(try parseValueType())
            } else {
                while peek.kind != .rparen { addLocal(try parseValueType()) }
            }
            try expectRParen()
        }
        if !localNameList.isEmpty { module.names.localNames[index] = localNameList }

        // The body runs to the `)` matching the function's `(`.
        beginBody(recordLocations: true, expectedSize: max(0, s.matching(funcOpen) - pos) / 3)
        inFunctionBody = true
        try parseInstructions()
        guard peek.kind == .rparen else { throw unexpectedInInstructions() }
        emit(Instruction(.end), at: peek)
        advance()
        inFunctionBody = false
        try finishBranchHints(function: module.functions.count)
        let body = Expression(code)
        functionLocations.append(codeLocations)
        if !namedLabels.isEmpty || !annotatedLabelNames.isEmpty {
            var names = [UInt32: String](minimumCapacity: namedLabels.count)
            for (ordinal, label) in namedLabels {
                names[ordinal] = source.string(Int(label.start), Int(label.end))
            }
            names.merge(annotatedLabelNames) { _, annotated in annotated }
            module.names.labelNames[index] = names
        }
        module.functions.append(Function(typeIndex: typeIndex, locals: declarations, body: body))
        localNames.removeAll()
    }

    // MARK: tables, memories, globals

    private func parseTable() throws(WatError) {
        let index = UInt32(module.tableCount)
        if let name = try binderName(optionalID()) { module.names.tableNames[index] = name }
        try parseInlineExports(.table, index: index)
        if let (moduleName, name) = try parseInlineImport() {
            let type = try parseTableType()
            try expectRParen()
            module.imports.append(Import(module: moduleName, name: name, descriptor: .table(type)))
            return
        }
        var abbreviatedAddress: AddressType?
        if peek.kind == .keyword, s.equals(peek, "i64") || s.equals(peek, "i32"),
           referenceShorthand(peek(1)) != nil || (peek(1).kind == .lparen && s.equals(peek(2), "ref")) {
            abbreviatedAddress = s.equals(peek, "i64") ? .i64 : .i32
            advance()
        }
        if atRefType {
            // (table reftype (elem …)): limits from the element count, plus an active segment.
            let refType = try parseRefType()
            try expectLParen()
            try expectKeyword("elem")
            let items = atIndex ? try parseFunctionIndices() : try parseElemExpressions()
            try expectRParen()
            try expectRParen()
            let n = UInt64(items.count)
            let address = abbreviatedAddress ?? .i32
            module.tables.append(TableType(elementType: refType, limits: Limits(min: n, max: n, addressType: address)))
            let offset = address == .i64 ? Expression([Instruction(.i64Const, .i64(0)), Instruction(.end)])
                : Expression([Instruction(.i32Const, .i32(0)), Instruction(.end)])
            appendElem(.init(mode: .active(table: index, offset: offset), type: refType, items: items, table: .inline))
            return
        }
        var table = try parseTableType()
        if peek.kind != .rparen {
            // function references: an initial value for every element.
            table.initializer = try parseConstantExpression()
        }
        module.tables.append(table)
        try expectRParen()
    }

    /// `(tag $id? (export …)* (import …)? typeuse)`.
    private func parseTag() throws(WatError) {
        let tagToken = token(pos - 1)
        let index = UInt32(module.tagCount)
        if let name = try binderName(optionalID()) { module.names.tagNames[index] = name }
        try parseInlineExports(.tag, index: index)
        if let (moduleName, name) = try parseInlineImport() {
            let use = try parseTypeUse(allowParamNames: true)
            let typeIndex = try resolve(use, at: tagToken)
            try expectRParen()
            module.imports.append(Import(module: moduleName, name: name, descriptor: .tag(TagType(typeIndex: typeIndex))))
            return
        }
        let use = try parseTypeUse(allowParamNames: true)
        module.tags.append(TagType(typeIndex: try resolve(use, at: tagToken)))
        try expectRParen()
    }

    private func parseMemory() throws(WatError) {
        let index = UInt32(module.memoryCount)
        if let name = try binderName(optionalID()) { module.names.memoryNames[index] = name }
        try parseInlineExports(.memory, index: index)
        if let (moduleName, name) = try parseInlineImport() {
            let limits = try parseLimits()
            try expectRParen()
            module.imports.append(Import(module: moduleName, name: name, descriptor: .memory(MemoryType(limits: limits))))
            return
        }
        var address = AddressType.i32
        if peek.kind == .keyword, s.equals(peek, "i64") || s.equals(peek, "i32"), peek(1).kind == .lparen {
            address = s.equals(peek, "i64") ? .i64 : .i32
            advance()
        }
        if atList("data") {
            // (memory (data "…")): pages enough for the bytes, plus an active segment.
            pos += 2
            var bytes: [UInt8] = []
            while peek.kind == .string { bytes += try parseString() }
            try expectRParen()
            try expectRParen()
            let pages = (UInt64(bytes.count) + 65535) / 65536
            module.memories.append(MemoryType(limits: Limits(min: pages, max: pages, addressType: address)))
            let offset = address == .i64 ? Expression([Instruction(.i64Const, .i64(0)), Instruction(.end)])
                : Expression([Instruction(.i32Const, .i32(0)), Instruction(.end)])
            module.data.append(DataSegment(mode: .active(memory: index, offset: offset), bytes: bytes,
                                           encodingFlags: index == 0 ? 0 : 2))
            return
        }
        module.memories.append(MemoryType(limits: try parseLimits()))
        try expectRParen()
    }

    private func parseGlobal() throws(WatError) {
        let index = UInt32(module.globalCount)
        if let name = try binderName(optionalID()) { module.names.globalNames[index] = name }
        try parseInlineExports(.global, index: index)
        if let (moduleName, name) = try parseInlineImport() {
            let type = try parseGlobalType()
            try expectRParen()
            module.imports.append(Import(module: moduleName, name: name, descriptor: .global(type)))
            return
        }
        let type = try parseGlobalType()
        let initializer = try parseConstantExpression()
        try expectRParen()
        module.globals.append(Global(type: type, initializer: initializer))
    }

    // MARK: element and data segments

    private func parseElem() throws(WatError) {
        let index = UInt32(module.elements.count)
        if let name = try binderName(optionalID()) { module.names.elementNames[index] = name }
        var mode: ElementSegment.Mode = .passive
        var isLegacyActive = false
        var tableUse = EncodingStyle.WrittenElementSegment.TableUse.implied
        if peek.kind == .keyword, s.equals(peek, "declare") {
            advance()
            mode = .declarative
        } else {
            var table: UInt32?
            if atList("table") {
                pos += 2
                table = try parseIndex(.table)
                try expectRParen()
            }
            if let offset = try parseOffset() {
                mode = .active(table: table ?? 0, offset: offset)
                isLegacyActive = table == nil
                if table != nil { tableUse = .named }
            } else if table != nil {
                throw unexpected(peek, expected: "an offset expression")
            }
        }
        // elemlist: `reftype elemexpr*` | `func funcidx*`, or (MVP abbreviation, active
        // without a table use) bare `funcidx*`.
        var type: RefType = .funcref
        let items: ElementSegment.Items
        if atRefType {
            type = try parseRefType()
            items = try parseElemExpressions()
        } else if peek.kind == .keyword, s.equals(peek, "func") {
            advance()
            items = try parseFunctionIndices()
            type = functionListType
        } else if isLegacyActive {
            items = try parseFunctionIndices()
            type = functionListType
        } else {
            throw unexpected(peek, expected: "func, funcref or externref")
        }
        try expectRParen()
        appendElem(.init(mode: mode, type: type, items: items, table: tableUse))
    }

    /// The type of a `func x*` list: (ref func) with function references, funcref before.
    private var functionListType: RefType {
        features.contains(.functionReferences) ? RefType(nullable: false, .abstract(.func)) : .funcref
    }

    private func parseFunctionIndices() throws(WatError) -> ElementSegment.Items {
        var functions: [UInt32] = []
        while atIndex { functions.append(try parseIndex(.function)) }
        return .functions(functions)
    }

    /// `(item expr)` or a single folded instruction, each one element.
    private func parseElemExpressions() throws(WatError) -> ElementSegment.Items {
        var expressions: [Expression] = []
        while peek.kind == .lparen {
            if atList("item") {
                pos += 2
                expressions.append(try parseConstantExpression())
                try expectRParen()
            } else {
                beginBody(recordLocations: false)
                try parseFoldedInstruction()
                emit(Instruction(.end), at: peek)
                expressions.append(Expression(code))
            }
        }
        return .expressions(expressions)
    }

    /// Adds a segment in the encoding the style chooses (items as indices or expressions, flags).
    private func appendElem(_ written: EncodingStyle.WrittenElementSegment) {
        module.elements.append(encodingStyle.elementSegment(written))
    }

    /// `(offset instr*)` or one folded instruction; nil when neither follows.
    private func parseOffset() throws(WatError) -> Expression? {
        if atList("offset") {
            pos += 2
            let e = try parseConstantExpression()
            try expectRParen()
            return e
        }
        if peek.kind == .lparen, peek(1).kind == .keyword, mnemonic(peek(1)) != nil {
            beginBody(recordLocations: false)
            try parseFoldedInstruction()
            emit(Instruction(.end), at: peek)
            return Expression(code)
        }
        return nil
    }

    private func parseData() throws(WatError) {
        let index = UInt32(module.data.count)
        if let name = try binderName(optionalID()) { module.names.dataNames[index] = name }
        var memory: UInt32?
        if atList("memory") {
            pos += 2
            memory = try parseIndex(.memory)
            try expectRParen()
        }
        let offset = try parseOffset()
        if memory != nil && offset == nil { throw unexpected(peek, expected: "an offset expression") }
        var bytes: [UInt8] = []
        while peek.kind == .string { bytes += try parseString() }
        try expectRParen()
        if let offset {
            let m = memory ?? 0
            module.data.append(DataSegment(mode: .active(memory: m, offset: offset), bytes: bytes,
                                           encodingFlags: m == 0 ? 0 : 2))
        } else {
            module.data.append(DataSegment(mode: .passive, bytes: bytes, encodingFlags: 1))
        }
    }

    /// `instr*` up to the enclosing `)`, as an expression ending in `end`.
    func parseConstantExpression() throws(WatError) -> Expression {
        beginBody(recordLocations: false)
        try parseInstructions()
        guard peek.kind == .rparen else { throw unexpectedInInstructions() }
        emit(Instruction(.end), at: peek)
        return Expression(code)
    }
}
