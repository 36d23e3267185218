/// The instructions whose typing depends on context or immediates: control flow, calls,
/// variables, references, tables, bulk memory and the few SIMD instructions with checked
/// immediates. Everything else is typed from the instruction table in `validate(definedIndex:)`.

extension FunctionValidator {
    mutating func checkSpecial(_ instruction: Instruction, _ shape: OperatorShape) throws(ValidationError) {
        switch instruction.opcode {
        // MARK: control
        case .unreachable:
            markUnreachable()
        case .block, .loop:
            guard case .block(let type) = instruction.immediate else { throw badImmediate(instruction) }
            let (params, results) = try blockTypes(type)
            try pop(params)
            pushFrame(instruction.opcode == .loop ? .loop : .block, params: params, results: results)
        case .if:
            guard case .block(let type) = instruction.immediate else { throw badImmediate(instruction) }
            let (params, results) = try blockTypes(type)
            try pop(ValueType.i32.rawValue)
            try pop(params)
            pushFrame(.if, params: params, results: results)
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
        case .br:
            let target = try label(try index(instruction))
            try pop(target.labelTypes)
            markUnreachable()
        case .brIf:
            let target = try label(try index(instruction))
            try pop(ValueType.i32.rawValue)
            try pop(target.labelTypes)
            push(target.labelTypes)
        case .brTable:
            guard case .brTable(let targets, let defaultTarget) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            try pop(ValueType.i32.rawValue)
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
            let callee = try index(instruction)
            guard Int(callee) < context.functionTypes.count else {
                throw error("unknown function \(callee): the module has \(context.functionTypes.count) functions")
            }
            let type = Int(context.functionTypes[Int(callee)])
            try pop(context.typeParams[type])
            push(context.typeResults[type])
        case .callIndirect:
            guard case .indexPair(let typeIndex, let tableIndex) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let elementType = try checkTable(tableIndex)
            guard Int(typeIndex) < context.typeCount else { throw error("unknown type \(typeIndex)") }
            guard elementType == ValueType.funcref.rawValue else {
                throw error("type mismatch: call_indirect needs a funcref table, table \(tableIndex) holds \(typeName(elementType))")
            }
            try pop(ValueType.i32.rawValue)
            try pop(context.typeParams[Int(typeIndex)])
            push(context.typeResults[Int(typeIndex)])

        // MARK: parametric
        case .drop:
            _ = try popAny()
        case .select:
            try pop(ValueType.i32.rawValue)
            let first = try popAny()
            let second = try popAny()
            for type in [first, second] where type != unknownType && !isNumericOrVector(type) {
                throw error("type mismatch: select without a type needs numeric or vector operands, found \(typeName(type))")
            }
            if first != second && first != unknownType && second != unknownType {
                throw mismatch(expected: first, found: second)
            }
            push(first == unknownType ? second : first)
        case .selectTyped:
            guard case .select(let types) = instruction.immediate else { throw badImmediate(instruction) }
            guard types.count == 1 else {
                throw error("invalid result arity: typed select needs exactly one type, has \(types.count)")
            }
            let type = types[0].rawValue
            try pop(ValueType.i32.rawValue)
            try pop(type)
            try pop(type)
            push(type)

        // MARK: variables
        case .localGet:
            push(try localType(try index(instruction)))
        case .localSet:
            try pop(try localType(try index(instruction)))
        case .localTee:
            let type = try localType(try index(instruction))
            try pop(type)
            push(type)
        case .globalGet:
            push(try globalType(try index(instruction)))
        case .globalSet:
            let global = try index(instruction)
            let type = try globalType(global)
            guard context.globalMutable[Int(global)] else {
                throw error("global is immutable: global \(global) cannot be set")
            }
            try pop(type)

        // MARK: references
        case .refNull:
            guard case .refType(let type) = instruction.immediate else { throw badImmediate(instruction) }
            push(type.rawValue)
        case .refIsNull:
            let type = try popAny()
            guard type == unknownType || type == ValueType.funcref.rawValue || type == ValueType.externref.rawValue else {
                throw error("type mismatch: ref.is_null needs a reference, found \(typeName(type))")
            }
            push(ValueType.i32.rawValue)
        case .refFunc:
            let function = try index(instruction)
            guard Int(function) < context.functionTypes.count else {
                throw error("unknown function \(function): the module has \(context.functionTypes.count) functions")
            }
            guard context.declaredFunctions[Int(function)] else {
                throw error("undeclared function reference: function \(function) must appear in an element segment, export or global initializer to be used by ref.func")
            }
            push(ValueType.funcref.rawValue)

        // MARK: tables
        case .tableGet:
            let type = try checkTable(try index(instruction))
            try pop(ValueType.i32.rawValue)
            push(type)
        case .tableSet:
            let type = try checkTable(try index(instruction))
            try pop(type)
            try pop(ValueType.i32.rawValue)
        case .tableSize:
            _ = try checkTable(try index(instruction))
            try apply(shape)
        case .tableGrow:
            let type = try checkTable(try index(instruction))
            try pop(ValueType.i32.rawValue)
            try pop(type)
            push(ValueType.i32.rawValue)
        case .tableFill:
            let type = try checkTable(try index(instruction))
            try pop(ValueType.i32.rawValue)
            try pop(type)
            try pop(ValueType.i32.rawValue)
        case .tableCopy:
            guard case .indexPair(let destination, let source) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let destinationType = try checkTable(destination)
            let sourceType = try checkTable(source)
            guard destinationType == sourceType else {
                throw error("type mismatch: table.copy from a \(typeName(sourceType)) table to a \(typeName(destinationType)) table")
            }
            try apply(shape)
        case .tableInit:
            guard case .indexPair(let segment, let table) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            let tableType = try checkTable(table)
            let segmentType = try checkElementSegment(segment)
            guard tableType == segmentType else {
                throw error("type mismatch: table.init of a \(typeName(tableType)) table from a \(typeName(segmentType)) segment")
            }
            try apply(shape)
        case .elemDrop:
            _ = try checkElementSegment(try index(instruction))
            try apply(shape)

        // MARK: memory
        case .memorySize, .memoryGrow, .memoryFill:
            try checkMemory(try index(instruction))
            try apply(shape)
        case .memoryCopy:
            guard case .indexPair(let destination, let source) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            try checkMemory(destination)
            try checkMemory(source)
            try apply(shape)
        case .memoryInit:
            guard case .indexPair(let segment, let memory) = instruction.immediate else {
                throw badImmediate(instruction)
            }
            try checkMemory(memory)
            try checkDataSegment(segment)
            try apply(shape)
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
            // An opcode whose signature the table could not flatten; type it from the table.
            guard let signature = instruction.opcode.info.signature else {
                throw error("\(instruction.opcode.mnemonic) cannot be typed")
            }
            for type in signature.params.reversed() { try pop(type.rawValue) }
            for type in signature.results { push(type.rawValue) }
        }
    }

    // MARK: helpers

    mutating func index(_ instruction: Instruction) throws(ValidationError) -> UInt32 {
        guard case .index(let i) = instruction.immediate else { throw badImmediate(instruction) }
        return i
    }

    mutating func globalType(_ index: UInt32) throws(ValidationError) -> UInt8 {
        guard Int(index) < context.globalTypes.count else {
            throw error("unknown global \(index): the module has \(context.globalTypes.count) globals")
        }
        return context.globalTypes[Int(index)]
    }

    func isNumericOrVector(_ type: UInt8) -> Bool {
        type != ValueType.funcref.rawValue && type != ValueType.externref.rawValue
    }

    mutating func types(_ range: TypeRange) -> ArraySlice<UInt8> {
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
            if actual != expected && actual != unknownType {
                throw mismatch(expected: expected, found: actual)
            }
        }
    }
}
