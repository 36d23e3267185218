#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

// Instructions that are rare or heavy enough to leave the run loop: memory growth, bulk
// memory and table operations, and the one path by which every imported host function is
// called. They may use Swift collections and reference counting.

extension Store {
    /// Executes a memory/table instruction with operands from fp[a...]. Returns the trap raised.
    @inline(never)
    func bulk(_ op: Opcode, _ r: inout Registers, _ a: Int) -> TrapCode {
        let fp = r.fp
        let imm = r.pc[1]
        func u32(_ i: Int) -> UInt64 { fp[i] & 0xFFFF_FFFF }
        let context = r.context.pointee
        switch op {
        case .memoryGrow:
            // Validation guarantees the memory exists.
            guard let memory = context.memory else { return .outOfBoundsMemoryAccess }
            fp[a] = memory.pointee.grow(by: u32(a)) ?? 0xFFFF_FFFF
            Interpreter.reloadMemory(&r)
        case .memoryFill:
            let d = u32(a), value = UInt8(truncatingIfNeeded: fp[a + 1]), n = u32(a + 2)
            guard let memory = context.memory, memory.pointee.contains(d, n) else { return .outOfBoundsMemoryAccess }
            if n > 0 { memset(memory.pointee.base! + Int(d), Int32(value), Int(n)) }
        case .memoryCopy:
            let d = u32(a), s = u32(a + 1), n = u32(a + 2)
            guard let memory = context.memory, memory.pointee.contains(d, n), memory.pointee.contains(s, n) else {
                return .outOfBoundsMemoryAccess
            }
            if n > 0 { memmove(memory.pointee.base! + Int(d), memory.pointee.base! + Int(s), Int(n)) }
        case .memoryInit:
            let d = u32(a), s = u32(a + 1), n = u32(a + 2)
            let instance = instances[context.instanceIndex]
            let segment = Int(imm & 0xFFFF_FFFF)
            guard segment < instance.data.count, let memory = context.memory else { return .outOfBoundsMemoryAccess }
            let bytes = instance.data[segment]
            guard s <= UInt64(bytes.count), n <= UInt64(bytes.count) - s, memory.pointee.contains(d, n) else {
                return .outOfBoundsMemoryAccess
            }
            if n > 0 {
                bytes.withUnsafeBytes { src in
                    memcpy(memory.pointee.base! + Int(d), src.baseAddress! + Int(s), Int(n))
                }
            }
        case .dataDrop:
            let instance = instances[context.instanceIndex]
            if Int(imm) < instance.data.count { instance.data[Int(imm)] = [] }
        case .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill:
            guard let table = table(context, Int(imm & 0xFFFF_FFFF)) else { return .outOfBoundsTableAccess }
            // A table64 table's indices and sizes are whole i64 slots.
            let is64 = table.pointee.is64
            func u32(_ i: Int) -> UInt64 { is64 ? fp[i] : fp[i] & 0xFFFF_FFFF }
            switch op {
            case .tableGet:
                let i = u32(a)
                guard i < table.pointee.count else { return .outOfBoundsTableAccess }
                fp[a] = table.pointee.elements![Int(i)]
            case .tableSet:
                let i = u32(a)
                guard i < table.pointee.count else { return .outOfBoundsTableAccess }
                table.pointee.elements![Int(i)] = fp[a + 1]
            case .tableSize:
                fp[a] = table.pointee.count
            case .tableGrow:
                fp[a] = table.pointee.grow(by: u32(a + 1), filling: fp[a]) ?? (is64 ? UInt64.max : 0xFFFF_FFFF)
            default: // tableFill
                let i = u32(a), value = fp[a + 1], n = u32(a + 2)
                guard table.pointee.contains(i, n) else { return .outOfBoundsTableAccess }
                if n > 0 { (table.pointee.elements! + Int(i)).update(repeating: value, count: Int(n)) }
            }
        case .tableCopy:
            guard let dst = table(context, Int(imm & 0xFFFF_FFFF)), let src = table(context, Int(imm >> 32)) else {
                return .outOfBoundsTableAccess
            }
            // table64: each index by its table's type, the length i64 only when both are.
            func index(_ i: Int, _ wide: Bool) -> UInt64 { wide ? fp[i] : fp[i] & 0xFFFF_FFFF }
            let d = index(a, dst.pointee.is64), s = index(a + 1, src.pointee.is64)
            let n = index(a + 2, dst.pointee.is64 && src.pointee.is64)
            guard dst.pointee.contains(d, n), src.pointee.contains(s, n) else { return .outOfBoundsTableAccess }
            if n > 0 { memmove(dst.pointee.elements! + Int(d), src.pointee.elements! + Int(s), Int(n) * 8) }
        case .tableInit:
            let instance = instances[context.instanceIndex]
            let segment = Int(imm & 0xFFFF_FFFF)
            guard segment < instance.elements.count, let table = table(context, Int(imm >> 32)) else {
                return .outOfBoundsTableAccess
            }
            let d = table.pointee.is64 ? fp[a] : u32(a), s = u32(a + 1), n = u32(a + 2)
            let items = instance.elements[segment]
            guard s <= UInt64(items.count), n <= UInt64(items.count) - s, table.pointee.contains(d, n) else {
                return .outOfBoundsTableAccess
            }
            for k in 0..<Int(n) { table.pointee.elements![Int(d) + k] = items[Int(s) + k] }
        case .elemDrop:
            let instance = instances[context.instanceIndex]
            if Int(imm) < instance.elements.count { instance.elements[Int(imm)] = [] }
        default:
            return .detailed
        }
        return .none
    }

    private func table(_ context: InstanceContext, _ index: Int) -> UnsafeMutablePointer<TableStorage>? {
        let instance = instances[context.instanceIndex]
        guard index < instance.tableAddresses.count else { return nil }
        return tables[instance.tableAddresses[index]]
    }

    /// The one host-call path: converts the arguments at `base` to values, calls the host
    /// function, and writes its results back at `base`.
    @inline(never)
    func callHost(_ r: inout Registers, callee: UInt32, base: UnsafeMutablePointer<UInt64>) -> Status {
        let ex = execution
        if let filter = ex.hostCallFilter {
            if ex.passNextHostCall {
                ex.passNextHostCall = false
            } else if filter(callee) {
                return .hostCall
            }
        }
        // A host function may call back into the guest: new frames go above this frame.
        let savedTop = ex.stackTop, savedDepth = ex.depth
        ex.stackTop = r.fp + Int(r.entries[Int(r.function)].frameSize)
        ex.depth = r.depth
        // The caller's frames stay roots of the collector while the host runs.
        ex.hostCallers.append(r)
        defer {
            ex.hostCallers.removeLast()
            ex.stackTop = savedTop
            ex.depth = savedDepth
            r.entries = entries
            Interpreter.reloadMemory(&r)
        }
        let caller = Caller(store: self, instanceIndex: r.context.pointee.instanceIndex)
        switch callHostFunction(callee, arguments: base, caller: caller) {
        case .success: return .running
        case .failure(let kind):
            ex.trapDetail = kind
            ex.trap = .detailed
            return .trapped
        }
    }

    func callHostFunction(_ callee: UInt32, arguments base: UnsafeMutablePointer<UInt64>, caller: Caller) -> Result<Void, TrapKind> {
        guard case .host(let function, let name) = functions[Int(callee)].kind else {
            return .failure(.host("not a host function"))
        }
        let type = function.type
        var arguments: [Value] = []
        var p = base
        for t in type.params {
            arguments.append(loadValue(t, from: p, module: nil))
            p += t.slotCount
        }
        let results: [Value]
        do {
            results = try function.body(caller, arguments)
        } catch let trap as Trap {
            return .failure(trap.kind)
        } catch {
            return .failure(.host("host function \(name) failed: \(error)"))
        }
        guard results.count == type.results.count,
              zip(results, type.results).allSatisfy({ value($0, matches: $1, module: nil) }) else {
            return .failure(.host("host function \(name) returned \(results.map(\.type)), expected \(type.results)"))
        }
        p = base
        for v in results {
            v.store(to: p)
            p += v.type.slotCount
        }
        return .success(())
    }
}
