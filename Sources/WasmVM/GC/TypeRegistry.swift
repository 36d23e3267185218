import WasmCore

/// The defined types of every module in a store, by canonical *store type id* (Wasm 3.0
/// iso-recursive type equivalence, spec §3.3.1 "Type equivalence"): two defined types of any
/// two modules get the same id exactly when they are equivalent, so the run loop compares
/// types by one integer (call_indirect, import matching) and casts walk a chain of ids.
///
/// A recursion group is keyed by its structure, with references inside the group written
/// relative to it and references to earlier groups by their store ids (the validator's
/// `TypeCanonicalizer` does the same within one module; this one spans the store). Types are
/// never removed: a struct object's id must stay meaningful for as long as the object lives,
/// and a store has as many types as its modules declare.
final class TypeRegistry {
    /// One defined type in store form: type indices inside it are store type ids.
    struct Definition {
        var composite: CompositeType
        var supertype: UInt32?
        var isFinal: Bool
        /// Layout of a struct's fields: byte offset of each field in the object's payload.
        var fieldOffsets: [Int] = []
        /// Bytes of a struct's payload, or of one array element.
        var payloadSize: Int = 0
        /// Byte offsets of the struct fields (or, for an array, whether its elements) that may
        /// hold a heap object: what the collector traces.
        var referenceOffsets: [Int] = []
        var elementsAreReferences = false
        /// Where the type was first registered: its type index there and the names that module
        /// gave it and its fields (only the names: holding the module would keep its code alive).
        var origin: (index: Int, name: String?, fieldNames: [UInt32: String])?
    }

    private(set) var definitions: [Definition] = []
    private var groups: [[Int64]: UInt32] = [:]

    /// What the run loop needs of each type, in plain memory indexed by store type id: reading
    /// a `Definition` (arrays inside) would cost reference counting on every struct.get.
    /// Grows only while a module is registered, never while guest code runs.
    /// Behind a pointer the registry owns, so reading them costs no dynamic exclusivity check.
    struct Tables {
        var layouts: UnsafeMutablePointer<ObjectLayout>
        var layoutCount = 0
        var layoutCapacity = 64
        /// Every struct's fields, each type's from its `firstField`.
        var fieldSlots: UnsafeMutablePointer<FieldSlot>
        var fieldCount = 0
        var fieldCapacity = 256
    }

    // Sound: allocated in init, freed in deinit, never reassigned.
    private let tables: UnsafeMutablePointer<Tables>

    @inline(__always) var layouts: UnsafeMutablePointer<ObjectLayout> { tables.pointee.layouts }
    @inline(__always) var fieldSlots: UnsafeMutablePointer<FieldSlot> { tables.pointee.fieldSlots }
    /// The number of types (equal to `definitions.count`).
    @inline(__always) var layoutCount: Int { tables.pointee.layoutCount }

    init() {
        tables = .allocate(capacity: 1)
        tables.initialize(to: Tables(layouts: .allocate(capacity: 64), fieldSlots: .allocate(capacity: 256)))
    }

    deinit {
        tables.pointee.layouts.deallocate()
        tables.pointee.fieldSlots.deallocate()
        tables.deinitialize(count: 1)
        tables.deallocate()
    }

    /// Registers the type section of `module`; returns the store id of each type index.
    func register(_ module: Module) -> [UInt32] {
        var ids = [UInt32](repeating: 0, count: module.typeDefinitions.count)
        for range in module.recursionGroupRanges {
            var key: [Int64] = [Int64(range.count)]
            for index in range {
                appendKey(module.typeDefinitions[index], group: range, ids: ids, to: &key)
            }
            let first: UInt32
            if let existing = groups[key] {
                first = existing
            } else {
                first = UInt32(definitions.count)
                groups[key] = first
                for index in range {
                    let type = module.typeDefinitions[index]
                    func storeIndex(_ x: UInt32) -> UInt32 {
                        range.contains(Int(x)) ? first + UInt32(Int(x) - range.lowerBound)
                            : (Int(x) < ids.count ? ids[Int(x)] : 0)
                    }
                    var definition = Definition(composite: storeForm(type.composite, storeIndex),
                                                supertype: type.supertypes.first.map(storeIndex),
                                                isFinal: type.isFinal)
                    definition.origin = (index, module.names.typeNames[UInt32(index)],
                                         module.names.fieldNames[UInt32(index)] ?? [:])
                    layOut(&definition)
                    definitions.append(definition)
                    appendLayout(definition)
                }
            }
            for (k, index) in range.enumerated() { ids[index] = first + UInt32(k) }
        }
        return ids
    }

    /// The store id of a host function's type: a final function type alone in its group (the
    /// type a module's plain `(type (func …))` has). Type indices in it are taken as they are.
    func register(function type: FuncType) -> UInt32 {
        var module = Module()
        module.types = [type]
        return register(module)[0]
    }

    // MARK: keys

    private func appendKey(_ type: SubType, group: Range<Int>, ids: [UInt32], to key: inout [Int64]) {
        key.append(type.isFinal ? 1 : 0)
        key.append(Int64(type.supertypes.count))
        for s in type.supertypes { appendIndex(s, group: group, ids: ids, to: &key) }
        switch type.composite {
        case .function(let f):
            key.append(-1)
            key.append(Int64(f.params.count))
            for t in f.params { appendKey(t, group: group, ids: ids, to: &key) }
            key.append(Int64(f.results.count))
            for t in f.results { appendKey(t, group: group, ids: ids, to: &key) }
        case .structure(let fields):
            key.append(-2)
            key.append(Int64(fields.count))
            for field in fields { appendKey(field, group: group, ids: ids, to: &key) }
        case .array(let element):
            key.append(-3)
            appendKey(element, group: group, ids: ids, to: &key)
        }
    }

    private func appendKey(_ field: FieldType, group: Range<Int>, ids: [UInt32], to key: inout [Int64]) {
        key.append(field.isMutable ? 1 : 0)
        switch field.storage {
        case .i8: key.append(-8)
        case .i16: key.append(-16)
        case .value(let t): appendKey(t, group: group, ids: ids, to: &key)
        }
    }

    private func appendKey(_ type: ValueType, group: Range<Int>, ids: [UInt32], to key: inout [Int64]) {
        guard case .ref(let r) = type else {
            key.append(-100 - Int64(type.shortByte ?? 0))
            return
        }
        key.append(r.isNullable ? -1000 : -2000)
        switch r.heapType {
        case .abstract(let a): key.append(-3000 - Int64(a.rawValue))
        case .concrete(let x): appendIndex(x, group: group, ids: ids, to: &key)
        }
    }

    /// Inside the group: relative (negative); an earlier type: its store id (non-negative).
    /// (Validation guarantees no later type is named.)
    private func appendIndex(_ x: UInt32, group: Range<Int>, ids: [UInt32], to key: inout [Int64]) {
        let i = Int(x)
        if group.contains(i) {
            key.append(-10_000 - Int64(i - group.lowerBound))
        } else {
            key.append(i < ids.count ? Int64(ids[i]) : -9_999)
        }
    }

    // MARK: store form

    private func storeForm(_ composite: CompositeType, _ map: (UInt32) -> UInt32) -> CompositeType {
        func convert(_ t: ValueType) -> ValueType { TypeRegistry.mapIndices(t, map) }
        func convert(_ f: FieldType) -> FieldType {
            if case .value(let t) = f.storage { return FieldType(.value(convert(t)), mutable: f.isMutable) }
            return f
        }
        switch composite {
        case .function(let f): return .function(FuncType(params: f.params.map(convert), results: f.results.map(convert)))
        case .structure(let fields): return .structure(fields.map(convert))
        case .array(let element): return .array(convert(element))
        }
    }

    static func mapIndices(_ type: ValueType, _ map: (UInt32) -> UInt32) -> ValueType {
        guard case .ref(let r) = type, case .concrete(let x) = r.heapType else { return type }
        return .ref(RefType(nullable: r.isNullable, .concrete(map(x))))
    }

    /// `type` of a module whose type indices have store ids `ids`, in store form.
    func storeForm(_ type: ValueType, ids: [UInt32]) -> ValueType {
        TypeRegistry.mapIndices(type) { Int($0) < ids.count ? ids[Int($0)] : UInt32.max }
    }

    /// Field offsets: every field takes 8 bytes (16 for v128), so a field is read with one
    /// aligned load whatever its type; array elements are packed by their storage size.
    private func layOut(_ definition: inout Definition) {
        switch definition.composite {
        case .structure(let fields):
            var offset = 0
            for field in fields {
                definition.fieldOffsets.append(offset)
                if mayHoldObject(field.storage) { definition.referenceOffsets.append(offset) }
                offset += field.storage == .value(.v128) ? 16 : 8
            }
            definition.payloadSize = offset
        case .array(let element):
            definition.payloadSize = TypeRegistry.elementSize(element.storage)
            definition.elementsAreReferences = mayHoldObject(element.storage)
        case .function:
            break
        }
    }

    private func appendLayout(_ definition: Definition) {
        var t = tables.pointee
        if t.layoutCount == t.layoutCapacity {
            let bigger = UnsafeMutablePointer<ObjectLayout>.allocate(capacity: t.layoutCapacity * 2)
            bigger.moveInitialize(from: t.layouts, count: t.layoutCount)
            t.layouts.deallocate()
            t.layouts = bigger
            t.layoutCapacity *= 2
        }
        var layout = ObjectLayout(kind: .function, payloadSize: Int32(definition.payloadSize), element: .bits64,
                                  elementsAreReferences: definition.elementsAreReferences, firstField: Int32(t.fieldCount),
                                  fieldCount: 0)
        switch definition.composite {
        case .structure(let fields):
            layout.kind = .structure
            layout.fieldCount = Int32(fields.count)
            while t.fieldCount + fields.count > t.fieldCapacity {
                let bigger = UnsafeMutablePointer<FieldSlot>.allocate(capacity: t.fieldCapacity * 2)
                bigger.moveInitialize(from: t.fieldSlots, count: t.fieldCount)
                t.fieldSlots.deallocate()
                t.fieldSlots = bigger
                t.fieldCapacity *= 2
            }
            for (i, field) in fields.enumerated() {
                let offset = definition.fieldOffsets[i]
                (t.fieldSlots + t.fieldCount).initialize(to: FieldSlot(
                    offset: Int32(offset), kind: StorageKind(field.storage),
                    isReference: definition.referenceOffsets.contains(offset)))
                t.fieldCount += 1
            }
        case .array(let element):
            layout.kind = .array
            layout.element = StorageKind(element.storage)
        case .function:
            break
        }
        (t.layouts + t.layoutCount).initialize(to: layout)
        t.layoutCount += 1
        tables.pointee = t
    }

    static func elementSize(_ storage: StorageType) -> Int {
        switch storage {
        case .i8: 1
        case .i16: 2
        case .value(.i32), .value(.f32): 4
        case .value(.v128): 16
        case .value: 8
        }
    }

    /// Whether a field of this type may hold a heap object: references of the `any` and
    /// `extern` hierarchies (an extern may be an internalised object; funcrefs never are).
    private func mayHoldObject(_ storage: StorageType) -> Bool {
        guard case .value(.ref(let r)) = storage else { return false }
        return top(of: r.heapType) != .func
    }

    // MARK: relations

    /// The abstract heap type a store-form heap type belongs under (struct, array or func for
    /// a defined type).
    func abstractKind(of heapType: HeapType) -> AbstractHeapType {
        switch heapType {
        case .abstract(let a): return a
        case .concrete(let id):
            guard Int(id) < definitions.count else { return .none }
            return definitions[Int(id)].composite.abstractSupertype
        }
    }

    func top(of heapType: HeapType) -> AbstractHeapType {
        if case .concrete(let id) = heapType, Int(id) >= definitions.count {
            // Not yet registered (a type of the group being laid out refers to its own group):
            // the group's types are registered together, so look at what is there.
            return .any
        }
        return abstractKind(of: heapType).top
    }

    /// `type` with defined types replaced by their abstract kind (what `Value.load` reads).
    func abstracted(_ type: ValueType) -> ValueType {
        guard case .ref(let r) = type, case .concrete = r.heapType else { return type }
        return .ref(RefType(nullable: r.isNullable, .abstract(abstractKind(of: r.heapType))))
    }

    /// Whether defined type `a` is `b` or declares it (transitively) as a supertype.
    func isSubtype(_ a: UInt32, of b: UInt32) -> Bool {
        var current = a
        var steps = 0
        while steps <= definitions.count {
            if current == b { return true }
            guard Int(current) < definitions.count, let next = definitions[Int(current)].supertype else { return false }
            current = next
            steps += 1
        }
        return false
    }

    func heapMatches(_ a: HeapType, _ b: HeapType) -> Bool {
        switch (a, b) {
        case (.abstract(let x), .abstract(let y)): return TypeRegistry.abstractMatches(x, y)
        case (.concrete(let x), .abstract(let y)): return TypeRegistry.abstractMatches(abstractKind(of: a), y) && x != .max
        case (.abstract(let x), .concrete): return x == abstractKind(of: b).bottom
        case (.concrete(let x), .concrete(let y)): return isSubtype(x, of: y)
        }
    }

    static func abstractMatches(_ a: AbstractHeapType, _ b: AbstractHeapType) -> Bool {
        if a == b { return true }
        if a.top != b.top { return false }
        if a == a.bottom || b == b.top { return true }
        return b == .eq && (a == .i31 || a == .struct || a == .array)
    }

    /// Subtyping of store-form value types (import matching).
    func matches(_ a: ValueType, _ b: ValueType) -> Bool {
        guard case .ref(let x) = a, case .ref(let y) = b else { return a == b }
        if x.isNullable && !y.isNullable { return false }
        return heapMatches(x.heapType, y.heapType)
    }
}

/// How a field or element is stored: its width (packed integers, 32- and 64-bit values, v128).
enum StorageKind: UInt8 {
    case i8, i16, bits32, bits64, v128

    init(_ storage: StorageType) {
        switch storage {
        case .i8: self = .i8
        case .i16: self = .i16
        case .value(.i32), .value(.f32): self = .bits32
        case .value(.v128): self = .v128
        case .value: self = .bits64
        }
    }

    var size: Int {
        switch self {
        case .i8: 1
        case .i16: 2
        case .bits32: 4
        case .bits64: 8
        case .v128: 16
        }
    }

    var slotCount: Int { self == .v128 ? 2 : 1 }
}

/// A defined type as the run loop reads it (plain data: no reference counting to read it).
struct ObjectLayout {
    enum Kind: UInt8 { case function, structure, array }
    var kind: Kind
    /// A struct's payload bytes, or one array element's.
    var payloadSize: Int32
    /// An array's element storage.
    var element: StorageKind
    var elementsAreReferences: Bool
    /// A struct's fields in `TypeRegistry.fieldSlots`.
    var firstField: Int32
    var fieldCount: Int32
}

/// One struct field: its byte offset in the payload and its storage.
struct FieldSlot {
    var offset: Int32
    var kind: StorageKind
    /// Whether it may hold a heap object (the collector traces it).
    var isReference: Bool
}
