#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

/// Limits and options of a runtime.
public struct Configuration: Sendable {
    /// Guest call depth at which a call traps with "call stack exhausted".
    public var maxCallDepth: Int = 50_000
    /// Size of the value stack in 64-bit slots (all frames' params, locals and operands).
    public var stackSlots: Int = 4 << 20
    /// Upper bound on any memory's size in 64 KiB pages (memory.grow fails above it).
    public var maxMemoryPages: UInt64 = 65536
    /// Upper bound on any table's size in elements (table.grow fails above it).
    public var maxTableElements: UInt64 = 10_000_000
    /// When set, execution traps with "all fuel consumed" after this many units; one unit is
    /// spent at each function entry and each loop iteration.
    public var fuel: UInt64?
    /// Upper bound on the bytes of live GC objects (structs and arrays, headers included); an
    /// allocation that would exceed it after a collection traps.
    public var maxGCHeapBytes: Int = 1 << 30
    /// Whether 32-bit memories reserve the 8 GiB of address space that lets the run loop leave
    /// out bounds checks (an access past the memory's size faults on a guard page and traps
    /// exactly where a check would have). Off: each memory reserves only what it may grow to,
    /// and every access is checked (for hosts that limit address space, and for comparing the
    /// two).
    public var guardPages = true

    public init() {}
}

/// A function the host provides to the guest.
public struct HostFunction: @unchecked Sendable {
    public var type: FuncType
    public var body: (Caller, [Value]) throws -> [Value]

    public init(type: FuncType, body: @escaping (Caller, [Value]) throws -> [Value]) {
        self.type = type
        self.body = body
    }
}

/// Per-function data outside the hot path.
struct FunctionRecord {
    enum Kind {
        /// Function `index` (in its module's function index space) of instance `instance`.
        case wasm(instance: Int, index: UInt32)
        case host(HostFunction, name: String)
    }

    var type: FuncType
    var kind: Kind
    var compiled: CompiledFunction?
}

struct GlobalRecord {
    var type: GlobalType
    /// Two slots (v128 needs both); owned by the store.
    var slots: UnsafeMutablePointer<UInt64>
}

/// Everything an instance owns or imported, by store address.
final class InstanceRecord {
    /// The module (emptied when the instance is dropped, releasing this instance's share of it).
    var module: Module
    let context: UnsafeMutablePointer<InstanceContext>
    var functionAddresses: [UInt32] = []
    var tableAddresses: [Int] = []
    var memoryAddresses: [Int] = []
    var globalAddresses: [Int] = []
    var tagAddresses: [Int] = []
    /// Element segments as raw references; a dropped segment is empty.
    var elements: [[UInt64]] = []
    /// Data segments; a dropped segment is empty.
    var data: [[UInt8]] = []
    /// Exports by name, as addresses: an `ExternalValue` holds its store, and one kept here
    /// would make the store hold itself (it was never freed).
    var exports: [NameKey: ExportAddress] = [:]
    /// Type ids of the module's types.
    var typeIDs: [UInt32] = []
    /// Raw arrays the context points at, freed by the store.
    var globalPointers: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>?
    var tablePointers: UnsafeMutablePointer<UnsafeMutablePointer<TableStorage>>?
    var memoryPointers: UnsafeMutablePointer<UnsafeMutablePointer<MemoryStorage>>?
    /// What compiling its functions needs (Store.compileEnvironment), built once.
    var compileEnvironment: CompileEnvironment?
    /// Set by `Store.drop` (Store+Drop.swift): what the instance owned has been released.
    var isDropped = false
    /// Live instances that import something this instance defined; while there are any, it
    /// cannot be dropped.
    var importerCount = 0
    /// The instances this one imports from (each counts this one once in `importerCount`).
    var exporters: [Int] = []

    init(module: Module, context: UnsafeMutablePointer<InstanceContext>) {
        self.module = module
        self.context = context
    }

    /// What a dropped instance's address keeps (Store+Drop.swift): an empty record, shared by
    /// all of them and never changed (its context is never read: no function refers to it).
    static let dropped: InstanceRecord = {
        let context = UnsafeMutablePointer<InstanceContext>.allocate(capacity: 1)
        context.initialize(to: InstanceContext(memory: nil, globals: nil, tables: nil, instanceIndex: -1))
        let record = InstanceRecord(module: Module(), context: context)
        record.isDropped = true
        return record
    }()
}

/// An export's kind and address in its store (an `ExternalValue` without the store).
enum ExportAddress {
    case function(UInt32)
    case table(Int)
    case memory(Int)
    case global(Int)
    case tag(Int)

    init(_ value: ExternalValue) {
        switch value {
        case .function(let f): self = .function(f.address)
        case .table(let t): self = .table(t.address)
        case .memory(let m): self = .memory(m.address)
        case .global(let g): self = .global(g.address)
        case .tag(let t): self = .tag(t.address)
        }
    }

    func value(in store: Store) -> ExternalValue {
        switch self {
        case .function(let a): .function(FunctionInstance(store: store, address: a))
        case .table(let a): .table(TableInstance(store: store, address: a))
        case .memory(let a): .memory(MemoryInstance(store: store, address: a))
        case .global(let a): .global(GlobalInstance(store: store, address: a))
        case .tag(let a): .tag(TagInstance(store: store, address: a))
        }
    }
}

/// The runtime's world: every function, table, memory, global and instance, by address.
final class Store {
    let configuration: Configuration
    /// Engine view of the functions, indexed by function address. Reallocated when it grows,
    /// so the run loop reloads it after anything that may add functions (host calls).
    private(set) var entries: UnsafeMutablePointer<FunctionEntry>
    private var entryCapacity: Int
    private(set) var functions: [FunctionRecord] = []
    var instances: [InstanceRecord] = []
    var memories: [UnsafeMutablePointer<MemoryStorage>] = []
    var tables: [UnsafeMutablePointer<TableStorage>] = []
    var globals: [GlobalRecord] = []
    /// Tags and exception objects (Store+Exceptions.swift).
    var tags: [TagRecord] = []
    let exceptionHeap = ExceptionHeap()
    /// The instance that defined each memory, table and global, by address (nil: the host).
    var memoryOwners: [Int?] = []
    var tableOwners: [Int?] = []
    var globalOwners: [Int?] = []
    /// Defined types of all modules, canonical across the store (GC/TypeRegistry.swift).
    let types = TypeRegistry()
    /// Structs and arrays (GC/Heap.swift).
    let heap: GCHeap
    lazy var execution = Execution(configuration: configuration)
    /// Told about each function compiled (a debugger patches stop points into code as it is
    /// made, rather than compiling every function up front). Runs on the thread that compiles.
    /// One entry per `Debuggee` of the store: a debug session's and one the prompt makes for a
    /// call beside it (Ctrl-C) may watch the same store at once, and neither may unhook the other.
    var compileObservers: [ObjectIdentifier: (UInt32, CompiledFunction) -> Void] = [:]
    /// Whether a debugger looks at this store's frames (`enterDebugging`): functions compile
    /// for it and calls zero [params, debugZeroEnd), the locals the debugger could not show
    /// correctly otherwise (Compiler+DebugLocals.swift); it shows the others as zero until
    /// their first write.
    private(set) var debugging = false
    /// Whether calls zero every local, so every slot holds its local's value (set with
    /// `zeroAllLocals()`, once the debugger writes a local: it may write one not written yet).
    private(set) var zeroesAllLocals = false

    /// From now on functions compile for the debugger and calls zero what it needs.
    func enterDebugging() {
        guard !debugging else { return }
        debugging = true
        for address in functions.indices where entries[address].code != nil {
            // Compiled before: without the analysis, so its debugZeroEnd is localsEnd.
            guard let compiled = functions[address].compiled else { continue }
            entries[address].zeroEnd = UInt32(zeroesAllLocals ? compiled.localsEnd : compiled.debugZeroEnd)
        }
    }

    /// From now on every call zeroes every local, in the functions compiled so far too.
    func zeroAllLocals() {
        zeroesAllLocals = true
        for address in functions.indices where entries[address].code != nil {
            entries[address].zeroEnd = entries[address].localsEnd
        }
    }

    init(configuration: Configuration) {
        self.configuration = configuration
        heap = GCHeap(maxBytes: configuration.maxGCHeapBytes)
        entryCapacity = 64
        entries = .allocate(capacity: entryCapacity)
    }

    deinit {
        entries.deallocate()
        for m in memories {
            guard m != Store.droppedMemory else { continue }
            m.pointee.release()
            m.deallocate()
        }
        for t in tables where t != Store.droppedTable {
            free(t.pointee.elements)
            t.deallocate()
        }
        for g in globals where g.slots != Store.droppedGlobalSlots { g.slots.deallocate() }
        for i in instances where !i.isDropped {
            i.context.deallocate()
            i.globalPointers?.deallocate()
            i.tablePointers?.deallocate()
            i.memoryPointers?.deallocate()
        }
    }

    /// The store type id of a function type standing alone (host functions).
    func typeID(_ type: FuncType) -> UInt32 {
        types.register(function: type)
    }

    /// `typeID`: the function's store type id (defined functions: their module's type, which
    /// may be a subtype or part of a recursion group); nil for a host function's plain type.
    func addFunction(_ record: FunctionRecord, context: UnsafeMutablePointer<InstanceContext>?, typeID knownID: UInt32? = nil) -> UInt32 {
        if functions.count == entryCapacity {
            let bigger = UnsafeMutablePointer<FunctionEntry>.allocate(capacity: entryCapacity * 2)
            bigger.moveInitialize(from: entries, count: functions.count)
            entries.deallocate()
            entries = bigger
            entryCapacity *= 2
        }
        let address = UInt32(functions.count)
        let type = record.type
        let isHost: Bool
        if case .host = record.kind { isHost = true } else { isHost = false }
        (entries + functions.count).initialize(to: FunctionEntry(
            code: nil, context: context, typeID: knownID ?? typeID(type),
            paramSlots: UInt32(type.params.reduce(0) { $0 + $1.slotCount }),
            resultSlots: UInt32(type.results.reduce(0) { $0 + $1.slotCount }),
            localsEnd: 0, frameSize: 0, isHost: isHost))
        functions.append(record)
        return address
    }

    func addMemory(_ type: MemoryType, owner: Int? = nil) -> Int? {
        // `maxMemoryPages` (--max-memory) bounds every memory, 64-bit ones included, so it also
        // bounds what MemoryStorage reserves for a memory64 memory with a huge declared maximum.
        let is64 = type.addressType == .i64
        let specMax = is64 ? MemoryType.maxPages64 : MemoryType.maxPages
        let limit = Swift.min(type.limits.max ?? specMax, configuration.maxMemoryPages)
        var storage = MemoryStorage(base: nil, byteCount: 0, declaredMax: type.limits.max, pageLimit: limit)
        storage.is64 = is64
        storage.guardPages = configuration.guardPages
        guard storage.grow(by: type.limits.min) != nil else { return nil }
        let p = UnsafeMutablePointer<MemoryStorage>.allocate(capacity: 1)
        p.initialize(to: storage)
        memories.append(p)
        memoryOwners.append(owner)
        return memories.count - 1
    }

    func addTable(_ type: TableType, initial: UInt64, owner: Int? = nil) -> Int? {
        let limit = Swift.min(type.limits.max ?? UInt64(UInt32.max), configuration.maxTableElements)
        var storage = TableStorage(elements: nil, count: 0, declaredMax: type.limits.max,
                                   elementLimit: limit, elementType: type.elementType)
        storage.is64 = type.addressType == .i64
        guard storage.grow(by: type.limits.min, filling: initial) != nil else { return nil }
        let p = UnsafeMutablePointer<TableStorage>.allocate(capacity: 1)
        p.initialize(to: storage)
        tables.append(p)
        tableOwners.append(owner)
        return tables.count - 1
    }

    func addGlobal(_ type: GlobalType, value: Value, owner: Int? = nil) -> Int {
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        slots.initialize(repeating: 0, count: 2)
        value.store(to: slots)
        globals.append(GlobalRecord(type: type, slots: slots))
        globalOwners.append(owner)
        return globals.count - 1
    }

    /// Compiles function `address` if it has not been yet. Off the hot path.
    @inline(never)
    func ensureCompiled(_ address: UInt32) -> CompileError? {
        guard Int(address) < functions.count else { return CompileError("unknown function") }
        if entries[Int(address)].code != nil { return nil }
        guard case .wasm(let instanceIndex, let index) = functions[Int(address)].kind else { return nil }
        let instance = instances[instanceIndex]
        guard !instance.isDropped else { return CompileError("the function's instance has been dropped") }
        let env = compileEnvironment(of: instance)
        do {
            let compiled = try Compiler.compile(functionIndex: index, environment: env, forDebugger: debugging)
            functions[Int(address)].compiled = compiled
            entries[Int(address)].localsEnd = UInt32(compiled.localsEnd)
            entries[Int(address)].frameSize = UInt32(compiled.frameSize)
            entries[Int(address)].zeroEnd = UInt32(zeroesAllLocals ? compiled.localsEnd
                                                   : debugging ? compiled.debugZeroEnd : compiled.zeroEnd)
            entries[Int(address)].code = compiled.code
            for observer in compileObservers.values { observer(address, compiled) }
            return nil
        } catch {
            return error
        }
    }

    /// The first stop point function `address` will have, without compiling it (nil: not a
    /// function with code, or one that does not compile; `ensureCompiled` reports why).
    func entryStopPoint(_ address: UInt32) -> StopPoint? {
        guard Int(address) < functions.count, case .wasm(let instanceIndex, let index) = functions[Int(address)].kind else {
            return nil
        }
        if let compiled = compiled(address) {
            guard let first = compiled.stopCodeIndex.first else { return nil }
            return StopPoint(codeIndex: Int(first), fileOffset: compiled.stopFileOffset[0], runEnd: compiled.stopRunEnd[0])
        }
        let instance = instances[instanceIndex]
        guard !instance.isDropped else { return nil }
        return try? Compiler.entryStopPoint(functionIndex: index, environment: compileEnvironment(of: instance),
                                            forDebugger: debugging)
    }

    /// The instance's compile environment, built at its first compilation and kept (building it
    /// walks the module, so it must not happen per function).
    func compileEnvironment(of instance: InstanceRecord) -> CompileEnvironment {
        if let env = instance.compileEnvironment { return env }
        var env = CompileEnvironment(
            module: instance.module, functionAddresses: instance.functionAddresses,
            typeIDs: instance.typeIDs,
            globalTypes: instance.globalAddresses.map { globals[$0].type },
            meterFuel: configuration.fuel != nil)
        env.tagAddresses = instance.tagAddresses
        env.tagTypes = instance.tagAddresses.map { tags[$0].type }
        instance.compileEnvironment = env
        return env
    }

    /// Frees the compiled code of function `address` (its instance was dropped).
    func releaseCompiled(_ address: UInt32) {
        functions[Int(address)].compiled = nil
    }

    /// The compiled function whose code contains `pc`, if any (for positions and backtraces).
    func compiled(_ address: UInt32) -> CompiledFunction? {
        Int(address) < functions.count ? functions[Int(address)].compiled : nil
    }

    /// The Wasm position of code index `index` in function `address` (`trapped`: of the
    /// instruction that trapped there; see `CompiledFunction.fileOffset`).
    func position(function address: UInt32, codeIndex index: Int, trapped: Bool = false) -> CodePosition? {
        guard let compiled = compiled(address),
              case .wasm(_, let funcIndex) = functions[Int(address)].kind,
              let offset = compiled.fileOffset(atCodeIndex: index, trapped: trapped) else { return nil }
        return CodePosition(functionIndex: funcIndex, fileOffset: offset)
    }

    /// `$name+0x12 (func 3, offset 0x86)` for a position in function `address`.
    func describe(function address: UInt32, codeIndex index: Int, trapped: Bool = false) -> BacktraceFrame {
        guard Int(address) < functions.count else {
            return BacktraceFrame(functionAddress: address, position: nil, description: "?")
        }
        switch functions[Int(address)].kind {
        case .host(_, let name):
            return BacktraceFrame(functionAddress: address, position: nil, description: "host function \(name)")
        case .wasm(let instanceIndex, let funcIndex):
            let module = instances[instanceIndex].module
            if let position = position(function: address, codeIndex: index, trapped: trapped) {
                return BacktraceFrame(functionAddress: address, position: position, description: module.describe(position))
            }
            return BacktraceFrame(functionAddress: address, position: nil,
                                  description: module.displayName(ofFunction: funcIndex))
        }
    }
}
