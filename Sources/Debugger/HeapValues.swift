import WasmCore
import WasmVM

// GC references as the debugger shows them (Docs/debugging.md, "GC values"), and the
// expressions that reach into them (`print $p.x`, `print $arr[3]`).
//
//     (ref $point) {x = i32:1, y = f64:2.5}
//     (ref $bytes) [1000] {i32:1, i32:2, i32:3, …}
//     i31:5
//     (ref null $point) null
//
// A reference inside an object prints as its type and object number, `(ref $node) #12`, not
// expanded: a cyclic structure must print in bounded space; `print $n.next` goes one further.

extension DebugSession {
    /// How many array elements `print` shows.
    static let shownElements = 10

    /// `value` in the value notation, with GC objects expanded one level and named after the
    /// debugged module's types; `type` (a local's or field's declared type) names a null.
    public func describe(_ value: Value, type: ValueType? = nil) -> String {
        describe(value, type: type, expand: true)
    }

    private func describe(_ value: Value, type: ValueType?, expand: Bool) -> String {
        switch value {
        case .anyref(nil), .funcref(nil), .externref(nil):
            if let type, case .ref(let r) = type, case .concrete = r.heapType { return "\(typeText(r)) null" }
            return value.description
        case .anyref(.object(let o)?):
            guard let debuggee, let view = debuggee.inspect(o, elementLimit: DebugSession.shownElements) else {
                return value.description
            }
            let head = "(ref \(typeName(view.typeIndex, view.typeName)))"
            guard expand else { return "\(head) #\(o.id)" }
            if view.isArray {
                var items = view.values.map { describe($0, type: nil, expand: false) }
                if view.length > view.values.count { items.append("…") }
                return "\(head) [\(view.length)] {\(items.joined(separator: ", "))}"
            }
            let fields = zip(view.fieldNames, view.values).enumerated().map { i, field in
                "\(field.0 ?? String(i)) = \(describe(field.1, type: view.isAskingModulesType ? fieldType(view.typeIndex, i) : nil, expand: false))"
            }
            return "\(head) {\(fields.joined(separator: ", "))}"
        case .externAny(let inner):
            return "externref:" + describe(.anyref(inner), type: nil, expand: expand)
        default:
            return value.description
        }
    }

    private func typeName(_ index: UInt32?, _ name: String?) -> String {
        if let name { return "$" + name }
        return index.map { "\($0)" } ?? "?"
    }

    /// `(ref null $t)` with the module's type name.
    private func typeText(_ r: RefType) -> String {
        guard case .concrete(let index) = r.heapType else { return r.description }
        return "(ref \(r.isNullable ? "null " : "")\(typeName(index, module?.names.typeNames[index])))"
    }

    private func fieldType(_ typeIndex: UInt32?, _ field: Int) -> ValueType? {
        guard let typeIndex, let module, Int(typeIndex) < module.typeDefinitions.count,
              case .structure(let fields) = module.typeDefinitions[Int(typeIndex)].composite, field < fields.count else {
            return nil
        }
        return fields[field].storage.unpacked
    }

    /// The declared type of an expression that names a local or global (`$q`), for `print` to
    /// show a typed null as `(ref null $point) null`; nil for anything else.
    public func declaredType(of text: String) -> ValueType? {
        guard let e = try? ExpressionParser.parse(text), case .name(let name) = e else { return nil }
        let context = evaluationContext()
        if let i = context.localIndex(named: name), let f = try? frame(), i < f.locals.count { return f.locals[i].type }
        if let g = context.globalIndex(named: name) { return debuggee?.globalType(g)?.valueType }
        return nil
    }

    /// The field `name` (a field name from the name section, or a number) of the struct
    /// `object` refers to.
    func field(of object: Value, _ name: String) throws(ExpressionError) -> Value {
        guard case .anyref(let reference) = object else { throw ExpressionError("\(object) is not a struct reference") }
        guard case .object(let o)? = reference else {
            throw ExpressionError(reference == nil ? "null structure reference" : "\(object) is not a struct")
        }
        guard let view = debuggee?.inspect(o, elementLimit: 0), !view.isArray else {
            throw ExpressionError("\(object) is not a struct")
        }
        if let i = view.fieldNames.firstIndex(of: name) ?? Int(name).flatMap({ $0 < view.values.count ? $0 : nil }) {
            return view.values[i]
        }
        let known = view.fieldNames.enumerated().map { $0.element ?? String($0.offset) }
        throw ExpressionError("no field \"\(name)\" in \(typeName(view.typeIndex, view.typeName)); it has \(known.joined(separator: ", "))")
    }

    func element(of object: Value, _ index: Int) throws(ExpressionError) -> Value {
        guard case .anyref(let reference) = object else { throw ExpressionError("\(object) is not an array reference") }
        guard case .object(let o)? = reference else {
            throw ExpressionError(reference == nil ? "null array reference" : "\(object) is not an array")
        }
        guard let view = debuggee?.inspect(o, elementLimit: 1, start: index), view.isArray else {
            throw ExpressionError("\(object) is not an array")
        }
        guard index < view.length, let value = view.values.first else {
            throw ExpressionError("index \(index) is out of bounds: the array has \(view.length) elements")
        }
        return value
    }
}

extension SessionContext {
    func field(of object: Value, _ name: String) throws(ExpressionError) -> Value {
        try session.field(of: object, name)
    }

    func element(of object: Value, _ index: Int) throws(ExpressionError) -> Value {
        try session.element(of: object, index)
    }

    func history(_ name: String) -> Value? { session.historyReference?(name) }
}

extension Value {
    /// A reference of the GC proposal (an i31, struct, array, or anything of `any` converted).
    public var isGCReference: Bool {
        switch self {
        case .anyref(_?), .externAny: true
        default: false
        }
    }
}
