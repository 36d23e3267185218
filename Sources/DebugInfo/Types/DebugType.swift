/// A type described by DWARF. Types are built one DIE at a time: the links to other types
/// (pointee, member types, element type) are resolved on access through a cache keyed by DIE
/// offset, so a struct that points to itself is one object and no walk recurses without end.
/// Links return nil once the `DebugInfo` that made the type is gone.
public final class DebugType: CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case base(BaseEncoding)
        case pointer, reference, rvalueReference, pointerToMember
        case const, volatile, restrict, atomic
        case typedef
        case structure, classType, union
        case enumeration
        case array
        case subroutine
        /// `void` named explicitly, `decltype(nullptr)`, Rust's `()` and the like.
        case unspecified
    }

    public let kind: Kind
    /// The DWARF name ("point", "int", "&str"); nil for anonymous and derived types.
    public let name: String?
    /// With namespaces and enclosing classes for C++ and Rust ("geo::Rect", "inventory::Shape").
    public let qualifiedName: String?
    public let byteSize: UInt64?
    /// `.debug_info` offset of the DIE (nil for types made here, e.g. by `type(named: "int *")`).
    public let dieOffset: UInt64?
    public let isDeclaration: Bool
    public let members: [Member]
    public let methods: [Method]
    public let enumerators: [Enumerator]
    public let dimensions: [ArrayDimension]
    public let parameterTypes: [TypeLink]
    public let isVariadic: Bool
    public let isPrototyped: Bool
    /// Rust enums: the discriminant and the variants (`DW_TAG_variant_part`).
    public let variantPart: VariantPart?
    /// C++: typedefs (and `using` aliases) declared inside the class, in declaration order.
    public let nestedTypedefs: [NestedTypedef]
    let language: SourceLanguage
    let targetLink: TypeLink?

    /// The pointee, the aliased or qualified type, the element type, the function's return
    /// type or the enum's underlying type; nil for `void`.
    public var target: DebugType? { targetLink?.type }
    public var parameters: [DebugType?] { parameterTypes.map(\.type) }

    init(kind: Kind, name: String?, qualifiedName: String?, byteSize: UInt64?, dieOffset: UInt64?, isDeclaration: Bool = false,
         members: [Member] = [], methods: [Method] = [], enumerators: [Enumerator] = [], dimensions: [ArrayDimension] = [],
         parameterTypes: [TypeLink] = [], isVariadic: Bool = false, isPrototyped: Bool = false,
         variantPart: VariantPart? = nil, nestedTypedefs: [NestedTypedef] = [], language: SourceLanguage, target: TypeLink?) {
        self.kind = kind
        self.name = name
        self.qualifiedName = qualifiedName
        self.byteSize = byteSize
        self.dieOffset = dieOffset
        self.isDeclaration = isDeclaration
        self.members = members
        self.methods = methods
        self.enumerators = enumerators
        self.dimensions = dimensions
        self.parameterTypes = parameterTypes
        self.isVariadic = isVariadic
        self.isPrototyped = isPrototyped
        self.variantPart = variantPart
        self.nestedTypedefs = nestedTypedefs
        self.language = language
        self.targetLink = target
    }

    /// A pointer to `pointee` made here (for casts such as `(struct point *)p`).
    public static func pointer(to pointee: DebugType?, byteSize: UInt64 = 4) -> DebugType {
        DebugType(kind: .pointer, name: nil, qualifiedName: nil, byteSize: byteSize, dieOffset: nil,
                  language: pointee?.language ?? .c, target: TypeLink(fixed: pointee))
    }

    /// The type with typedefs and cv-qualifiers removed (bounded: a cycle of typedefs stops).
    public var stripped: DebugType {
        var current = self
        for _ in 0..<64 {
            switch current.kind {
            case .typedef, .const, .volatile, .restrict, .atomic:
                guard let next = current.target else { return current }
                current = next
            default: return current
            }
        }
        return current
    }

    /// gdb's `whatis` spelling: "struct point *", "char [16]", "int (*)(int, int)".
    public var description: String { typeName(self) }
}

/// A lazily resolved link to another type.
public struct TypeLink {
    weak var resolver: TypeResolver?
    let offset: UInt64?
    let fixed: DebugType?

    init(resolver: TypeResolver?, offset: UInt64) {
        self.resolver = resolver
        self.offset = offset
        self.fixed = nil
    }

    init(fixed: DebugType?) {
        self.resolver = nil
        self.offset = nil
        self.fixed = fixed
    }

    public var type: DebugType? {
        if let fixed { return fixed }
        guard let offset else { return nil }
        return resolver?.type(at: offset)
    }
}

enum SourceLanguage: Sendable {
    case c, cPlusPlus, rust
}

/// A data member or (C++) base class of a struct, class or union.
public struct Member {
    public var name: String?
    public var typeLink: TypeLink?
    public var type: DebugType? { typeLink?.type }
    /// Byte offset of the member (of its storage unit for a bit field).
    public var byteOffset: UInt64?
    /// Bit fields: the offset in bits from the start of the containing type, and the width.
    public var bitOffset: UInt64?
    public var bitSize: UInt64?
    public var isBaseClass: Bool
    public var isStatic: Bool
    public var isArtificial: Bool
    public var accessibility: UInt64?
}

/// A member function declared in a C++ class.
public struct Method {
    public var name: String
    public var returnType: TypeLink?
    /// Without the artificial `this`.
    public var parameterTypes: [TypeLink]
    public var isConst: Bool
    public var isArtificial: Bool
    public var accessibility: UInt64?
}

/// A typedef declared inside a C++ class: `ptype` lists it and spells the members of that
/// type by its local name (`value_type count_;`, not `geo::Counter::value_type count_;`).
public struct NestedTypedef {
    public var name: String
    /// The typedef's own DIE (what a member's type link points to).
    public var dieOffset: UInt64
    /// The aliased type.
    public var targetLink: TypeLink?
    public var target: DebugType? { targetLink?.type }
    public var accessibility: UInt64?
}

public struct Enumerator: Hashable, Sendable {
    public var name: String
    public var value: Int64
}

/// One dimension of an array: its element count when known (`DW_AT_count` or upper bound + 1).
public struct ArrayDimension: Hashable, Sendable {
    public var count: UInt64?
    public var lowerBound: Int64
}

public struct VariantPart {
    /// The member holding the discriminant (nil for a single-variant enum).
    public var discriminant: Member?
    public var variants: [Variant]
}

public struct Variant {
    /// nil for the default variant.
    public var discriminantValue: UInt64?
    public var members: [Member]
}
