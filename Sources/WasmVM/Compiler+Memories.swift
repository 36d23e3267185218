import WasmCore

// Memory instructions on any memory (multi-memory, memory64). The register forms and the C core
// know one memory: memory 0 with 32-bit addresses, whose base and size the run loop keeps in
// registers. An instruction that names another memory, or whose memory is 64-bit, is compiled
// to the `memoryOperation` internal operation instead, which the Swift slow path executes
// (Interpreter+Memories.swift) in stack form: operands at a, a+1, ..., the result at a. So a
// module that only uses a 32-bit memory 0 compiles exactly as before and pays nothing.
//
// Words: [memoryOperation | a << 32, opcode | memory index << 32, w2, w3] where, by opcode,
//   loads, stores, SIMD memory accesses: w2 = offset (up to 64 bits), w3 = lane index (memlane)
//   memory.copy: w2 = source memory index (the index in w1 is the destination)
//   memory.init: w2 = data segment index
//   memory.size, memory.grow, memory.fill: w2 unused
// Every memoryOperation is four words long.

extension Compiler {
    /// The memory indices an instruction accesses (empty for anything but a memory instruction).
    func memoryIndices(_ instruction: Instruction) -> [UInt32] {
        switch instruction.immediate {
        case .memarg(let m), .memlane(let m, _): return [m.memory]
        default: break
        }
        switch instruction.opcode {
        case .memorySize, .memoryGrow, .memoryFill: return [instruction.index]
        case .memoryCopy:
            if case .indexPair(let d, let s) = instruction.immediate { return [d, s] }
        case .memoryInit:
            if case .indexPair(_, let m) = instruction.immediate { return [m] }
        default: break
        }
        return []
    }

    /// Whether `instruction` must use the `memoryOperation` form: it names a memory other than
    /// memory 0, or a 64-bit memory, or it is a load or store whose offset plus size does not
    /// fit the 32 bits a register form keeps for it (wdb_engine.h: the `end` of the access; such
    /// an access always traps on a 32-bit memory, and the slow path says so).
    func usesMemoryOperation(_ instruction: Instruction) -> Bool {
        for index in memoryIndices(instruction) {
            if index != 0 || isMemory64(index) { return true }
        }
        if case .memarg(let m) = instruction.immediate, let kind = RegisterKind.of(instruction.opcode),
           kind == .load || kind == .store,
           m.offset > 0xFFFF_FFFF - UInt64(instruction.opcode.info.naturalAlignment) {
            return true
        }
        return false
    }

    func isMemory64(_ index: UInt32) -> Bool {
        Int(index) < env.memoryTypes.count && env.memoryTypes[Int(index)].addressType == .i64
    }

    /// Emits a memory instruction as a `memoryOperation` (layout above).
    mutating func translateMemoryOperation(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let op = instruction.opcode
        let indices = memoryIndices(instruction)
        guard let memory = indices.first, indices.allSatisfy({ Int($0) < env.memoryTypes.count }) else {
            throw CompileError("unknown memory")
        }
        let address: ValueType = isMemory64(memory) ? .i64 : .i32
        var params: [ValueType]
        var results: [ValueType]
        var w2: UInt64 = 0
        var w3: UInt64 = 0
        switch op {
        case .memorySize:
            params = []; results = [address]
        case .memoryGrow:
            params = [address]; results = [address]
        case .memoryFill:
            params = [address, .i32, address]; results = []
        case .memoryCopy:
            let source = indices[1]
            let sourceAddress: ValueType = isMemory64(source) ? .i64 : .i32
            // The length is i64 only when both memories are 64-bit.
            params = [address, sourceAddress, address == .i64 && sourceAddress == .i64 ? .i64 : .i32]; results = []
            w2 = UInt64(source)
        case .memoryInit:
            guard case .indexPair(let segment, _) = instruction.immediate else { throw CompileError("bad memory.init") }
            params = [address, .i32, .i32]; results = []
            w2 = UInt64(segment)
        default:
            guard let signature = op.info.signature, !signature.params.isEmpty else {
                throw CompileError("bad memory instruction \(op.mnemonic)")
            }
            // The first operand is the address.
            params = [address] + signature.params.dropFirst()
            results = signature.results
            switch instruction.immediate {
            case .memarg(let m): w2 = m.offset
            case .memlane(let m, let lane): w2 = m.offset; w3 = UInt64(lane)
            default: throw CompileError("bad memory instruction \(op.mnemonic)")
            }
        }
        stop(offset)
        let a = try slotOfTop(params.count)
        _ = try pop(params.count)
        for r in results { _ = push(r) }
        emit(.memoryOperation, a, UInt64(op.rawValue) | UInt64(memory) << 32, w2, w3)
        return true
    }
}
