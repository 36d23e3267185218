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
            releaseCompiled(address)
        }
        for address in record.memoryAddresses where memoryOwners[address] == index {
            memories[address].pointee.release()
            memories[address].pointee.pageLimit = 0
        }
        for address in record.tableAddresses where tableOwners[address] == index {
            free(tables[address].pointee.elements)
            tables[address].pointee.elements = nil
            tables[address].pointee.count = 0
            tables[address].pointee.elementLimit = 0
        }
        // Globals keep their 16 bytes: a GlobalInstance handle reads them directly.
        for k in record.exporters { instances[k].importerCount -= 1 }
        record.exporters = []
        record.context.deallocate()
        record.globalPointers?.deallocate()
        record.tablePointers?.deallocate()
        record.globalPointers = nil
        record.tablePointers = nil
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
    }
}
