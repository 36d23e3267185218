import WasmCore

/// The embedding entry point: a world of instances that can link to each other.
///
///     let runtime = Runtime()
///     let instance = try runtime.instantiate(module, imports: imports)
///     let sum = try instance.invoke("add", [.i32(1), .i32(2)])
public final class Runtime {
    let store: Store

    public init(configuration: Configuration = Configuration()) {
        store = Store(configuration: configuration)
    }

    public var configuration: Configuration { store.configuration }

    /// Validates `module` (unless the caller says it already did), links it against `imports`,
    /// initialises its tables and memories, and runs its start function. Throws
    /// `ValidationError`, `LinkError` ("unknown import", "incompatible import type") or `Trap`.
    /// The engine relies on validity for memory safety, so pass `validated: true` only for a
    /// module that `Validator.validate` accepted.
    public func instantiate(_ module: Module, imports: Imports = Imports(), validated: Bool = false) throws -> Instance {
        if !validated { try Validator.validate(module) }
        try EngineLimits.check(module)
        let index = try store.instantiate(module, imports: imports)
        return Instance(store: store, index: index)
    }

    /// Drops `instance` while the runtime lives on: its memories' bytes, tables, compiled code
    /// and segments go back to the system at once. Handles that outlive it see an empty
    /// instance: exports are gone, calls of its functions (also through funcrefs kept in other
    /// tables) trap, its memories are empty and cannot grow. Throws `LinkError` while guest code
    /// runs in this runtime (including a suspended `Invocation`) and while a live instance
    /// imports from it (drop that one first). Dropping twice does nothing.
    public func drop(_ instance: Instance) throws {
        guard instance.store === store else { throw LinkError("the instance belongs to another runtime") }
        try store.drop(instance.index)
    }

    /// Adds a host function to the runtime, so it can be imported or put in a table.
    public func makeFunction(_ function: HostFunction, name: String = "host") -> FunctionInstance {
        FunctionInstance(store: store, address: store.addFunction(FunctionRecord(type: function.type, kind: .host(function, name: name)),
                                                          context: nil))
    }

    /// A host-owned memory (nil if its initial size exceeds the page limit).
    public func makeMemory(_ type: MemoryType) -> MemoryInstance? {
        store.addMemory(type).map { MemoryInstance(store: store, address: $0) }
    }

    public func makeTable(_ type: TableType, initial: Value? = nil) -> TableInstance? {
        var raw: UInt64 = 0
        if let initial { withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2) { initial.store(to: $0.baseAddress!); raw = $0[0] } }
        return store.addTable(type, initial: raw).map { TableInstance(store: store, address: $0) }
    }

    public func makeGlobal(_ type: GlobalType, value: Value) -> GlobalInstance {
        GlobalInstance(store: store, address: store.addGlobal(type, value: value))
    }

    /// The function with this address (as found in a funcref value), if any.
    public func function(address: UInt32) -> FunctionInstance? {
        Int(address) < store.functions.count ? FunctionInstance(store: store, address: address) : nil
    }
}

/// An importable or exportable entity.
public enum ExternalValue {
    case function(FunctionInstance)
    case table(TableInstance)
    case memory(MemoryInstance)
    case global(GlobalInstance)
    case tag(TagInstance)

    public var kind: ExternalKind {
        switch self {
        case .function: .function
        case .table: .table
        case .memory: .memory
        case .global: .global
        case .tag: .tag
        }
    }
}

/// The imports of a module, by module name and field name.
/// Names are compared by their UTF-8 bytes, as Wasm does (Swift's String equality would
/// identify canonically equivalent names such as "\u{C5}" and "A\u{30A}").
public struct Imports {
    private var entries: [NameKey: [NameKey: ExternalValue]] = [:]

    public init() {}

    public mutating func define(_ module: String, _ name: String, _ value: ExternalValue) {
        entries[NameKey(module), default: [:]][NameKey(name)] = value
    }

    /// Makes every export of `instance` importable under `module` (the WAST `register`).
    public mutating func define(_ module: String, exportsOf instance: Instance) {
        for (name, value) in instance.exports { define(module, name, value) }
    }

    public func lookup(_ module: String, _ name: String) -> ExternalValue? { entries[NameKey(module)]?[NameKey(name)] }
}

/// A name as its UTF-8 bytes.
struct NameKey: Hashable {
    let bytes: [UInt8]
    init(_ name: String) { bytes = Array(name.utf8) }
}

/// A function in a runtime (defined by a module or by the host).
public struct FunctionInstance {
    let store: Store
    public let address: UInt32

    public var type: FuncType { store.functions[Int(address)].type }

    /// Calls the function. Throws `Trap` on a trap or when the arguments do not match.
    public func invoke(_ arguments: [Value] = []) throws -> [Value] {
        try store.invoke(address, arguments)
    }

    /// Starts a call that the caller advances with `step()` (for debuggers and tests).
    public func startInvocation(_ arguments: [Value] = []) -> Invocation {
        Invocation(store: store, function: address, arguments: arguments)
    }

    public var isHost: Bool {
        if case .host = store.functions[Int(address)].kind { return true }
        return false
    }
}

/// A linear memory.
public struct MemoryInstance {
    let store: Store
    let address: Int

    private var storage: UnsafeMutablePointer<MemoryStorage> { store.memories[address] }

    public var type: MemoryType {
        MemoryType(limits: Limits(min: storage.pointee.pages, max: storage.pointee.declaredMax,
                                  addressType: storage.pointee.is64 ? .i64 : .i32))
    }
    public var pageCount: UInt64 { storage.pointee.pages }
    /// A memory64 memory (its addresses are i64).
    public var is64: Bool { storage.pointee.is64 }
    public var byteCount: UInt64 { storage.pointee.byteCount }

    /// Grows by `pages`; returns the old page count, or nil when over the limit.
    @discardableResult
    public func grow(by pages: UInt64) -> UInt64? { storage.pointee.grow(by: pages) }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count >= 0, storage.pointee.contains(offset, UInt64(count)) else { throw Trap(.outOfBoundsMemoryAccess) }
        guard count > 0, let base = storage.pointee.base else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + Int(offset), count: count))
    }

    public func write(_ bytes: [UInt8], at offset: UInt64) throws {
        guard storage.pointee.contains(offset, UInt64(bytes.count)) else { throw Trap(.outOfBoundsMemoryAccess) }
        guard !bytes.isEmpty, let base = storage.pointee.base else { return }
        bytes.withUnsafeBytes { (base + Int(offset)).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }

    /// Direct access to the bytes (valid only inside `body`; do not grow the memory meanwhile).
    public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: storage.pointee.base, count: Int(storage.pointee.byteCount)))
    }
}

/// A table of references.
public struct TableInstance {
    let store: Store
    let address: Int

    private var storage: UnsafeMutablePointer<TableStorage> { store.tables[address] }

    public var type: TableType {
        TableType(elementType: storage.pointee.elementType,
                  limits: Limits(min: storage.pointee.count, max: storage.pointee.declaredMax,
                                 addressType: storage.pointee.is64 ? .i64 : .i32))
    }
    public var count: UInt64 { storage.pointee.count }

    public func get(_ index: UInt64) throws -> Value {
        guard index < storage.pointee.count else { throw Trap(.outOfBoundsTableAccess) }
        var slot = storage.pointee.elements![Int(index)]
        return store.loadValue(store.storeType(ofTable: address), from: &slot, module: nil)
    }

    public func set(_ index: UInt64, _ value: Value) throws {
        guard index < storage.pointee.count else { throw Trap(.outOfBoundsTableAccess) }
        guard store.value(value, matches: store.storeType(ofTable: address), module: nil) else {
            throw Trap(.host("table element type mismatch"))
        }
        var slots: (UInt64, UInt64) = (0, 0)
        withUnsafeMutablePointer(to: &slots) { p in
            p.withMemoryRebound(to: UInt64.self, capacity: 2) { value.store(to: $0) }
        }
        storage.pointee.elements![Int(index)] = slots.0
    }
}

/// A global variable.
public struct GlobalInstance {
    let store: Store
    let address: Int

    public var type: GlobalType { store.globals[address].type }

    public var value: Value { store.loadValue(store.storeType(ofGlobal: address), from: store.globals[address].slots, module: nil) }

    /// Sets a mutable global. Throws when it is immutable or the type differs.
    public func set(_ value: Value) throws {
        guard !store.isDroppedGlobal(address) else { throw Trap(.host("the global's instance has been dropped")) }
        guard type.isMutable else { throw Trap(.host("global is immutable")) }
        guard store.value(value, matches: store.storeType(ofGlobal: address), module: nil) else {
            throw Trap(.host("global has type \(type.valueType), not \(value.type)"))
        }
        value.store(to: store.globals[address].slots)
    }
}

/// An instantiated module.
public struct Instance {
    let store: Store
    let index: Int

    public var module: Module { store.instances[index].module }
    /// Whether `Runtime.drop` has released the instance.
    public var isDropped: Bool { store.instances[index].isDropped }
    /// The exports in module order.
    public var exports: [(name: String, value: ExternalValue)] {
        let record = store.instances[index]
        return record.module.exports.compactMap { e in record.exports[NameKey(e.name)].map { (e.name, $0.value(in: store)) } }
    }

    public func export(_ name: String) -> ExternalValue? { store.instances[index].exports[NameKey(name)]?.value(in: store) }

    public func function(_ name: String) -> FunctionInstance? {
        if case .function(let f)? = export(name) { return f }
        return nil
    }

    public func memory(_ name: String) -> MemoryInstance? {
        if case .memory(let m)? = export(name) { return m }
        return nil
    }

    public func global(_ name: String) -> GlobalInstance? {
        if case .global(let g)? = export(name) { return g }
        return nil
    }

    public func table(_ name: String) -> TableInstance? {
        if case .table(let t)? = export(name) { return t }
        return nil
    }

    /// The instance's memory 0, exported or not.
    public var defaultMemory: MemoryInstance? {
        store.instances[index].memoryAddresses.first.map { MemoryInstance(store: store, address: $0) }
    }

    /// The number of memories in the instance's memory index space (imports first).
    public var memoryCount: Int { store.instances[index].memoryAddresses.count }

    /// Memory `index` of the instance's memory index space (multi-memory), exported or not.
    public func memory(at index: UInt32) -> MemoryInstance? {
        let addresses = store.instances[self.index].memoryAddresses
        return Int(index) < addresses.count ? MemoryInstance(store: store, address: addresses[Int(index)]) : nil
    }

    /// Calls an exported function. Throws `LinkError` when there is no such export, `Trap` on traps.
    public func invoke(_ name: String, _ arguments: [Value] = []) throws -> [Value] {
        guard !isDropped else { throw LinkError("the instance has been dropped") }
        guard let f = function(name) else { throw LinkError("no exported function \"\(name)\"") }
        return try f.invoke(arguments)
    }

    /// The function at `index` of the module's function index space.
    public func function(at index: UInt32) -> FunctionInstance? {
        let addresses = store.instances[self.index].functionAddresses
        return Int(index) < addresses.count ? FunctionInstance(store: store, address: addresses[Int(index)]) : nil
    }
}

/// What a host function knows about its caller.
public struct Caller {
    let store: Store
    let instanceIndex: Int?

    /// The calling instance (nil when the host called the function directly).
    public var instance: Instance? { instanceIndex.map { Instance(store: store, index: $0) } }

    /// The calling instance's memory 0.
    public var memory: MemoryInstance? { instance?.defaultMemory }
}
