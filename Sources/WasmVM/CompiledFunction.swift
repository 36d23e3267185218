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
    /// Operand-stack types as a tree: node i has type `nodeTypes[i]` on top of node
    /// `nodeParents[i]` (-1 = empty stack). Each stop point names its top node, so the typed
    /// operand stack at any stop costs one Int32 to record.
    let nodeParents: [Int32]
    let nodeTypes: [ValueType]
    /// Types of params followed by declared locals, and the slot where each starts.
    let localTypes: [ValueType]
    let localSlots: [Int]
    let localsEnd: Int
    let frameSize: Int
    /// Code indices where an interrupt can be armed by patching (DESIGN.md §2.6): the function
    /// entry (0) and the first instruction of every loop, in ascending order.
    let interruptPoints: [UInt32]

    init(code: [UInt64], stopCodeIndex: [UInt32], stopFileOffset: [UInt32], stopStackNode: [Int32],
         nodeParents: [Int32], nodeTypes: [ValueType], localTypes: [ValueType], localSlots: [Int],
         localsEnd: Int, frameSize: Int, interruptPoints: [UInt32]) {
        self.interruptPoints = interruptPoints
        self.code = .allocate(capacity: max(code.count, 1))
        self.code.initialize(from: code, count: code.count)
        self.codeCount = code.count
        self.stopCodeIndex = stopCodeIndex
        self.stopFileOffset = stopFileOffset
        self.stopStackNode = stopStackNode
        self.nodeParents = nodeParents
        self.nodeTypes = nodeTypes
        self.localTypes = localTypes
        self.localSlots = localSlots
        self.localsEnd = localsEnd
        self.frameSize = frameSize
    }

    deinit { code.deallocate() }

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

    /// The operand-stack types at a stop point, bottom first.
    func stackTypes(atStop stop: Int) -> [ValueType] {
        var types: [ValueType] = []
        var node = stopStackNode[stop]
        while node >= 0 {
            types.append(nodeTypes[Int(node)])
            node = nodeParents[Int(node)]
        }
        return types.reversed()
    }
}
