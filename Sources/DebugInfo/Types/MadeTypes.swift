/// Types the debugger makes itself, for values that have no DIE: a literal's `int`, the
/// `long` of a pointer difference, the row `int [3]` of an `int [2][3]`, `int &`.
extension DebugType {
    /// The source language of the unit the type comes from.
    public var isRust: Bool { language == .rust }
    public var isCPlusPlus: Bool { language == .cPlusPlus }

    /// A base type ("int", "unsigned long long", "double", "_Bool") of the given encoding and size.
    public static func base(_ name: String, encoding: BaseEncoding, byteSize: UInt64, cPlusPlus: Bool = false) -> DebugType {
        DebugType(kind: .base(encoding), name: name, qualifiedName: name, byteSize: byteSize, dieOffset: nil,
                  language: cPlusPlus ? .cPlusPlus : .c, target: nil)
    }

    /// An array of `element` with these dimensions (outermost first; nil count: unknown).
    public static func array(of element: DebugType?, counts: [UInt64?], lowerBounds: [Int64]? = nil, like model: DebugType? = nil) -> DebugType {
        let dims = counts.enumerated().map { i, c in ArrayDimension(count: c, lowerBound: lowerBounds.map { i < $0.count ? $0[i] : 0 } ?? 0) }
        let size: UInt64? = nil
        return DebugType(kind: .array, name: nil, qualifiedName: nil, byteSize: size, dieOffset: nil, dimensions: dims,
                         language: model?.language ?? element?.language ?? .c, target: TypeLink(fixed: element))
    }

    /// A C++ lvalue reference to `target`.
    public static func reference(to target: DebugType?, byteSize: UInt64 = 4) -> DebugType {
        DebugType(kind: .reference, name: nil, qualifiedName: nil, byteSize: byteSize, dieOffset: nil,
                  language: target?.language ?? .cPlusPlus, target: TypeLink(fixed: target))
    }

    /// The same kind of derived type (pointer, array...) as `self` over another target type.
    public func retargeted(to target: DebugType?) -> DebugType {
        DebugType(kind: kind, name: nil, qualifiedName: nil, byteSize: byteSize, dieOffset: nil, dimensions: dimensions,
                  parameterTypes: parameterTypes, isVariadic: isVariadic, isPrototyped: isPrototyped,
                  language: language, target: TypeLink(fixed: target))
    }
}

extension DebugInfo {
    /// An enumeration constant by name ("BLUE", or qualified "geo::BLUE"): its enum type and
    /// value. The first unit that declares it wins.
    public func enumerator(named query: String) -> (type: DebugType, value: Int64)? {
        for unit in units {
            guard let tree = tree(of: unit) else { continue }
            for (i, die) in tree.dies.enumerated() where UInt64(die.tag) == Tag.enumerator {
                let ref = DIERef(unit: unit, index: i)
                guard let name = name(of: ref), name == query || qualifiedName(of: ref) == query,
                      let parent = ref.parent, parent.tag == Tag.enumerationType,
                      let type = typeResolver.type(at: parent.offset) else { continue }
                return (type, ref.attribute(Attribute.constValue)?.signedValue ?? 0)
            }
        }
        return nil
    }
}

extension DebugInfo {
    /// A function's own type (return type and parameters), from its subprogram entry.
    public func type(of function: FunctionInfo) -> DebugType? {
        typeResolver.type(at: function.handle.dieOffset)
    }
}
