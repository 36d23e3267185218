import DebugInfo
import WasmVM

// C function pointers in Wasm are slots of the indirect function table (table 0): `&add` is
// the slot that holds `add`, and a pointer's value names a function through that slot.

extension DebugSession {
    /// The DWARF function in slot `index` of table 0, if the slot holds one.
    func function(atTableIndex index: UInt64) -> FunctionInfo? {
        guard let debuggee, let table = debuggee.tables.first, index < table.count,
              case .funcref(let address?)? = try? table.get(index),
              let functionIndex = debuggee.functionIndex(ofAddress: address),
              let body = module?.definedFunction(functionIndex) else { return nil }
        return debugInfo?.function(containing: body.bodyOffset) ?? debugInfo?.function(containing: body.bodyOffset &+ 1)
    }

    /// The slot of table 0 that holds a DWARF function (nil when it is not in the table).
    func tableIndex(of function: FunctionInfo) -> UInt64? {
        guard let module, let debuggee, let table = debuggee.tables.first else { return nil }
        guard let k = module.functions.firstIndex(where: { function.lowPC >= $0.bodyOffset && function.lowPC < $0.bodyOffset &+ $0.bodySize }),
              let address = debuggee.functionAddress(ofIndex: UInt32(module.importedFunctionCount + k)) else { return nil }
        // Tables are small in practice; the search is bounded by the table's size.
        for slot in 0..<min(table.count, 1 << 20) {
            if case .funcref(address)? = try? table.get(slot) { return slot }
        }
        return nil
    }
}
