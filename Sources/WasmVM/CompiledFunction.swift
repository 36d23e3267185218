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
    /// Types of params followed by declared locals, and the slot where each starts.
    let localTypes: [ValueType]
    let localSlots: [Int]
    let localsEnd: Int
    let frameSize: Int
    /// Code indices where an interrupt can be armed by patching (DESIGN.md §2.6): the function
    /// entry (0) and the first instruction of every loop, in ascending order.
    let interruptPoints: [UInt32]

    init(code: [UInt64], stopCodeIndex: [UInt32], stopFileOffset: [UInt32], stopStackNode: [Int32],
         stopRunEnd: [UInt32], trapSites: TrapSites, nodeParents: [Int32], nodeTypes: [ValueType], localTypes: [ValueType], localSlots: [Int],
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
        stackTypes(node: stopStackNode[stop])
    }

    func stackTypes(node start: Int32) -> [ValueType] {
        var types: [ValueType] = []
        var node = start
        while node >= 0 {
            types.append(nodeTypes[Int(node)])
            node = nodeParents[Int(node)]
        }
        return types.reversed()
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

    /// The Wasm operand stack of a frame at code index `index` (bottom first), read from the
    /// canonical slots; slots at or above `limit` have moved into a callee's frame. After a trap
    /// in a register-form instruction, the stack is the one just before it: the entries below
    /// its operands are in their canonical slots, and the operands are read from the slots (or
    /// immediates) the instruction names, since folded providers never pushed them.
    func operandStack(atCodeIndex index: Int, fp: UnsafeMutablePointer<UInt64>, limit: Int = .max,
                      trapped: Bool = false) -> [Value] {
        var types: [ValueType]
        var operands: [RegisterOperand] = []
        if trapped, let site = trapSites.site(at: index) {
            types = stackTypes(node: trapSites.node[site])
            operands = registerOperands(at: index)
            guard operands.count == Int(trapSites.arity[site]), operands.count <= types.count else { return [] }
        } else {
            guard let stop = stopPoint(containing: index) else { return [] }
            types = stackTypes(atStop: stop)
        }
        var stack: [Value] = []
        var slot = localsEnd
        for type in types.dropLast(operands.count) {
            if slot >= limit { break }
            stack.append(Value.load(type, from: fp + slot))
            slot += type.slotCount
        }
        for (type, operand) in zip(types.suffix(operands.count), operands) {
            switch operand {
            case .slot(let s): stack.append(Value.load(type, from: fp + s))
            case .immediate(let bits):
                var raw = bits
                stack.append(Value.load(type, from: &raw))
            }
        }
        return stack
    }

    /// The operands (in Wasm order) of the register-form instruction at `index`.
    private func registerOperands(at index: Int) -> [RegisterOperand] {
        guard index + 1 < codeCount,
              let (op, form) = RegisterOperation.decode(CodeWord.original(code[index])) else { return [] }
        func word(_ i: Int) -> UInt64 { index + i < codeCount ? code[index + i] : 0 }
        func low(_ w: UInt64) -> RegisterOperand { .slot(Int(w & 0xFFFF_FFFF)) }
        func high(_ w: UInt64) -> RegisterOperand { .slot(Int(w >> 32)) }
        switch (RegisterKind.of(op), form) {
        case (.load?, _): return [low(word(2))]
        case (.store?, .rr): return [low(word(2)), high(word(2))]
        case (.store?, .ri): return [low(word(2)), .immediate(word(3))]
        case (_, .r): return [low(word(1))]
        case (_, .rr), (_, .rrBranch), (_, .rrBranchUnless): return [low(word(1)), high(word(1))]
        case (_, .ri), (_, .riBranch), (_, .riBranchUnless): return [low(word(1)), .immediate(word(2))]
        }
    }
}
