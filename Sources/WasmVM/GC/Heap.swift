#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

/// How references of the GC proposal sit in a 64-bit slot (Docs/wasm-3.0.md, "GC: the slot
/// encoding"). 0 is null in every hierarchy; the 2.0 encodings (function address + 1, host
/// reference + 1) are kept; the top two bits tell the `any` values apart:
///
///     00 …        null (0), funcref (address + 1), or a host reference (index + 1)
///     01 … v31    an i31 (the low 31 bits)
///     10 … id     a heap object (struct or array) by its id in the store's heap
///
/// A host reference converted to `any` keeps its bits, and so does an i31 or object converted
/// to `extern`: `any.convert_extern` and `extern.convert_any` are the identity on slots.
enum ReferenceBits {
    static let i31Tag: UInt64 = 1 << 62
    static let objectTag: UInt64 = 1 << 63

    @inline(__always)
    static func isObject(_ bits: UInt64) -> Bool { bits >> 62 == 0b10 }
    @inline(__always)
    static func isI31(_ bits: UInt64) -> Bool { bits >> 62 == 0b01 }
    @inline(__always)
    static func objectID(_ bits: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: bits) }
    @inline(__always)
    static func object(_ id: UInt32) -> UInt64 { objectTag | UInt64(id) }
    @inline(__always)
    static func i31(_ value: UInt32) -> UInt64 { i31Tag | UInt64(value & 0x7FFF_FFFF) }
}

/// The header in front of every heap object's payload.
struct ObjectHeader {
    /// Store type id (TypeRegistry) of the object's defined type.
    var typeID: UInt32
    /// Number of elements of an array (0 for a struct).
    var length: UInt32
    /// Set by the collector's mark phase.
    var marked: UInt32
    /// Payload bytes (for accounting).
    var payloadBytes: UInt32
}

/// The store's garbage-collected heap: struct and array objects, each a separate block of
/// memory that never moves, named by a 32-bit id (the index of its entry in `objects`).
///
/// Collection is mark and sweep from precise roots (Store+GC.swift): reference-typed slots of
/// every frame, globals, tables, element segments, and the objects the embedder holds through
/// `GCObject` handles. Nothing moves, so a reference printed before a collection reads the same
/// after it; an id is reused only after its object has been freed, and an object the embedder
/// can still name is never freed.
final class GCHeap {
    /// The heap's tables and counters, behind a pointer the heap owns: the run loop reads and
    /// updates them on every allocation and access, and through a pointer Swift does not check
    /// exclusive access dynamically (a stored property of a class would cost a check each time).
    struct State {
        /// Object blocks by id (nil: a free id), `capacity` entries.
        var objects: UnsafeMutablePointer<UnsafeMutableRawPointer?>
        var capacity: Int
        /// Ids handed out so far (the used prefix of `objects`).
        var idCount = 0
        /// Freed ids to reuse, a stack of `freeCount` (room for `capacity`).
        var freeIDs: UnsafeMutablePointer<UInt32>
        var freeCount = 0
        /// Live objects and their bytes (headers included) since the last collection's sweep,
        /// plus everything allocated after it.
        var liveObjects = 0
        var liveBytes = 0
        var peakBytes = 0
        var collections = 0
        var allocatedObjects = 0
        /// Bytes allocated since the last collection, and the amount that triggers the next one.
        var allocatedSinceCollection = 0
        var threshold = GCHeap.minimumThreshold
    }

    // Sound: allocated in init, freed in deinit, never reassigned.
    private let state: UnsafeMutablePointer<State>
    /// The most bytes live objects may take (`Configuration.maxGCHeapBytes`).
    let maxBytes: Int
    /// Handles the embedder holds (values returned to it): their objects are roots while the
    /// handle lives. Weak, so dropping a `Value` is all it takes to unpin.
    private var handles: [UInt32: WeakHandle] = [:]

    static let headerSize = MemoryLayout<ObjectHeader>.stride
    /// The least allocation between collections: small heaps are not collected over and over.
    static let minimumThreshold = 4 << 20

    var liveObjects: Int { state.pointee.liveObjects }
    var liveBytes: Int { state.pointee.liveBytes }
    var peakBytes: Int { state.pointee.peakBytes }
    var collections: Int { state.pointee.collections }
    var allocatedObjects: Int { state.pointee.allocatedObjects }

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
        let capacity = 1024
        let objects = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: capacity)
        objects.initialize(repeating: nil, count: capacity)
        state = .allocate(capacity: 1)
        state.initialize(to: State(objects: objects, capacity: capacity, freeIDs: .allocate(capacity: capacity)))
    }

    deinit {
        for i in 0..<state.pointee.idCount { free(state.pointee.objects[i]) }
        state.pointee.objects.deallocate()
        state.pointee.freeIDs.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Whether the next allocation of `bytes` should collect first.
    @inline(__always)
    func wantsCollection(before bytes: Int) -> Bool {
        state.pointee.allocatedSinceCollection + bytes >= state.pointee.threshold || state.pointee.liveBytes + bytes > maxBytes
    }

    /// Whether `bytes` more fit under the limit.
    func fits(_ bytes: Int) -> Bool { bytes <= maxBytes && state.pointee.liveBytes <= maxBytes - bytes }

    /// Allocates an object with a zeroed payload; nil when the system has no memory. The
    /// caller has checked the limit (`fits`).
    func allocate(typeID: UInt32, length: UInt32, payloadBytes: Int) -> UInt32? {
        let total = GCHeap.headerSize + payloadBytes
        guard payloadBytes <= Int(UInt32.max), let block = calloc(1, total) else { return nil }
        block.initializeMemory(as: ObjectHeader.self, repeating: ObjectHeader(
            typeID: typeID, length: length, marked: 0, payloadBytes: UInt32(payloadBytes)), count: 1)
        let id: UInt32
        if state.pointee.freeCount > 0 {
            state.pointee.freeCount -= 1
            id = state.pointee.freeIDs[state.pointee.freeCount]
        } else {
            if state.pointee.idCount == state.pointee.capacity {
                guard grow() else { free(block); return nil }
            }
            id = UInt32(state.pointee.idCount)
            state.pointee.idCount += 1
        }
        state.pointee.objects[Int(id)] = block
        state.pointee.liveObjects += 1
        state.pointee.allocatedObjects += 1
        state.pointee.liveBytes += total
        state.pointee.allocatedSinceCollection += total
        state.pointee.peakBytes = max(state.pointee.peakBytes, state.pointee.liveBytes)
        return id
    }

    /// Doubles the id tables (ids are 32-bit: at most 2^32 objects).
    private func grow() -> Bool {
        let capacity = state.pointee.capacity
        guard capacity < Int(UInt32.max) / 2 else { return false }
        let bigger = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: state.pointee.objects, count: capacity)
        (bigger + capacity).initialize(repeating: nil, count: capacity)
        state.pointee.objects.deallocate()
        state.pointee.objects = bigger
        let free = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity * 2)
        free.moveInitialize(from: state.pointee.freeIDs, count: state.pointee.freeCount)
        state.pointee.freeIDs.deallocate()
        state.pointee.freeIDs = free
        state.pointee.capacity = capacity * 2
        return true
    }

    /// The block of object `id`, if it exists.
    @inline(__always)
    func block(_ id: UInt32) -> UnsafeMutableRawPointer? {
        Int(id) < state.pointee.idCount ? state.pointee.objects[Int(id)] : nil
    }

    @inline(__always)
    func header(_ block: UnsafeMutableRawPointer) -> UnsafeMutablePointer<ObjectHeader> {
        block.assumingMemoryBound(to: ObjectHeader.self)
    }

    @inline(__always)
    func payload(_ block: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer { block + GCHeap.headerSize }

    /// Every 8-byte-aligned word of every live object's payload, for the exception collector's
    /// conservative scan (a struct or array field may hold an exnref).
    func forEachPayloadWord(_ body: (UInt64) -> Void) {
        let objects = state.pointee.objects
        for i in 0..<state.pointee.idCount {
            guard let block = objects[i] else { continue }
            let p = payload(block)
            for k in 0..<Int(header(block).pointee.payloadBytes) / 8 { body(p.load(fromByteOffset: 8 * k, as: UInt64.self)) }
        }
    }

    // MARK: handles

    /// The embedder's handle of object `id` (one per live object, so equal ids give the same
    /// handle while one exists).
    func handle(_ id: UInt32, types: TypeRegistry) -> GCObject? {
        guard let block = block(id) else { return nil }
        if let existing = handles[id]?.object { return existing }
        let h = header(block).pointee
        var isArray = false
        if Int(h.typeID) < types.definitions.count, case .array = types.definitions[Int(h.typeID)].composite { isArray = true }
        let object = GCObject(id: id, typeID: h.typeID, isArray: isArray, heap: ObjectIdentifier(self))
        handles[id] = WeakHandle(object: object)
        return object
    }

    var pinnedCount: Int { handles.values.filter { $0.object != nil }.count }

    // MARK: collection

    /// Marks everything reachable from the roots `enumerateRoots` reports (slot values; only
    /// those that encode an object matter), then frees the rest.
    func collect(types: TypeRegistry, enumerateRoots: ((UInt64) -> Void) -> Void) {
        var stack: [UInt32] = []
        func mark(_ bits: UInt64) {
            guard ReferenceBits.isObject(bits) else { return }
            let id = ReferenceBits.objectID(bits)
            guard let block = block(id) else { return }
            let h = header(block)
            if h.pointee.marked != 0 { return }
            h.pointee.marked = 1
            stack.append(id)
        }
        enumerateRoots(mark)
        for (id, weak) in handles {
            if weak.object != nil { mark(ReferenceBits.object(id)) } else { handles[id] = nil }
        }
        // Trace with an explicit stack (a long linked list must not recurse).
        while let id = stack.popLast() {
            guard let block = block(id) else { continue }
            let h = header(block).pointee
            guard Int(h.typeID) < types.layoutCount else { continue }
            let layout = types.layouts[Int(h.typeID)]
            let p = payload(block)
            if layout.kind == .array {
                if layout.elementsAreReferences {
                    for i in 0..<Int(h.length) { mark(p.load(fromByteOffset: 8 * i, as: UInt64.self)) }
                }
            } else {
                let fields = types.fieldSlots + Int(layout.firstField)
                for i in 0..<Int(layout.fieldCount) where fields[i].isReference {
                    mark(p.load(fromByteOffset: Int(fields[i].offset), as: UInt64.self))
                }
            }
        }
        // Sweep (ids freed in descending order, so the lowest are reused first).
        let objects = state.pointee.objects
        for i in stride(from: state.pointee.idCount - 1, through: 0, by: -1) {
            guard let block = objects[i] else { continue }
            let h = header(block)
            if h.pointee.marked != 0 {
                h.pointee.marked = 0
            } else {
                state.pointee.liveBytes -= GCHeap.headerSize + Int(h.pointee.payloadBytes)
                state.pointee.liveObjects -= 1
                free(block)
                objects[i] = nil
                state.pointee.freeIDs[state.pointee.freeCount] = UInt32(i)
                state.pointee.freeCount += 1
            }
        }
        state.pointee.collections += 1
        state.pointee.allocatedSinceCollection = 0
        // The next collection after as much again as survived (at least the minimum): the
        // work of a collection is paid for by the allocation since the last one.
        state.pointee.threshold = max(GCHeap.minimumThreshold, state.pointee.liveBytes)
    }
}

/// A weak reference to a handle (the handle table must not keep handles alive).
struct WeakHandle {
    weak var object: GCObject?
}

/// A heap object as the embedder and the debugger hold it: while a `GCObject` is alive, its
/// object is a root and is not collected (the debugger's value history pins what it shows).
/// Two handles are equal when they name the same object.
public final class GCObject: Hashable, @unchecked Sendable, CustomStringConvertible {
    /// The object's id in its store's heap (stable for the object's life).
    public let id: UInt32
    /// Store type id of its defined type.
    public let typeID: UInt32
    public let isArray: Bool
    /// The heap it lives in: an id means nothing in another runtime's heap (a value kept from
    /// an earlier run of the debugger, say), so the store refuses a handle of another heap.
    let heap: ObjectIdentifier

    init(id: UInt32, typeID: UInt32, isArray: Bool, heap: ObjectIdentifier) {
        self.id = id
        self.typeID = typeID
        self.isArray = isArray
        self.heap = heap
    }

    public static func == (a: GCObject, b: GCObject) -> Bool { a.id == b.id && a.heap == b.heap }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    public var description: String { "object \(id)" }
}
