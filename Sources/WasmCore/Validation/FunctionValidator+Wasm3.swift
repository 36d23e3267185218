/// Typing of the WebAssembly 3.0 control and reference instructions: tail calls, exception
/// handling (and its legacy form), typed function references, and the helpers the 2.0
/// instructions now share with them (address types, reference pops, local initialization).

extension FunctionValidator {
    // MARK: helpers

    mutating func checkFeature(_ opcode: Opcode) throws(ValidationError) {
        let needed = Features.required(by: opcode)
        guard context.features.contains(needed) else {
            throw error("unknown operator \(opcode.mnemonic): needs \(needed)")
        }
    }

    mutating func checkValid(_ type: ValueType) throws(ValidationError) {
        guard case .ref(let r) = type, case .concrete(let x) = r.heapType else { return }
        guard Int(x) < context.typeCount else {
            throw error("unknown type \(x): the module has \(context.typeCount) types")
        }
    }

    /// Records that a local now holds a value (for non-defaultable locals).
    @inline(__always)
    mutating func markSet(_ local: UInt32) {
        let i = Int(local)
        if i < localIsSet.count && !localIsSet[i] {
            localIsSet[i] = true
            initializedLocals.append(i)
        }
    }

    /// Locals set inside a frame that ends are unset again.
    @inline(__always)
    mutating func resetLocals(to height: Int) {
        while initializedLocals.count > height {
            localIsSet[initializedLocals.removeLast()] = false
        }
    }

    /// Pops a reference; `bottomReference` when the stack is polymorphic here.
    mutating func popReference(_ what: String) throws(ValidationError) -> TypeCode {
        let type = try popAny()
        if type == unknownType { return bottomReference }
        guard context.isReference(type) else {
            throw error("type mismatch: \(what) needs a reference, found \(typeName(type))")
        }
        return type
    }

    /// The reference type of `ref.func f`: a non-null reference to the function's own type.
    mutating func functionReferenceType(_ function: UInt32) -> TypeCode {
        guard context.features.contains(.functionReferences) else { return funcrefCode }
        let type = context.functionTypes[Int(function)]
        return context.code(RefType(nullable: false, .concrete(type)))
    }

    mutating func tableAddress(_ table: UInt32) -> TypeCode {
        Int(table) < context.tableAddressTypes.count ? context.tableAddressTypes[Int(table)] : i32Code
    }

    /// Checks `call_indirect`'s immediates and pops the table index; returns the type index.
    mutating func checkCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(ValidationError) -> Int {
        let elementType = try checkTable(tableIndex)
        guard Int(typeIndex) < context.typeCount, context.isFunctionType[Int(typeIndex)] else {
            throw error("unknown type \(typeIndex): call_indirect needs a function type")
        }
        guard context.matches(elementType, funcrefCode) else {
            throw error("type mismatch: call_indirect needs a funcref table, table \(tableIndex) holds \(typeName(elementType))")
        }
        try pop(tableAddress(tableIndex))
        return Int(typeIndex)
    }

    /// A function type index (call_ref, return_call_ref, tags).
    mutating func functionTypeIndex(_ index: UInt32) throws(ValidationError) -> Int {
        guard Int(index) < context.typeCount else {
            throw error("unknown type \(index): the module has \(context.typeCount) types")
        }
        guard context.isFunctionType[Int(index)] else {
            throw error("type mismatch: type \(index) is not a function type")
        }
        return Int(index)
    }

    mutating func tagType(_ index: UInt32) throws(ValidationError) -> Int {
        guard Int(index) < context.tagTypes.count else {
            throw error("unknown tag \(index): the module has \(context.tagTypes.count) tags")
        }
        return Int(context.tagTypes[Int(index)])
    }

    /// A tail call's callee must return what the caller returns.
    mutating func checkTailResults(_ calleeType: Int) throws(ValidationError) {
        let callee = types(context.typeResults[calleeType])
        let caller = types(frames[0].results)
        guard callee.count == caller.count, zip(callee, caller).allSatisfy({ context.matches($0, $1) }) else {
            throw error("type mismatch: tail call returns \(typeListName(callee)), the function returns \(typeListName(caller))")
        }
    }

    /// Whether the values of `codes` could be passed to label `depth` (arity and subtyping).
    mutating func checkLabelAccepts(_ codes: [TypeCode], label depth: UInt32, _ what: String) throws(ValidationError) {
        let target = types(try label(depth).labelTypes)
        guard target.count == codes.count, zip(codes, target).allSatisfy({ context.matches($0, $1) }) else {
            throw error("type mismatch: \(what) delivers \(typeListName(codes)) to label \(depth), which takes \(typeListName(target))")
        }
    }

    // MARK: instructions

    mutating func checkWasm3Control(_ instruction: Instruction) throws(ValidationError) {
        switch instruction.opcode {
        case .returnCall:
            let callee = try index(instruction)
            guard Int(callee) < context.functionTypes.count else {
                throw error("unknown function \(callee): the module has \(context.functionTypes.count) functions")
            }
            let type = Int(context.functionTypes[Int(callee)])
            try checkTailResults(type)
            try pop(context.typeParams[type])
            markUnreachable()
        case .returnCallIndirect:
            guard case .indexPair(let typeIndex, let tableIndex) = instruction.immediate else { throw badImmediate(instruction) }
            let type = try checkCallIndirect(typeIndex: typeIndex, tableIndex: tableIndex)
            try checkTailResults(type)
            try pop(context.typeParams[type])
            markUnreachable()
        case .callRef, .returnCallRef:
            let type = try functionTypeIndex(try index(instruction))
            try pop(context.code(RefType(nullable: true, .concrete(UInt32(type)))))
            if instruction.opcode == .returnCallRef {
                try checkTailResults(type)
                try pop(context.typeParams[type])
                markUnreachable()
            } else {
                try pop(context.typeParams[type])
                push(context.typeResults[type])
            }

        case .throw:
            let type = try tagType(try index(instruction))
            try pop(context.typeParams[type])
            markUnreachable()
        case .throwRef:
            try pop(context.code(RefType(nullable: true, .abstract(.exn))))
            markUnreachable()
        case .tryTable:
            guard case .tryTable(let blockType, let clauses) = instruction.immediate else { throw badImmediate(instruction) }
            let (params, results) = try blockTypes(blockType)
            for clause in clauses {
                var delivered: [TypeCode] = []
                if clause.kind.hasTag {
                    let type = try tagType(clause.tag)
                    delivered = Array(types(context.typeParams[type]))
                }
                if clause.kind == .catchRef || clause.kind == .catchAllRef {
                    delivered.append(context.code(RefType(nullable: false, .abstract(.exn))))
                }
                try checkLabelAccepts(delivered, label: clause.label, clause.kind.keyword)
            }
            try pop(params)
            pushFrame(.tryTable, params: params, results: results)
        case .try:
            guard case .block(let type) = instruction.immediate else { throw badImmediate(instruction) }
            let (params, results) = try blockTypes(type)
            try pop(params)
            pushFrame(.try, params: params, results: results)
        case .catch, .catchAll:
            let kind = frames[frames.count - 1].kind
            guard kind == .try || (kind == .catch) else {
                throw error("\(instruction.opcode.mnemonic) without a matching try")
            }
            var payload = TypeRange.empty
            if instruction.opcode == .catch {
                payload = context.typeParams[try tagType(try index(instruction))]
            }
            let frame = try popFrame()
            pushFrame(instruction.opcode == .catch ? .catch : .catchAll, params: .empty, results: frame.results)
            push(payload)
        case .delegate:
            guard frames[frames.count - 1].kind == .try else { throw error("delegate without a matching try") }
            let frame = try popFrame()
            _ = try label(try index(instruction))
            push(frame.results)
        case .rethrow:
            let depth = try index(instruction)
            let target = try label(depth)
            guard target.kind == .catch || target.kind == .catchAll else {
                throw error("invalid rethrow label \(depth): it does not name a catch block")
            }
            markUnreachable()

        case .refAsNonNull:
            let type = try popReference("ref.as_non_null")
            push(nonNullable(type))
        case .brOnNull:
            let depth = try index(instruction)
            let type = try popReference("br_on_null")
            let target = try label(depth).labelTypes
            try pop(target)
            push(target)
            push(nonNullable(type))
        case .brOnNonNull:
            let depth = try index(instruction)
            let type = try popReference("br_on_non_null")
            let target = Array(types(try label(depth).labelTypes))
            guard let last = target.last, context.isReference(last) else {
                throw error("type mismatch: br_on_non_null needs a label whose last type is a reference")
            }
            let nonNull = nonNullable(type)
            guard context.matches(nonNull, last) else { throw mismatch(expected: last, found: nonNull) }
            let prefix = target.dropLast()
            for code in prefix.reversed() { try pop(code) }
            for code in prefix { push(code) }
        case .refEq:
            let eq = context.code(RefType(nullable: true, .abstract(.eq)))
            try pop(eq)
            try pop(eq)
            push(i32Code)
        default:
            throw error("\(instruction.opcode.mnemonic) cannot be typed")
        }
    }

    /// The non-nullable version of a reference code (the bottom reference stays itself).
    mutating func nonNullable(_ code: TypeCode) -> TypeCode {
        guard let r = context.refType(code) else { return code }
        return context.code(r.nonNullable)
    }
}
