/// The module-level rules of validation (spec §3.4): everything outside function bodies.

extension ModuleValidator {
    /// Checks the declarations and returns the body checker, ready for the functions.
    static func checkDeclarations(_ module: Module, features: Features) throws(ValidationError) -> FunctionValidator {
        let canonicalIDs = try TypeCanonicalizer.canonicalIDs(of: module)
        let context = ValidationContext(module, features: features, canonicalIDs: canonicalIDs)
        try context.checkTypeSection()
        let typeCount = module.typeDefinitions.count
        func checkFunctionType(_ index: UInt32, _ what: @autoclosure () -> String) throws(ValidationError) {
            guard Int(index) < typeCount else {
                throw ValidationError("unknown type \(index): \(what()) names a type, the module has \(typeCount)")
            }
            guard context.isFunctionType[Int(index)] else {
                throw ValidationError("type mismatch: \(what()) names type \(index), which is not a function type")
            }
        }
        func checkTag(_ tag: TagType, _ what: String) throws(ValidationError) {
            try checkFunctionType(tag.typeIndex, what)
            guard module.typeDefinitions[Int(tag.typeIndex)].functionType?.results.isEmpty ?? false else {
                throw ValidationError("non-empty tag result type: \(what) has type \(tag.typeIndex) with results")
            }
        }

        for (i, entry) in module.imports.enumerated() {
            let what = "import \(i) (\"\(entry.module)\" \"\(entry.name)\")"
            switch entry.descriptor {
            case .function(let typeIndex): try checkFunctionType(typeIndex, what)
            case .table(let table):
                try context.checkValid(.ref(table.elementType), what)
                try checkTableLimits(table.limits, what)
            case .memory(let memory): try checkMemoryLimits(memory.limits, what, features)
            case .global(let global): try context.checkValid(global.valueType, what)
            case .tag(let tag): try checkTag(tag, what)
            }
        }
        for (i, function) in module.functions.enumerated() {
            try checkFunctionType(function.typeIndex, "function \(module.importedFunctionCount + i)")
        }
        for (i, memory) in module.memories.enumerated() {
            try checkMemoryLimits(memory.limits, "memory \(module.importedMemoryCount + i)", features)
        }
        if module.memoryCount > 1 && !features.contains(.multiMemory) {
            throw ValidationError("multiple memories: the module has \(module.memoryCount), Wasm 2.0 allows one")
        }
        for (i, tag) in module.tags.enumerated() {
            try checkTag(tag, "tag \(module.importedTagCount + i)")
        }

        var checker = FunctionValidator(module: module, context: context)
        let allGlobals = module.globalCount
        for (i, table) in module.tables.enumerated() {
            let what = "table \(module.importedTableCount + i)"
            try context.checkValid(.ref(table.elementType), what)
            try checkTableLimits(table.limits, what)
            if let initializer = table.initializer {
                // The table section comes before the global section: only imported globals exist yet.
                try checker.validateConstant(initializer, type: .ref(table.elementType), visibleGlobals: module.importedGlobalCount,
                                             what: "initializer of \(what)")
            } else if !table.elementType.isNullable {
                throw ValidationError("type mismatch: \(what) holds non-nullable \(table.elementType) and needs an initializer")
            }
        }
        for (i, global) in module.globals.enumerated() {
            let index = module.importedGlobalCount + i
            try context.checkValid(global.type.valueType, "global \(index)")
            // With GC, a global initializer may read the immutable globals defined before it.
            let visible = features.contains(.gc) ? index : module.importedGlobalCount
            try checker.validateConstant(global.initializer, type: global.type.valueType, visibleGlobals: visible,
                                         what: "initializer of global \(index)")
        }
        let segmentGlobals = features.contains(.gc) ? allGlobals : module.importedGlobalCount
        for (i, segment) in module.elements.enumerated() {
            try checkElementSegment(segment, index: i, context: context, checker: &checker, visibleGlobals: segmentGlobals)
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
                let address: ValueType = context.memoryAddressTypes[Int(memory)] == i64Code ? .i64 : .i32
                try checker.validateConstant(offset, type: address, visibleGlobals: segmentGlobals, what: "offset of data segment \(i)")
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
        return checker
    }

    static func checkTableLimits(_ limits: Limits, _ what: String) throws(ValidationError) {
        if limits.addressType == .i32 && (limits.min > UInt64(UInt32.max) || (limits.max ?? 0) > UInt64(UInt32.max)) {
            throw ValidationError("table size must be at most 2^32-1: \(what) asks for \(Swift.max(limits.min, limits.max ?? 0))")
        }
        if let max = limits.max, limits.min > max {
            throw ValidationError("size minimum must not be greater than maximum: \(what) has min \(limits.min) > max \(max)")
        }
    }

    static func checkMemoryLimits(_ limits: Limits, _ what: String, _ features: Features) throws(ValidationError) {
        let pages = limits.addressType == .i64 ? MemoryType.maxPages64 : MemoryType.maxPages
        if limits.min > pages || (limits.max ?? 0) > pages {
            let limit = limits.addressType == .i64 ? "2^48 pages" : "\(pages) pages (4GiB)"
            throw ValidationError("memory size must be at most \(limit): \(what) asks for \(Swift.max(limits.min, limits.max ?? 0))")
        }
        if let max = limits.max, limits.min > max {
            throw ValidationError("size minimum must not be greater than maximum: \(what) has min \(limits.min) > max \(max)")
        }
    }

    private static func checkElementSegment(_ segment: ElementSegment, index: Int, context: ValidationContext,
                                            checker: inout FunctionValidator, visibleGlobals: Int) throws(ValidationError) {
        let what = "element segment \(index)"
        try context.checkValid(.ref(segment.type), what)
        if case .active(let table, let offset) = segment.mode {
            guard Int(table) < context.tableElementTypes.count else {
                throw ValidationError("unknown table \(table): \(what) is for table \(table), the module has \(context.tableElementTypes.count)")
            }
            let address: ValueType = context.tableAddressTypes[Int(table)] == i64Code ? .i64 : .i32
            try checker.validateConstant(offset, type: address, visibleGlobals: visibleGlobals, what: "offset of \(what)")
            let tableType = context.tableElementTypes[Int(table)]
            var local = context
            let segmentCode = local.code(.ref(segment.type))
            guard local.matches(segmentCode, tableType) else {
                throw ValidationError("type mismatch: \(what) holds \(segment.type) but table \(table) holds \(context.name(tableType))")
            }
        }
        switch segment.items {
        case .functions(let indices):
            guard context.matches(RefType(nullable: false, .func), segment.type) else {
                throw ValidationError("type mismatch: \(what) lists functions but has type \(segment.type)")
            }
            for f in indices where Int(f) >= context.functionTypes.count {
                throw ValidationError("unknown function \(f): named in \(what), the module has \(context.functionTypes.count)")
            }
        case .expressions(let expressions):
            for (i, expression) in expressions.enumerated() {
                try checker.validateConstant(expression, type: .ref(segment.type), visibleGlobals: visibleGlobals,
                                             what: "item \(i) of \(what)")
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
            case .tag: count = context.tagTypes.count
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
