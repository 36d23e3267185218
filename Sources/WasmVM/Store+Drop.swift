#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

// Dropping one instance while its runtime lives on: what the instance defined (memory bytes,
// table elements, compiled code, segments, its share of the module) goes back to the system.
//
// Store addresses are never reused: a dropped function, memory or table keeps a small tombstone
// at its address, so a handle or a funcref that outlived the instance meets a clear error (a
// call traps, a memory is empty and cannot grow) instead of someone else's entity.

extension Store {
    /// The instances that defined something among these imported addresses, each once.
    /// Throws when one of them has been dropped (what it defined is gone).
    func exporters(functions: [UInt32], tables: [Int], memories: [Int], globals: [Int]) throws -> [Int] {
        var owners = Set<Int>()
        for f in functions {
            if case .wasm(let owner, _) = self.functions[Int(f)].kind { owners.insert(owner) }
        }
        for t in tables { if let owner = tableOwners[t] { owners.insert(owner) } }
        for m in memories { if let owner = memoryOwners[m] { owners.insert(owner) } }
        for g in globals { if let owner = globalOwners[g] { owners.insert(owner) } }
        for owner in owners where instances[owner].isDropped {
            throw LinkError("incompatible import type: an import comes from a dropped instance")
        }
        return owners.sorted()
    }

    /// Releases what instance `index` defined. Refused while guest code runs in this runtime
    /// (a frame could belong to the instance) and while a live instance imports from it.
    func drop(_ index: Int) throws(LinkError) {
        guard index < instances.count else { throw LinkError("no instance \(index)") }
        let record = instances[index]
        if record.isDropped { return }
        guard execution.depth == 0, execution.stackTop == execution.stack else {
            throw LinkError("cannot drop an instance while the runtime is running guest code")
        }
        guard record.importerCount == 0 else {
            throw LinkError("cannot drop an instance that \(record.importerCount) live instance(s) import from")
        }
        for address in record.functionAddresses {
            guard case .wasm(let owner, _) = functions[Int(address)].kind, owner == index else { continue }
            // A later call of it (a handle or a funcref kept elsewhere) goes to the slow path,
            // where ensureCompiled refuses it: a trap, never this code.
            entries[Int(address)].code = nil
            entries[Int(address)].contextPointer = nil
            entries[Int(address)].frameSize = 0
            entries[Int(address)].localsEnd = 0
            entries[Int(address)].zeroEnd = 0
            releaseCompiled(address)
        }
        // Memories, tables and globals: their small records are freed too, and the address keeps
        // a shared empty one (a few bytes each left among freed blocks would keep every heap
        // page the instance used from going back to the system).
        for address in record.memoryAddresses where memoryOwners[address] == index {
            memories[address].pointee.release()
            memories[address].deallocate()
            memories[address] = Store.droppedMemory
        }
        for address in record.tableAddresses where tableOwners[address] == index {
            free(tables[address].pointee.elements)
            tables[address].deallocate()
            tables[address] = Store.droppedTable
        }
        for address in record.globalAddresses where globalOwners[address] == index {
            globals[address].slots.deallocate()
            globals[address].slots = Store.droppedGlobalSlots
        }
        for k in record.exporters { instances[k].importerCount -= 1 }
        record.exporters = []
        record.context.deallocate()
        record.globalPointers?.deallocate()
        record.tablePointers?.deallocate()
        record.memoryPointers?.deallocate()
        record.globalPointers = nil
        record.tablePointers = nil
        record.memoryPointers = nil
        record.module = Module()
        record.compileEnvironment = nil
        record.functionAddresses = []
        record.tableAddresses = []
        record.memoryAddresses = []
        record.globalAddresses = []
        record.elements = []
        record.data = []
        record.exports = [:]
        record.typeIDs = []
        record.isDropped = true
        // The record itself (a few hundred bytes) goes too: the address keeps the shared one.
        instances[index] = InstanceRecord.dropped
    }

    /// What a dropped memory's, table's or global's address keeps: one empty entity shared by
    /// every store, never freed and never written (a memory of no pages that cannot grow, a
    /// table of no elements, zero slots that `GlobalInstance.set` refuses to write).
    static let droppedMemory: UnsafeMutablePointer<MemoryStorage> = {
        let p = UnsafeMutablePointer<MemoryStorage>.allocate(capacity: 1)
        p.initialize(to: MemoryStorage(declaredMax: nil, pageLimit: 0))
        return p
    }()
    static let droppedTable: UnsafeMutablePointer<TableStorage> = {
        let p = UnsafeMutablePointer<TableStorage>.allocate(capacity: 1)
        p.initialize(to: TableStorage(elements: nil, count: 0, declaredMax: nil, elementLimit: 0, elementType: .funcref))
        return p
    }()
    static let droppedGlobalSlots: UnsafeMutablePointer<UInt64> = {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        p.initialize(repeating: 0, count: 2)
        return p
    }()

    /// Whether global `address` belonged to an instance that has been dropped.
    func isDroppedGlobal(_ address: Int) -> Bool {
        globals[address].slots == Store.droppedGlobalSlots
    }
}
