import WasmCore

// Linking and instantiation (spec §4.5.3–4.5.4): resolve imports with the import-matching
// rules, allocate the module's entities, initialise tables and memories from active segments
// in order (a trap leaves the effects of the segments before it), then run the start function.

extension Store {
    func instantiate(_ module: Module, imports: Imports) throws -> Int {
        // A module that needs a 3.0 proposal the engine does not run yet is refused here. The
        // scan reads (decodes) every body, so it is skipped while the engine runs all of 3.0.
        if !EngineFeatures.executable.isSuperset(of: .wasm30) {
            let missing = module.featuresUsed.subtracting(EngineFeatures.executable)
            if !missing.isEmpty {
                throw LinkError("unsupported feature \(missing): the engine does not execute it yet")
            }
        }
        var functionAddresses: [UInt32] = []
        // Store type ids of the module's types (canonical across the store: GC/TypeRegistry.swift).
        let typeIDs = types.register(module)
        var tableAddresses: [Int] = []
        var memoryAddresses: [Int] = []
        var globalAddresses: [Int] = []
        var tagAddresses: [Int] = []

        for imp in module.imports {
            guard let value = imports.lookup(imp.module, imp.name) else {
                throw LinkError("unknown import \"\(imp.module)\".\"\(imp.name)\"")
            }
            func incompatible(_ detail: String) -> LinkError {
                LinkError("incompatible import type for \"\(imp.module)\".\"\(imp.name)\": \(detail)")
            }
            switch (imp.descriptor, value) {
            case (.function(let typeIndex), .function(let f)):
                guard f.store === self else { throw incompatible("function of another runtime") }
                guard Int(typeIndex) < module.types.count else { throw incompatible("unknown type") }
                let expected = module.types[Int(typeIndex)]
                let actual = functions[Int(f.address)].type
                // A function of the expected type or of a declared subtype of it.
                guard types.isSubtype(entries[Int(f.address)].typeID, of: typeIDs[Int(typeIndex)]) else {
                    throw incompatible("expected \(expected), got \(actual)")
                }
                functionAddresses.append(f.address)
            case (.table(let expected), .table(let t)):
                guard t.store === self else { throw incompatible("table of another runtime") }
                let actual = tables[t.address].pointee
                guard storeType(ofTable: t.address) == types.storeForm(.ref(expected.elementType), ids: typeIDs),
                      actual.is64 == (expected.addressType == .i64),
                      Store.matches(Limits(min: actual.count, max: actual.declaredMax), expected.limits) else {
                    throw incompatible("table limits or element type do not match")
                }
                tableAddresses.append(t.address)
            case (.memory(let expected), .memory(let m)):
                guard m.store === self else { throw incompatible("memory of another runtime") }
                let actual = memories[m.address].pointee
                guard actual.is64 == (expected.addressType == .i64), Store.matches(Limits(min: actual.pages, max: actual.declaredMax), expected.limits) else {
                    throw incompatible("memory limits do not match")
                }
                memoryAddresses.append(m.address)
            case (.global(let expected), .global(let g)):
                guard g.store === self else { throw incompatible("global of another runtime") }
                let actualType = storeType(ofGlobal: g.address)
                let expectedType = types.storeForm(expected.valueType, ids: typeIDs)
                // Mutable globals are invariant, immutable ones covariant.
                guard globals[g.address].type.isMutable == expected.isMutable,
                      expected.isMutable ? actualType == expectedType : types.matches(actualType, expectedType) else {
                    throw incompatible("expected \(expected.valueType), got \(globals[g.address].type.valueType)")
                }
                globalAddresses.append(g.address)
            case (.tag(let expected), .tag(let t)):
                guard t.store === self else { throw incompatible("tag of another runtime") }
                guard Int(expected.typeIndex) < module.types.count else { throw incompatible("unknown type") }
                let type = module.types[Int(expected.typeIndex)]
                let matches = tags[t.address].typeID.map { $0 == typeIDs[Int(expected.typeIndex)] } ?? (tags[t.address].type == type)
                guard matches else { throw incompatible("expected tag \(type), got \(tags[t.address].type)") }
                tagAddresses.append(t.address)
            default:
                throw incompatible("expected a \(imp.descriptor.kind), got a \(value.kind)")
            }
        }

        // The instances it imports from cannot be dropped while it lives.
        let importedFrom = try exporters(functions: functionAddresses, tables: tableAddresses,
                                         memories: memoryAddresses, globals: globalAddresses)
        let context = UnsafeMutablePointer<InstanceContext>.allocate(capacity: 1)
        let instanceIndex = instances.count
        context.initialize(to: InstanceContext(memory: nil, globals: nil, tables: nil, instanceIndex: instanceIndex))
        let record = InstanceRecord(module: module, context: context)
        instances.append(record)
        record.typeIDs = typeIDs
        record.exporters = importedFrom
        for k in importedFrom { instances[k].importerCount += 1 }

        let importedFunctions = functionAddresses.count
        for (i, f) in module.functions.enumerated() {
            guard Int(f.typeIndex) < module.types.count else { throw LinkError("unknown type") }
            functionAddresses.append(addFunction(
                FunctionRecord(type: module.types[Int(f.typeIndex)],
                               kind: .wasm(instance: instanceIndex, index: UInt32(importedFunctions + i))),
                context: context, typeID: typeIDs[Int(f.typeIndex)]))
        }
        record.functionAddresses = functionAddresses
        let importedTags = tagAddresses.count
        for (i, tag) in module.tags.enumerated() {
            guard Int(tag.typeIndex) < module.types.count else { throw LinkError("unknown type") }
            tagAddresses.append(addTag(module.types[Int(tag.typeIndex)],
                                       name: Store.tagName(in: module, index: UInt32(importedTags + i)),
                                       typeID: typeIDs[Int(tag.typeIndex)]))
        }
        record.tagAddresses = tagAddresses

        for g in module.globals {
            let value = try evaluate(g.initializer, type: g.type.valueType, functions: functionAddresses, globals: globalAddresses,
                                     module: module, typeIDs: typeIDs)
            globalAddresses.append(addGlobal(g.type, value: value, owner: instanceIndex))
        }
        for t in module.tables {
            var initial: UInt64 = 0
            if let initializer = t.initializer {
                // (function references: a table's initial element, any constant expression)
                let value = try evaluate(initializer, type: .ref(t.elementType), functions: functionAddresses,
                                         globals: globalAddresses, module: module, typeIDs: typeIDs)
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2) { value.store(to: $0.baseAddress!); initial = $0[0] }
            }
            guard let address = addTable(t, initial: initial, owner: instanceIndex) else { throw LinkError("table size exceeds the runtime's limit") }
            tableAddresses.append(address)
        }
        for m in module.memories {
            guard let address = addMemory(m, owner: instanceIndex) else { throw LinkError("memory size exceeds the runtime's limit") }
            memoryAddresses.append(address)
        }
        record.tableAddresses = tableAddresses
        record.memoryAddresses = memoryAddresses
        record.globalAddresses = globalAddresses

        // The raw views the run loop uses.
        let globalPointers = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>.allocate(capacity: max(globalAddresses.count, 1))
        for (i, g) in globalAddresses.enumerated() { (globalPointers + i).initialize(to: globals[g].slots) }
        let tablePointers = UnsafeMutablePointer<UnsafeMutablePointer<TableStorage>>.allocate(capacity: max(tableAddresses.count, 1))
        for (i, t) in tableAddresses.enumerated() { (tablePointers + i).initialize(to: tables[t]) }
        let memoryPointers = UnsafeMutablePointer<UnsafeMutablePointer<MemoryStorage>>.allocate(capacity: max(memoryAddresses.count, 1))
        for (i, m) in memoryAddresses.enumerated() { (memoryPointers + i).initialize(to: memories[m]) }
        record.globalPointers = globalPointers
        record.tablePointers = tablePointers
        record.memoryPointers = memoryPointers
        context.pointee.globals = globalPointers
        context.pointee.tables = tablePointers
        context.pointee.memory = memoryAddresses.first.map { memories[$0] }
        context.pointee.memories = memoryPointers
        context.pointee.memoryCount = memoryAddresses.count

        for export in module.exports {
            let i = Int(export.index)
            let value: ExternalValue
            switch export.kind {
            case .function:
                guard i < functionAddresses.count else { throw LinkError("unknown function export") }
                value = .function(FunctionInstance(store: self, address: functionAddresses[i]))
            case .table:
                guard i < tableAddresses.count else { throw LinkError("unknown table export") }
                value = .table(TableInstance(store: self, address: tableAddresses[i]))
            case .memory:
                guard i < memoryAddresses.count else { throw LinkError("unknown memory export") }
                value = .memory(MemoryInstance(store: self, address: memoryAddresses[i]))
            case .global:
                guard i < globalAddresses.count else { throw LinkError("unknown global export") }
                value = .global(GlobalInstance(store: self, address: globalAddresses[i]))
            case .tag:
                guard i < tagAddresses.count else { throw LinkError("unknown tag export") }
                value = .tag(TagInstance(store: self, address: tagAddresses[i]))
            }
            record.exports[NameKey(export.name)] = ExportAddress(value)
        }

        // Segments: evaluate element items, keep data bytes (dropped once used).
        record.elements = try module.elements.map { segment in
            switch segment.items {
            case .functions(let indices):
                return try indices.map { i in
                    guard Int(i) < functionAddresses.count else { throw LinkError("unknown function in element segment") }
                    return UInt64(functionAddresses[Int(i)]) + 1
                }
            case .expressions(let expressions):
                // All values first: their handles keep objects they allocate alive until the
                // segment (a root of the collector) holds them.
                let values = try expressions.map { e in
                    try evaluate(e, type: segment.type.valueType, functions: functionAddresses, globals: globalAddresses,
                                 module: module, typeIDs: typeIDs)
                }
                return values.map { v in
                    var slots: (UInt64, UInt64) = (0, 0)
                    withUnsafeMutablePointer(to: &slots) { $0.withMemoryRebound(to: UInt64.self, capacity: 2) { v.store(to: $0) } }
                    return slots.0
                }
            }
        }
        record.data = module.data.map(\.bytes)

        for (i, segment) in module.elements.enumerated() {
            switch segment.mode {
            case .passive: continue
            case .declarative: record.elements[i] = []
            case .active(let tableIndex, let offsetExpression):
                guard Int(tableIndex) < tableAddresses.count else { throw LinkError("bad element segment offset") }
                let table = tables[tableAddresses[Int(tableIndex)]]
                // A table64 table takes an i64 offset.
                let offsetType: ValueType = table.pointee.is64 ? .i64 : .i32
                let offset = try evaluate(offsetExpression, type: offsetType, functions: functionAddresses, globals: globalAddresses,
                                      module: module, typeIDs: typeIDs)
                guard let d = offset.address else { throw LinkError("bad element segment offset") }
                let items = record.elements[i]
                guard table.pointee.contains(d, UInt64(items.count)) else {
                    throw Trap(.outOfBoundsTableAccess)
                }
                for (k, item) in items.enumerated() { table.pointee.elements![Int(d) + k] = item }
                record.elements[i] = []
            }
        }
        for (i, segment) in module.data.enumerated() {
            guard case .active(let memoryIndex, let offsetExpression) = segment.mode else { continue }
            guard Int(memoryIndex) < memoryAddresses.count else { throw LinkError("bad data segment offset") }
            let memory = memories[memoryAddresses[Int(memoryIndex)]]
            // A memory64 memory takes an i64 offset.
            let offsetType: ValueType = memory.pointee.is64 ? .i64 : .i32
            let offset = try evaluate(offsetExpression, type: offsetType, functions: functionAddresses, globals: globalAddresses,
                                      module: module, typeIDs: typeIDs)
            guard let d = offset.address else { throw LinkError("bad data segment offset") }
            let bytes = segment.bytes
            guard memory.pointee.contains(d, UInt64(bytes.count)) else { throw Trap(.outOfBoundsMemoryAccess) }
            if !bytes.isEmpty {
                bytes.withUnsafeBytes { (memory.pointee.base! + Int(d)).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            }
            record.data[i] = []
        }

        if let start = module.start {
            guard Int(start) < functionAddresses.count else { throw LinkError("unknown start function") }
            _ = try invoke(functionAddresses[Int(start)], [])
        }
        return instanceIndex
    }

    // (Segment offsets are checked with `contains`, which never overflows: an i64 offset near
    // 2^64 is out of bounds, not wrapped.)

    /// Import matching of limits: the actual range must lie within the expected one.
    static func matches(_ actual: Limits, _ expected: Limits) -> Bool {
        guard actual.min >= expected.min else { return false }
        guard let expectedMax = expected.max else { return true }
        guard let actualMax = actual.max else { return false }
        return actualMax <= expectedMax
    }

    /// The type of global `address` in store form (its defining module's type indices as
    /// store type ids; a host global's type has none).
    func storeType(ofGlobal address: Int) -> ValueType {
        let type = globals[address].type.valueType
        guard let owner = globalOwners[address] else { return type }
        return types.storeForm(type, ids: instances[owner].typeIDs)
    }

    func storeType(ofTable address: Int) -> ValueType {
        let type = ValueType.ref(tables[address].pointee.elementType)
        guard let owner = tableOwners[address] else { return type }
        return types.storeForm(type, ids: instances[owner].typeIDs)
    }
}

extension Value {
    /// An i32 or i64 used as a memory or table address (segment offsets), unsigned.
    var address: UInt64? {
        switch self {
        case .i32(let v): UInt64(v)
        case .i64(let v): v
        default: nil
        }
    }
}
