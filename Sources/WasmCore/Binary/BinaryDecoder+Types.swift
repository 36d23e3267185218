/// Types in the binary format: value, reference and heap types, limits, and the type section
/// with its recursion groups, subtypes, struct and array types (GC).

extension ModuleDecoder {
    // MARK: value and reference types

    mutating func valueType() throws(DecodeError) -> ValueType {
        let offset = reader.position
        guard let b = reader.peek() else { throw reader.unexpectedEnd() }
        switch b {
        case 0x7F: reader.position += 1; return .i32
        case 0x7E: reader.position += 1; return .i64
        case 0x7D: reader.position += 1; return .f32
        case 0x7C: reader.position += 1; return .f64
        case 0x7B: reader.position += 1; return .v128
        default:
            if b & 0x80 != 0 {
                throw DecodeError("integer representation too long (value type)", at: offset + 1)
            }
            if isReferenceTypeByte(b) { return .ref(try refType()) }
            throw DecodeError("malformed value type 0x\(binaryHex(b))", at: offset)
        }
    }

    /// Whether `b` starts a reference type (given the enabled features).
    func isReferenceTypeByte(_ b: UInt8) -> Bool {
        if b == 0x63 || b == 0x64 { return true }
        return AbstractHeapType(rawValue: b) != nil
    }

    mutating func refType() throws(DecodeError) -> RefType {
        let offset = reader.position
        let b = try reader.byte()
        switch b {
        case 0x63, 0x64:
            guard features.contains(.functionReferences) else {
                throw DecodeError("malformed reference type 0x\(binaryHex(b)) (typed references need function references)", at: offset)
            }
            return RefType(nullable: b == 0x63, try heapType())
        default:
            guard let abstract = AbstractHeapType(rawValue: b) else {
                throw DecodeError("malformed reference type 0x\(binaryHex(b))", at: offset)
            }
            try checkAbstractHeapType(abstract, at: offset)
            return RefType(nullable: true, .abstract(abstract))
        }
    }

    /// A heap type: an abstract type byte, or a non-negative s33 type index.
    mutating func heapType() throws(DecodeError) -> HeapType {
        let offset = reader.position
        guard let b = reader.peek() else { throw reader.unexpectedEnd() }
        if b & 0xC0 == 0x40 {
            // A one-byte negative s33: an abstract heap type.
            reader.position += 1
            guard let abstract = AbstractHeapType(rawValue: b) else {
                throw DecodeError("malformed reference type (heap type 0x\(binaryHex(b)))", at: offset)
            }
            try checkAbstractHeapType(abstract, at: offset)
            return .abstract(abstract)
        }
        let index = try reader.s33()
        guard index >= 0 else { throw DecodeError("malformed heap type \(index)", at: offset) }
        guard index <= Int64(UInt32.max) else { throw DecodeError("integer too large (type index)", at: offset) }
        return .concrete(UInt32(index))
    }

    /// Abstract heap types beyond `func`/`extern` need their proposal.
    func checkAbstractHeapType(_ type: AbstractHeapType, at offset: Int) throws(DecodeError) {
        switch type {
        case .func, .extern: return
        case .exn, .noexn:
            if features.contains(.exceptionHandling) { return }
            throw DecodeError("malformed reference type 0x\(binaryHex(type.rawValue)) (exnref needs exception handling)", at: offset)
        default:
            if features.contains(.gc) { return }
            throw DecodeError("malformed reference type 0x\(binaryHex(type.rawValue)) (\(type) needs garbage collection)", at: offset)
        }
    }

    mutating func valueTypeVector() throws(DecodeError) -> [ValueType] {
        let count = try reader.u32()
        var types: [ValueType] = []
        types.reserveCapacity(capacity(for: count))
        for _ in 0..<count { types.append(try valueType()) }
        return types
    }

    // MARK: limits, tables, globals

    /// Flag bit 0: a maximum follows; bit 1: shared (threads, not supported); bit 2: 64-bit
    /// addresses (memory64/table64), with u64 bounds.
    mutating func limits(forMemory: Bool) throws(DecodeError) -> Limits {
        let offset = reader.position
        let flags = try reader.byte()
        if flags & 0x80 != 0 {
            throw DecodeError("integer representation too long (limits flags)", at: offset + 1)
        }
        if flags & 2 != 0 && flags <= 3 {
            // The threads proposal's shared flag; the 2.0 spec tests expect this wording.
            throw DecodeError("integer too large (limits flags 0x\(binaryHex(flags)): shared \(forMemory ? "memory" : "table") is not supported)", at: offset)
        }
        if flags > 3 && !features.contains(.memory64) {
            // Wasm 2.0 reads the flags as a u1 range check: the spec tests expect this wording.
            throw DecodeError("integer too large (limits flags 0x\(binaryHex(flags)): 64-bit \(forMemory ? "memories" : "tables") need memory64)", at: offset)
        }
        guard flags & ~0x07 == 0, flags & 2 == 0 else {
            throw DecodeError("malformed limits flags 0x\(binaryHex(flags))", at: offset)
        }
        let is64 = flags & 4 != 0
        if is64 && !features.contains(.memory64) {
            throw DecodeError("integer too large (limits flags 0x\(binaryHex(flags)): 64-bit \(forMemory ? "memories" : "tables") need memory64)", at: offset)
        }
        let min = is64 ? try reader.unsignedSlow(bits: 64) : UInt64(try reader.u32())
        var max: UInt64?
        if flags & 1 != 0 { max = is64 ? try reader.unsignedSlow(bits: 64) : UInt64(try reader.u32()) }
        return Limits(min: min, max: max, addressType: is64 ? .i64 : .i32)
    }

    mutating func tableType() throws(DecodeError) -> TableType {
        let element = try refType()
        return TableType(elementType: element, limits: try limits(forMemory: false))
    }

    mutating func globalType() throws(DecodeError) -> GlobalType {
        let type = try valueType()
        let offset = reader.position
        let mutability = try reader.byte()
        guard mutability <= 1 else {
            throw DecodeError("malformed mutability 0x\(binaryHex(mutability))", at: offset)
        }
        return GlobalType(valueType: type, isMutable: mutability == 1)
    }

    // MARK: the type section

    mutating func readTypeSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        var definitions: [SubType] = []
        var groups: [RecursionGroup] = []
        definitions.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            let offset = reader.position
            if reader.peek() == 0x4E {
                guard features.contains(.gc) else {
                    throw DecodeError("malformed function type 0x4e (recursion groups need garbage collection)", at: offset)
                }
                reader.position += 1
                let members = try reader.u32()
                for _ in 0..<members { definitions.append(try subType()) }
                groups.append(RecursionGroup(count: members, explicit: true))
            } else {
                definitions.append(try subType())
                groups.append(RecursionGroup(count: 1, explicit: false))
            }
            guard definitions.count <= 1_000_000 else {
                throw DecodeError("too many types (\(definitions.count))", at: offset)
            }
        }
        module.typeDefinitions = definitions
        module.recursionGroups = groups.allSatisfy { !$0.isExplicit } ? [] : groups
        return count
    }

    mutating func subType() throws(DecodeError) -> SubType {
        let offset = reader.position
        guard let form = reader.peek() else { throw reader.unexpectedEnd() }
        if form == 0x50 || form == 0x4F {
            guard features.contains(.gc) else {
                throw DecodeError("malformed function type 0x\(binaryHex(form)) (subtypes need garbage collection)", at: offset)
            }
            reader.position += 1
            let count = try reader.u32()
            var supertypes: [UInt32] = []
            supertypes.reserveCapacity(capacity(for: count))
            for _ in 0..<count { supertypes.append(try reader.u32()) }
            return SubType(final: form == 0x4F, supertypes: supertypes, try compositeType())
        }
        return SubType(try compositeType())
    }

    mutating func compositeType() throws(DecodeError) -> CompositeType {
        let offset = reader.position
        let form = try reader.byte()
        switch form {
        case 0x60:
            let params = try valueTypeVector()
            return .function(FuncType(params: params, results: try valueTypeVector()))
        case 0x5F where features.contains(.gc):
            let count = try reader.u32()
            var fields: [FieldType] = []
            fields.reserveCapacity(capacity(for: count))
            for _ in 0..<count { fields.append(try fieldType()) }
            return .structure(fields)
        case 0x5E where features.contains(.gc):
            return .array(try fieldType())
        case 0x80...:
            // The form is a one-byte signed LEB128 (s7) in the reference grammar.
            throw DecodeError("integer representation too long (type form)", at: offset + 1)
        default:
            throw DecodeError("malformed function type 0x\(binaryHex(form))", at: offset)
        }
    }

    mutating func fieldType() throws(DecodeError) -> FieldType {
        let storage: StorageType
        switch reader.peek() {
        case 0x78: reader.position += 1; storage = .i8
        case 0x77: reader.position += 1; storage = .i16
        default: storage = .value(try valueType())
        }
        let offset = reader.position
        let mutability = try reader.byte()
        guard mutability <= 1 else {
            throw DecodeError("malformed mutability 0x\(binaryHex(mutability))", at: offset)
        }
        return FieldType(storage, mutable: mutability == 1)
    }

    // MARK: the tag section

    mutating func readTagSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.tags.reserveCapacity(capacity(for: count))
        for _ in 0..<count { module.tags.append(try tagType()) }
        return count
    }

    /// `0x00 typeidx` (the attribute byte is always zero: an exception).
    mutating func tagType() throws(DecodeError) -> TagType {
        let offset = reader.position
        let attribute = try reader.byte()
        guard attribute == 0 else {
            throw DecodeError("malformed tag attribute 0x\(binaryHex(attribute))", at: offset)
        }
        return TagType(typeIndex: try reader.u32())
    }
}
