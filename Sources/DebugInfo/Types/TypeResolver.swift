/// Builds `DebugType`s from DIEs, one DIE per type (links to others stay lazy), cached by DIE
/// offset so every reference to a type yields the same object.
final class TypeResolver {
    weak var owner: DebugInfo?
    private var cache: [UInt64: DebugType] = [:]
    private var failed: Set<UInt64> = []

    init(owner: DebugInfo) {
        self.owner = owner
    }

    func type(at offset: UInt64) -> DebugType? {
        if let cached = cache[offset] { return cached }
        if failed.contains(offset) { return nil }
        guard let owner, let ref = owner.entry(atInfoOffset: offset), let type = build(ref, owner: owner) else {
            failed.insert(offset)
            owner?.warn(section: ".debug_info", offset: Int(clamping: offset), "no type entry at this offset")
            return nil
        }
        cache[offset] = type
        return type
    }

    private func link(_ ref: DIERef) -> TypeLink? {
        guard case .reference(let target)? = ref.attribute(Attribute.type) else { return nil }
        return TypeLink(resolver: self, offset: target)
    }

    /// A type's target; an out-of-line C++ method definition (or an inlined copy) has its
    /// return type on the declaration it points to (`DW_AT_specification`/`abstract_origin`).
    private func targetLink(_ ref: DIERef, owner: DebugInfo) -> TypeLink? {
        if ref.tag == Tag.subprogram || ref.tag == Tag.inlinedSubroutine,
           case .reference(let target)? = owner.attribute(Attribute.type, following: ref) {
            return TypeLink(resolver: self, offset: target)
        }
        return link(ref)
    }

    private func build(_ ref: DIERef, owner: DebugInfo) -> DebugType? {
        let language: SourceLanguage = ref.unit.isRust ? .rust : (ref.unit.isCPlusPlus ? .cPlusPlus : .c)
        let kind: DebugType.Kind
        switch ref.tag {
        case Tag.baseType:
            kind = .base(ref.attribute(Attribute.encoding)?.unsignedValue.flatMap(BaseEncoding.init(rawValue:)) ?? .unknown)
        case Tag.pointerType: kind = .pointer
        case Tag.referenceType: kind = .reference
        case Tag.rvalueReferenceType: kind = .rvalueReference
        case Tag.ptrToMemberType: kind = .pointerToMember
        case Tag.constType: kind = .const
        case Tag.volatileType: kind = .volatile
        case Tag.restrictType: kind = .restrict
        case Tag.atomicType: kind = .atomic
        case Tag.typedef: kind = .typedef
        case Tag.structureType: kind = .structure
        case Tag.classType: kind = .classType
        case Tag.unionType: kind = .union
        case Tag.enumerationType: kind = .enumeration
        case Tag.arrayType: kind = .array
        case Tag.subroutineType, Tag.subprogram: kind = .subroutine
        case Tag.unspecifiedType: kind = .unspecified
        default:
            owner.warn(section: ".debug_info", offset: Int(ref.offset), "entry with tag 0x\(hex(ref.tag)) is not a type")
            return nil
        }
        let name = owner.name(of: ref)
        let qualified = language == .c ? name : owner.qualifiedName(of: ref)
        var members: [Member] = []
        var methods: [Method] = []
        var enumerators: [Enumerator] = []
        var dimensions: [ArrayDimension] = []
        var parameters: [TypeLink] = []
        var variadic = false
        var variantPart: VariantPart?
        var nestedTypedefs: [NestedTypedef] = []
        for child in ref.children {
            switch child.tag {
            case Tag.member, Tag.inheritance:
                members.append(member(child, owner: owner))
            case Tag.variable where kind == .structure || kind == .classType:
                var m = member(child, owner: owner)         // DWARF 5 static data members
                m.isStatic = true
                members.append(m)
            case Tag.subprogram:
                methods.append(method(child, owner: owner))
            case Tag.typedef where kind == .structure || kind == .classType || kind == .union:
                if let typedefName = owner.name(of: child) {
                    nestedTypedefs.append(NestedTypedef(name: typedefName, dieOffset: child.offset, targetLink: link(child),
                                                        accessibility: child.attribute(Attribute.accessibility)?.unsignedValue))
                }
            case Tag.enumerator:
                let value = child.attribute(Attribute.constValue)?.signedValue ?? 0
                enumerators.append(Enumerator(name: owner.name(of: child) ?? "?", value: value))
            case Tag.subrangeType:
                let lower = child.attribute(Attribute.lowerBound)?.signedValue ?? (language == .c || language == .cPlusPlus ? 0 : 0)
                var count: UInt64?
                if let c = child.attribute(Attribute.count), c.unsignedValue != nil, !isReference(c) { count = c.unsignedValue }
                else if let upper = child.attribute(Attribute.upperBound), !isReference(upper), let u = upper.signedValue {
                    count = u >= lower ? UInt64(u - lower + 1) : 0
                }
                dimensions.append(ArrayDimension(count: count, lowerBound: lower))
            case Tag.formalParameter:
                if let l = link(child) { parameters.append(l) }
            case Tag.unspecifiedParameters:
                variadic = true
            case Tag.variantPart:
                variantPart = self.variantPart(child, owner: owner)
            default:
                break
            }
        }
        return DebugType(
            kind: kind, name: name, qualifiedName: qualified,
            byteSize: ref.attribute(Attribute.byteSize)?.unsignedValue, dieOffset: ref.offset,
            isDeclaration: ref.attribute(Attribute.declaration) != nil,
            members: members, methods: methods, enumerators: enumerators, dimensions: dimensions,
            parameterTypes: parameters, isVariadic: variadic,
            isPrototyped: ref.attribute(Attribute.prototyped) != nil || language != .c,
            variantPart: variantPart, nestedTypedefs: nestedTypedefs, language: language, target: targetLink(ref, owner: owner))
    }

    private func isReference(_ value: FormValue) -> Bool {
        if case .reference = value { return true }
        if case .block = value { return true }
        return false
    }

    private func member(_ ref: DIERef, owner: DebugInfo) -> Member {
        var byteOffset: UInt64?
        switch ref.attribute(Attribute.dataMemberLocation) {
        case .block(let offset, let length)?:
            // DWARF 2 style: DW_OP_plus_uconst N.
            let bytes = owner.sections.info[offset..<offset + length]
            if bytes.first == 0x23 {
                var cursor = ByteCursor(bytes: Array(bytes), section: ".debug_info", offset: 1)
                byteOffset = try? cursor.uleb()
            }
        case let value?: byteOffset = value.unsignedValue
        case nil: byteOffset = nil
        }
        let bitSize = ref.attribute(Attribute.bitSize)?.unsignedValue
        var bitOffset = ref.attribute(Attribute.dataBitOffset)?.unsignedValue
        if bitOffset == nil, let bitSize, let old = ref.attribute(Attribute.bitOffset)?.unsignedValue {
            // DWARF 2/3: bits from the most significant bit of a storage unit of byte_size
            // bytes at data_member_location; on a little-endian target that is this.
            let storage = (ref.attribute(Attribute.byteSize)?.unsignedValue ?? 4) * 8
            bitOffset = (byteOffset ?? 0) * 8 &+ storage &- old &- bitSize
        }
        if bitOffset != nil && byteOffset == nil, let bits = bitOffset { byteOffset = bits / 8 }
        return Member(
            name: owner.name(of: ref), typeLink: link(ref),
            byteOffset: byteOffset, bitOffset: bitSize == nil ? nil : (bitOffset ?? (byteOffset ?? 0) * 8), bitSize: bitSize,
            isBaseClass: ref.tag == Tag.inheritance,
            isStatic: ref.attribute(Attribute.external) != nil && ref.attribute(Attribute.declaration) != nil,
            isArtificial: ref.attribute(Attribute.artificial) != nil,
            accessibility: ref.attribute(Attribute.accessibility)?.unsignedValue)
    }

    private func method(_ ref: DIERef, owner: DebugInfo) -> Method {
        var parameters: [TypeLink] = []
        var isConst = false
        for child in ref.children where child.tag == Tag.formalParameter {
            if child.attribute(Attribute.artificial) != nil {
                // `this`: a pointer to a const class makes the method const.
                if case .reference(let pointer)? = child.attribute(Attribute.type),
                   let pointerRef = owner.entry(atInfoOffset: pointer),
                   case .reference(let pointee)? = pointerRef.attribute(Attribute.type),
                   let pointeeRef = owner.entry(atInfoOffset: pointee), pointeeRef.tag == Tag.constType {
                    isConst = true
                }
                continue
            }
            if let l = link(child) { parameters.append(l) }
        }
        return Method(name: owner.name(of: ref) ?? "?", returnType: link(ref), parameterTypes: parameters,
                      isConst: isConst, isArtificial: ref.attribute(Attribute.artificial) != nil,
                      accessibility: ref.attribute(Attribute.accessibility)?.unsignedValue)
    }

    private func variantPart(_ ref: DIERef, owner: DebugInfo) -> VariantPart {
        var discriminant: Member?
        let discriminantOffset: UInt64?
        if case .reference(let offset)? = ref.attribute(Attribute.discr) { discriminantOffset = offset } else { discriminantOffset = nil }
        var variants: [Variant] = []
        for child in ref.children {
            if child.tag == Tag.member && child.offset == discriminantOffset {
                discriminant = member(child, owner: owner)
            } else if child.tag == Tag.variant {
                let members = child.children.filter { $0.tag == Tag.member }.map { member($0, owner: owner) }
                variants.append(Variant(discriminantValue: child.attribute(Attribute.discrValue)?.unsignedValue, members: members))
            }
        }
        return VariantPart(discriminant: discriminant, variants: variants)
    }
}
