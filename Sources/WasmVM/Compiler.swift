import WasmCore

/// Why a function body could not be compiled (only possible for modules that were not
/// validated: the compiler trusts validation but never crashes on bad input).
struct CompileError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// What the compiler needs to know about the instance the function belongs to. Built once per
/// instance (at its first compilation) and shared by all its functions' compilations: every
/// lookup the compiler makes per instruction is an array index, never a walk over the module.
struct CompileEnvironment {
    let module: Module
    /// Store address of each function in the module's function index space.
    let functionAddresses: [UInt32]
    /// Canonical type id of each type in the module's type section.
    let typeIDs: [UInt32]
    let globalTypes: [GlobalType]
    /// Type index of each function in the module's function index space.
    let functionTypeIndices: [UInt32]
    /// Element types of the tables in the module's table index space (imports first).
    let tableTypes: [TableType]
    /// The memories of the module's memory index space (imports first): which are 64-bit.
    let memoryTypes: [MemoryType]
    /// Emit fuel checks at function entry and loop headers.
    let meterFuel: Bool
    /// Store address and type of each tag in the module's tag index space (exception handling).
    var tagAddresses: [Int] = []
    var tagTypes: [FuncType] = []

    init(module: Module, functionAddresses: [UInt32], typeIDs: [UInt32], globalTypes: [GlobalType], meterFuel: Bool) {
        self.module = module
        self.functionAddresses = functionAddresses
        self.typeIDs = typeIDs
        self.globalTypes = globalTypes
        self.functionTypeIndices = module.functionTypeIndices
        self.tableTypes = module.allTableTypes
        self.memoryTypes = module.allMemoryTypes
        self.meterFuel = meterFuel
    }

    /// The type of function `index` of the module's function index space, if both exist.
    func functionType(of index: UInt32) -> FuncType? {
        guard Int(index) < functionTypeIndices.count else { return nil }
        let t = Int(functionTypeIndices[Int(index)])
        return t < module.types.count ? module.types[t] : nil
    }
}

/// Translates one validated function body into internal code (see InternalOp.swift).
struct Compiler {
    struct Entry {
        var type: ValueType
        /// The entry's canonical slot (localsEnd + stack height below it).
        var slot: Int
        /// Set while the value is a provider not emitted yet (Compiler+Operands.swift).
        var pending: Pending?
    }

    /// A `local.get` or constant whose emission is deferred, so the instruction consuming it
    /// can read the local's slot or the constant directly.
    struct Pending {
        enum Provider {
            case local(slot: Int)
            case constant(UInt64)
        }
        var provider: Provider
        /// The provider's own stop point, used if it has to be emitted after all.
        var offset: UInt32
        var nodeBefore: Int32
        /// False for a local.tee folded into its producer: the value is already in the local,
        /// and whatever emits it belongs to the producer's run (it has no stop point of its own).
        var hasStop = true
        /// The number of stop points when it was pushed: while no stop point has been made since,
        /// it is *fresh* (its instruction has not been covered by any run yet).
        var epoch = 0
    }

    /// The last emitted instruction, while nothing has been emitted or labelled after it: a
    /// producer whose destination slot a following local.set can redirect, and, for a
    /// comparison, what a following br_if / if needs to fuse with it.
    struct LastEmission {
        var start: Int
        var end: Int
        var destination: Int
        var comparison: (op: Opcode, lhs: Int, rhs: RegisterOperand)?
        /// For i32.eqz: the tested slot (a branch on it inverts).
        var eqzSource: Int?
        /// For an i32.eqz right after a comparison whose result it tests: that comparison and
        /// where it starts, so a branch on the eqz becomes one compare-and-branch, inverted.
        var negatedComparison: (start: Int, op: Opcode, lhs: Int, rhs: RegisterOperand)?
        /// For `i32.add` of a slot and a constant: a load of the sum can fold it in.
        var addImmediate: (base: Int, addend: UInt32)?
        /// For `i32.add` of two slots: a load or store of the sum can fold it in (indexed form).
        var addSlots: (base: Int, index: Int)?
        /// For a non-trapping binary operation: what a following one can chain with it
        /// (Compiler+Chains.swift).
        var binary: (op: Opcode, lhs: Int, rhs: RegisterOperand)?
        /// For a load: a following binary operation can take its value directly.
        var load: Opcode?
        /// For a unary register operation: it and its operand slot (Compiler+Conversions.swift).
        var unary: (op: Opcode, source: Int)?
        /// For a comparison (i64.eqz included) or i32.eqz that tests the value of the load or
        /// `and` emitted before it, inside that one's run: a branch on it fuses all three
        /// (Compiler+Tests.swift).
        var test: FusedTest?
        /// For an i32.eqz of such a comparison (`negatedComparison`): the comparison's test.
        var negatedTest: FusedTest?
    }

    /// (`tryTable`, `legacyTry` and `legacyCatch` end like blocks; Compiler+Exceptions.swift.)
    enum ControlKind { case function, block, loop, `if`, tryTable, legacyTry, legacyCatch }

    struct Control {
        var kind: ControlKind
        var params: [ValueType]
        var results: [ValueType]
        /// Number of operand-stack entries below the block's params.
        var baseCount: Int
        /// Slot where the block's params (and results) start.
        var baseSlot: Int
        /// Code index of a loop's first instruction.
        var loopStart: Int = 0
        /// Words to patch with the block's end address (forward branches).
        var fixups: [Int] = []
        /// The `if`'s conditional jump word, to patch with the else (or end) address.
        var elseFixup: Int?
        /// Exception handling (Compiler+Exceptions.swift): where a try's body starts, the hidden
        /// slot of a legacy try's caught exception, and its handler (pending or in `handlers`).
        var tryStart = 0
        var exceptionSlot = -1
        var handler: ExceptionHandler?
        var handlerIndex: Int?
        var branchArity: [ValueType] { kind == .loop ? params : results }
    }

    let env: CompileEnvironment
    var code: [UInt64] = []
    var stopCodeIndex: [UInt32] = []
    var stopFileOffset: [UInt32] = []
    var stopStackNode: [Int32] = []
    var stopRunEnd: [UInt32] = []
    var trapSites = TrapSites()
    var nodeParents: [Int32] = []
    var nodeTypes: [ValueType] = []
    var nodeHomes: [StackHome] = []
    var stack: [Entry] = []
    /// Type node of each stack entry; from stack index `staleNodesFrom` up they are out of date.
    var nodes: [Int32] = []
    /// Entries whose home changed get new nodes once, when a node is next read (`topNode`),
    /// rather than at each change: materializing N pending entries one by one would otherwise
    /// make N²/2 nodes. Int.max: every node is current.
    var staleNodesFrom = Int.max
    /// Stack indices of the pending entries, ascending (Compiler+Operands.swift). The loops over
    /// pending entries run over this list, which `limitPendingDepth` keeps short, never over
    /// the whole operand stack (a block of N results would make them quadratic).
    var pendingIndices: [Int] = []
    var controls: [Control] = []
    var localsEnd = 0
    /// The end of the slots a free run's calls zero (CompiledFunction.zeroEnd).
    var zeroEnd = 0
    /// A hidden slot that is zeroed at entry and never written, in functions with loads or
    /// stores: the address slot of an access at a constant address (`i32.const C; i32.load
    /// offset=O` reads slot + C + O, the register form's addend), so the constant is never
    /// written to a slot. -1 when the function has none.
    var zeroSlot = -1
    var maxSlot = 0
    var localTypes: [ValueType] = []
    var localSlots: [Int] = []
    var interruptPoints: [UInt32] = [0]
    var lastEmission: LastEmission?
    /// The last `local.tee l (i32.add x step)` (or i64.add) folded into its add (a loop
    /// counter's step): a comparison of l right after it, branched on, fuses with it
    /// (Compiler+Chains.swift). The step is a slot or a constant.
    var teeIncrement: (start: Int, end: Int, local: Int, wide: Bool, base: Int, step: RegisterOperand)?
    /// The Wasm offset of the instruction being translated.
    var currentOffset: UInt32 = 0
    /// The opcode of the instruction after the one being translated (a comparison looks
    /// whether a `select` uses it: Compiler+Operands.swift).
    var nextOpcode: Opcode?
    /// The code index right after the last call: the return point must begin a stop point
    /// (step-over and interrupts rely on it), so nothing stopless may be emitted there.
    var afterCall = -1
    /// The exception handlers made so far, innermost first (Compiler+Exceptions.swift), and the
    /// first of the hidden slots (above the declared locals) that hold legacy caught exceptions.
    var handlers: [ExceptionHandler] = []
    var legacyExceptionSlots = 0
    /// `entryStopPoint`: the translation ends as soon as a second stop point begins.
    var stopAtSecondStopPoint = false
    /// A debug session's compilation: the locals only a zeroed slot shows correctly come right
    /// after `zeroEnd`, up to `debugZeroEnd` (CompiledFunction.debugZeroEnd).
    var forDebugger = false
    var debugZeroEnd = 0
    var writtenChanges: [[UInt32]] = []

    /// Params + locals of one function the engine accepts (each is zeroed on every call).
    static let maxLocals: UInt64 = 1 << 20

    init(environment: CompileEnvironment) { self.env = environment }

    /// `forDebugger`: a debug session's compilation, which also lays out and records what the
    /// debugger needs to show unwritten locals without zeroing them (Compiler+DebugLocals.swift).
    static func compile(functionIndex: UInt32, environment: CompileEnvironment,
                        forDebugger: Bool = false) throws(CompileError) -> CompiledFunction {
        var compiler = Compiler(environment: environment)
        compiler.forDebugger = forDebugger
        try compiler.translateBody(functionIndex: functionIndex)
        return compiler.finish()
    }

    /// The first stop point of a function, as `compile` would place it, found by translating
    /// only up to the start of the second (a stop point's run is final once the next begins).
    /// A breakpoint on a function's name lands there; setting it need not compile the whole
    /// function (compilation is lazy, and the patch is applied when the function is compiled).
    static func entryStopPoint(functionIndex: UInt32, environment: CompileEnvironment,
                               forDebugger: Bool = false) throws(CompileError) -> StopPoint? {
        var compiler = Compiler(environment: environment)
        compiler.forDebugger = forDebugger
        compiler.stopAtSecondStopPoint = true
        try compiler.translateBody(functionIndex: functionIndex)
        guard let codeIndex = compiler.stopCodeIndex.first else { return nil }
        return StopPoint(codeIndex: Int(codeIndex), fileOffset: compiler.stopFileOffset[0], runEnd: compiler.stopRunEnd[0])
    }

    // MARK: stack bookkeeping

    var height: Int { stack.last.map { $0.slot + $0.type.slotCount } ?? localsEnd }
    var topNode: Int32 {
        mutating get {
            refreshNodes()
            return nodes.last ?? -1
        }
    }

    mutating func push(_ type: ValueType, pending: Pending? = nil) -> Int {
        let slot = height
        let parent = topNode
        stack.append(Entry(type: type, slot: slot, pending: pending))
        if pending != nil { pendingIndices.append(stack.count - 1) }
        nodes.append(makeNode(for: stack[stack.count - 1], parent: parent))
        maxSlot = max(maxSlot, slot + type.slotCount)
        return slot
    }

    /// A type node for `entry`, recording where its value lives (a pending local.get's local,
    /// a pending constant, else its canonical slot).
    mutating func makeNode(for entry: Entry, parent: Int32) -> Int32 {
        nodeParents.append(parent)
        nodeTypes.append(entry.type)
        switch entry.pending?.provider {
        case .local(let slot)?: nodeHomes.append(.local(slot: slot))
        case .constant(let bits)?: nodeHomes.append(.constant(bits))
        case nil: nodeHomes.append(.canonical)
        }
        return Int32(nodeTypes.count - 1)
    }

    /// Entry `index` changed where it lives: it and the entries above it need new nodes (made
    /// by `refreshNodes`). Stop points recorded earlier keep the old nodes, which were true when
    /// they were made.
    mutating func renode(from index: Int) {
        staleNodesFrom = min(staleNodesFrom, index)
    }

    /// New nodes for the entries from `staleNodesFrom` up.
    mutating func refreshNodes() {
        guard staleNodesFrom < stack.count else {
            staleNodesFrom = .max
            return
        }
        for i in staleNodesFrom..<stack.count {
            nodes[i] = makeNode(for: stack[i], parent: i == 0 ? -1 : nodes[i - 1])
        }
        staleNodesFrom = .max
    }

    @discardableResult
    mutating func pop() throws(CompileError) -> Entry {
        guard let c = controls.last, stack.count > c.baseCount, let e = stack.popLast() else {
            throw CompileError("operand stack underflow")
        }
        nodes.removeLast()
        if e.pending != nil, pendingIndices.last == stack.count { pendingIndices.removeLast() }
        return e
    }

    mutating func pop(_ n: Int) throws(CompileError) -> Entry? {
        var first: Entry?
        for _ in 0..<n { first = try pop() }
        return first
    }

    /// Slot of the first of the top `n` entries (or the current height when n == 0).
    func slotOfTop(_ n: Int) throws(CompileError) -> Int {
        if n == 0 { return height }
        guard n <= stack.count else { throw CompileError("operand stack underflow") }
        return stack[stack.count - n].slot
    }

    func slots(_ types: [ValueType]) -> Int { types.reduce(0) { $0 + $1.slotCount } }

    // MARK: emission

    mutating func stop(_ offset: UInt32) {
        stop(offset, node: topNode)
    }

    /// A stop point whose operand stack is `node` (a deferred provider's, below the top).
    mutating func stop(_ offset: UInt32, node: Int32) {
        stopCodeIndex.append(UInt32(code.count))
        stopFileOffset.append(offset)
        stopStackNode.append(node)
        stopRunEnd.append(offset)
    }

    /// The last stop point's run also executes the instruction at `offset`.
    mutating func extendRun(to offset: UInt32) {
        guard let last = stopRunEnd.indices.last else { return }
        stopRunEnd[last] = max(stopRunEnd[last], offset)
    }

    mutating func emit(_ op: InternalOp, _ a: Int, _ immediates: UInt64...) {
        code.append(CodeWord.make(op.rawValue, a))
        code.append(contentsOf: immediates)
    }

    /// An instruction by operation number (the C core's chained and increment-and-branch forms).
    mutating func emitNumbered(_ number: UInt16, _ a: Int, _ immediates: UInt64...) {
        code.append(CodeWord.make(number, a))
        code.append(contentsOf: immediates)
    }

    mutating func emitWasm(_ op: Opcode, _ a: Int, _ immediates: UInt64...) {
        code.append(CodeWord.make(op.rawValue, a))
        code.append(contentsOf: immediates)
    }

    mutating func patch(_ index: Int, target: Int) {
        code[index] = (code[index] & 0xFFFF_FFFF_0000_0000) | UInt64(target)
    }

    func blockSignature(_ type: BlockType) throws(CompileError) -> ([ValueType], [ValueType]) {
        switch type {
        case .empty: return ([], [])
        case .value(let t): return ([], [t])
        case .typeIndex(let i):
            guard Int(i) < env.module.types.count else { throw CompileError("unknown type") }
            let t = env.module.types[Int(i)]
            return (t.params, t.results)
        }
    }

    func label(_ depth: UInt32) throws(CompileError) -> Int {
        guard Int(depth) < controls.count else { throw CompileError("unknown label") }
        return controls.count - 1 - Int(depth)
    }

    /// Emits the jump of a branch to label `depth`, moving its values into place.
    /// `conditionSlot` makes it a br_if.
    mutating func emitBranch(_ depth: UInt32, conditionSlot: Int?) throws(CompileError) {
        let li = try label(depth)
        let target = controls[li]
        let arity = target.branchArity
        let count = slots(arity)
        let src = try slotOfTop(arity.count)
        let dst = target.baseSlot
        let isLoop = target.kind == .loop
        let address = isLoop ? target.loopStart : 0
        if count == 0 || src == dst {
            if let c = conditionSlot { emit(.brIf, c, UInt64(address)) } else { emit(.jump, 0, UInt64(address)) }
        } else if let c = conditionSlot {
            emit(.brIfCopy, c, UInt64(address), UInt64(src) | UInt64(dst) << 32, UInt64(count))
        } else {
            emit(.brCopy, dst, UInt64(address), UInt64(src), UInt64(count))
        }
        // The target address is the word after the operation word.
        let targetWord = (count == 0 || src == dst) ? code.count - 1 : code.count - 3
        if !isLoop { controls[li].fixups.append(targetWord) }
    }

    // MARK: the translation

    private mutating func translateBody(functionIndex: UInt32) throws(CompileError) {
        guard let function = env.module.definedFunction(functionIndex),
              let type = env.functionType(of: functionIndex) else {
            throw CompileError("unknown function \(functionIndex)")
        }
        // A valid module may declare up to 2^32 - 1 locals; refuse before expanding them.
        let declared = function.locals.reduce(UInt64(0)) { $0 + UInt64($1.count) }
        guard declared + UInt64(type.params.count) <= Compiler.maxLocals else {
            throw CompileError("too many locals (\(declared)); the engine supports \(Compiler.maxLocals)")
        }
        // Slots: the params, the zero slot, the locals that must be zeroed at entry (a read may
        // see them before a write; reference-typed ones, which the collector scans), the hidden
        // slots (legacy exceptions), then the locals every path writes before reading them (a
        // free run's calls leave them as they are: Compiler+LocalZeroing.swift).
        localTypes = type.params + function.expandedLocals
        localSlots = [Int](repeating: 0, count: localTypes.count)
        let body = function.body  // decodes an encoded body: once per compilation
        // A debug session's compilation runs the read-first analysis with its own in one walk.
        let readFirst: [Bool]?
        var debug: DebugLocals? = nil
        if forDebugger && body.instructions.count <= Compiler.debugLocalsLimit {
            (readFirst, debug) = Compiler.debugLocals(body.instructions, offsets: body.offsets, paramCount: type.params.count,
                                                      localCount: localTypes.count)
        } else {
            readFirst = Compiler.localsReadBeforeWritten(body.instructions, paramCount: type.params.count,
                                                         localCount: localTypes.count)
        }
        func zeroed(_ i: Int) -> Bool {
            (readFirst.map { $0[i] } ?? true) || localTypes[i].isReference
        }
        var slot = 0
        for i in 0..<type.params.count {
            localSlots[i] = slot
            slot += localTypes[i].slotCount
        }
        // The zero slot comes first: the core's calls always zero the first slot after the
        // params (engine.c, ZERO_LOCALS), so it costs no extra store.
        if body.instructions.contains(where: { RegisterKind.of($0.opcode).map { $0 == .load || $0 == .store } ?? false }) {
            zeroSlot = slot
            slot += 1
        }
        for i in localTypes.indices where i >= type.params.count && zeroed(i) {
            localSlots[i] = slot
            slot += localTypes[i].slotCount
        }
        legacyExceptionSlots = slot
        slot += Compiler.legacyTryDepth(body.instructions)
        zeroEnd = slot
        // A debug session zeroes the ambiguous locals too (all of them when the analysis does
        // not apply); the debugger shows the others as zero where they are not yet written.
        let ambiguous = { (i: Int) in debug.map { $0.ambiguous[i] } ?? true }
        for pass in [true, false] {
            for i in localTypes.indices where i >= type.params.count && !zeroed(i) && ambiguous(i) == pass {
                localSlots[i] = slot
                slot += localTypes[i].slotCount
            }
            if pass { debugZeroEnd = slot }
        }
        writtenChanges = debug?.writtenChanges ?? []
        localsEnd = slot
        maxSlot = localsEnd
        controls.append(Control(kind: .function, params: [], results: type.results, baseCount: 0,
                                baseSlot: localsEnd))
        let offsets = body.offsets
        var skipDepth = 0      // > 0: inside unreachable code, counting nested blocks
        var reachable = true
        if env.meterFuel {
            stop(offsets.first ?? 0)
            emit(.fuel, 0)
        }
        for (i, instruction) in body.instructions.enumerated() {
            let offset = i < offsets.count ? offsets[i] : 0
            nextOpcode = i + 1 < body.instructions.count ? body.instructions[i + 1].opcode : nil
            if !reachable {
                switch instruction.opcode {
                case .block, .loop, .if, .tryTable, .try: skipDepth += 1; continue
                case .end where skipDepth > 0, .delegate where skipDepth > 0: skipDepth -= 1; continue
                case .else where skipDepth > 0, .catch where skipDepth > 0, .catchAll where skipDepth > 0: continue
                case .end, .else, .catch, .catchAll, .delegate: break
                default: continue
                }
            }
            reachable = try translate(instruction, offset: offset, wasReachable: reachable)
            if controls.isEmpty || stopAtSecondStopPoint && stopCodeIndex.count > 1 { return }
        }
        guard controls.isEmpty else { throw CompileError("function body does not end") }
    }

    private func finish() -> CompiledFunction {
        let compiled = CompiledFunction(code: code, stopCodeIndex: stopCodeIndex, stopFileOffset: stopFileOffset,
                                stopStackNode: stopStackNode, stopRunEnd: stopRunEnd, trapSites: trapSites, nodeParents: nodeParents, nodeTypes: nodeTypes, nodeHomes: nodeHomes,
                                localTypes: localTypes, localSlots: localSlots, localsEnd: localsEnd,
                                frameSize: maxSlot, interruptPoints: interruptPoints)
        compiled.handlers = handlers
        compiled.zeroEnd = zeroEnd
        compiled.debugZeroEnd = forDebugger ? debugZeroEnd : localsEnd
        compiled.writtenChanges = writtenChanges
        return compiled
    }

    /// A `return`, or the function's `end` that no branch targets, of a pending local
    /// (`translateReturnOfLocal`); false when it is not one (nothing changed).
    private mutating func translateReturn(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        switch instruction.opcode {
        case .return:
            return try translateReturnOfLocal(offset: offset)
        case .end:
            guard controls.count == 1, controls[0].kind == .function, controls[0].fixups.isEmpty,
                  try translateReturnOfLocal(offset: offset) else { return false }
            controls.removeLast()
            return true
        default:
            return false
        }
    }

    /// Translates one instruction; returns whether the code after it is reachable.
    private mutating func translate(_ instruction: Instruction, offset: UInt32, wasReachable: Bool) throws(CompileError) -> Bool {
        currentOffset = offset
        if wasReachable, try translateReturn(instruction, offset: offset) { return false }
        if let handled = try translateWithOperands(instruction, offset: offset) { return handled }
        if let handled = try translateProposal30(instruction, offset: offset, wasReachable: wasReachable) { return handled }
        let op = instruction.opcode
        switch op {
        case .nop:
            return true
        case .unreachable:
            stop(offset)
            emitWasm(.unreachable, 0)
            return false
        case .block, .loop:
            // (`if`, `br_if`, `drop`, constants and local.set are Compiler+Operands.swift's.)
            guard case .block(let bt) = instruction.immediate else { throw CompileError("bad block") }
            let (params, results) = try blockSignature(bt)
            guard stack.count - (controls.last?.baseCount ?? 0) >= params.count else {
                throw CompileError("operand stack underflow")
            }
            let baseCount = stack.count - params.count
            let baseSlot = try slotOfTop(params.count)
            var control = Control(kind: op == .block ? .block : .loop,
                                  params: params, results: results, baseCount: baseCount, baseSlot: baseSlot)
            if op == .loop {
                control.loopStart = code.count
                if interruptPoints.last != UInt32(code.count) { interruptPoints.append(UInt32(code.count)) }
                if env.meterFuel {
                    stop(offset)
                    emit(.fuel, 0)
                }
            }
            controls.append(control)
            return true
        case .else:
            guard var control = controls.popLast(), control.kind == .if else { throw CompileError("else without if") }
            if wasReachable {
                stop(offset)
                emit(.jump, 0, 0)
                control.fixups.append(code.count - 1)
            }
            if let e = control.elseFixup { patch(e, target: code.count) }
            control.elseFixup = nil
            resetStack(to: control, with: control.params)
            control.kind = .block   // the else arm ends like a block
            controls.append(control)
            return true
        case .end:
            guard let control = controls.popLast() else { throw CompileError("unbalanced end") }
            if control.kind == .function {
                // Branches to the function's label land on the final return, with the
                // results moved to the frame's first operand slots.
                for f in control.fixups { patch(f, target: code.count) }
                if wasReachable || !control.fixups.isEmpty {
                    controls.append(control)
                    resetStack(to: control, with: control.results)
                    stop(offset)
                    emit(.return, control.baseSlot, UInt64(slots(control.results)))
                    controls.removeLast()
                }
                return false
            }
            if let e = control.elseFixup { patch(e, target: code.count) }
            for f in control.fixups { patch(f, target: code.count) }
            resetStack(to: control, with: control.results)
            return true
        case .br:
            stop(offset)
            try emitBranch(instruction.index, conditionSlot: nil)
            return false
        case .brTable:
            guard case .brTable(let targets, let defaultTarget) = instruction.immediate else {
                throw CompileError("bad br_table")
            }
            stop(offset)
            let index = try pop()
            let all = targets + [defaultTarget]
            let arity = controls[try label(defaultTarget)].branchArity
            let count = slots(arity)
            let src = try slotOfTop(arity.count)
            emit(.brTable, index.slot, UInt64(targets.count) | UInt64(count) << 32, UInt64(src))
            for depth in all {
                let li = try label(depth)
                let target = controls[li]
                let address = target.kind == .loop ? target.loopStart : 0
                code.append(UInt64(address) | UInt64(target.baseSlot) << 32)
                if target.kind != .loop { controls[li].fixups.append(code.count - 1) }
            }
            return false
        case .return:
            let results = controls[0].results
            stop(offset)
            emit(.return, try slotOfTop(results.count), UInt64(slots(results)))
            return false
        case .call:
            let index = Int(instruction.index)
            guard index < env.functionAddresses.count, let type = env.functionType(of: UInt32(index)) else {
                throw CompileError("unknown function")
            }
            let base = try slotOfTop(type.params.count)
            stop(offset)
            emit(.call, base, UInt64(env.functionAddresses[index]))
            afterCall = code.count
            _ = try pop(type.params.count)
            for r in type.results { _ = push(r) }
            return true
        case .callIndirect:
            guard case .indexPair(let typeIndex, let table) = instruction.immediate,
                  Int(typeIndex) < env.module.types.count else { throw CompileError("unknown type") }
            guard Int(table) < env.tableTypes.count else { throw CompileError("unknown table") }
            let type = env.module.types[Int(typeIndex)]
            stop(offset)
            let index = try pop()
            let base = try slotOfTop(type.params.count)
            // A table64 table's i64 index goes to the Swift form, which checks all 64 bits.
            let callOp: InternalOp = env.tableTypes[Int(table)].addressType == .i64 ? .callIndirect64 : .callIndirect
            emit(callOp, base, UInt64(table), UInt64(env.typeIDs[Int(typeIndex)]) | UInt64(index.slot) << 32)
            afterCall = code.count
            _ = try pop(type.params.count)
            for r in type.results { _ = push(r) }
            return true
        case .select, .selectTyped:
            stop(offset)
            try pop()
            let v2 = try pop()
            let v1 = try pop()
            if v1.type == .v128 {
                emit(.select2, v1.slot)
            } else {
                emitWasm(.select, v1.slot)
            }
            _ = v2
            _ = push(v1.type)
            return true
        case .localGet, .localTee:
            // v128 reads, and the tees Compiler+Operands.swift does not fold.
            let index = Int(instruction.index)
            guard index < localTypes.count else { throw CompileError("unknown local") }
            let type = localTypes[index]
            let local = localSlots[index]
            let copy: InternalOp = type == .v128 ? .copy2 : .copy
            stop(offset)
            if op == .localGet {
                emit(copy, push(type), UInt64(local))
            } else {
                emit(copy, local, UInt64(try slotOfTop(1)))
            }
            return true
        case .globalGet, .globalSet:
            let index = Int(instruction.index)
            guard index < env.globalTypes.count else { throw CompileError("unknown global") }
            let type = env.globalTypes[index].valueType
            stop(offset)
            if op == .globalGet {
                let dst = push(type)
                let start = code.count
                if type == .v128 { emit(.globalGet2, dst, UInt64(index)) } else { emitWasm(.globalGet, dst, UInt64(index)) }
                // A following local.set may redirect the value into the local.
                lastEmission = LastEmission(start: start, end: code.count, destination: dst)
            } else {
                let src = try pop()
                if type == .v128 { emit(.globalSet2, src.slot, UInt64(index)) } else { emitWasm(.globalSet, src.slot, UInt64(index)) }
            }
            return true
        case .v128Const:
            guard case .v128(let v) = instruction.immediate else { throw CompileError("bad constant") }
            stop(offset)
            emit(.const2, push(.v128), v.low, v.high)
            return true
        case .refNull:
            guard case .refType(let t) = instruction.immediate else { throw CompileError("bad ref.null") }
            stop(offset)
            emit(.const, push(t.valueType), 0)
            return true
        case .refFunc:
            let index = Int(instruction.index)
            guard index < env.functionAddresses.count else { throw CompileError("unknown function") }
            stop(offset)
            emit(.const, push(.funcref), UInt64(env.functionAddresses[index]) + 1)
            return true
        default:
            if let handled = try translateReferences(instruction, offset: offset) { return handled }
            return try translateGeneric(instruction, offset: offset)
        }
    }

    mutating func resetStack(to control: Control, with types: [ValueType]) {
        stack.removeSubrange(control.baseCount...)
        nodes.removeSubrange(control.baseCount...)
        while let last = pendingIndices.last, last >= control.baseCount { pendingIndices.removeLast() }
        for t in types { _ = push(t) }
    }

    /// Instructions whose operands and results follow from the instruction table: operands are
    /// popped, the instruction reads them from the first operand's slot on, results are pushed
    /// from that slot.
    private mutating func translateGeneric(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let op = instruction.opcode
        if usesMemoryOperation(instruction) { return try translateMemoryOperation(instruction, offset: offset) }
        let info = op.info
        var params: [ValueType]
        var results: [ValueType]
        var immediates: [UInt64] = []
        switch op {
        case .tableGet:
            params = [.i32]; results = [try tableType(instruction.index)]
            immediates = [UInt64(instruction.index)]
        case .tableSet:
            params = [.i32, try tableType(instruction.index)]; results = []
            immediates = [UInt64(instruction.index)]
        case .tableGrow:
            let address = try tableAddressType(instruction.index)
            params = [try tableType(instruction.index), address]; results = [address]
            immediates = [UInt64(instruction.index)]
        case .tableFill:
            params = [.i32, try tableType(instruction.index), .i32]; results = []
            immediates = [UInt64(instruction.index)]
        case .tableSize:
            params = []; results = [try tableAddressType(instruction.index)]
            immediates = [UInt64(instruction.index)]
        case .refIsNull:
            guard let top = stack.last else { throw CompileError("operand stack underflow") }
            params = [top.type]; results = [.i32]
        default:
            guard let signature = info.signature else {
                stop(offset)
                emit(.unsupported, 0, UInt64(op.rawValue))
                // Keep the stack shape plausible; execution traps before it matters.
                return false
            }
            params = signature.params
            results = signature.results
            switch instruction.immediate {
            case .memarg(let m): immediates = [m.offset]
            case .memlane(let m, let lane): immediates = [m.offset, UInt64(lane)]
            case .lane(let lane): immediates = [UInt64(lane)]
            case .v128(let v): immediates = [v.low, v.high]   // i8x16.shuffle's lane indices
            case .index(let i): immediates = [UInt64(i)]
            case .indexPair(let x, let y): immediates = [UInt64(x) | UInt64(y) << 32]
            case .none: break
            default:
                stop(offset)
                emit(.unsupported, 0, UInt64(op.rawValue))
                return false
            }
        }
        stop(offset)
        let a = try slotOfTop(params.count)
        _ = try pop(params.count)
        for r in results { _ = push(r) }
        if info.prefix == 0xFD && op != .v128Load && op != .v128Store {
            // SIMD instructions share one internal operation (see SIMD.swift).
            code.append(CodeWord.make(InternalOp.simd.rawValue, a))
            code.append(UInt64(op.rawValue))
        } else {
            code.append(CodeWord.make(op.rawValue, a))
        }
        code.append(contentsOf: immediates)
        return true
    }

    /// i64 for a table64 table (its indices and sizes), else i32.
    private func tableAddressType(_ index: UInt32) throws(CompileError) -> ValueType {
        guard Int(index) < env.tableTypes.count else { throw CompileError("unknown table") }
        return env.tableTypes[Int(index)].addressType.valueType
    }

    private func tableType(_ index: UInt32) throws(CompileError) -> ValueType {
        guard Int(index) < env.tableTypes.count else { throw CompileError("unknown table") }
        return env.tableTypes[Int(index)].elementType.valueType
    }
}
