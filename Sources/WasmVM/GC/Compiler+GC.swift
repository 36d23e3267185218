import WasmCore

// Translation of the typed-function-reference and GC instructions. All of them run in the
// Swift slow path in stack form (Interpreter+GC.swift): the word's operation is the Wasm
// opcode, `a` the slot of the first operand (the result goes there), and the words after it
// the immediates listed at each case, with type indices already turned into store type ids.
// The conditional branches (br_on_null, br_on_non_null, br_on_cast, br_on_cast_fail) are a
// test that writes an i32 into the slot above the reference, then the ordinary `brIf` to the
// label, so the values a branch carries move the way every other branch moves them.

extension Compiler {
    /// Heap types in an immediate word: a store type id or an abstract heap type's byte, with
    /// `concreteFlag` for the former and `nullableFlag` when null passes the test.
    static let concreteFlag: UInt64 = 1 << 32
    static let nullableFlag: UInt64 = 1 << 33

    func encode(_ type: RefType) throws(CompileError) -> UInt64 {
        var word: UInt64 = type.isNullable ? Compiler.nullableFlag : 0
        switch type.heapType {
        case .abstract(let a): word |= UInt64(a.rawValue)
        case .concrete(let x):
            guard Int(x) < env.typeIDs.count else { throw CompileError("unknown type \(x)") }
            word |= Compiler.concreteFlag | UInt64(env.typeIDs[Int(x)])
        }
        return word
    }

    private func storeTypeID(_ index: UInt32) throws(CompileError) -> UInt64 {
        guard Int(index) < env.typeIDs.count else { throw CompileError("unknown type \(index)") }
        return UInt64(env.typeIDs[Int(index)])
    }

    private func definition(_ index: UInt32) throws(CompileError) -> CompositeType {
        guard Int(index) < env.module.typeDefinitions.count else { throw CompileError("unknown type \(index)") }
        return env.module.typeDefinitions[Int(index)].composite
    }

    private func structFields(_ index: UInt32) throws(CompileError) -> [FieldType] {
        guard case .structure(let fields) = try definition(index) else { throw CompileError("type \(index) is not a struct") }
        return fields
    }

    private func arrayElement(_ index: UInt32) throws(CompileError) -> FieldType {
        guard case .array(let element) = try definition(index) else { throw CompileError("type \(index) is not an array") }
        return element
    }

    private func ref(_ index: UInt32, nullable: Bool = false) -> ValueType {
        .ref(RefType(nullable: nullable, .concrete(index)))
    }

    /// Emits a stack-form operation: its operands (the top `operands` entries) are popped, the
    /// results pushed from the first operand's slot.
    private mutating func emitStackForm(_ op: Opcode, operands: Int, results: [ValueType], _ immediates: UInt64...) throws(CompileError) {
        stop(currentOffset)
        let a = try slotOfTop(operands)
        _ = try pop(operands)
        for r in results { _ = push(r) }
        code.append(CodeWord.make(op.rawValue, a))
        code.append(contentsOf: immediates)
        lastEmission = nil
    }

    /// Translates the instructions of the function-references and GC proposals; nil for any
    /// other instruction.
    mutating func translateReferences(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool? {
        let op = instruction.opcode
        switch op {
        case .callRef:
            // w1 = slot of the function reference (after the arguments).
            guard case .function(let type) = try definition(instruction.index) else { throw CompileError("call_ref of a non-function type") }
            stop(offset)
            let reference = try pop()
            let base = try slotOfTop(type.params.count)
            emitWasm(.callRef, base, UInt64(reference.slot))
            afterCall = code.count
            _ = try pop(type.params.count)
            for r in type.results { _ = push(r) }
            lastEmission = nil
            return true
        case .returnCallRef:
            // w1 = slot of the function reference, w2 = slots of the arguments.
            guard case .function(let type) = try definition(instruction.index) else { throw CompileError("return_call_ref of a non-function type") }
            stop(offset)
            let reference = try pop()
            let base = try slotOfTop(type.params.count)
            emitWasm(.returnCallRef, base, UInt64(reference.slot), UInt64(slots(type.params)))
            lastEmission = nil
            return false
        case .refAsNonNull:
            guard let top = stack.last, case .ref(let r) = top.type else { throw CompileError("ref.as_non_null needs a reference") }
            try emitStackForm(.refAsNonNull, operands: 1, results: [.ref(r.nonNullable)])
            return true
        case .refEq:
            try emitStackForm(.refEq, operands: 2, results: [.i32])
            return true
        case .brOnNull, .brOnNonNull:
            guard let top = stack.last, case .ref(let r) = top.type else { throw CompileError("\(op.mnemonic) needs a reference") }
            stop(offset)
            let scratch = top.slot + 1
            maxSlot = max(maxSlot, scratch + 1)
            emitWasm(op, top.slot, UInt64(scratch))
            if op == .brOnNull {
                // The label takes the values below the reference.
                try pop()
                try emitBranch(instruction.index, conditionSlot: scratch)
                _ = push(.ref(r.nonNullable))
            } else {
                try emitBranch(instruction.index, conditionSlot: scratch)
                try pop()
            }
            lastEmission = nil
            return true
        case .brOnCast, .brOnCastFail:
            guard case .brOnCast(let depth, let from, let to) = instruction.immediate, let top = stack.last else {
                throw CompileError("bad \(op.mnemonic)")
            }
            stop(offset)
            let scratch = top.slot + 1
            maxSlot = max(maxSlot, scratch + 1)
            emitWasm(op, top.slot, UInt64(scratch), try encode(to))
            // The reference goes to the label (typed as the label says) or stays.
            try emitBranch(depth, conditionSlot: scratch)
            try pop()
            let kept = op == .brOnCast ? RefType(nullable: from.isNullable && !to.isNullable, from.heapType) : to
            _ = push(.ref(kept))
            lastEmission = nil
            return true
        case .refTest, .refTestNull, .refCast, .refCastNull:
            guard case .refType(let target) = instruction.immediate else { throw CompileError("bad \(op.mnemonic)") }
            let isTest = op == .refTest || op == .refTestNull
            try emitStackForm(op, operands: 1, results: [isTest ? .i32 : .ref(target)], try encode(target))
            return true
        case .anyConvertExtern, .externConvertAny:
            // The same bits in both hierarchies (Heap.swift, ReferenceBits): only the type changes.
            let entry = try pop()
            var nullable = true
            if case .ref(let r) = entry.type { nullable = r.isNullable }
            _ = push(.ref(RefType(nullable: nullable, .abstract(op == .anyConvertExtern ? .any : .extern))))
            return true
        case .refI31:
            try emitStackForm(.refI31, operands: 1, results: [.ref(RefType(nullable: false, .abstract(.i31)))])
            return true
        case .i31GetS, .i31GetU:
            try emitStackForm(op, operands: 1, results: [.i32])
            return true
        case .structNew, .structNewDefault:
            // w1 = store type id.
            let fields = try structFields(instruction.index)
            try emitStackForm(op, operands: op == .structNew ? fields.count : 0, results: [ref(instruction.index)],
                              try storeTypeID(instruction.index))
            return true
        case .structGet, .structGetS, .structGetU, .structSet:
            // w1 = store type id | field << 32.
            guard case .indexPair(let type, let field) = instruction.immediate else { throw CompileError("bad \(op.mnemonic)") }
            let fields = try structFields(type)
            guard Int(field) < fields.count else { throw CompileError("unknown field \(field)") }
            let word = try storeTypeID(type) | UInt64(field) << 32
            if op == .structSet {
                try emitStackForm(op, operands: 2, results: [], word)
            } else {
                try emitStackForm(op, operands: 1, results: [fields[Int(field)].storage.unpacked], word)
            }
            return true
        case .arrayNew, .arrayNewDefault:
            // w1 = store type id.
            _ = try arrayElement(instruction.index)
            try emitStackForm(op, operands: op == .arrayNew ? 2 : 1, results: [ref(instruction.index)],
                              try storeTypeID(instruction.index))
            return true
        case .arrayNewFixed:
            // w1 = store type id | count << 32.
            guard case .indexPair(let type, let count) = instruction.immediate else { throw CompileError("bad array.new_fixed") }
            _ = try arrayElement(type)
            try emitStackForm(op, operands: Int(count), results: [ref(type)], try storeTypeID(type) | UInt64(count) << 32)
            return true
        case .arrayNewData, .arrayNewElem:
            // w1 = store type id | segment << 32.
            guard case .indexPair(let type, let segment) = instruction.immediate else { throw CompileError("bad \(op.mnemonic)") }
            _ = try arrayElement(type)
            try emitStackForm(op, operands: 2, results: [ref(type)], try storeTypeID(type) | UInt64(segment) << 32)
            return true
        case .arrayGet, .arrayGetS, .arrayGetU:
            let element = try arrayElement(instruction.index)
            try emitStackForm(op, operands: 2, results: [element.storage.unpacked], try storeTypeID(instruction.index))
            return true
        case .arraySet:
            _ = try arrayElement(instruction.index)
            try emitStackForm(op, operands: 3, results: [], try storeTypeID(instruction.index))
            return true
        case .arrayLen:
            try emitStackForm(op, operands: 1, results: [.i32])
            return true
        case .arrayFill:
            _ = try arrayElement(instruction.index)
            try emitStackForm(op, operands: 4, results: [], try storeTypeID(instruction.index))
            return true
        case .arrayCopy:
            // w1 = destination type | source type << 32.
            guard case .indexPair(let destination, let source) = instruction.immediate else { throw CompileError("bad array.copy") }
            let words = (try storeTypeID(destination), try storeTypeID(source))
            try emitStackForm(op, operands: 5, results: [], words.0 | words.1 << 32)
            return true
        case .arrayInitData, .arrayInitElem:
            guard case .indexPair(let type, let segment) = instruction.immediate else { throw CompileError("bad \(op.mnemonic)") }
            try emitStackForm(op, operands: 4, results: [], try storeTypeID(type) | UInt64(segment) << 32)
            return true
        default:
            return nil
        }
    }
}
