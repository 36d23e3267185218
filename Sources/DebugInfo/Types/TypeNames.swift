/// C, C++ and Rust spellings of types as gdb prints them: `whatis` (`typeName`) and `ptype`
/// (`ptypeText`, with the body of a struct, union, class or enum).

/// The longest chain of pointers, qualifiers and arrays spelled out; deeper chains (only
/// corrupt or absurd input has them) end in "<type chain too deep>".
let maximumTypeChain = 512
/// How deeply parameter lists nest (function pointer parameters of function pointers...).
let maximumTypeNesting = 16

public func typeName(_ type: DebugType) -> String {
    declaration(of: type, declarator: "", nesting: 0)
}

/// The name of the type as its own declaration would name it, without the declarator.
func headName(_ type: DebugType) -> String? {
    let qualified = type.qualifiedName ?? type.name
    switch type.kind {
    case .base, .typedef, .unspecified: return qualified ?? (type.kind == .unspecified ? "void" : nil)
    case .structure, .classType, .union, .enumeration:
        if type.language != .c { return qualified ?? anonymousName(type) }
        guard let name = type.name else { return anonymousName(type) }
        let keyword = type.kind == .union ? "union" : type.kind == .enumeration ? "enum" : type.kind == .classType ? "class" : "struct"
        return "\(keyword) \(name)"
    default: return nil
    }
}

private func anonymousName(_ type: DebugType) -> String {
    switch type.kind {
    case .union: return "union {...}"
    case .enumeration: return "enum {...}"
    case .classType: return "class {...}"
    default: return "struct {...}"
    }
}

/// Spells `type` declaring `declarator` ("x", "*p", "" for an abstract declarator), walking the
/// chain of derived types in a loop: each step wraps the declarator as C's syntax wants.
/// `localNames` (typedef DIE offset → name) spells a class's own typedefs by their local name
/// inside its `ptype` body, as gdb does.
func declaration(of type: DebugType, declarator: String, nesting: Int, localNames: [UInt64: String] = [:]) -> String {
    var inner = declarator
    var qualifiers: [String] = []
    var current: DebugType? = type
    func joined(_ head: String) -> String {
        let prefix = (qualifiers.reversed() + [head]).joined(separator: " ")
        return inner.isEmpty ? prefix : prefix + " " + inner
    }
    for _ in 0..<maximumTypeChain {
        guard let t = current else { return joined("void") }
        if t.language == .rust, let name = t.qualifiedName ?? t.name, t.kind != .const {
            return inner.isEmpty ? name : name + " " + inner
        }
        if t.language == .rust && t.kind == .pointer && t.name == nil {
            // rustc leaves a slice's data pointer unnamed; gdb's Rust printer says "*mut T".
            let pointee = t.target.map { nesting < maximumTypeNesting ? declaration(of: $0, declarator: "", nesting: nesting + 1) : "..." } ?? "()"
            return inner.isEmpty ? "*mut " + pointee : "*mut " + pointee + " " + inner
        }
        if t.language == .rust && t.kind == .array && t.name == nil {
            // Rust spells arrays "[T; N]".
            let element = t.target.map { nesting < maximumTypeNesting ? declaration(of: $0, declarator: "", nesting: nesting + 1) : "..." } ?? "()"
            let counts = t.dimensions.map { $0.count.map(String.init) ?? "?" }
            let name = counts.reversed().reduce(element) { "[\($0); \($1)]" }
            return inner.isEmpty ? name : name + " " + inner
        }
        if !localNames.isEmpty, t.kind == .typedef, let offset = t.dieOffset, let local = localNames[offset] {
            return joined(local)
        }
        if let head = headName(t) { return joined(head) }
        switch t.kind {
        case .const, .volatile, .restrict, .atomic:
            let word = t.kind == .const ? "const" : t.kind == .volatile ? "volatile" : t.kind == .restrict ? "restrict" : "_Atomic"
            if let target = t.target, [.pointer, .reference, .rvalueReference, .pointerToMember].contains(target.kind) {
                // A qualified pointer: "char * const p".
                inner = inner.isEmpty ? word : word + " " + inner
            } else {
                qualifiers.append(word)
            }
            current = t.target
        case .pointer, .reference, .rvalueReference, .pointerToMember:
            let symbol = t.kind == .pointer || t.kind == .pointerToMember ? "*" : t.kind == .reference ? "&" : "&&"
            inner = startsWithQualifier(inner) ? symbol + " " + inner : symbol + inner
            current = t.target
        case .array:
            if inner.hasPrefix("*") || inner.hasPrefix("&") { inner = "(" + inner + ")" }
            let dims = t.dimensions.isEmpty ? [ArrayDimension(count: nil, lowerBound: 0)] : t.dimensions
            inner += dims.map { $0.count.map { "[\($0)]" } ?? "[]" }.joined()
            current = t.target
        case .subroutine:
            if inner.hasPrefix("*") || inner.hasPrefix("&") { inner = "(" + inner + ")" }
            inner += parameterList(t, nesting: nesting, localNames: localNames)
            current = t.target
        default:
            return joined(t.name ?? "?")
        }
    }
    return "<type chain too deep>"
}

private func startsWithQualifier(_ text: String) -> Bool {
    ["const", "volatile", "restrict", "_Atomic"].contains { text == $0 || text.hasPrefix($0 + " ") }
}

private func parameterList(_ type: DebugType, nesting: Int, localNames: [UInt64: String]) -> String {
    guard nesting < maximumTypeNesting else { return "(...)" }
    var parts = type.parameterTypes.map { link -> String in
        guard let p = link.type else { return "void" }
        return declaration(of: p, declarator: "", nesting: nesting + 1, localNames: localNames)
    }
    if type.isVariadic { parts.append("...") }
    if parts.isEmpty { return type.isPrototyped && type.language == .c ? "(void)" : "()" }
    return "(" + parts.joined(separator: ", ") + ")"
}

/// gdb's `ptype`: the type with the body of a struct, class, union or enum (typedefs resolved
/// first, as gdb does), e.g. "struct point {\n    int x;\n    int y;\n}".
public func ptypeText(_ type: DebugType) -> String {
    // Resolve typedefs of the outermost type only; members keep their typedef names.
    var t = type
    var steps = 0
    while t.kind == .typedef, let next = t.target, steps < maximumTypeChain { t = next; steps += 1 }
    // A pointer or array of a struct prints the struct body with the declarator after it.
    var base = t
    var declarator = ""
    steps = 0
    while steps < maximumTypeChain {
        steps += 1
        guard let next = base.target, [.pointer, .reference, .rvalueReference, .array, .const, .volatile].contains(base.kind) else { break }
        base = next
    }
    switch base.kind {
    case .structure, .classType, .union, .enumeration:
        if base !== t {
            // Spell the full declarator with a placeholder head, then put the body in its place.
            let placeholder = DebugType(kind: .typedef, name: "\u{1}", qualifiedName: "\u{1}", byteSize: nil, dieOffset: nil,
                                        language: base.language == .rust ? .c : base.language, target: nil)
            declarator = rewrite(t, replacing: base, with: placeholder)
            return declarator.replacingOccurrences(of: "\u{1}", with: body(of: base))
        }
        return body(of: base)
    default:
        return typeName(t)
    }
}

/// `typeName(type)` with `target` replaced by `replacement` (for ptype's declarators).
private func rewrite(_ type: DebugType, replacing target: DebugType, with replacement: DebugType) -> String {
    // Rebuild the chain from `type` down to `target` as types made here.
    var chain: [DebugType] = []
    var current: DebugType? = type
    while let c = current, c !== target, chain.count < maximumTypeChain { chain.append(c); current = c.target }
    var rebuilt = replacement
    for link in chain.reversed() {
        rebuilt = DebugType(kind: link.kind, name: nil, qualifiedName: nil, byteSize: link.byteSize, dieOffset: nil,
                            dimensions: link.dimensions, language: replacement.language, target: TypeLink(fixed: rebuilt))
    }
    return typeName(rebuilt)
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

func body(of type: DebugType) -> String {
    let head = headName(type) ?? typeName(type)
    if type.language == .rust { return rustBody(of: type, head: head) }
    if type.kind == .enumeration {
        var next: Int64 = 0
        let items = type.enumerators.map { e -> String in
            defer { next = e.value &+ 1 }
            return e.value == next ? e.name : "\(e.name) = \(e.value)"
        }
        return head + " {" + items.joined(separator: ", ") + "}"
    }
    var lines: [String] = []
    // C++ spells the keyword in ptype too ("class geo::Rect {"), and access labels as gdb does:
    // for a class always, for a struct only when some member is not public.
    let keyword = type.kind == .union ? "union" : type.kind == .classType ? "class" : "struct"
    let bodyHead = type.language == .cPlusPlus && type.name != nil ? "\(keyword) \(head)" : head
    let defaultAccess: UInt64 = type.kind == .classType ? 3 : 1
    let dataMembers = type.members.filter { !$0.isBaseClass }
    let methods = type.methods.filter { !$0.isArtificial }
    let typedefs = type.language == .cPlusPlus ? type.nestedTypedefs : []
    let showAccess = type.language == .cPlusPlus && type.kind != .union
        && (type.kind == .classType || dataMembers.contains { ($0.accessibility ?? 1) != 1 }
            || typedefs.contains { ($0.accessibility ?? 1) != 1 })
    // The class's own typedefs by their local names (gdb's local typedef table).
    var localNames: [UInt64: String] = [:]
    for t in typedefs { localNames[t.dieOffset] = t.name }
    var currentAccess: UInt64? = nil
    func accessLabel(_ access: UInt64) {
        guard showAccess, access != currentAccess else { return }
        currentAccess = access
        lines.append(access == 3 ? "  private:" : access == 2 ? "  protected:" : "  public:")
    }
    let bases = type.members.filter(\.isBaseClass).map { m -> String in
        let access = m.accessibility == 2 ? "protected " : m.accessibility == 3 ? "private " : "public "
        return access + (m.type.map(typeName) ?? "?")
    }
    lines.append(bodyHead + (bases.isEmpty ? "" : " : " + bases.joined(separator: ", ")) + " {")
    // Three sections as gdb prints them, a blank line between two that are not empty: data
    // members, methods, typedefs. An access label is printed where the access changes.
    for member in dataMembers {
        accessLabel(member.accessibility ?? defaultAccess)
        let name = member.name ?? ""
        var text = member.type.map { declaration(of: $0, declarator: name, nesting: 0, localNames: localNames) } ?? "? \(name)"
        if member.isStatic { text = "static " + text }
        if let bits = member.bitSize { text += " : \(bits)" }
        lines.append("    " + text + ";")
    }
    if !methods.isEmpty && !dataMembers.isEmpty { lines.append("") }
    for method in methods {
        accessLabel(method.accessibility ?? defaultAccess)
        let parameters = method.parameterTypes.map { link in
            link.type.map { declaration(of: $0, declarator: "", nesting: 0, localNames: localNames) } ?? "void"
        }
        let isConstructor = method.name == type.name || method.name == "~" + (type.name ?? "")
        let returnText = isConstructor ? "" : (method.returnType?.type.map {
            declaration(of: $0, declarator: "", nesting: 0, localNames: localNames)
        } ?? "void") + " "
        let list = parameters.isEmpty ? "(void)" : "(" + parameters.joined(separator: ", ") + ")"
        lines.append("    " + returnText + method.name + list + (method.isConst ? " const" : "") + ";")
    }
    if !typedefs.isEmpty && !(dataMembers.isEmpty && methods.isEmpty) { lines.append("") }
    for t in typedefs {
        accessLabel(t.accessibility ?? defaultAccess)
        // The aliased type in full (not by a local name: `typedef int value_type;`).
        let text = t.target.map { declaration(of: $0, declarator: t.name, nesting: 0) } ?? "void \(t.name)"
        lines.append("    typedef " + text + ";")
    }
    lines.append("}")
    return lines.joined(separator: "\n")
}

/// Rust's spelling (as gdb's Rust printer, two spaces in): "struct inventory::Item {\n  name: &str,\n ...}",
/// a tuple struct as "struct NonZeroU32 (\n  u32,\n)", enums with their variants.
private func rustBody(of type: DebugType, head: String) -> String {
    func fields(_ members: [Member]) -> [String] {
        members.map { "\($0.name ?? "?"): \($0.type.map(typeName) ?? "?")" }
    }
    // rustc names the fields of tuple structs and tuple variants `__0`, `__1`...
    func isTuple(_ members: [Member]) -> Bool {
        !members.isEmpty && members.allSatisfy { m in
            guard let name = m.name, name.hasPrefix("__") else { return false }
            return name.dropFirst(2).allSatisfy(\.isNumber)
        }
    }
    if let part = type.variantPart {
        var lines = ["enum \(head) {"]
        for variant in part.variants {
            for member in variant.members {
                let name = member.name ?? "?"
                let payload = member.type?.members ?? []
                if payload.isEmpty { lines.append("  \(name),") }
                else if isTuple(payload) {
                    lines.append("  \(name)(" + payload.map { $0.type.map(typeName) ?? "?" }.joined(separator: ", ") + "),")
                } else {
                    lines.append("  \(name){" + fields(payload).joined(separator: ", ") + "},")
                }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
    if type.kind == .enumeration {
        return "enum \(head) {\n" + type.enumerators.map { "  \($0.name)," }.joined(separator: "\n") + "\n}"
    }
    let keyword = type.kind == .union ? "union" : "struct"
    let data = type.members.filter { !$0.isStatic }
    if isTuple(data) {
        return "\(keyword) \(head) (\n" + data.map { "  \($0.type.map(typeName) ?? "?")," }.joined(separator: "\n") + "\n)"
    }
    return "\(keyword) \(head) {\n" + fields(data).map { "  \($0)," }.joined(separator: "\n") + "\n}"
}
