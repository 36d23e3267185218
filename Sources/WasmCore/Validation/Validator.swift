/// Module validation (spec §3): the module-level rules here, function bodies in
/// FunctionValidator.swift, constant expressions in ConstantExpressions.swift.
///
/// Messages start with the spec tests' expected texts ("type mismatch", "unknown global 1", …)
/// so `assert_invalid` can be matched by prefix, then say in plain words what was found.
public enum Validator {
    /// Checks that `module` is valid.
    public static func validate(_ module: Module) throws(ValidationError) {
        _ = try validateWithInfo(module)
    }

    /// Checks that `module` is valid and returns what the engine can reuse: per defined function
    /// (in `module.functions` order) the largest operand-stack height.
    public static func validateWithInfo(_ module: Module) throws(ValidationError) -> ValidationInfo {
        var validator = try ModuleValidator(module)
        var functions: [FunctionValidationInfo] = []
        functions.reserveCapacity(module.functions.count)
        for index in module.functions.indices {
            functions.append(try validator.validateFunction(definedIndex: index))
        }
        return ValidationInfo(functions: functions)
    }
}

/// The result of `Validator.validateWithInfo`.
public struct ValidationInfo: Hashable, Sendable {
    /// One entry per defined function, in `Module.functions` order.
    public var functions: [FunctionValidationInfo]

    public init(functions: [FunctionValidationInfo]) {
        self.functions = functions
    }
}

/// Validation in two steps, for callers that check bodies lazily or one at a time: `init`
/// checks everything outside function bodies, `validateFunction` checks one body.
public struct ModuleValidator {
    private var functionValidator: FunctionValidator
    public let module: Module

    /// Checks the module-level rules (types, imports, tables, memories, globals, exports, start,
    /// element and data segments) and prepares for checking bodies.
    public init(_ module: Module) throws(ValidationError) {
        self.module = module
        let context = try ModuleValidator.checkDeclarations(module)
        functionValidator = FunctionValidator(module: module, context: context)
    }

    /// Checks the body of `module.functions[definedIndex]`.
    public mutating func validateFunction(definedIndex: Int) throws(ValidationError) -> FunctionValidationInfo {
        guard module.functions.indices.contains(definedIndex) else {
            throw ValidationError("unknown function: no defined function \(definedIndex)")
        }
        return try functionValidator.validate(definedIndex: definedIndex)
    }

    // MARK: module-level rules

    private static func checkDeclarations(_ module: Module) throws(ValidationError) -> ValidationContext {
        let typeCount = module.types.count
        func checkTypeIndex(_ index: UInt32, _ what: @autoclosure () -> String) throws(ValidationError) {
            guard Int(index) < typeCount else {
                throw ValidationError("unknown type \(index): \(what()) names a type, the module has \(typeCount)")
            }
        }

        for (i, entry) in module.imports.enumerated() {
            let what = "import \(i) (\"\(entry.module)\" \"\(entry.name)\")"
            switch entry.descriptor {
            case .function(let typeIndex): try checkTypeIndex(typeIndex, what)
            case .table(let table): try checkTableLimits(table.limits, what)
            case .memory(let memory): try checkMemoryLimits(memory.limits, what)
            case .global: break
            }
        }
        for (i, function) in module.functions.enumerated() {
            try checkTypeIndex(function.typeIndex, "function \(module.importedFunctionCount + i)")
        }
        for (i, table) in module.tables.enumerated() {
            try checkTableLimits(table.limits, "table \(module.importedTableCount + i)")
        }
        for (i, memory) in module.memories.enumerated() {
            try checkMemoryLimits(memory.limits, "memory \(module.importedMemoryCount + i)")
        }
        if module.memoryCount > 1 {
            throw ValidationError("multiple memories: the module has \(module.memoryCount), Wasm 2.0 allows one")
        }

        let context = ValidationContext(module)
        let constants = ConstantExpressionChecker(context: context)

        for (i, global) in module.globals.enumerated() {
            try constants.check(global.initializer, type: global.type.valueType,
                                what: "initializer of global \(module.importedGlobalCount + i)")
        }
        for (i, segment) in module.elements.enumerated() {
            try checkElementSegment(segment, index: i, context: context, constants: constants)
        }
        // Malformed rather than invalid in the spec (the decoder checks it for binaries), but a
        // module assembled in memory can get it wrong and would then encode to a broken binary.
        if let declared = module.dataCount, Int(declared) != module.data.count {
            throw ValidationError("data count and data section have inconsistent lengths: the data count says \(declared), there are \(module.data.count) data segments")
        }
        for (i, segment) in module.data.enumerated() {
            if case .active(let memory, let offset) = segment.mode {
                guard Int(memory) < context.memoryCount else {
                    throw ValidationError("unknown memory \(memory): data segment \(i) is for memory \(memory), the module has \(context.memoryCount)")
                }
                try constants.check(offset, type: .i32, what: "offset of data segment \(i)")
            }
        }
        if let start = module.start {
            guard Int(start) < context.functionTypes.count else {
                throw ValidationError("unknown function \(start): the start function does not exist")
            }
            let type = Int(context.functionTypes[Int(start)])
            guard context.typeParams[type].count == 0 && context.typeResults[type].count == 0 else {
                throw ValidationError("start function must have type [] -> [], function \(start) has \(module.types[type])")
            }
        }
        try checkExports(module, context)
        return context
    }

    private static func checkTableLimits(_ limits: Limits, _ what: String) throws(ValidationError) {
        if let max = limits.max, limits.min > max {
            throw ValidationError("size minimum must not be greater than maximum: \(what) has min \(limits.min) > max \(max)")
        }
    }

    private static func checkMemoryLimits(_ limits: Limits, _ what: String) throws(ValidationError) {
        let pages = MemoryType.maxPages
        if limits.min > pages || (limits.max ?? 0) > pages {
            throw ValidationError("memory size must be at most \(pages) pages (4GiB): \(what) asks for \(max(limits.min, limits.max ?? 0))")
        }
        try checkTableLimits(limits, what)
    }

    private static func checkElementSegment(_ segment: ElementSegment, index: Int, context: ValidationContext,
                                            constants: ConstantExpressionChecker) throws(ValidationError) {
        let what = "element segment \(index)"
        if case .active(let table, let offset) = segment.mode {
            guard Int(table) < context.tableElementTypes.count else {
                throw ValidationError("unknown table \(table): \(what) is for table \(table), the module has \(context.tableElementTypes.count)")
            }
            try constants.check(offset, type: .i32, what: "offset of \(what)")
            let tableType = context.tableElementTypes[Int(table)]
            guard tableType == segment.type.rawValue else {
                throw ValidationError("type mismatch: \(what) holds \(segment.type) but table \(table) holds \(typeName(tableType))")
            }
        }
        switch segment.items {
        case .functions(let indices):
            guard segment.type == .funcref else {
                throw ValidationError("type mismatch: \(what) lists functions but has type \(segment.type)")
            }
            for f in indices where Int(f) >= context.functionTypes.count {
                throw ValidationError("unknown function \(f): named in \(what), the module has \(context.functionTypes.count)")
            }
        case .expressions(let expressions):
            for (i, expression) in expressions.enumerated() {
                try constants.check(expression, type: segment.type.valueType, what: "item \(i) of \(what)")
            }
        }
    }

    private static func checkExports(_ module: Module, _ context: ValidationContext) throws(ValidationError) {
        // Names are compared by their UTF-8 bytes: Swift's String equality would merge
        // canonically equivalent spellings ("\u{C5}" and "A\u{30A}"), which are distinct names.
        var names = Set<[UInt8]>()
        names.reserveCapacity(module.exports.count)
        for export in module.exports {
            let count: Int
            switch export.kind {
            case .function: count = context.functionTypes.count
            case .table: count = context.tableElementTypes.count
            case .memory: count = context.memoryCount
            case .global: count = context.globalTypes.count
            }
            guard Int(export.index) < count else {
                throw ValidationError("unknown \(export.kind == .function ? "function" : "\(export.kind)") \(export.index): exported as \"\(export.name)\"")
            }
            guard names.insert(Array(export.name.utf8)).inserted else {
                throw ValidationError("duplicate export name \"\(export.name)\"")
            }
        }
    }
}
