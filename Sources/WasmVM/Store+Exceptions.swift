import WasmCore

// Tags and exception objects (WebAssembly 3.0 exception handling; Docs/wasm-3.0.md).
//
// A tag is a store entity like a global: defined by an instance or imported, identified by its
// store address (two modules that import the same tag catch each other's exceptions). An
// exception object is a tag and its payload (raw slots), kept in the store's `ExceptionHeap`;
// an `exnref` value is the object's index in it, tagged (see `ExceptionHeap.encode`).
//
// Lifetime: an object no exnref has ever referred to (the usual case: thrown, then caught by a
// `catch` or `catch_all` without `_ref`, or uncaught) is freed as soon as it is caught or ends
// the invocation. Once an exnref to it exists (`catch_ref`, `catch_all_ref`, and the legacy
// `catch`, which keeps the exception for `rethrow`), the guest may copy that reference anywhere;
// such objects are freed by a collection that runs when throwing finds the heap twice as full
// as after the previous one: it keeps every object whose exnref appears in the value stack up
// to the current frame, in a global or table of the exn hierarchy, or in a kept object's
// payload (conservatively: any slot holding the exact encoding counts, so an unrelated number
// can at worst keep an object alive). Exnrefs held by the host (returned by an invocation) are
// not roots.

/// A tag: the parameter types of the exceptions it makes, and a name for messages.
struct TagRecord {
    var type: FuncType
    /// The canonical store type id of a tag a module defined (nil for one the host made): tag
    /// imports match by it, so `(rec (type $t1 (func)) (type $t2 (func)))` keeps $t1 and $t2
    /// apart although both are `(func)`.
    var typeID: UInt32? = nil
    /// `$name` from the defining module's name section, its export name, or `tag N`.
    var name: String
    var payloadSlots: Int { type.params.reduce(0) { $0 + $1.slotCount } }
}

/// An exception object.
struct ExceptionObject {
    /// Store address of its tag.
    var tag: Int
    var payload: [UInt64]
    /// An exnref to it has been handed to the guest: only a collection may free it.
    var exposed = false
}

/// The store's exception objects, and the debugger's requests to stop at throws and catches.
final class ExceptionHeap {
    private(set) var objects: [ExceptionObject?] = []
    private var free: [Int] = []
    private(set) var liveCount = 0
    /// A collection runs when `liveCount` reaches this.
    private var collectAt = 1024

    /// The debugger's stops (Debug/Debuggee+Exceptions.swift): before a throw runs (`passNextThrow`
    /// lets the throw the debugger resumes go), and after an exception was delivered to a handler.
    var stopAtThrow = false
    var passNextThrow = false
    var stopAtCatch = false
    /// The exception last delivered to a handler (for the debugger's catch report).
    var lastCaught: (tag: Int, payload: [UInt64])?

    /// Marks exnref slots apart from small numbers, so a conservative scan rarely mistakes one.
    static let marker: UInt64 = 0xE7C0 << 48

    static func encode(_ index: Int) -> UInt64 { marker | UInt64(index + 1) }

    /// The object index of an exnref slot value, nil for null or anything that is not one.
    static func decode(_ raw: UInt64) -> Int? {
        guard raw & 0xFFFF_0000_0000_0000 == marker else { return nil }
        let low = raw & 0xFFFF_FFFF_FFFF
        return low == 0 ? nil : Int(low - 1)
    }

    func object(_ index: Int) -> ExceptionObject? {
        index >= 0 && index < objects.count ? objects[index] : nil
    }

    func allocate(tag: Int, payload: [UInt64]) -> Int {
        let object = ExceptionObject(tag: tag, payload: payload)
        liveCount += 1
        if let index = free.popLast() {
            objects[index] = object
            return index
        }
        objects.append(object)
        return objects.count - 1
    }

    /// The exnref of object `index`, marking it as referenced.
    func reference(_ index: Int) -> UInt64 {
        objects[index]?.exposed = true
        return ExceptionHeap.encode(index)
    }

    /// Frees object `index` unless an exnref may refer to it.
    func releaseIfUnreferenced(_ index: Int) {
        guard let object = object(index), !object.exposed else { return }
        objects[index] = nil
        free.append(index)
        liveCount -= 1
    }

    var needsCollection: Bool { liveCount >= collectAt }

    /// Frees every exposed object not reachable from `roots` (slot values), the values
    /// `moreRoots` reports, or `pinned` objects.
    func collect(roots: [UnsafeBufferPointer<UInt64>], pinned: [Int], moreRoots: ((UInt64) -> Void) -> Void = { _ in }) {
        var marked = [Bool](repeating: false, count: objects.count)
        var work: [Int] = []
        func note(_ raw: UInt64) {
            guard let i = ExceptionHeap.decode(raw), i < objects.count, objects[i] != nil, !marked[i] else { return }
            marked[i] = true
            work.append(i)
        }
        for range in roots { for raw in range { note(raw) } }
        moreRoots(note)
        for i in pinned { note(ExceptionHeap.encode(i)) }
        while let i = work.popLast() {
            for raw in objects[i]?.payload ?? [] { note(raw) }
        }
        for i in objects.indices where objects[i] != nil && !marked[i] && objects[i]!.exposed {
            objects[i] = nil
            free.append(i)
            liveCount -= 1
        }
        collectAt = max(1024, 2 * liveCount)
    }
}

extension Store {
    func addTag(_ type: FuncType, name: String, typeID: UInt32? = nil) -> Int {
        tags.append(TagRecord(type: type, typeID: typeID, name: name))
        return tags.count - 1
    }

    /// A tag's name for messages: `$name`, the export name, or `tag N` (N in its module).
    static func tagName(in module: Module, index: UInt32) -> String {
        if let name = module.names.tagNames[index] { return "$" + name }
        if let export = module.exports.first(where: { $0.kind == .tag && $0.index == index }) { return export.name }
        return "tag \(index)"
    }

    /// Runs a collection of exception objects if one is due; `top` is the end of the live value
    /// stack (the current frame's end), `pinned` objects in flight.
    func collectExceptionsIfDue(top: UnsafeMutablePointer<UInt64>, pinned: [Int]) {
        guard exceptionHeap.needsCollection else { return }
        var roots = [UnsafeBufferPointer(start: execution.stack, count: max(0, top - execution.stack))]
        for g in globals where Store.isExceptionReference(g.type.valueType) {
            roots.append(UnsafeBufferPointer(start: g.slots, count: 1))
        }
        for t in tables where Store.isExceptionReference(t.pointee.elementType.valueType) {
            roots.append(UnsafeBufferPointer(start: t.pointee.elements, count: Int(t.pointee.count)))
        }
        // GC objects may hold exnrefs in their fields (scanned in place, not copied).
        exceptionHeap.collect(roots: roots, pinned: pinned) { note in heap.forEachPayloadWord(note) }
    }

    static func isExceptionReference(_ type: ValueType) -> Bool {
        guard case .ref(let r) = type, case .abstract(let a) = r.heapType else { return false }
        return a.top == .exn
    }

    /// The values of an exception's payload, typed by its tag.
    func payloadValues(tag: Int, payload: [UInt64]) -> [Value] {
        guard tag >= 0, tag < tags.count else { return [] }
        var values: [Value] = []
        var k = 0
        payload.withUnsafeBufferPointer { p in
            for t in tags[tag].type.params where k + t.slotCount <= p.count {
                values.append(Value.load(t, from: p.baseAddress! + k))
                k += t.slotCount
            }
        }
        return values
    }
}

/// A tag in a runtime (defined by a module or by the host), for imports and exports.
public struct TagInstance {
    let store: Store
    let address: Int

    /// The tag's parameter types (the payload of its exceptions).
    public var type: FuncType { store.tags[address].type }
    public var name: String { store.tags[address].name }
}

extension Runtime {
    /// A host-defined tag, so modules can import it (and catch each other's exceptions of it).
    public func makeTag(_ type: FuncType, name: String = "host tag") -> TagInstance {
        TagInstance(store: store, address: store.addTag(type, name: name))
    }
}
