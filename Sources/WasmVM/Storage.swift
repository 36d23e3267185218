#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CWasmEngine
import WasmCore

// Raw storage of the runtime entities. The run loop reaches memories, tables, globals and
// functions through plain pointers to these structs (no ARC, no exclusivity checks); the Store
// allocates them, never moves the structs themselves, and frees them when it is deinitialised.

/// A linear memory. Instances that import it share the struct by pointer, so a growth done
/// through one instance is seen by all of them.
struct MemoryStorage {
    /// nil while the memory has no bytes.
    var base: UnsafeMutableRawPointer?
    var byteCount: UInt64
    /// The declared maximum in pages (nil = none), for import matching.
    var declaredMax: UInt64?
    /// The effective growth limit in pages: declared maximum ∩ the runtime's page limit.
    var pageLimit: UInt64

    var pages: UInt64 { byteCount / 65536 }

    /// Grows by `delta` pages; returns the old size in pages, or nil when over the limit or
    /// when the host cannot provide the bytes.
    mutating func grow(by delta: UInt64) -> UInt64? {
        let old = pages
        guard delta <= pageLimit, old &+ delta <= pageLimit else { return nil }
        if delta == 0 { return old }
        let newBytes = (old + delta) * 65536
        // calloc gives zeroed bytes, and for large sizes fresh pages the OS maps lazily, so
        // pages the guest never touches cost no memory (realloc + memset would touch them all).
        guard let newBase = calloc(Int(newBytes), 1) else { return nil }
        if let base {
            newBase.copyMemory(from: base, byteCount: Int(byteCount))
            free(base)
        }
        base = newBase
        byteCount = newBytes
        return old
    }

    /// True when `[address, address + count)` lies inside the memory.
    @inline(__always)
    func contains(_ address: UInt64, _ count: UInt64) -> Bool {
        address <= byteCount && count <= byteCount - address
    }
}

/// A table of references (raw slots: 0 = null, function address + 1, or extern value + 1).
struct TableStorage {
    var elements: UnsafeMutablePointer<UInt64>?
    var count: UInt64
    var declaredMax: UInt64?
    var elementLimit: UInt64
    var elementType: RefType

    mutating func grow(by delta: UInt64, filling value: UInt64) -> UInt64? {
        let old = count
        guard delta <= elementLimit, old &+ delta <= elementLimit else { return nil }
        if delta == 0 { return old }
        let newCount = old + delta
        guard let raw = realloc(elements, Int(newCount) * 8) else { return nil }
        let newElements = raw.assumingMemoryBound(to: UInt64.self)
        (newElements + Int(old)).initialize(repeating: value, count: Int(delta))
        elements = newElements
        count = newCount
        return old
    }

    @inline(__always)
    func contains(_ index: UInt64, _ n: UInt64) -> Bool {
        index <= count && n <= count - index
    }
}

/// What the engine needs about a function, kept in one raw array indexed by function address.
/// Defined in C (`wdb_function_entry`), because the C core reads it on every call.
typealias FunctionEntry = wdb_function_entry

extension FunctionEntry {
    init(code: UnsafeMutablePointer<UInt64>?, context: UnsafeMutablePointer<InstanceContext>?, typeID: UInt32,
         paramSlots: UInt32, resultSlots: UInt32, localsEnd: UInt32, frameSize: UInt32, isHost: Bool) {
        self.init(code: code, contextPointer: context.map { UnsafeMutableRawPointer($0) }, typeID: typeID,
                  paramSlots: paramSlots, resultSlots: resultSlots, localsEnd: localsEnd, frameSize: frameSize,
                  isHost: isHost)
    }

    /// The defining instance's context; nil for host functions.
    var context: UnsafeMutablePointer<InstanceContext>? {
        contextPointer?.assumingMemoryBound(to: InstanceContext.self)
    }
}

/// The per-instance data the run loop reads: its memory, tables and globals.
struct InstanceContext {
    var memory: UnsafeMutablePointer<MemoryStorage>?
    /// Each global is two slots (a v128 needs both).
    var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>?
    var tables: UnsafeMutablePointer<UnsafeMutablePointer<TableStorage>>?
    /// Index of the instance record in the store (for the slow paths: segments, compilation).
    var instanceIndex: Int
}
