/// Names of DIEs: their own, through `DW_AT_specification`/`DW_AT_abstract_origin` (out-of-line
/// definitions and inlined copies name nothing themselves), and qualified by their namespace,
/// class and module parents.
extension DebugInfo {
    /// How many specification/origin links a name lookup follows (they may form a cycle).
    static let maximumOriginLinks = 8

    /// The DIE a reference attribute points to.
    func referenced(_ attribute: UInt64, of ref: DIERef) -> DIERef? {
        guard case .reference(let offset)? = ref.attribute(attribute) else { return nil }
        if offset >= UInt64(ref.unit.firstEntryOffset) && offset < UInt64(ref.unit.end),
           let index = ref.tree.index(ofOffset: offset) {
            return DIERef(unit: ref.unit, index: index)
        }
        return entry(atInfoOffset: offset)
    }

    /// Follows specification and abstract-origin links to the DIE that carries `attribute`.
    func declaringEntry(for ref: DIERef, having attribute: UInt64) -> DIERef? {
        var current = ref
        for _ in 0...DebugInfo.maximumOriginLinks {
            if current.has(attribute) { return current }
            guard let next = referenced(Attribute.specification, of: current) ?? referenced(Attribute.abstractOrigin, of: current) else { return nil }
            current = next
        }
        return nil
    }

    func attribute(_ attribute: UInt64, following ref: DIERef) -> FormValue? {
        declaringEntry(for: ref, having: attribute)?.attribute(attribute)
    }

    func name(of ref: DIERef) -> String? {
        guard let owner = declaringEntry(for: ref, having: Attribute.name),
              let value = owner.attribute(Attribute.name) else { return nil }
        return string(value, in: owner.unit)
    }

    func linkageName(of ref: DIERef) -> String? {
        if let owner = declaringEntry(for: ref, having: Attribute.linkageName), let value = owner.attribute(Attribute.linkageName) {
            return string(value, in: owner.unit)
        }
        if let owner = declaringEntry(for: ref, having: Attribute.mipsLinkageName), let value = owner.attribute(Attribute.mipsLinkageName) {
            return string(value, in: owner.unit)
        }
        return nil
    }

    /// "ns::Class::name": the parents of the DIE that declares the name (for a method defined
    /// out of line, the declaration inside its class).
    func qualifiedName(of ref: DIERef) -> String? {
        guard let base = name(of: ref) else { return nil }
        let owner = declaringEntry(for: ref, having: Attribute.name) ?? ref
        var parts = [base]
        var parent = owner.parent
        var steps = 0
        while let p = parent, steps < DebugInfo.maximumNesting {
            steps += 1
            switch p.tag {
            case Tag.namespace:
                parts.append(name(of: p) ?? "(anonymous namespace)")
            case Tag.structureType, Tag.classType, Tag.unionType, Tag.enumerationType:
                if let n = name(of: p) { parts.append(n) }
            case Tag.subprogram:
                // A function's static variable or a nested function: qualify by the function.
                if let n = qualifiedName(ofFunctionParent: p) { parts.append(n); parent = nil; continue }
            default:
                break
            }
            parent = p.parent
        }
        return parts.reversed().joined(separator: "::")
    }

    private func qualifiedName(ofFunctionParent ref: DIERef) -> String? {
        // One level only: a function's own qualified name never goes through another function
        // here, so this cannot recurse without bound.
        guard let base = name(of: ref) else { return nil }
        let owner = declaringEntry(for: ref, having: Attribute.name) ?? ref
        var parts = [base]
        var parent = owner.parent
        var steps = 0
        while let p = parent, steps < DebugInfo.maximumNesting {
            steps += 1
            if p.tag == Tag.namespace { parts.append(name(of: p) ?? "(anonymous namespace)") }
            else if [Tag.structureType, Tag.classType, Tag.unionType].contains(p.tag), let n = name(of: p) { parts.append(n) }
            parent = p.parent
        }
        return parts.reversed().joined(separator: "::")
    }

    /// The path of a `DW_AT_decl_file`/`DW_AT_call_file` number (line table file numbering).
    func filePath(_ value: FormValue?, in unit: Unit) -> String? {
        guard let index = value?.unsignedValue, let table = lineTable(of: unit) else { return nil }
        return table.path(ofFile: UInt32(truncatingIfNeeded: index))
    }
}

/// Does `path` end with the components of `suffix`? ("src/x.c" matches "/a/src/x.c", not "/a/xsrc/x.c")
func pathMatches(_ path: String, suffix: String) -> Bool {
    let wanted = normalizePath(suffix)
    if wanted.hasPrefix("/") { return normalizePath(path) == wanted }
    let have = normalizePath(path).split(separator: "/")
    let want = wanted.split(separator: "/")
    guard !want.isEmpty, want.count <= have.count else { return false }
    return Array(have.suffix(want.count)) == want
}

/// Does a qualified name answer to `query`? Exact, or a "::"-component suffix ("Rect::area"
/// for "geo::Rect::area"), with or without template arguments ("largest" for "largest<int>").
func qualifiedNameMatches(_ qualified: String, query: String) -> Bool {
    if qualified == query { return true }
    let have = splitQualified(qualified), want = splitQualified(query)
    guard !want.isEmpty, want.count <= have.count else { return false }
    let tail = Array(have.suffix(want.count))
    if tail == want { return true }
    return tail.map(stripTemplateArguments) == want.map(stripTemplateArguments) && !(want.last ?? "").contains("<")
}

/// Splits on "::" outside angle brackets and parentheses (over UTF-8 bytes: names can be long).
func splitQualified(_ name: String) -> [String] {
    var parts: [String] = []
    let bytes = Array(name.utf8)
    var depth = 0
    var start = 0
    var i = 0
    while i < bytes.count {
        switch bytes[i] {
        case UInt8(ascii: "<"), UInt8(ascii: "("): depth += 1
        case UInt8(ascii: ">"), UInt8(ascii: ")"): depth = max(0, depth - 1)
        case UInt8(ascii: ":") where depth == 0 && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ":"):
            parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            i += 2
            start = i
            continue
        default: break
        }
        i += 1
    }
    parts.append(String(decoding: bytes[start..<bytes.count], as: UTF8.self))
    return parts
}

func stripTemplateArguments(_ name: String) -> String {
    guard let open = name.utf8.firstIndex(of: UInt8(ascii: "<")), !name.hasPrefix("operator") else { return name }
    return String(name[..<open])
}
