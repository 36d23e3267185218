import DebugInfo

// Rust values as gdb's Rust printer shows them: `inventory::Item {name: "apple", count: 3,
// price: 0.5}`, enums by their active variant (`inventory::Shape::Circle(1)`,
// `inventory::Shape::Rect{w: 2, h: 3}`), `&str` as its text, slices as `&[i32] [8, 13, 21]`,
// arrays in brackets, tuples in parentheses.

extension SourceValueFormatter {
    func rustTop(_ value: SourceValue) -> String {
        if value.readError == nil, !value.optimizedOut, format == nil, value.type.core.kind == .pointer {
            let pointee = value.type.pointee.map(typeName) ?? "()"
            return "(*mut \(pointee)) " + rustText(value, depth: 0)
        }
        return rustText(value, depth: 0)
    }

    func rustText(_ value: SourceValue, depth: Int) -> String {
        if let error = value.readError { return "<error reading variable: \(error)>" }
        if value.optimizedOut { return "<optimized out>" }
        let core = value.type.core
        switch core.kind {
        case .structure, .classType, .union:
            guard depth < printMaximumDepth else { return "{...}" }
            return rustStructure(value, core: core, depth: depth)
        case .array:
            guard depth < printMaximumDepth else { return "[...]" }
            return array(value, core: core, depth: depth, open: "[", close: "]")
        case .enumeration:
            // `p/d light` is the discriminant's number, as for any integer.
            if format != nil { return scalar(value) }
            let v = Int64(bitPattern: value.integerBits)
            guard let e = core.enumerators.first(where: { $0.value == v }) else { return String(v) }
            return (core.qualifiedName ?? core.name).map { $0 + "::" + e.name } ?? e.name
        case .pointer:
            if format != nil { return formatted(value, format ?? .hex) }
            return hexAddress(unsignedInteger(value.bytes) & 0xffff_ffff)
        case .unspecified:
            return "()"
        default:
            if format == nil, core.encoding == .utf, let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: value.integerBits)) {
                let shown = scalar.value < 0x80 ? characterLiteral(UInt8(scalar.value)) : "'" + String(Character(scalar)) + "'"
                return String(value.integerBits) + " " + shown
            }
            return scalar(value)
        }
    }

    private func members(_ value: SourceValue, _ list: [Member], depth: Int) -> [(name: String?, text: String)] {
        let evaluator = CEvaluator(session: session, scope: nil)
        return list.filter { !$0.isStatic }.map { m in
            let text: String
            do { text = rustText(try evaluator.component(m, of: value), depth: depth + 1) } catch { text = "<error: \(error)>" }
            return (m.name, text)
        }
    }

    private func isTupleField(_ name: String?) -> Bool {
        guard let name, name.hasPrefix("__") else { return false }
        return name.dropFirst(2).allSatisfy(\.isNumber)
    }

    private func rustStructure(_ value: SourceValue, core: DebugType, depth: Int) -> String {
        let name = core.qualifiedName ?? core.name ?? ""
        if let part = core.variantPart { return rustEnum(value, part: part, depth: depth) }
        let memberNames = core.members.map(\.name)
        if name == "&str" || name == "&mut str", memberNames.contains("data_ptr"), memberNames.contains("length") {
            return rustString(value, core: core)
        }
        if (name.hasPrefix("&[") || name.hasPrefix("&mut [")), memberNames.contains("data_ptr"), memberNames.contains("length") {
            return name + " " + rustSlice(value, core: core, depth: depth)
        }
        let fields = members(value, core.members, depth: depth)
        if name.hasPrefix("(") { return "(" + fields.map(\.text).joined(separator: ", ") + ")" }
        return rustRecord(name, fields, spaced: true)
    }

    /// `Name`, `Name (1, 2)` for tuple fields, `Name {a: 1}`; an enum variant is written
    /// without the space (`Some(5)`, `Circle{radius: 2}`), as gdb's Rust printer does.
    private func rustRecord(_ name: String, _ fields: [(name: String?, text: String)], spaced: Bool) -> String {
        if fields.isEmpty { return name }
        let gap = spaced ? " " : ""
        if fields.allSatisfy({ isTupleField($0.name) }) { return name + gap + "(" + fields.map(\.text).joined(separator: ", ") + ")" }
        return name + gap + "{" + fields.map { "\($0.name ?? "?"): \($0.text)" }.joined(separator: ", ") + "}"
    }

    private func rustEnum(_ value: SourceValue, part: VariantPart, depth: Int) -> String {
        let evaluator = CEvaluator(session: session, scope: nil)
        guard let inner = try? evaluator.activeVariantPayload(of: value) else { return "<invalid enum value>" }
        let name = inner.type.core.qualifiedName ?? inner.type.core.name ?? "?"
        let fields = members(inner, inner.type.core.members.filter { !($0.name ?? "").hasPrefix("RUST$") }, depth: depth)
        return rustRecord(name, fields, spaced: false)
    }

    private func rustParts(_ value: SourceValue, core: DebugType) -> (data: SourceValue, length: UInt64)? {
        let evaluator = CEvaluator(session: session, scope: nil)
        guard let dataMember = core.members.first(where: { $0.name == "data_ptr" }),
              let lengthMember = core.members.first(where: { $0.name == "length" }),
              let data = try? evaluator.component(dataMember, of: value),
              let length = try? evaluator.component(lengthMember, of: value) else { return nil }
        return (data, length.integerBits)
    }

    private func rustString(_ value: SourceValue, core: DebugType) -> String {
        guard let (data, length) = rustParts(value, core: core) else { return "<invalid &str>" }
        let address = unsignedInteger(data.bytes) & 0xffff_ffff
        let count = Int(min(length, UInt64(printElementLimit)))
        guard let bytes = try? session.readMemory(address, count: count) else {
            return "<error: Cannot access memory at address \(hexAddress(address))>"
        }
        return quotedString(bytes, forceEllipses: length > UInt64(printElementLimit)).replacingNulTerminatorRule(bytes)
    }

    private func rustSlice(_ value: SourceValue, core: DebugType, depth: Int) -> String {
        guard let (data, length) = rustParts(value, core: core), let element = data.type.pointee else { return "[]" }
        let size = element.sizeInBytes
        let count = min(length, UInt64(printElementLimit))
        let address = unsignedInteger(data.bytes) & 0xffff_ffff
        let arrayType = DebugType.array(of: element, counts: [count], like: core)
        guard size > 0, let array = try? session.sourceValue(atAddress: address, type: arrayType) else {
            return "<error: Cannot access memory at address \(hexAddress(address))>"
        }
        let text = self.array(array, core: arrayType, depth: depth, open: "[", close: "]")
        return length > count ? String(text.dropLast()) + "...]" : text
    }
}

private extension String {
    /// A `&str` is not NUL-terminated: a NUL at its end is part of the text (gdb prints it).
    func replacingNulTerminatorRule(_ bytes: [UInt8]) -> String {
        guard bytes.last == 0 else { return self }
        return quotedString(bytes + [0], forceEllipses: false)
    }
}
