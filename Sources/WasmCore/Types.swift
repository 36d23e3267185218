/// Value, reference, function and entity types of WebAssembly 2.0 (spec §2.3).

/// A value type, with its binary encoding as raw value.
public enum ValueType: UInt8, Hashable, Sendable, CustomStringConvertible {
    case i32 = 0x7F
    case i64 = 0x7E
    case f32 = 0x7D
    case f64 = 0x7C
    case v128 = 0x7B
    case funcref = 0x70
    case externref = 0x6F

    public var isReference: Bool { self == .funcref || self == .externref }
    public var isNumeric: Bool { !isReference && self != .v128 }

    /// Number of 64-bit slots a value of this type takes on the engine's value stack.
    public var slotCount: Int { self == .v128 ? 2 : 1 }

    public var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .v128: "v128"
        case .funcref: "funcref"
        case .externref: "externref"
        }
    }
}

/// A reference type: the element type of tables and the operand of `ref.null`.
public enum RefType: UInt8, Hashable, Sendable, CustomStringConvertible {
    case funcref = 0x70
    case externref = 0x6F

    public var valueType: ValueType { self == .funcref ? .funcref : .externref }
    public var description: String { valueType.description }

    public init?(_ type: ValueType) {
        switch type {
        case .funcref: self = .funcref
        case .externref: self = .externref
        default: return nil
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

/// Size limits of a memory (in 64 KiB pages) or table (in elements).
/// Stored as UInt64 so that a later memory64 model fits; Wasm 2.0 values are u32.
public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?

    public init(min: UInt64, max: UInt64? = nil) {
        self.min = min
        self.max = max
    }
}

public struct TableType: Hashable, Sendable {
    public var elementType: RefType
    public var limits: Limits

    public init(elementType: RefType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

public struct MemoryType: Hashable, Sendable {
    public var limits: Limits

    public init(limits: Limits) { self.limits = limits }

    /// The spec's maximum number of 64 KiB pages of a 32-bit memory.
    public static let maxPages: UInt64 = 65536
}

public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var isMutable: Bool

    public init(valueType: ValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }
}

/// The four kinds of importable and exportable entities, with their binary encodings.
public enum ExternalKind: UInt8, Hashable, Sendable, CustomStringConvertible {
    case function = 0
    case table = 1
    case memory = 2
    case global = 3

    public var description: String {
        switch self {
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        }
    }
}

/// The type annotation of `block`, `loop` and `if`.
public enum BlockType: Hashable, Sendable {
    case empty
    case value(ValueType)
    /// An index into the type section (multi-value blocks).
    case typeIndex(UInt32)
}
