import WasmCore

/// Types in the text format (Wasm 3.0): value and reference types with their shorthands
/// (`funcref`, `anyref`, `(ref null $t)` …), and the type section's definitions: function,
/// struct and array types, `sub`/`final` subtypes and `rec` groups.
extension WatParser {
    // MARK: value and reference types

    /// The abstract heap type a keyword names (`func`, `any`, `noextern` …).
    func abstractHeapType(_ t: Token) -> AbstractHeapType? {
        guard t.kind == .keyword else { return nil }
        for a in AbstractHeapType.allCases where s.equals(t, string: a.description) { return a }
        return nil
    }

    /// The nullable reference a shorthand keyword names (`funcref`, `nullexternref` …).
    func referenceShorthand(_ t: Token) -> RefType? {
        guard t.kind == .keyword, s.hasSuffix(t, "ref") else { return nil }
        for a in AbstractHeapType.allCases where s.equals(t, string: a.nullableShorthand) { return RefType(nullable: true, .abstract(a)) }
        return nil
    }

    /// Whether a value type starts at `pos` without consuming it.
    var atValueType: Bool {
        let t = peek
        if t.kind == .keyword {
            return s.equals(t, "i32") || s.equals(t, "i64") || s.equals(t, "f32") || s.equals(t, "f64")
                || s.equals(t, "v128") || referenceShorthand(t) != nil
        }
        return atList("ref")
    }

    /// Whether a reference type starts at `pos`.
    var atRefType: Bool { referenceShorthand(peek) != nil || atList("ref") }

    func parseValueType() throws(WatError) -> ValueType {
        let t = peek
        if t.kind == .keyword {
            let n = Int(t.end - t.start)
            if n == 3 {
                if s.equals(t, "i32") { advance(); return .i32 }
                if s.equals(t, "i64") { advance(); return .i64 }
                if s.equals(t, "f32") { advance(); return .f32 }
                if s.equals(t, "f64") { advance(); return .f64 }
            }
            if s.equals(t, "v128") { advance(); return .v128 }
        }
        guard atRefType else { throw unexpected(t, expected: "a value type") }
        return .ref(try parseRefType())
    }

    func parseRefType() throws(WatError) -> RefType {
        if let shorthand = referenceShorthand(peek) {
            advance()
            return shorthand
        }
        guard atList("ref") else { throw unexpected(peek, expected: "a reference type") }
        pos += 2
        var nullable = false
        if peek.kind == .keyword, s.equals(peek, "null") {
            nullable = true
            advance()
        }
        let heap = try parseHeapType()
        try expectRParen()
        return RefType(nullable: nullable, heap)
    }

    /// `func`, `any`, … or a type index.
    func parseHeapType() throws(WatError) -> HeapType {
        if let a = abstractHeapType(peek) {
            advance()
            return .abstract(a)
        }
        guard atIndex else { throw unexpected(peek, expected: "a heap type") }
        return .concrete(try parseIndex(.type))
    }

    // MARK: the type section

    /// Appends an implicit function type (a type use without `(type x)`), reusing an equal
    /// function type in a group of its own when the encoding style allows
    /// (`EncodingStyle.implicitUseMayReuse`).
    func appendImplicitType(_ signature: FuncType) -> UInt32 {
        let groups = module.recursionGroupRanges
        let explicit = module.recursionGroups.count == groups.count ? module.recursionGroups.map(\.isExplicit) : []
        for (g, range) in groups.enumerated() where range.count == 1 {
            let d = module.typeDefinitions[range.lowerBound]
            if d.functionType == signature,
               encodingStyle.implicitUseMayReuse(d, inExplicitGroup: g < explicit.count && explicit[g]) {
                return UInt32(range.lowerBound)
            }
        }
        appendTypeGroup([SubType(.function(signature))], explicit: false)
        return UInt32(module.typeDefinitions.count - 1)
    }

    func appendTypeGroup(_ members: [SubType], explicit: Bool) {
        if explicit || !module.recursionGroups.isEmpty {
            if module.recursionGroups.isEmpty {
                module.recursionGroups = module.typeDefinitions.map { _ in RecursionGroup(count: 1, explicit: false) }
            }
            module.recursionGroups.append(RecursionGroup(count: UInt32(members.count), explicit: explicit))
        }
        module.typeDefinitions.append(contentsOf: members)
    }

    /// Pass 0: the names of all types (inside `rec` too), so definitions can refer forward.
    func defineTypeName(at p: Int) throws(WatError) {
        pos = p + 2
        try define(.type, optionalID(), index: counts[IndexSpace.type.rawValue])
        counts[IndexSpace.type.rawValue] += 1
    }

    /// `(type $id? subtype)` or `(rec (type …)*)`, with `pos` at the `(`, in pass 1.
    func parseTypeDefinitionField() throws(WatError) {
        if s.equals(peek(1), "rec") {
            pos += 2
            var members: [SubType] = []
            while atList("type") {
                members.append(try parseTypeDefinition(index: UInt32(module.typeDefinitions.count + members.count)))
            }
            try expectRParen()
            appendTypeGroup(members, explicit: true)
        } else {
            let definition = try parseTypeDefinition(index: UInt32(module.typeDefinitions.count))
            appendTypeGroup([definition], explicit: false)
        }
    }

    private func parseTypeDefinition(index: UInt32) throws(WatError) -> SubType {
        pos += 2
        if let name = try binderName(optionalID()) { module.names.typeNames[index] = name }
        try expectLParen()
        let result: SubType
        if s.equals(peek, "sub") {
            advance()
            var final = false
            if peek.kind == .keyword, s.equals(peek, "final") {
                final = true
                advance()
            }
            var supertypes: [UInt32] = []
            while atIndex { supertypes.append(try parseIndex(.type)) }
            try expectLParen()
            result = SubType(final: final, supertypes: supertypes, try parseCompositeType(index: index))
            try expectRParen()
        } else {
            result = SubType(try parseCompositeType(index: index))
        }
        try expectRParen()
        return result
    }

    /// `func …)`, `struct …)` or `array …)` after its `(`.
    private func parseCompositeType(index: UInt32) throws(WatError) -> CompositeType {
        let k = peek
        if s.equals(k, "func") {
            advance()
            var use = TypeUse()
            try parseSignature(into: &use, allowParamNames: true)
            try expectRParen()
            var parameterNames: [UInt32: String] = [:]
            for (i, name) in use.paramNames.enumerated() {
                if let (n, _) = name { parameterNames[UInt32(i)] = n }
            }
            if !parameterNames.isEmpty { typeParameterNames[index] = parameterNames }
            return .function(FuncType(params: use.params, results: use.results))
        }
        if s.equals(k, "struct") {
            advance()
            var fields: [FieldType] = []
            var fieldNames: [UInt32: String] = [:]
            var nameTable = NameTable()
            while atList("field") {
                pos += 2
                if peek.kind == .id {
                    let t = peek
                    let name = optionalID()
                    if let name {
                        guard nameTable.insert(source, nameRange(t).start, nameRange(t).end, value: UInt32(fields.count)) else {
                            throw error("duplicate field \(name.0)", at: t)
                        }
                        fieldNames[UInt32(fields.count)] = try optionalNameAnnotation() ?? name.0
                    }
                    fields.append(try parseFieldType())
                } else {
                    while peek.kind != .rparen { fields.append(try parseFieldType()) }
                }
                try expectRParen()
            }
            try expectRParen()
            if !fieldNames.isEmpty {
                module.names.fieldNames[index] = fieldNames
                fieldNameTables[index] = nameTable
            }
            return .structure(fields)
        }
        if s.equals(k, "array") {
            advance()
            let element = try parseFieldType()
            try expectRParen()
            return .array(element)
        }
        throw unexpected(k, expected: "func, struct or array")
    }

    /// `storagetype` or `(mut storagetype)`.
    private func parseFieldType() throws(WatError) -> FieldType {
        if atList("mut") {
            pos += 2
            let storage = try parseStorageType()
            try expectRParen()
            return FieldType(storage, mutable: true)
        }
        return FieldType(try parseStorageType(), mutable: false)
    }

    private func parseStorageType() throws(WatError) -> StorageType {
        if peek.kind == .keyword, s.equals(peek, "i8") { advance(); return .i8 }
        if peek.kind == .keyword, s.equals(peek, "i16") { advance(); return .i16 }
        return .value(try parseValueType())
    }

    /// A struct field of type `typeIndex`, by number or by the name the struct type gave it.
    func parseFieldIndex(of typeIndex: UInt32) throws(WatError) -> UInt32 {
        let t = peek
        if t.kind == .id {
            let (start, end) = nameRange(t)
            guard let index = fieldNameTables[typeIndex]?.find(source, start, end) else {
                throw error("unknown field \(text(t))", at: t)
            }
            advance()
            return index
        }
        return try parseU32()
    }
}
