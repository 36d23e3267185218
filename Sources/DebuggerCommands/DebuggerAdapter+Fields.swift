import WasmText
import Debugger
import FoundationEssentials
import WasmCore
import WasmVM

/// A field typed at the prompt changed the module: re-instantiate it, carrying memory contents
/// and global values over from the old instance where the layout allows, and saying in one line
/// each what could not be kept.
extension DebuggerAdapter {
    func moduleDidChange(_ module: LoadedModule, in session: ReplSession) {
        let console = session.console
        let old = snapshot()
        let oldDataCount = debugger.module?.data.count ?? 0
        let wasRunning = debugger.isRunning
        if let text = module.source {
            do {
                // The prompt assembled it once; the debugger takes that module as is.
                try debugger.load(module)
                loadError = nil
            } catch {
                loadError = "cannot run \(module.path): \(error)"
            }
            source = text.split(separator: "\n", omittingEmptySubsequences: false)
            loadedBytes = module.bytes
            lastListedLine = nil
            pendingInvocations.removeAll()
            // A `(module $name …)` typed at the prompt goes on under its name.
            if let name = promptModuleName, let instance = debugger.instance {
                namedModules[name] = instance
                debugger.instanceChanged()
            }
        } else {
            moduleDidLoad(module, in: session)
        }
        if wasRunning { console.line("[Inferior 1 killed: the module changed]") }
        reportDroppedBreakpoints(in: session)
        guard let old, let debuggee = debugger.debuggee, let new = debugger.module else { return }
        debugger.instanceChanged()
        for note in restore(old, into: debuggee, module: new, oldDataCount: oldDataCount) { console.line(note) }
    }

    /// Memory bytes and globals of the current instance, before it is replaced.
    struct InstanceState {
        var memories: [(type: MemoryType, bytes: [UInt8])]
        var globals: [(type: GlobalType, value: Value)]
        /// Global names (without `$`) by index, and how many globals and memories were imported.
        var globalNames: [UInt32: String]
        var importedGlobals: Int
        var importedMemories: Int
    }

    private func snapshot() -> InstanceState? {
        guard let debuggee = debugger.debuggee else { return nil }
        let memories = debuggee.memories.map { memory in
            (memory.type, (try? memory.read(at: 0, count: Int(clamping: memory.byteCount))) ?? [])
        }
        var globals: [(GlobalType, Value)] = []
        for index in 0..<debuggee.globalCount {
            if let type = debuggee.globalType(index), let value = debuggee.global(index) { globals.append((type, value)) }
        }
        let module = debugger.module
        return InstanceState(memories: memories, globals: globals, globalNames: module?.names.globalNames ?? [:],
                             importedGlobals: module?.importedGlobalCount ?? 0,
                             importedMemories: module?.importedMemoryCount ?? 0)
    }

    /// Writes the old state into the new instance; returns what could not be kept.
    private func restore(_ old: InstanceState, into debuggee: Debuggee, module: Module, oldDataCount: Int) -> [String] {
        var notes: [String] = []
        let memories = debuggee.memories
        var restoredMemory = Set<Int>()
        // Defined memories keep their order (fields are appended); imported ones are not ours.
        for index in 0..<memories.count where index >= module.importedMemoryCount {
            let oldIndex = index - module.importedMemoryCount + old.importedMemories
            guard oldIndex < old.memories.count else { continue }
            let saved = old.memories[oldIndex]
            let memory = memories[index]
            guard saved.type.limits.max == memory.type.limits.max else {
                notes.append("memory \(index) changed its limits: its contents start afresh.")
                continue
            }
            let needed = UInt64(saved.bytes.count)
            if memory.byteCount < needed {
                // The old memory grew while it ran; grow the new one as far.
                let pages = (needed - memory.byteCount + 65535) / 65536
                guard memory.grow(by: pages) != nil else {
                    notes.append("memory \(index) cannot grow to \(needed / 65536) pages: its contents start afresh.")
                    continue
                }
            }
            do {
                try memory.write(saved.bytes, at: 0)
                restoredMemory.insert(index)
            } catch {
                notes.append("memory \(index): its contents could not be copied (\(error)); they start afresh.")
            }
        }
        // A global is the old one of the same name, else the one at the same place among the
        // defined globals (an added global import shifts the indices).
        var oldIndexByName: [String: Int] = [:]
        for (index, name) in old.globalNames { oldIndexByName[name] = Int(index) }
        for index in 0..<debuggee.globalCount where index >= module.importedGlobalCount {
            guard let type = debuggee.globalType(index) else { continue }
            let newName = module.names.globalNames[UInt32(index)]
            let oldIndex: Int
            if let newName {
                guard let named = oldIndexByName[newName] else { continue }  // a new global
                oldIndex = named
            } else {
                oldIndex = index - module.importedGlobalCount + old.importedGlobals
                guard old.globalNames[UInt32(oldIndex)] == nil else { continue }
            }
            guard oldIndex >= old.importedGlobals, oldIndex < old.globals.count else { continue }
            let saved = old.globals[oldIndex]
            let name = newName.map { "$" + $0 } ?? "global[\(index)]"
            guard type == saved.type else {
                notes.append("global \(name) changed type (\(describe(saved.type)) -> \(describe(type))): it starts at its initial value.")
                continue
            }
            if case .funcref(let address) = saved.value, address != nil {
                // A function reference is an address in the old instance's runtime.
                if saved.value != debuggee.global(index) {
                    notes.append("global \(name) holds a reference into the old instance: it starts at its initial value.")
                }
                continue
            }
            try? debuggee.setGlobal(index, saved.value)
        }
        // Data segments added by the new fields go on top of the carried-over memory.
        for (index, segment) in module.data.enumerated() where index >= oldDataCount {
            guard case .active(let memoryIndex, let offsetExpression) = segment.mode,
                  restoredMemory.contains(Int(memoryIndex)), Int(memoryIndex) < memories.count else { continue }
            guard let offset = constantOffset(offsetExpression, debuggee: debuggee) else {
                notes.append("data \(index): its offset is not a constant, so it was not written over the kept memory.")
                continue
            }
            try? memories[Int(memoryIndex)].write(segment.bytes, at: offset)
        }
        return notes
    }

    private func constantOffset(_ expression: WasmCore.Expression, debuggee: Debuggee) -> UInt64? {
        let body = expression.instructions.filter { $0.opcode.info.mnemonic != "end" }
        guard body.count == 1, let only = body.first else { return nil }
        switch only.immediate {
        case .i32(let value): return UInt64(UInt32(bitPattern: value))
        case .i64(let value): return UInt64(bitPattern: value)
        case .index(let global) where only.opcode.info.mnemonic == "global.get":
            switch debuggee.global(Int(global)) {
            case .i32(let v)?: return UInt64(v)
            case .i64(let v)?: return v
            default: return nil
            }
        default: return nil
        }
    }

    private func describe(_ type: GlobalType) -> String {
        type.isMutable ? "mut \(type.valueType)" : "\(type.valueType)"
    }
}
