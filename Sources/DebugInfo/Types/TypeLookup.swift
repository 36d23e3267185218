/// `type(named:)`: types by the names a user types in a cast or `ptype`.
struct TypeNameIndex {
    /// Spelling ("struct point", "point_t", "geo::Rect", "Rect") -> DIE offsets, definitions first.
    var offsets: [String: [UInt64]] = [:]
}

extension DebugInfo {
    private static let namedTypeTags: Set<UInt64> = [
        Tag.baseType, Tag.typedef, Tag.structureType, Tag.classType, Tag.unionType, Tag.enumerationType, Tag.unspecifiedType,
    ]

    var typeNameIndex: TypeNameIndex {
        if let typeNameIndexStorage { return typeNameIndexStorage }
        var index = TypeNameIndex()
        var declarations: [String: [UInt64]] = [:]
        for unit in units {
            guard let tree = tree(of: unit) else { continue }
            for (i, die) in tree.dies.enumerated() where DebugInfo.namedTypeTags.contains(UInt64(die.tag)) {
                let ref = DIERef(unit: unit, index: i)
                guard let value = ref.attribute(Attribute.name), let name = string(value, in: unit) else { continue }
                var spellings: Set<String> = [name]
                if let qualified = qualifiedName(of: ref) { spellings.insert(qualified) }
                let keyword: String? = switch ref.tag {
                case Tag.structureType: "struct"
                case Tag.classType: "class"
                case Tag.unionType: "union"
                case Tag.enumerationType: "enum"
                default: nil
                }
                if let keyword { spellings.formUnion(spellings.map { "\(keyword) \($0)" }) }
                let isDeclaration = ref.has(Attribute.declaration)
                for spelling in spellings {
                    if isDeclaration { declarations[spelling, default: []].append(ref.offset) }
                    else { index.offsets[spelling, default: []].append(ref.offset) }
                }
            }
        }
        for (spelling, offsets) in declarations { index.offsets[spelling, default: []] += offsets }
        typeNameIndexStorage = index
        return index
    }

    /// A type by name: "int", "struct point", "point_t", "union number", "enum color",
    /// "geo::Rect" (or "Rect"), "inventory::Item"; trailing `*`s make pointers to it.
    public func type(named query: String) -> DebugType? {
        var text = query.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        var pointers = 0
        while text.hasSuffix("*") {
            pointers += 1
            text = String(text.dropLast()).trimmingSpaces()
        }
        guard !text.isEmpty else { return nil }
        var found: DebugType?
        if let offset = typeNameIndex.offsets[text]?.first { found = typeResolver.type(at: offset) }
        else if text == "void" { found = nil }
        else { return nil }
        var result = found
        for _ in 0..<min(pointers, maximumTypeChain) { result = DebugType.pointer(to: result) }
        if pointers == 0 && result == nil { return nil }
        return result ?? DebugType(kind: .unspecified, name: "void", qualifiedName: "void", byteSize: nil, dieOffset: nil, language: .c, target: nil)
    }

    /// The type a DIE's `DW_AT_type` names.
    func type(of ref: DIERef) -> DebugType? {
        guard case .reference(let offset)? = attribute(Attribute.type, following: ref) else { return nil }
        return typeResolver.type(at: offset)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
