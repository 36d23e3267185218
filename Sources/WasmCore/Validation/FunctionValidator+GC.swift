/// Typing of the GC instructions (0xFB prefix): struct and array allocation and access,
/// array bulk operations, casts and tests, i31 and the extern/any conversions.

extension FunctionValidator {
    mutating func structFields(_ index: UInt32) throws(ValidationError) -> [FieldType] {
        guard case .structure(let fields)? = context.composite(index) else {
            throw error(Int(index) < context.typeCount ? "type mismatch: type \(index) is not a struct type" : "unknown type \(index)")
        }
        return fields
    }

    mutating func arrayElement(_ index: UInt32) throws(ValidationError) -> FieldType {
        guard case .array(let element)? = context.composite(index) else {
            throw error(Int(index) < context.typeCount ? "type mismatch: type \(index) is not an array type" : "unknown type \(index)")
        }
        return element
    }

    mutating func storageCode(_ storage: StorageType) -> TypeCode { context.code(storage.unpacked) }

    mutating func reference(to index: UInt32, nullable: Bool) -> TypeCode {
        context.code(RefType(nullable: nullable, .concrete(index)))
    }

    mutating func checkGetSign(_ storage: StorageType, _ opcode: Opcode) throws(ValidationError) {
        let signed = opcode == .structGetS || opcode == .structGetU || opcode == .arrayGetS || opcode == .arrayGetU
        if signed != storage.isPacked {
            throw error(signed ? "type mismatch: \(opcode.mnemonic) needs a packed field, found \(storage)"
                               : "type mismatch: \(opcode.mnemonic) cannot read a packed field (\(storage)); use _s or _u")
        }
    }

    mutating func checkMutable(_ field: FieldType, _ what: String) throws(ValidationError) {
        guard field.isMutable else { throw error("immutable \(what): it cannot be written") }
    }

    mutating func checkGC(_ instruction: Instruction) throws(ValidationError) {
        let op = instruction.opcode
        switch op {
        case .structNew, .structNewDefault:
            let type = try index(instruction)
            let fields = try structFields(type)
            if op == .structNew {
                for field in fields.reversed() { try pop(storageCode(field.storage)) }
            } else {
                for field in fields where !field.storage.unpacked.isDefaultable {
                    throw error("type mismatch: struct.new_default of type \(type) with a non-defaultable field")
                }
            }
            push(reference(to: type, nullable: false))
        case .structGet, .structGetS, .structGetU, .structSet:
            guard case .indexPair(let type, let fieldIndex) = instruction.immediate else { throw badImmediate(instruction) }
            let fields = try structFields(type)
            guard Int(fieldIndex) < fields.count else {
                throw error("unknown field \(fieldIndex): struct type \(type) has \(fields.count) fields")
            }
            let field = fields[Int(fieldIndex)]
            if op == .structSet {
                try checkMutable(field, "field")
                try pop(storageCode(field.storage))
                try pop(reference(to: type, nullable: true))
            } else {
                try checkGetSign(field.storage, op)
                try pop(reference(to: type, nullable: true))
                push(storageCode(field.storage))
            }

        case .arrayNew, .arrayNewDefault:
            let type = try index(instruction)
            let element = try arrayElement(type)
            try pop(i32Code)
            if op == .arrayNew {
                try pop(storageCode(element.storage))
            } else if !element.storage.unpacked.isDefaultable {
                throw error("type mismatch: array.new_default of type \(type) with a non-defaultable element")
            }
            push(reference(to: type, nullable: false))
        case .arrayNewFixed:
            guard case .indexPair(let type, let count) = instruction.immediate else { throw badImmediate(instruction) }
            let element = try arrayElement(type)
            let code = storageCode(element.storage)
            // Pop one by one while values are there; a polymorphic stack supplies the rest
            // (never loop `count` times on a bare stack: the count comes from the input).
            var remaining = Int(count)
            while remaining > 0 && stack.count > floor {
                try pop(code)
                remaining -= 1
            }
            if remaining > 0 && !floorIsPolymorphic { throw underflow(expected: code) }
            push(reference(to: type, nullable: false))
        case .arrayNewData, .arrayInitData:
            guard case .indexPair(let type, let segment) = instruction.immediate else { throw badImmediate(instruction) }
            let element = try arrayElement(type)
            if case .value(let t) = element.storage, t.isReference {
                throw error("type mismatch: array type \(type) is not numeric or vector, it cannot be filled from data")
            }
            try checkDataSegment(segment)
            if op == .arrayInitData {
                try checkMutable(element, "array")
                try pop(i32Code); try pop(i32Code); try pop(i32Code)
                try pop(reference(to: type, nullable: true))
            } else {
                try pop(i32Code); try pop(i32Code)
                push(reference(to: type, nullable: false))
            }
        case .arrayNewElem, .arrayInitElem:
            guard case .indexPair(let type, let segment) = instruction.immediate else { throw badImmediate(instruction) }
            let element = try arrayElement(type)
            let segmentType = try checkElementSegment(segment)
            // Interning may add to `context`: make the code before reading it for `matches`.
            let elementCode = storageCode(element.storage)
            guard context.matches(segmentType, elementCode) else {
                throw error("type mismatch: element segment \(segment) holds \(typeName(segmentType)), array type \(type) holds \(element.storage)")
            }
            if op == .arrayInitElem {
                try checkMutable(element, "array")
                try pop(i32Code); try pop(i32Code); try pop(i32Code)
                try pop(reference(to: type, nullable: true))
            } else {
                try pop(i32Code); try pop(i32Code)
                push(reference(to: type, nullable: false))
            }
        case .arrayGet, .arrayGetS, .arrayGetU, .arraySet:
            let type = try index(instruction)
            let element = try arrayElement(type)
            if op == .arraySet {
                try checkMutable(element, "array")
                try pop(storageCode(element.storage))
                try pop(i32Code)
                try pop(reference(to: type, nullable: true))
            } else {
                try checkGetSign(element.storage, op)
                try pop(i32Code)
                try pop(reference(to: type, nullable: true))
                push(storageCode(element.storage))
            }
        case .arrayLen:
            try pop(context.code(RefType(nullable: true, .abstract(.array))))
            push(i32Code)
        case .arrayFill:
            let type = try index(instruction)
            let element = try arrayElement(type)
            try checkMutable(element, "array")
            try pop(i32Code)
            try pop(storageCode(element.storage))
            try pop(i32Code)
            try pop(reference(to: type, nullable: true))
        case .arrayCopy:
            guard case .indexPair(let destination, let source) = instruction.immediate else { throw badImmediate(instruction) }
            let d = try arrayElement(destination)
            let s = try arrayElement(source)
            try checkMutable(d, "array")
            guard context.matches(s.storage, d.storage) else {
                throw error("array types do not match: array.copy from \(s.storage) elements to \(d.storage) elements")
            }
            try pop(i32Code)
            try pop(i32Code)
            try pop(reference(to: source, nullable: true))
            try pop(i32Code)
            try pop(reference(to: destination, nullable: true))

        case .refTest, .refTestNull, .refCast, .refCastNull:
            guard case .refType(let target) = instruction.immediate else { throw badImmediate(instruction) }
            try checkValid(.ref(target))
            try pop(context.code(context.topType(of: target)))
            push(op == .refTest || op == .refTestNull ? i32Code : context.code(target))
        case .brOnCast, .brOnCastFail:
            guard case .brOnCast(let depth, let from, let to) = instruction.immediate else { throw badImmediate(instruction) }
            try checkValid(.ref(from))
            try checkValid(.ref(to))
            guard context.matches(to, from) else {
                throw error("type mismatch: \(op.mnemonic) casts to \(to), which is not a subtype of \(from)")
            }
            let labelTypes = Array(types(try label(depth).labelTypes))
            guard let last = labelTypes.last else {
                throw error("type mismatch: \(op.mnemonic) needs a label that takes a reference")
            }
            // The type that goes to the label, and the one that stays on the stack.
            let difference = RefType(nullable: from.isNullable && !to.isNullable, from.heapType)
            let branched = op == .brOnCast ? to : difference
            let kept = op == .brOnCast ? difference : to
            let branchedCode = context.code(branched)
            guard context.matches(branchedCode, last) else {
                throw mismatch(expected: last, found: branchedCode)
            }
            try pop(context.code(from))
            let prefix = labelTypes.dropLast()
            for code in prefix.reversed() { try pop(code) }
            for code in prefix { push(code) }
            push(context.code(kept))

        case .anyConvertExtern, .externConvertAny:
            let fromTop: AbstractHeapType = op == .anyConvertExtern ? .extern : .any
            let toTop: AbstractHeapType = op == .anyConvertExtern ? .any : .extern
            let type = try popReference(op.mnemonic)
            var nullable = true
            if type != bottomReference, let r = context.refType(type) {
                guard context.matches(r, RefType(nullable: true, .abstract(fromTop))) else {
                    throw mismatch(expected: context.code(RefType(nullable: true, .abstract(fromTop))), found: type)
                }
                nullable = r.isNullable
            } else if type == bottomReference {
                nullable = false
            }
            push(context.code(RefType(nullable: nullable, .abstract(toTop))))
        case .refI31:
            try pop(i32Code)
            push(context.code(RefType(nullable: false, .abstract(.i31))))
        case .i31GetS, .i31GetU:
            try pop(context.code(RefType(nullable: true, .abstract(.i31))))
            push(i32Code)
        default:
            throw error("\(op.mnemonic) cannot be typed")
        }
    }
}
