/// Which 3.0 proposals a module uses: what an engine that runs Wasm 2.0 checks before it
/// accepts a module, so it can refuse it with "unsupported feature X" instead of failing later.

extension Module {
    /// The proposals beyond Wasm 2.0 that this module needs, as far as its declarations and
    /// instructions show (extended constant expressions included).
    public var featuresUsed: Features {
        var used: Features = []
        func note(_ type: ValueType) {
            guard case .ref(let r) = type else { return }
            if !r.isNullable { used.insert(.functionReferences) }
            switch r.heapType {
            case .concrete: used.insert(.functionReferences)
            case .abstract(let a):
                switch a {
                case .func, .extern: break
                case .exn, .noexn: used.insert(.exceptionHandling)
                default: used.insert(.gc)
                }
            }
        }
        for definition in typeDefinitions {
            switch definition.composite {
            case .function(let f): for t in f.params + f.results { note(t) }
            case .structure, .array: used.insert(.gc)
            }
            if !definition.isPlain { used.insert(.gc) }
        }
        if recursionGroups.contains(where: { $0.isExplicit }) { used.insert(.gc) }
        if memoryCount > 1 { used.insert(.multiMemory) }
        if tagCount > 0 || exports.contains(where: { $0.kind == .tag }) { used.insert(.exceptionHandling) }
        for memory in allMemoryTypes where memory.addressType == .i64 { used.insert(.memory64) }
        for table in allTableTypes {
            if table.addressType == .i64 { used.insert(.memory64) }
            note(.ref(table.elementType))
            if table.initializer != nil { used.insert(.functionReferences) }
        }
        for global in allGlobalTypes { note(global.valueType) }
        // A list of function indices is (ref func) in 3.0 but runs like a 2.0 funcref list.
        for segment in elements {
            if case .expressions = segment.items { note(.ref(segment.type)) }
        }

        func scan(_ expression: Expression, constant: Bool) {
            for instruction in expression.instructions {
                let op = instruction.opcode
                if op.rawValue >= firstWasm30Opcode { used.formUnion(Features.required(by: op)) }
                if constant, op != .end, op.info.prefix == 0, op.info.immediate == .none { used.insert(.extendedConst) }
                switch instruction.immediate {
                case .memarg(let m), .memlane(let m, _): if m.memory != 0 { used.insert(.multiMemory) }
                case .block(.value(let t)): note(t)
                case .select(let types): for t in types { note(t) }
                case .refType(let r): note(.ref(r))
                default: break
                }
                if op == .memorySize || op == .memoryGrow || op == .memoryFill, instruction.index != 0 { used.insert(.multiMemory) }
                if op == .memoryCopy || op == .memoryInit, case .indexPair(let a, let b) = instruction.immediate {
                    if (op == .memoryCopy && a != 0) || b != 0 { used.insert(.multiMemory) }
                }
                if constant, op == .globalGet, Int(instruction.index) >= importedGlobalCount { used.insert(.gc) }
            }
        }
        for function in functions {
            for local in function.locals { note(local.type) }
            scan(function.body, constant: false)
        }
        for global in globals { scan(global.initializer, constant: true) }
        for table in tables { if let e = table.initializer { scan(e, constant: true) } }
        for segment in elements {
            if case .active(_, let offset) = segment.mode { scan(offset, constant: true) }
            if case .expressions(let items) = segment.items { for e in items { scan(e, constant: true) } }
        }
        for segment in data {
            if case .active(_, let offset) = segment.mode { scan(offset, constant: true) }
        }
        return used
    }
}
