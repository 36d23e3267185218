/// Value, reference, function and entity types of WebAssembly 3.0 (spec §2.3), with the 2.0
/// spellings (`funcref`, `externref`) kept as shorthands so older code reads the same.

/// The abstract heap types, with their binary encodings (also the one-byte shorthand of the
/// nullable reference to them, e.g. 0x70 = `funcref` = `(ref null func)`).
public enum AbstractHeapType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case exn = 0x69
    case array = 0x6A
    case `struct` = 0x6B
    case i31 = 0x6C
    case eq = 0x6D
    case any = 0x6E
    case extern = 0x6F
    case `func` = 0x70
    case none = 0x71
    case noextern = 0x72
    case nofunc = 0x73
    case noexn = 0x74

    public var description: String {
        switch self {
        case .exn: "exn"
        case .array: "array"
        case .struct: "struct"
        case .i31: "i31"
        case .eq: "eq"
        case .any: "any"
        case .extern: "extern"
        case .func: "func"
        case .none: "none"
        case .noextern: "noextern"
        case .nofunc: "nofunc"
        case .noexn: "noexn"
        }
    }

    /// The top of this type's hierarchy (`any`, `func`, `extern` or `exn`).
    public var top: AbstractHeapType {
        switch self {
        case .any, .eq, .i31, .struct, .array, .none: .any
        case .func, .nofunc: .func
        case .extern, .noextern: .extern
        case .exn, .noexn: .exn
        }
    }

    /// The bottom of this type's hierarchy (`none`, `nofunc`, `noextern` or `noexn`).
    public var bottom: AbstractHeapType {
        switch top {
        case .func: .nofunc
        case .extern: .noextern
        case .exn: .noexn
        default: .none
        }
    }

    /// The short name of the nullable reference (`funcref`, `anyref`, `nullref`, …).
    public var nullableShorthand: String {
        switch self {
        case .none: "nullref"
        case .nofunc: "nullfuncref"
        case .noextern: "nullexternref"
        case .noexn: "nullexnref"
        default: description + "ref"
        }
    }
}

/// A heap type: abstract, or a defined type by its index in the module's type section.
public enum HeapType: Hashable, Sendable, CustomStringConvertible {
    case abstract(AbstractHeapType)
    case concrete(UInt32)

    public var description: String {
        switch self {
        case .abstract(let a): a.description
        case .concrete(let i): "\(i)"
        }
    }
}

/// A reference type `(ref null? heaptype)`. `funcref` and `externref` are the Wasm 2.0 ones.
public struct RefType: Hashable, Sendable, CustomStringConvertible {
    public var isNullable: Bool
    public var heapType: HeapType

    public init(nullable: Bool, _ heapType: HeapType) {
        self.isNullable = nullable
        self.heapType = heapType
    }

    public static let funcref = RefType(nullable: true, .func)
    public static let externref = RefType(nullable: true, .extern)

    public init(nullable: Bool, _ abstract: AbstractHeapType) {
        self.init(nullable: nullable, .abstract(abstract))
    }

    public var valueType: ValueType { .ref(self) }

    /// The same reference type with `null` dropped.
    public var nonNullable: RefType { RefType(nullable: false, heapType) }

    public init?(_ type: ValueType) {
        guard case .ref(let r) = type else { return nil }
        self = r
    }

    /// `funcref`, `(ref null $3)`, `(ref any)`: the short form where one exists (type indices
    /// are printed as numbers; the text printer substitutes names).
    public var description: String {
        if isNullable, case .abstract(let a) = heapType { return a.nullableShorthand }
        return "(ref \(isNullable ? "null " : "")\(heapType))"
    }
}

/// A value type. `funcref`/`externref` are static members meaning `(ref null func)` and
/// `(ref null extern)`, so Wasm 2.0 code keeps reading naturally.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case i32
    case i64
    case f32
    case f64
    case v128
    case ref(RefType)

    public static let funcref = ValueType.ref(.funcref)
    public static let externref = ValueType.ref(.externref)

    public var isReference: Bool {
        if case .ref = self { return true }
        return false
    }

    public var isNumeric: Bool {
        switch self {
        case .i32, .i64, .f32, .f64: true
        default: false
        }
    }

    /// Whether a local of this type starts with a value (non-nullable references do not and
    /// must be set before use).
    public var isDefaultable: Bool {
        if case .ref(let r) = self { return r.isNullable }
        return true
    }

    /// Number of 64-bit slots a value of this type takes on the engine's value stack.
    public var slotCount: Int { self == .v128 ? 2 : 1 }

    /// The type with this one-byte binary encoding (numbers, vectors and the nullable
    /// abstract references such as 0x70 = funcref); nil for any other byte.
    public init?(rawValue: UInt8) {
        switch rawValue {
        case 0x7F: self = .i32
        case 0x7E: self = .i64
        case 0x7D: self = .f32
        case 0x7C: self = .f64
        case 0x7B: self = .v128
        default:
            guard let a = AbstractHeapType(rawValue: rawValue) else { return nil }
            self = .ref(RefType(nullable: true, .abstract(a)))
        }
    }

    /// The one-byte binary encoding, for the types that have one (numbers, vectors, and
    /// nullable references to abstract heap types).
    public var shortByte: UInt8? {
        switch self {
        case .i32: 0x7F
        case .i64: 0x7E
        case .f32: 0x7D
        case .f64: 0x7C
        case .v128: 0x7B
        case .ref(let r):
            if r.isNullable, case .abstract(let a) = r.heapType { a.rawValue } else { nil }
        }
    }

    public var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .ref(let r): r.description
        }
    }
}

/// A function type `[params] -> [results]`.
public struct FuncType: Hashable, Sendable, CustomStringConvertible {
    public var params: [ValueType]
    public var results: [ValueType]

    public init(params: [ValueType] = [], results: [ValueType] = []) {
        self.params = params
        self.results = results
    }

    public var description: String {
        "[\(params.map(\.description).joined(separator: " "))] -> [\(results.map(\.description).joined(separator: " "))]"
    }
}

/// The storage type of a struct field or array element: a value type or a packed integer.
public enum StorageType: Hashable, Sendable, CustomStringConvertible {
    case value(ValueType)
    case i8
    case i16

    /// The type a `struct.get`/`array.get` yields (packed types unpack to i32).
    public var unpacked: ValueType {
        switch self {
        case .value(let t): t
        case .i8, .i16: .i32
        }
    }

    public var isPacked: Bool {
        if case .value = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .value(let t): t.description
        case .i8: "i8"
        case .i16: "i16"
        }
    }
}

/// A struct field or the element of an array type.
public struct FieldType: Hashable, Sendable {
    public var storage: StorageType
    public var isMutable: Bool

    public init(_ storage: StorageType, mutable: Bool) {
        self.storage = storage
        self.isMutable = mutable
    }
}

/// The structure of a defined type (GC proposal): a function, struct or array type.
public enum CompositeType: Hashable, Sendable {
    case function(FuncType)
    case structure([FieldType])
    case array(FieldType)

    /// The abstract heap type this kind of definition is a subtype of.
    public var abstractSupertype: AbstractHeapType {
        switch self {
        case .function: .func
        case .structure: .struct
        case .array: .array
        }
    }
}

/// One entry of the type section: a composite type with its declared supertypes and whether
/// it may be subtyped further. A plain `(func …)` is final with no supertypes.
public struct SubType: Hashable, Sendable {
    public var isFinal: Bool
    public var supertypes: [UInt32]
    public var composite: CompositeType

    public init(final: Bool = true, supertypes: [UInt32] = [], _ composite: CompositeType) {
        self.isFinal = final
        self.supertypes = supertypes
        self.composite = composite
    }

    /// Whether the binary and text forms need the `sub` wrapper.
    public var isPlain: Bool { isFinal && supertypes.isEmpty }

    public var functionType: FuncType? {
        if case .function(let f) = composite { return f }
        return nil
    }
}

/// A recursion group's extent in the type section: `count` types, written with an explicit
/// `rec` (always for groups of other than one type).
public struct RecursionGroup: Hashable, Sendable {
    public var count: UInt32
    public var isExplicit: Bool

    public init(count: UInt32, explicit: Bool) {
        self.count = count
        self.isExplicit = explicit
    }
}

/// Address type of a memory or table (memory64 / table64).
public enum AddressType: Hashable, Sendable {
    case i32
    case i64

    public var valueType: ValueType { self == .i64 ? .i64 : .i32 }
}

/// Size limits of a memory (in pages) or table (in elements).
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    /// i64 for memory64/table64 entities.
    public var addressType: AddressType
    /// The threads proposal's shared flag (memories only; decoded, never valid without threads).
    public var isShared: Bool

    public init(min: UInt64, max: UInt64? = nil, addressType: AddressType = .i32, shared: Bool = false) {
        self.min = min
        self.max = max
        self.addressType = addressType
        self.isShared = shared
    }
}

public struct TableType: Hashable, Sendable {
    public var elementType: RefType
    public var limits: Limits
    /// Explicit initial element (function references proposal: `0x40 0x00 tabletype expr`).
    public var initializer: Expression?

    public init(elementType: RefType, limits: Limits, initializer: Expression? = nil) {
        self.elementType = elementType
        self.limits = limits
        self.initializer = initializer
    }

    public var addressType: AddressType { limits.addressType }
}

public struct MemoryType: Hashable, Sendable {
    public var limits: Limits
    /// log2 of the page size (custom-page-sizes); nil for the default 64 KiB.
    public var pageSizeLog2: UInt32?

    public init(limits: Limits, pageSizeLog2: UInt32? = nil) {
        self.limits = limits
        self.pageSizeLog2 = pageSizeLog2
    }

    public var addressType: AddressType { limits.addressType }

    /// The spec's maximum number of 64 KiB pages of a 32-bit memory.
    public static let maxPages: UInt64 = 65536
    /// The maximum number of 64 KiB pages of a 64-bit memory (2^48).
    public static let maxPages64: UInt64 = 1 << 48
}

public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var isMutable: Bool

    public init(valueType: ValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }
}

/// A tag (exception handling): the index of a function type whose params are the payload
/// (its results must be empty).
public struct TagType: Hashable, Sendable {
    public var typeIndex: UInt32

    public init(typeIndex: UInt32) { self.typeIndex = typeIndex }
}

/// The importable and exportable entities, with their binary encodings.
public enum ExternalKind: UInt8, Hashable, Sendable, CustomStringConvertible {
    case function = 0
    case table = 1
    case memory = 2
    case global = 3
    case tag = 4

    public var description: String {
        switch self {
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .tag: "tag"
        }
    }
}

/// The type annotation of `block`, `loop`, `if`, `try_table` and `try`.
public enum BlockType: Hashable, Sendable {
    case empty
    case value(ValueType)
    /// An index into the type section (multi-value blocks).
    case typeIndex(UInt32)
}
