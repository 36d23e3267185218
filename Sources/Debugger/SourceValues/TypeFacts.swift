import DebugInfo

// What the evaluator and the printer need to know about a type, each answer reached in a
// bounded number of steps (a typedef or array cycle in corrupt DWARF must not hang).

/// How many typedef, qualifier or array links a question follows before giving up.
let maximumTypeSteps = 256

extension DebugType {
    /// The type without typedefs and qualifiers (C's "check_typedef").
    var core: DebugType {
        var t = self
        for _ in 0..<maximumTypeSteps {
            switch t.kind {
            case .typedef, .const, .volatile, .restrict, .atomic:
                guard let next = t.target else { return t }
                t = next
            default: return t
            }
        }
        return t
    }

    /// `sizeof`: 0 for incomplete types; saturates rather than overflows on absurd arrays.
    var sizeInBytes: UInt64 {
        var t = self
        var multiplier: UInt64 = 1
        func times(_ value: UInt64) -> UInt64 {
            let (product, overflow) = multiplier.multipliedReportingOverflow(by: value)
            return overflow ? UInt64.max : product
        }
        for _ in 0..<maximumTypeSteps {
            switch t.kind {
            case .typedef, .const, .volatile, .restrict, .atomic:
                guard let next = t.target else { return times(t.byteSize ?? 0) }
                t = next
            case .array:
                if let size = t.byteSize { return times(size) }
                for dimension in t.dimensions { multiplier = times(dimension.count ?? 0) }
                guard let next = t.target else { return 0 }
                t = next
            case .pointer, .reference, .rvalueReference, .pointerToMember: return times(t.byteSize ?? 4)
            case .subroutine: return times(1)
            case .unspecified: return times(t.byteSize ?? 1)
            case .enumeration: return times(t.byteSize ?? t.target?.byteSize ?? 4)
            default: return times(t.byteSize ?? 0)
            }
        }
        return 0
    }

    var encoding: BaseEncoding? {
        if case .base(let e) = core.kind { return e }
        return nil
    }

    var isEnum: Bool { core.kind == .enumeration }
    var isPointer: Bool { core.kind == .pointer }
    var isReference: Bool { core.kind == .reference || core.kind == .rvalueReference }
    var isArray: Bool { core.kind == .array }
    var isFunction: Bool { core.kind == .subroutine }
    var isStructLike: Bool { [.structure, .classType, .union].contains(core.kind) }
    var isVoid: Bool { core.kind == .unspecified && (core.byteSize ?? 0) == 0 }

    var isFloating: Bool {
        guard let e = encoding else { return false }
        return e == .float
    }

    var isBool: Bool { encoding == .boolean }

    /// Integers, characters, booleans and enums: what C's integer arithmetic takes.
    var isIntegral: Bool {
        if isEnum { return true }
        guard let e = encoding else { return false }
        return [.signed, .unsigned, .signedChar, .unsignedChar, .boolean, .utf, .address, .unknown].contains(e)
    }

    var isScalar: Bool { isIntegral || isFloating || isPointer }

    /// Signed integer types (an enum is signed when one of its values is negative or its
    /// underlying type is).
    var isSigned: Bool {
        let c = core
        if c.kind == .enumeration {
            if let underlying = c.target { return underlying.isSigned }
            return c.enumerators.contains { $0.value < 0 }
        }
        guard let e = encoding else { return false }
        return e == .signed || e == .signedChar
    }

    /// One-byte character types, which print with their character (`65 'A'`). Rust's `u8`
    /// and `i8` are numbers; C's `char`, `signed char`, `unsigned char` (and typedefs of them)
    /// are characters.
    var isCharacter: Bool {
        let c = core
        guard case .base(let e) = c.kind, c.sizeInBytes == 1, !c.isRust else { return false }
        return e == .signedChar || e == .unsignedChar || (c.name ?? "").hasSuffix("char")
    }

    /// For `/s`: any one-byte integer reads as text.
    var isOneByteInteger: Bool {
        let c = core
        guard case .base(let e) = c.kind, c.sizeInBytes == 1 else { return false }
        return e != .boolean
    }

    /// An array's element type: for `int [2][3]`, `int [3]`.
    var elementType: DebugType? {
        let c = core
        guard c.kind == .array else { return nil }
        if c.dimensions.count > 1 {
            return DebugType.array(of: c.target, counts: c.dimensions.dropFirst().map(\.count),
                                   lowerBounds: c.dimensions.dropFirst().map(\.lowerBound), like: c)
        }
        return c.target
    }

    /// An array's element count (its first dimension); nil when unknown (`int []`).
    var elementCount: UInt64? {
        let c = core
        guard c.kind == .array else { return nil }
        return c.dimensions.first?.count
    }

    /// The pointee of a pointer or reference (nil: `void`).
    var pointee: DebugType? { core.target }
}
