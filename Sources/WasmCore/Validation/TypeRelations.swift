/// Type equivalence and subtyping of WebAssembly 3.0 (spec §3.3 "Matching"): iso-recursive
/// equivalence of defined types, the abstract heap type lattice, and the checks on the type
/// section itself (well-formed references, declared supertypes that really match).

/// Canonical identities of a module's defined types: two type indices denote the same type
/// exactly when their identities are equal. A recursion group is keyed by its structure, with
/// references into the group written relative to it and references to earlier groups by
/// their identity, so equal groups get equal keys (spec: "closed" recursive types).
enum TypeCanonicalizer {
    static func canonicalIDs(of module: Module) throws(ValidationError) -> [Int] {
        var ids = [Int](repeating: -1, count: module.typeDefinitions.count)
        var byKey: [[Int64]: Int] = [:]
        for range in module.recursionGroupRanges {
            var key: [Int64] = [Int64(range.count)]
            for index in range {
                try append(module.typeDefinitions[index], group: range, ids: ids, to: &key, at: index)
            }
            let groupID: Int
            if let existing = byKey[key] {
                groupID = existing
            } else {
                groupID = byKey.count
                byKey[key] = groupID
            }
            for (k, index) in range.enumerated() { ids[index] = groupID << 20 | k }
        }
        return ids
    }

    private static func append(_ type: SubType, group: Range<Int>, ids: [Int], to key: inout [Int64], at index: Int) throws(ValidationError) {
        key.append(type.isFinal ? 1 : 0)
        key.append(Int64(type.supertypes.count))
        for s in type.supertypes { try appendIndex(s, group: group, ids: ids, to: &key, at: index) }
        switch type.composite {
        case .function(let f):
            key.append(-1)
            key.append(Int64(f.params.count))
            for t in f.params { try append(t, group: group, ids: ids, to: &key, at: index) }
            key.append(Int64(f.results.count))
            for t in f.results { try append(t, group: group, ids: ids, to: &key, at: index) }
        case .structure(let fields):
            key.append(-2)
            key.append(Int64(fields.count))
            for field in fields { try append(field, group: group, ids: ids, to: &key, at: index) }
        case .array(let element):
            key.append(-3)
            try append(element, group: group, ids: ids, to: &key, at: index)
        }
    }

    private static func append(_ field: FieldType, group: Range<Int>, ids: [Int], to key: inout [Int64], at index: Int) throws(ValidationError) {
        key.append(field.isMutable ? 1 : 0)
        switch field.storage {
        case .i8: key.append(-8)
        case .i16: key.append(-16)
        case .value(let t): try append(t, group: group, ids: ids, to: &key, at: index)
        }
    }

    private static func append(_ type: ValueType, group: Range<Int>, ids: [Int], to key: inout [Int64], at index: Int) throws(ValidationError) {
        guard case .ref(let r) = type else {
            key.append(-100 - Int64(type.shortByte ?? 0))
            return
        }
        key.append(r.isNullable ? -1000 : -2000)
        switch r.heapType {
        case .abstract(let a): key.append(-3000 - Int64(a.rawValue))
        case .concrete(let x): try appendIndex(x, group: group, ids: ids, to: &key, at: index)
        }
    }

    /// A reference to type `x` from inside `group`: relative when inside it, by identity when
    /// before it; later types are not yet defined.
    private static func appendIndex(_ x: UInt32, group: Range<Int>, ids: [Int], to key: inout [Int64], at index: Int) throws(ValidationError) {
        let i = Int(x)
        if group.contains(i) {
            key.append(-10_000 - Int64(i - group.lowerBound))
        } else if i < group.lowerBound {
            key.append(Int64(ids[i]))
        } else {
            throw ValidationError("unknown type \(x): type \(index) refers to a type defined after its recursion group (the module has \(ids.count) types)")
        }
    }
}

extension ValidationContext {
    // MARK: subtyping

    /// Whether a value of stack type `actual` may be used where `expected` is required.
    func matches(_ actual: TypeCode, _ expected: TypeCode) -> Bool {
        if actual == expected || actual == unknownType || expected == unknownType { return true }
        if actual == bottomReference { return isReference(expected) }
        guard let a = refType(actual), let b = refType(expected) else { return false }
        return matches(a, b)
    }

    func matches(_ a: RefType, _ b: RefType) -> Bool {
        if a.isNullable && !b.isNullable { return false }
        return heapMatches(a.heapType, b.heapType)
    }

    func heapMatches(_ a: HeapType, _ b: HeapType) -> Bool {
        switch (a, b) {
        case (.abstract(let x), .abstract(let y)):
            return abstractMatches(x, y)
        case (.concrete(let x), .abstract(let y)):
            guard let kind = composite(x)?.abstractSupertype else { return false }
            return abstractMatches(kind, y)
        case (.abstract(let x), .concrete(let y)):
            guard let kind = composite(y)?.abstractSupertype else { return false }
            return x == kind.bottom
        case (.concrete(let x), .concrete(let y)):
            return concreteMatches(x, y)
        }
    }

    func abstractMatches(_ a: AbstractHeapType, _ b: AbstractHeapType) -> Bool {
        if a == b { return true }
        if a.top != b.top { return false }
        if a == a.bottom { return true }
        if b == b.top { return true }
        // Inside the `any` hierarchy: i31, struct and array are below eq.
        return b == .eq && (a == .i31 || a == .struct || a == .array)
    }

    /// Walks `x`'s declared supertype chain (each supertype has a smaller index, so it ends).
    func concreteMatches(_ x: UInt32, _ y: UInt32) -> Bool {
        guard Int(y) < canonicalIDs.count else { return false }
        let target = canonicalIDs[Int(y)]
        var current = Int(x)
        var steps = 0
        while current < canonicalIDs.count && steps <= canonicalIDs.count {
            if canonicalIDs[current] == target { return true }
            guard let next = definitions[current].supertypes.first, Int(next) < current else { return false }
            current = Int(next)
            steps += 1
        }
        return false
    }

    func composite(_ index: UInt32) -> CompositeType? {
        Int(index) < definitions.count ? definitions[Int(index)].composite : nil
    }

    func matches(_ a: ValueType, _ b: ValueType) -> Bool {
        switch (a, b) {
        case (.ref(let x), .ref(let y)): matches(x, y)
        default: a == b
        }
    }

    func matches(_ a: StorageType, _ b: StorageType) -> Bool {
        switch (a, b) {
        case (.value(let x), .value(let y)): matches(x, y)
        default: a == b
        }
    }

    /// Field subtyping: immutable fields are covariant, mutable ones invariant.
    func matches(_ a: FieldType, _ b: FieldType) -> Bool {
        guard a.isMutable == b.isMutable else { return false }
        return b.isMutable ? (matches(a.storage, b.storage) && matches(b.storage, a.storage)) : matches(a.storage, b.storage)
    }

    func matches(_ a: CompositeType, _ b: CompositeType) -> Bool {
        switch (a, b) {
        case (.function(let f), .function(let g)):
            return f.params.count == g.params.count && f.results.count == g.results.count
                && zip(g.params, f.params).allSatisfy { matches($0, $1) }
                && zip(f.results, g.results).allSatisfy { matches($0, $1) }
        case (.structure(let x), .structure(let y)):
            return x.count >= y.count && zip(x, y).allSatisfy { matches($0, $1) }
        case (.array(let x), .array(let y)):
            return matches(x, y)
        default:
            return false
        }
    }

    /// The nullable top type of `type`'s hierarchy (what ref.test/ref.cast accept).
    func topType(of type: RefType) -> RefType {
        switch type.heapType {
        case .abstract(let a): return RefType(nullable: true, .abstract(a.top))
        case .concrete(let x): return RefType(nullable: true, .abstract(composite(x)?.abstractSupertype.top ?? .any))
        }
    }

    // MARK: well-formedness

    /// A value type is valid when every type index in it exists.
    func checkValid(_ type: ValueType, _ what: @autoclosure () -> String) throws(ValidationError) {
        if case .ref(let r) = type { try checkValid(r.heapType, what()) }
    }

    func checkValid(_ type: HeapType, _ what: @autoclosure () -> String) throws(ValidationError) {
        if case .concrete(let x) = type, Int(x) >= definitions.count {
            throw ValidationError("unknown type \(x): \(what()) refers to it, the module has \(definitions.count) types")
        }
    }

    /// The type section's own rules: valid field and parameter types, and declared supertypes
    /// that exist, come earlier, are not final, and are matched structurally.
    func checkTypeSection() throws(ValidationError) {
        for (i, definition) in definitions.enumerated() {
            let what = "type \(i)"
            switch definition.composite {
            case .function(let f):
                for t in f.params + f.results { try checkValid(t, what) }
            case .structure(let fields):
                for field in fields { if case .value(let t) = field.storage { try checkValid(t, what) } }
            case .array(let element):
                if case .value(let t) = element.storage { try checkValid(t, what) }
            }
            guard definition.supertypes.count <= 1 else {
                throw ValidationError("sub type: type \(i) declares \(definition.supertypes.count) supertypes, at most one is allowed")
            }
            if let s = definition.supertypes.first {
                guard Int(s) < i else {
                    throw ValidationError("unknown type \(s): the supertype of type \(i) must be defined before it")
                }
                let parent = definitions[Int(s)]
                guard !parent.isFinal else {
                    throw ValidationError("sub type: type \(i) cannot extend final type \(s)")
                }
                guard matches(definition.composite, parent.composite) else {
                    throw ValidationError("sub type: type \(i) does not match its supertype \(s)")
                }
            }
        }
    }
}
