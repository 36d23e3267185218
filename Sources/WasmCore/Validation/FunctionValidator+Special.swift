/// The instructions whose typing depends on context or immediates: control flow, calls,
/// variables, references, tables, bulk memory and the few SIMD instructions with checked
/// immediates. Everything else is typed from the instruction table in `validate(definedIndex:)`.

extension FunctionValidator {
    mutating func checkSpecial(_ instruction: Instruction, _ shape: OperatorShape) throws(ValidationError) {
        switch instruction.opcode {
        // MARK: control
        case .unreachable:
            markUnreachable()
        case .block, .loop, .if:
            guard case .block(let type) = instruction.immediate else { throw badImmediate(instruction) }
            try checkBlockStart(instruction.opcode, type)
        case .else:
            guard frames[frames.count - 1].kind == .if else { throw error("else without a matching if") }
            let frame = try popFrame()
            pushFrame(.else, params: frame.params, results: frame.results)
        case .end:
            let frame = try popFrame()
            if frame.kind == .if && !sameTypes(frame.params, frame.results) {
                throw error("type mismatch: if without else must have matching params and results, has \(typeListName(types(frame.params))) -> \(typeListName(types(frame.results)))")
            }
            if !frames.isEmpty { push(frame.results) }
        case .tryTable, .try, .catch, .catchAll, .delegate, .rethrow, .throw, .throwRef,
             .returnCall, .returnCallIndirect, .returnCallRef, .callRef, .refAsNonNull, .brOnNull, .brOnNonNull, .refEq:
            try checkWasm3Control(instruction)
        case .br, .brIf:
            try checkBranch(instruction.opcode, depth: try index(instruction))
        case .brTable:
            guard case .brTable(let targets, let defaultTarget) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            try pop(i32Code)
            let defaultTypes = try label(defaultTarget).labelTypes
            for depth in targets {
                let types = try label(depth).labelTypes
                guard types.count == defaultTypes.count else {
                    throw error("type mismatch: br_table target \(depth) carries \(types.count) values, the default target \(defaultTarget) carries \(defaultTypes.count)")
                }
                try checkTop(types)
            }
            try pop(defaultTypes)
            markUnreachable()
        case .return:
            try pop(frames[0].results)
            markUnreachable()

        // MARK: calls
        case .call:
            try checkCall(try index(instruction))
        case .callIndirect:
            guard case .indexPair(let typeIndex, let tableIndex) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let type = try checkCallIndirect(typeIndex: typeIndex, tableIndex: tableIndex)
            try pop(context.typeParams[type])
            push(context.typeResults[type])

        // MARK: parametric
        case .drop:
            _ = try popAny()
        case .select:
            try pop(i32Code)
            let first = try popAny()
            let second = try popAny()
            // Checked one by one: a loop over `[first, second]` allocated an array per select.
            if first != unknownType && (!isNumericOrVector(first) || first == bottomReference) {
                throw error("type mismatch: select without a type needs numeric or vector operands, found \(typeName(first))")
            }
            if second != unknownType && (!isNumericOrVector(second) || second == bottomReference) {
                throw error("type mismatch: select without a type needs numeric or vector operands, found \(typeName(second))")
            }
            if first != second && first != unknownType && second != unknownType && first != bottomReference && second != bottomReference {
                throw mismatch(expected: first, found: second)
            }
            push(first == unknownType ? second : first)
        case .selectTyped:
            guard case .select(let types) = instruction.immediate else { throw badImmediate(instruction) }
            guard types.count == 1 else {
                throw error("invalid result arity: typed select needs exactly one type, has \(types.count)")
            }
            try checkValid(types[0])
            let type = context.code(types[0])
            try pop(i32Code)
            try pop(type)
            try pop(type)
            push(type)

        // MARK: variables
        case .localGet, .localSet, .localTee:
            try checkLocalAccess(instruction.opcode, try index(instruction))
        case .globalGet, .globalSet:
            try checkGlobalAccess(instruction.opcode, try index(instruction))

        // MARK: references
        case .refNull:
            guard case .refType(let type) = instruction.immediate else { throw badImmediate(instruction) }
            try checkValid(.ref(type))
            push(context.code(RefType(nullable: true, type.heapType)))
        case .refIsNull:
            _ = try popReference("ref.is_null")
            push(i32Code)
        case .refFunc:
            let function = try index(instruction)
            guard Int(function) < context.functionTypes.count else {
                throw error("unknown function \(function): the module has \(context.functionTypes.count) functions")
            }
            guard constantMode || context.declaredFunctions[Int(function)] else {
                throw error("undeclared function reference: function \(function) must appear in an element segment, export or global initializer to be used by ref.func")
            }
            push(functionReferenceType(function))

        // MARK: tables
        case .tableGet:
            let table = try index(instruction)
            let type = try checkTable(table)
            try pop(tableAddress(table))
            push(type)
        case .tableSet:
            let table = try index(instruction)
            let type = try checkTable(table)
            try pop(type)
            try pop(tableAddress(table))
        case .tableSize:
            let table = try index(instruction)
            _ = try checkTable(table)
            push(tableAddress(table))
        case .tableGrow:
            let table = try index(instruction)
            let type = try checkTable(table)
            let address = tableAddress(table)
            try pop(address)
            try pop(type)
            push(address)
        case .tableFill:
            let table = try index(instruction)
            let type = try checkTable(table)
            let address = tableAddress(table)
            try pop(address)
            try pop(type)
            try pop(address)
        case .tableCopy:
            guard case .indexPair(let destination, let source) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let destinationType = try checkTable(destination)
            let sourceType = try checkTable(source)
            guard context.matches(sourceType, destinationType) else {
                throw error("type mismatch: table.copy from a \(typeName(sourceType)) table to a \(typeName(destinationType)) table")
            }
            let d = tableAddress(destination), s = tableAddress(source)
            try pop(d == i64Code && s == i64Code ? i64Code : i32Code)
            try pop(s)
            try pop(d)
        case .tableInit:
            guard case .indexPair(let segment, let table) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let tableType = try checkTable(table)
            let segmentType = try checkElementSegment(segment)
            guard context.matches(segmentType, tableType) else {
                throw error("type mismatch: table.init of a \(typeName(tableType)) table from a \(typeName(segmentType)) segment")
            }
            try pop(i32Code)
            try pop(i32Code)
            try pop(tableAddress(table))
        case .elemDrop:
            _ = try checkElementSegment(try index(instruction))
            try apply(shape)

        // MARK: memory
        case .memorySize:
            push(try checkMemory(try index(instruction)))
        case .memoryGrow:
            let address = try checkMemory(try index(instruction))
            try pop(address)
            push(address)
        case .memoryFill:
            let address = try checkMemory(try index(instruction))
            try pop(address)
            try pop(i32Code)
            try pop(address)
        case .memoryCopy:
            guard case .indexPair(let destination, let source) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let d = try checkMemory(destination)
            let s = try checkMemory(source)
            try pop(d == i64Code && s == i64Code ? i64Code : i32Code)
            try pop(s)
            try pop(d)
        case .memoryInit:
            guard case .indexPair(let segment, let memory) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let address = try checkMemory(memory)
            try checkDataSegment(segment)
            try pop(i32Code)
            try pop(i32Code)
            try pop(address)
        case .dataDrop:
            try checkDataSegment(try index(instruction))
            try apply(shape)

        // MARK: SIMD
        case .i8x16Shuffle:
            guard case .v128(let lanes) = instruction.immediate else { throw badImmediate(instruction) }
            for (position, lane) in lanes.bytes.enumerated() where lane >= 32 {
                throw error("invalid lane index \(lane) at shuffle position \(position): lanes must be below 32")
            }
            try apply(shape)

        default:
            if instruction.opcode.info.prefix == 0xFB {
                try checkGC(instruction)
                return
            }
            // An opcode whose signature the table could not flatten; type it from the table.
            guard let signature = instruction.opcode.info.signature else {
                throw error("\(instruction.opcode.mnemonic) cannot be typed")
            }
            for type in signature.params.reversed() { try pop(context.code(type)) }
            for type in signature.results { push(context.code(type)) }
        }
    }

    // MARK: the frequent instructions, from their scalar immediates

    // These take the immediate's values rather than an `Instruction`, so the one-pass check of
    // encoded bodies (FunctionValidator+Streaming.swift) types them without building one.

    /// `block`, `loop` and `if`.
    @inline(__always)
    mutating func checkBlockStart(_ opcode: Opcode, _ type: BlockType) throws(ValidationError) {
        let (params, results) = try blockTypes(type)
        if opcode == .if { try pop(i32Code) }
        try pop(params)
        pushFrame(opcode == .loop ? .loop : opcode == .if ? .if : .block, params: params, results: results)
    }

    /// `br` and `br_if`.
    @inline(__always)
    mutating func checkBranch(_ opcode: Opcode, depth: UInt32) throws(ValidationError) {
        let target = try label(depth)
        if opcode == .brIf {
            try pop(i32Code)
            try pop(target.labelTypes)
            push(target.labelTypes)
        } else {
            try pop(target.labelTypes)
            markUnreachable()
        }
    }

    @inline(__always)
    mutating func checkCall(_ callee: UInt32) throws(ValidationError) {
        guard Int(callee) < context.functionTypes.count else {
            throw error("unknown function \(callee): the module has \(context.functionTypes.count) functions")
        }
        let type = Int(context.functionTypes[Int(callee)])
        try pop(context.typeParams[type])
        push(context.typeResults[type])
    }

    /// `local.get`, `local.set` and `local.tee`.
    @inline(__always)
    mutating func checkLocalAccess(_ opcode: Opcode, _ local: UInt32) throws(ValidationError) {
        let type = try localType(local)
        switch opcode {
        case .localGet:
            if Int(local) < localIsSet.count && !localIsSet[Int(local)] {
                throw error("uninitialized local \(local): a non-nullable local must be set before it is read")
            }
            push(type)
        case .localSet:
            try pop(type)
            markSet(local)
        default:
            try pop(type)
            markSet(local)
            push(type)
        }
    }

    /// `global.get` and `global.set`.
    @inline(__always)
    mutating func checkGlobalAccess(_ opcode: Opcode, _ global: UInt32) throws(ValidationError) {
        let type = try globalType(global)
        if opcode == .globalGet {
            if constantMode { try checkConstantGlobal(global) }
            push(type)
        } else {
            guard context.globalMutable[Int(global)] else {
                throw error("global is immutable: global \(global) cannot be set")
            }
            try pop(type)
        }
    }

    // MARK: helpers

    mutating func index(_ instruction: Instruction) throws(ValidationError) -> UInt32 {
        guard case .index(let i) = instruction.immediate else { throw badImmediate(instruction) }
        return i
    }

    mutating func globalType(_ index: UInt32) throws(ValidationError) -> TypeCode {
        guard Int(index) < context.globalTypes.count else {
            throw error("unknown global \(index): the module has \(context.globalTypes.count) globals")
        }
        return context.globalTypes[Int(index)]
    }

    func isNumericOrVector(_ type: TypeCode) -> Bool {
        !context.isReference(type)
    }

    mutating func types(_ range: TypeRange) -> ArraySlice<TypeCode> {
        let start = Int(range.start)
        return context.typePool[start..<start + Int(range.count)]
    }

    mutating func sameTypes(_ a: TypeRange, _ b: TypeRange) -> Bool {
        a == b || types(a).elementsEqual(types(b))
    }

    /// Checks, without popping, that the top of the stack could be popped as `range` (what
    /// `br_table` does for each target before popping for the default).
    mutating func checkTop(_ range: TypeRange) throws(ValidationError) {
        let frame = frames[frames.count - 1]
        let count = Int(range.count)
        for k in 0..<count {
            let expected = context.typePool[Int(range.start) + count - 1 - k]
            let position = stack.count - 1 - k
            if position < frame.height {
                if frame.unreachable { continue }
                throw underflow(expected: expected)
            }
            let actual = stack[position]
            if actual != expected && actual != unknownType && !context.matches(actual, expected) {
                throw mismatch(expected: expected, found: actual)
            }
        }
    }
}
