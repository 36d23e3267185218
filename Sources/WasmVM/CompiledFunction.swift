import WasmCore

/// A function body compiled to internal code, with the tables that map it back to Wasm.
final class CompiledFunction {
    /// The code words. Owned by this object; the engine holds a raw pointer to them.
    let code: UnsafeMutablePointer<UInt64>
    let codeCount: Int
    /// Stop points, sorted by code index: where each internal instruction starts, the module
    /// file offset of the Wasm instruction it begins, and the operand-stack type node there.
    let stopCodeIndex: [UInt32]
    let stopFileOffset: [UInt32]
    let stopStackNode: [Int32]
    /// Offset of the last Wasm instruction each stop point's run executes (Compiler+Operands).
    let stopRunEnd: [UInt32]
    /// Where register-form instructions inside folded runs may trap (see `TrapSites`).
    let trapSites: TrapSites
    /// Operand-stack types as a tree: node i has type `nodeTypes[i]` on top of node
    /// `nodeParents[i]` (-1 = empty stack). Each stop point names its top node, so the typed
    /// operand stack at any stop costs one Int32 to record.
    let nodeParents: [Int32]
    let nodeTypes: [ValueType]
    /// Where each node's value lives: its canonical slot, or (for a folded `local.get` or
    /// constant that is still pending at a stop point) a local's slot or the constant itself.
    let nodeHomes: [StackHome]
    /// Types of params followed by declared locals, and the slot where each starts.
    let localTypes: [ValueType]
    let localSlots: [Int]
    let localsEnd: Int
    let frameSize: Int
    /// A free run's calls zero slots [params, zeroEnd) only: the locals a read may see before a
    /// write, and the hidden slots (Compiler+LocalZeroing.swift); the compiler sets it.
    var zeroEnd: Int
    /// A debug session's calls zero slots [params, debugZeroEnd): also the locals whose value the
    /// debugger cannot otherwise tell at some stop (Compiler+DebugLocals.swift). A local at or
    /// above it is unwritten (reads as zero) at the positions `writtenChanges` says.
    var debugZeroEnd: Int
    /// Per local, the file offsets where it turns from unwritten to written or back; empty when
    /// not compiled for a debug session (debugZeroEnd is then localsEnd: every slot is exact).
    var writtenChanges: [[UInt32]] = []
    /// Code indices where an interrupt can be armed by patching (Docs/architecture.md, Engine invariants (6)): the function
    /// entry (0) and the first instruction of every loop, in ascending order.
    let interruptPoints: [UInt32]
    /// Exception handlers, innermost first (ExceptionHandlers.swift); set by the compiler.
    var handlers: [ExceptionHandler] = []

    init(code: [UInt64], stopCodeIndex: [UInt32], stopFileOffset: [UInt32], stopStackNode: [Int32],
         stopRunEnd: [UInt32], trapSites: TrapSites, nodeParents: [Int32], nodeTypes: [ValueType],
         nodeHomes: [StackHome], localTypes: [ValueType], localSlots: [Int],
         localsEnd: Int, frameSize: Int, interruptPoints: [UInt32]) {
        self.interruptPoints = interruptPoints
        self.code = .allocate(capacity: max(code.count, 1))
        self.code.initialize(from: code, count: code.count)
        self.codeCount = code.count
        self.stopCodeIndex = stopCodeIndex
        self.stopFileOffset = stopFileOffset
        self.stopStackNode = stopStackNode
        self.stopRunEnd = stopRunEnd
        self.trapSites = trapSites
        self.nodeParents = nodeParents
        self.nodeTypes = nodeTypes
        self.nodeHomes = nodeHomes
        self.localTypes = localTypes
        self.localSlots = localSlots
        self.localsEnd = localsEnd
        self.frameSize = frameSize
        self.zeroEnd = localsEnd
        self.debugZeroEnd = localsEnd
    }

    deinit { code.deallocate() }

    /// Whether local `index` reads as zero in a frame at file offset `position`: a debug
    /// session's call left its slot as it was, and the function has not written it yet there.
    func isUnwritten(local index: Int, at position: UInt32) -> Bool {
        guard !writtenChanges.isEmpty, localSlots[index] >= debugZeroEnd else { return false }
        // An even number of changes at or before the position: unwritten.
        let changes = writtenChanges[index]
        var low = 0, high = changes.count
        while low < high {
            let mid = (low + high) / 2
            if changes[mid] <= position { low = mid + 1 } else { high = mid }
        }
        return low % 2 == 0
    }

    /// Index of the stop point whose instruction contains code index `index` (the last stop
    /// point at or before it), or nil if `index` precedes all of them.
    func stopPoint(containing index: Int) -> Int? {
        var lo = 0, hi = stopCodeIndex.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(stopCodeIndex[mid]) <= index { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    /// Index of the stop point that starts exactly at code index `index`.
    func stopPoint(at index: Int) -> Int? {
        guard let s = stopPoint(containing: index), Int(stopCodeIndex[s]) == index else { return nil }
        return s
    }

    /// The operand stack's entries at `node`, bottom first: type and where the value lives.
    func stackEntries(node start: Int32) -> [(type: ValueType, home: StackHome)] {
        var entries: [(type: ValueType, home: StackHome)] = []
        var node = start
        while node >= 0 {
            entries.append((nodeTypes[Int(node)], nodeHomes[Int(node)]))
            node = nodeParents[Int(node)]
        }
        return entries.reversed()
    }

}

/// The register-form instructions that can trap (loads, stores, division), by code index: the
/// Wasm offset of the instruction and the operand-stack node just before it, with its number of
/// operands. A trap inside a folded run reports this instruction, not the run's start.
struct TrapSites {
    private(set) var codeIndex: [UInt32] = []
    private(set) var fileOffset: [UInt32] = []
    private(set) var node: [Int32] = []
    private(set) var arity: [UInt8] = []

    mutating func append(codeIndex index: Int, fileOffset offset: UInt32, node stackNode: Int32, arity n: Int) {
        codeIndex.append(UInt32(index))
        fileOffset.append(offset)
        node.append(stackNode)
        arity.append(UInt8(n))
    }

    /// The site at exactly code index `index`.
    func site(at index: Int) -> Int? {
        var lo = 0, hi = codeIndex.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(codeIndex[mid]) < index { lo = mid + 1 } else { hi = mid }
        }
        return lo < codeIndex.count && Int(codeIndex[lo]) == index ? lo : nil
    }
}

extension CompiledFunction {
    /// The Wasm file offset a frame stopped at code index `index` shows: the stop point's, or
    /// after a trap, the offset of the instruction that trapped.
    func fileOffset(atCodeIndex index: Int, trapped: Bool) -> UInt32? {
        if trapped, let site = trapSites.site(at: index) { return trapSites.fileOffset[site] }
        guard let stop = stopPoint(containing: index) else { return nil }
        return stopFileOffset[stop]
    }

    /// The Wasm operand stack of a frame at code index `index` (bottom first), read from where
    /// each entry lives (`StackHome`); canonical slots at or above `limit` have moved into a
    /// callee's frame. After a trap in a register-form instruction, the stack is the one just
    /// before that instruction (its trap site's node).
    func operandStack(atCodeIndex index: Int, fp: UnsafeMutablePointer<UInt64>, limit: Int = .max,
                      trapped: Bool = false,
                      load: (ValueType, UnsafePointer<UInt64>) -> Value = { Value.load($0, from: $1) }) -> [Value] {
        let node: Int32
        if trapped, let site = trapSites.site(at: index) {
            node = trapSites.node[site]
        } else {
            guard let stop = stopPoint(containing: index) else { return [] }
            node = stopStackNode[stop]
        }
        var stack: [Value] = []
        var slot = localsEnd
        for (type, home) in stackEntries(node: node) {
            // A call's arguments (the top entries) have moved into the callee's frame, folded
            // ones (still described as a local or constant at the call) included.
            if slot >= limit { return stack }
            switch home {
            case .canonical:
                stack.append(load(type, fp + slot))
            case .local(let s):
                stack.append(load(type, fp + s))
            case .constant(let bits):
                var raw = bits
                stack.append(load(type, &raw))
            case .sum(let s, let addend):
                stack.append(.i32(UInt32(truncatingIfNeeded: fp[s]) &+ addend))
            case .slotSum(let base, let index):
                stack.append(.i32(UInt32(truncatingIfNeeded: fp[base]) &+ UInt32(truncatingIfNeeded: fp[index])))
            }
            slot += type.slotCount
        }
        return stack
    }
}

/// Where an operand-stack entry lives at a stop point.
enum StackHome: Hashable {
    /// Its canonical slot (localsEnd + the slots of the entries below it).
    case canonical
    /// A folded `local.get` still pending: the local's slot holds the value.
    case local(slot: Int)
    /// A folded constant still pending.
    case constant(UInt64)
    /// An `i32.add` of a slot and a constant folded into the load that uses it (only at that
    /// load's trap site): the value is the slot's i32 plus the addend.
    case sum(slot: Int, addend: UInt32)
    /// The same for an `i32.add` of two slots (an indexed load or store).
    case slotSum(base: Int, index: Int)
}
