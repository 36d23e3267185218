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

/// Address space from the kernel: reserved with no access (it costs neither memory nor commit
/// charge), then made accessible piece by piece. Fresh pages read as zero and take physical
/// memory only when first touched.
enum VirtualMemory {
    /// Reserves `bytes` of address space; nil when the system refuses (address-space limits).
    static func reserve(_ bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes > 0 else { return nil }
        let p = mmap(nil, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        return p
    }

    /// Maps `bytes` of readable, writable, zeroed memory that the kernel backs only where it is
    /// touched (for stacks sized by a limit rather than by use); nil when the system refuses.
    static func allocateLazily(_ bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes > 0 else { return nil }
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        return p
    }

    /// Makes `[start, start + bytes)` of a reservation readable and writable.
    static func commit(_ start: UnsafeMutableRawPointer, _ bytes: Int) -> Bool {
        bytes == 0 || mprotect(start, bytes, PROT_READ | PROT_WRITE) == 0
    }

    /// Returns a reservation (or a lazy allocation) to the system.
    static func release(_ base: UnsafeMutableRawPointer, _ bytes: Int) {
        munmap(base, bytes)
    }
}

/// A linear memory. Instances that import it share the struct by pointer, so a growth done
/// through one instance is seen by all of them.
///
/// The bytes live in a reservation of address space, made accessible as the memory grows: for a
/// 32-bit memory every address a load or store can form (`guardedReservation`, 8 GiB, whatever
/// its limit: the pages past its size are the guard that replaces bounds checks in the C core);
/// for a 64-bit one as much as it may ever grow (its page limit, at most `maxReservation`). Growth
/// copies nothing and the base never moves, so a base pointer cached by the run loop (Registers,
/// the C core's `mem` register) stays valid across `memory.grow`. Only when the system refuses
/// the reservation, or a memory outgrows `maxReservation`, do the bytes come from a block that
/// growth replaces (copying, counted in `copiedBytes`); so the engine still reloads base and size
/// after every growth.
struct MemoryStorage {
    /// nil while the memory has no bytes.
    var base: UnsafeMutableRawPointer?
    var byteCount: UInt64
    /// The declared maximum in pages (nil = none), for import matching.
    var declaredMax: UInt64?
    /// The effective growth limit in pages: declared maximum ∩ the runtime's page limit.
    var pageLimit: UInt64
    /// Bytes of address space reserved at `base`; 0 when the bytes come from calloc.
    var reservedBytes: UInt64 = 0
    /// Bytes that growth has copied from an old block to a new one (0 while the reservation
    /// holds the memory).
    var copiedBytes: UInt64 = 0
    /// A memory64 memory: addresses are i64 (read from the whole slot), sizes are i64.
    var is64 = false
    /// Whether a 32-bit memory reserves `guardedReservation` (Configuration.guardPages).
    var guardPages = true

    /// The largest reservation: every 32-bit memory (4 GiB) fits.
    static let maxReservation: UInt64 = 8 << 30
    /// What a 32-bit memory reserves: every address a register-form access can form (a u32
    /// address plus a u32 offset), so that accesses past the memory's size fault instead of
    /// being checked (guard_pages.h).
    static let guardedReservation: UInt64 = wdb_guarded_reservation()

    init(base: UnsafeMutableRawPointer? = nil, byteCount: UInt64 = 0, declaredMax: UInt64?, pageLimit: UInt64) {
        self.base = base
        self.byteCount = byteCount
        self.declaredMax = declaredMax
        self.pageLimit = pageLimit
    }

    var pages: UInt64 { byteCount / 65536 }

    /// Grows by `delta` pages; returns the old size in pages, or nil when over the limit or
    /// when the host cannot provide the bytes.
    mutating func grow(by delta: UInt64) -> UInt64? {
        let old = pages
        guard delta <= pageLimit, old &+ delta <= pageLimit else { return nil }
        if delta == 0 { return old }
        let newBytes = (old + delta) * 65536
        if let base, reservedBytes > 0, newBytes <= reservedBytes {
            guard VirtualMemory.commit(base + Int(byteCount), Int(newBytes - byteCount)) else { return nil }
            byteCount = newBytes
            return old
        }
        return relocate(to: newBytes) ? old : nil
    }

    /// Moves the bytes into a new block of `newBytes` (the first allocation, or growth past the
    /// reservation): a new reservation when the system grants one, else calloc.
    private mutating func relocate(to newBytes: UInt64) -> Bool {
        let limitBytes = pageLimit.multipliedReportingOverflow(by: 65536)
        // A 32-bit memory reserves every address a load or store can form, whatever its limit:
        // the C core then runs it without bounds checks (guard_pages.h). A 64-bit one reserves
        // what it may grow to, up to maxReservation.
        let wanted = !is64 && guardPages ? MemoryStorage.guardedReservation
            : limitBytes.overflow ? MemoryStorage.maxReservation : min(limitBytes.partialValue, MemoryStorage.maxReservation)
        let reservation = max(newBytes, wanted)
        let newBase: UnsafeMutableRawPointer
        var newReserved: UInt64 = 0
        if reservation <= UInt64(Int.max), let fresh = VirtualMemory.reserve(Int(reservation)) {
            guard VirtualMemory.commit(fresh, Int(newBytes)) else {
                VirtualMemory.release(fresh, Int(reservation))
                return false
            }
            newBase = fresh
            newReserved = reservation
        } else {
            // calloc gives zeroed bytes, and for large sizes fresh pages the OS maps lazily.
            guard newBytes <= UInt64(Int.max), let block = calloc(Int(newBytes), 1) else { return false }
            newBase = block
        }
        if let base {
            newBase.copyMemory(from: base, byteCount: Int(byteCount))
            copiedBytes += byteCount
        }
        release()
        base = newBase
        reservedBytes = newReserved
        byteCount = newBytes
        return true
    }

    /// Returns the bytes to the system; the memory is empty afterwards (and cannot grow).
    mutating func release() {
        if let base {
            if reservedBytes > 0 { VirtualMemory.release(base, Int(reservedBytes)) } else { free(base) }
        }
        base = nil
        byteCount = 0
        reservedBytes = 0
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
    /// A table64 table: indices and sizes are i64.
    var is64 = false

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
                  isHost: isHost, zeroEnd: localsEnd)
    }

    /// The defining instance's context; nil for host functions.
    var context: UnsafeMutablePointer<InstanceContext>? {
        contextPointer?.assumingMemoryBound(to: InstanceContext.self)
    }
}

/// The per-instance data the run loop reads: its memory, tables and globals.
struct InstanceContext {
    /// Memory 0 (the run loop caches its base and size in registers).
    var memory: UnsafeMutablePointer<MemoryStorage>?
    /// Every memory of the instance, by memory index (multi-memory; nil when it has none).
    var memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryStorage>>? = nil
    var memoryCount = 0
    /// Each global is two slots (a v128 needs both).
    var globals: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>>?
    var tables: UnsafeMutablePointer<UnsafeMutablePointer<TableStorage>>?
    /// Index of the instance record in the store (for the slow paths: segments, compilation).
    var instanceIndex: Int
}
