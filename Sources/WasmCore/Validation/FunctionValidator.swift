/// Type checking of one function body (spec §3.3 and the algorithm of the spec's validation
/// appendix): one pass over the instructions with an operand stack of type bytes and a stack of
/// control frames. The buffers are reused from one function to the next, so a module's bodies
/// are checked without allocating per instruction.

/// What the validator learned about a function body that the engine can use.
public struct FunctionValidationInfo: Hashable, Sendable {
    /// The most operand-stack values live at once (parameters and locals not counted).
    public var maxStackHeight: Int
    /// The same in 64-bit slots, where a v128 takes two (Docs/architecture.md, Engine invariants (2)).
    public var maxStackSlots: Int

    public init(maxStackHeight: Int, maxStackSlots: Int) {
        self.maxStackHeight = maxStackHeight
        self.maxStackSlots = maxStackSlots
    }
}

/// A structured-control frame: where its values start and what its label carries.
struct ControlFrame {
    enum Kind: UInt8 { case function, block, loop, `if`, `else`, tryTable, `try`, `catch`, catchAll }

    var kind: Kind
    /// Set once the rest of the frame is unreachable: the stack below is then polymorphic.
    var unreachable: Bool
    /// Operand-stack height (values and slots) below the frame: its params sit above it.
    var height: Int
    var slotHeight: Int
    var params: TypeRange
    var results: TypeRange
    /// Length of `FunctionValidator.initializedLocals` when the frame opened: locals set
    /// inside the frame are uninitialized again after it (non-defaultable locals).
    var initHeight: Int = 0

    /// The types a branch to this frame carries.
    var labelTypes: TypeRange { kind == .loop ? params : results }
}

/// Checks function bodies one at a time, reusing its buffers from one body to the next.
///
/// Helpers that only read state are still declared `mutating`: called from the mutating
/// checker, a non-mutating method makes Swift copy the whole (large) struct for each call,
/// which showed up as a third of the validation time in profiles.
struct FunctionValidator {
    var context: ValidationContext
    let shapes: [OperatorShape]

    private(set) var stack = OperandTypeStack()
    var slots = 0
    var frames: [ControlFrame] = []
    /// The innermost frame's `height` and `unreachable`, kept here so that every pop reads two
    /// scalars instead of a frame.
    var floor = 0
    var floorIsPolymorphic = false
    /// Types of params and locals, expanded up to `expandedLocalLimit` entries; locals beyond
    /// it (only possible in absurd modules) are found by walking the declarations.
    var localTypes: [TypeCode] = []
    /// Per expanded local: whether it holds a value (false only for non-defaultable locals
    /// not yet set), and the locals set so far, innermost frame's last.
    var localIsSet: [Bool] = []
    var initializedLocals: [Int] = []
    var localCount = 0
    var paramCount = 0
    var localDeclarations: [LocalDeclaration] = []
    static let expandedLocalLimit = 1 << 16

    // Where we are, for error messages.
    var functionIndex: UInt32 = 0
    var instructionIndex = 0
    var offsets: [UInt32] = []
    /// The current instruction's file offset while a body is checked straight from its bytes
    /// (`offsets` is then empty).
    var streamingOffset: UInt32?
    var module: Module

    /// Set while checking a constant expression: only constant instructions are allowed and
    /// `global.get` sees the first `visibleGlobals` globals.
    var constantMode = false
    var visibleGlobals = 0
    var constantWhat = ""

    init(module: Module, context: ValidationContext) {
        self.module = module
        self.context = context
        self.shapes = OperatorShape.table
        frames.reserveCapacity(16)
    }

    /// A copy with an operand stack of its own, for checking bodies on another thread (the
    /// other state is values, copied on write).
    func forked() -> FunctionValidator {
        var copy = self
        copy.stack = OperandTypeStack()
        return copy
    }

    // MARK: errors

    /// An error at the current instruction.
    func error(_ message: String) -> ValidationError {
        if constantMode { return ValidationError("\(message) (in \(constantWhat))") }
        var position: String?
        if let streamingOffset {
            position = module.describe(CodePosition(functionIndex: functionIndex, fileOffset: streamingOffset))
        } else if instructionIndex < offsets.count {
            position = module.describe(CodePosition(functionIndex: functionIndex,
                                                    fileOffset: offsets[instructionIndex]))
        } else {
            position = "\(module.displayName(ofFunction: functionIndex)) (func \(functionIndex), instruction \(instructionIndex))"
        }
        return ValidationError(message, functionIndex: functionIndex,
                               instructionIndex: instructionIndex, position: position)
    }

    func mismatch(expected: TypeCode, found: TypeCode) -> ValidationError {
        error("type mismatch: expected \(context.name(expected)), found \(context.name(found))")
    }

    func underflow(expected: TypeCode) -> ValidationError {
        if expected == unknownType { return error("type mismatch: expected a value, found nothing (stack underflow)") }
        return error("type mismatch: expected \(context.name(expected)), found nothing (stack underflow)")
    }

    func typeName(_ code: TypeCode) -> String { context.name(code) }
    func typeListName(_ codes: some Sequence<TypeCode>) -> String { context.listName(codes) }

    // MARK: operand stack

    @inline(__always)
    mutating func push(_ type: TypeCode) {
        stack.append(type)
        slots &+= type == v128Code ? 2 : 1
    }

    /// Pops a value of any type; `unknownType` when the frame is unreachable and empty.
    @inline(__always)
    mutating func popAny() throws(ValidationError) -> TypeCode {
        if stack.count == floor {
            if floorIsPolymorphic { return unknownType }
            throw underflow(expected: unknownType)
        }
        let type = stack.removeLast()
        slots &-= type == v128Code ? 2 : 1
        return type
    }

    /// Pops a value that must have type `expected` (or be unknown).
    @inline(__always)
    mutating func pop(_ expected: TypeCode) throws(ValidationError) {
        if stack.count == floor {
            if floorIsPolymorphic { return }
            throw underflow(expected: expected)
        }
        let type = stack.removeLast()
        if type != expected && type != unknownType && expected != unknownType && !context.matches(type, expected) {
            throw mismatch(expected: expected, found: type)
        }
        slots &-= type == v128Code ? 2 : 1
    }

    /// Pops `range`'s types, last first.
    mutating func pop(_ range: TypeRange) throws(ValidationError) {
        var i = Int(range.start) + Int(range.count)
        while i > Int(range.start) {
            i -= 1
            try pop(context.typePool[i])
        }
    }

    mutating func push(_ range: TypeRange) {
        let start = Int(range.start)
        for i in start..<start + Int(range.count) { push(context.typePool[i]) }
    }

    /// The rest of the current frame is unreachable: drop its values, make its stack polymorphic.
    mutating func markUnreachable() {
        let last = frames.count - 1
        stack.truncate(to: frames[last].height)
        slots = frames[last].slotHeight
        frames[last].unreachable = true
        floorIsPolymorphic = true
    }

    // MARK: control stack

    mutating func pushFrame(_ kind: ControlFrame.Kind, params: TypeRange, results: TypeRange) {
        frames.append(ControlFrame(kind: kind, unreachable: false, height: stack.count,
                                   slotHeight: slots, params: params, results: results,
                                   initHeight: initializedLocals.count))
        floor = stack.count
        floorIsPolymorphic = false
        push(params)
    }

    /// Checks that the current frame ends with exactly its results on the stack, and leaves it.
    mutating func popFrame() throws(ValidationError) -> ControlFrame {
        let frame = frames[frames.count - 1]
        let expected = Int(frame.results.count)
        let available = stack.count - frame.height
        if available > expected || (available < expected && !frame.unreachable) {
            let found = stack[from: frame.height]
            throw error("type mismatch: end of \(blockName(frame.kind)) expects \(typeListName(resultTypes(frame))), stack holds \(typeListName(found))")
        }
        try pop(frame.results)
        frames.removeLast()
        resetLocals(to: frame.initHeight)
        if let outer = frames.last {
            floor = outer.height
            floorIsPolymorphic = outer.unreachable
        }
        return frame
    }

    mutating func resultTypes(_ frame: ControlFrame) -> ArraySlice<TypeCode> {
        let start = Int(frame.results.start)
        return context.typePool[start..<start + Int(frame.results.count)]
    }

    func blockName(_ kind: ControlFrame.Kind) -> String {
        switch kind {
        case .function: "function"
        case .block: "block"
        case .loop: "loop"
        case .if: "if"
        case .else: "else"
        case .tryTable: "try_table"
        case .try: "try"
        case .catch: "catch"
        case .catchAll: "catch_all"
        }
    }

    /// The frame that label `depth` refers to.
    mutating func label(_ depth: UInt32) throws(ValidationError) -> ControlFrame {
        guard Int(depth) < frames.count else {
            throw error("unknown label \(depth): only \(frames.count) enclosing blocks")
        }
        return frames[frames.count - 1 - Int(depth)]
    }

    mutating func blockTypes(_ type: BlockType) throws(ValidationError) -> (TypeRange, TypeRange) {
        switch type {
        case .empty: return (.empty, .empty)
        case .value(let t):
            try checkValid(t)
            return (.empty, context.single(context.code(t)))
        case .typeIndex(let index):
            guard Int(index) < context.typeCount else { throw error("unknown type \(index)") }
            guard context.isFunctionType[Int(index)] else {
                throw error("type mismatch: block type \(index) is not a function type")
            }
            return (context.typeParams[Int(index)], context.typeResults[Int(index)])
        }
    }

    // MARK: locals

    mutating func prepareLocals(params: TypeRange, declarations: [LocalDeclaration]) throws(ValidationError) {
        localTypes.removeAll(keepingCapacity: true)
        localIsSet.removeAll(keepingCapacity: true)
        initializedLocals.removeAll(keepingCapacity: true)
        var total = UInt64(params.count)
        for declaration in declarations { total &+= UInt64(declaration.count) }
        guard total <= UInt64(UInt32.max) else { throw error("too many locals: \(total)") }
        localCount = Int(total)
        paramCount = Int(params.count)
        localDeclarations = declarations
        let start = Int(params.start)
        localTypes.append(contentsOf: context.typePool[start..<start + Int(params.count)])
        localIsSet.append(contentsOf: repeatElement(true, count: Int(params.count)))
        for declaration in declarations {
            try checkValid(declaration.type)
            let room = FunctionValidator.expandedLocalLimit - localTypes.count
            if room <= 0 { break }
            let n = min(Int(declaration.count), room)
            localTypes.append(contentsOf: repeatElement(context.code(declaration.type), count: n))
            localIsSet.append(contentsOf: repeatElement(declaration.type.isDefaultable, count: n))
        }
    }

    @inline(__always)
    mutating func localType(_ index: UInt32) throws(ValidationError) -> TypeCode {
        let i = Int(index)
        if i < localTypes.count { return localTypes[i] }
        return try localTypeBeyondExpanded(index)
    }

    /// A local past the expanded prefix, or an unknown one (kept out of `localType`, which is
    /// inlined in every local access).
    @inline(never)
    mutating func localTypeBeyondExpanded(_ index: UInt32) throws(ValidationError) -> TypeCode {
        let i = Int(index)
        guard i < localCount else {
            throw error("unknown local \(index): the function has \(localCount) locals")
        }
        // Past the expanded prefix (absurdly many locals): walk the declarations.
        var end = paramCount
        for declaration in localDeclarations {
            end += Int(declaration.count)
            if i < end { return context.code(declaration.type) }
        }
        throw error("unknown local \(index)")
    }

    // MARK: function bodies

    /// Checks defined function `definedIndex` (0 = the first function after the imports).
    mutating func validate(definedIndex: Int) throws(ValidationError) -> FunctionValidationInfo {
        let function = module.functions[definedIndex]
        let expression: Expression
        switch function.code {
        case .decoded(let decoded):
            expression = decoded
        case .encoded(let encoded):
            // Straight from the bytes, with no instructions in between (FunctionValidator+Streaming.swift).
            return try validateEncoded(definedIndex: definedIndex, encoded)
        }
        let instructions = expression.instructions
        offsets = expression.offsets
        streamingOffset = nil
        try beginBody(function, definedIndex: definedIndex)
        var maxHeight = 0
        var maxSlots = 0
        var index = 0
        while index < instructions.count {
            instructionIndex = index
            if frames.isEmpty { throw error("instruction after the end of the function body") }
            // Only the opcode is read for table-typed instructions: copying the whole
            // instruction (an enum with array payloads) costs more than typing it.
            let raw = instructions[index].opcode.rawValue
            if raw >= firstWasm30Opcode { try checkFeature(instructions[index].opcode) }
            let shape = shapes[Int(raw)]
            if shape.kind == .plain {
                try apply(shape)
            } else {
                try checkWithImmediate(instructions[index], shape)
            }
            if stack.count > maxHeight { maxHeight = stack.count }
            if slots > maxSlots { maxSlots = slots }
            index += 1
        }
        if !frames.isEmpty {
            instructionIndex = instructions.count
            throw error("function body does not end with end (\(frames.count) blocks still open)")
        }
        return FunctionValidationInfo(maxStackHeight: maxHeight, maxStackSlots: maxSlots)
    }

    /// Resets the state for checking `function`'s body: its locals, an empty stack and the
    /// function's frame.
    mutating func beginBody(_ function: Function, definedIndex: Int) throws(ValidationError) {
        let importedCount = context.functionTypes.count - module.functions.count
        functionIndex = UInt32(truncatingIfNeeded: importedCount + definedIndex)
        instructionIndex = 0
        let typeIndex = Int(function.typeIndex)
        constantMode = false
        guard typeIndex < context.typeCount, context.isFunctionType[typeIndex] else { throw error("unknown type \(typeIndex)") }
        try prepareLocals(params: context.typeParams[typeIndex], declarations: function.locals)

        stack.removeAll()
        frames.removeAll(keepingCapacity: true)
        slots = 0
        floor = 0
        floorIsPolymorphic = false
        frames.append(ControlFrame(kind: .function, unreachable: false, height: 0, slotHeight: 0,
                                   params: .empty, results: context.typeResults[typeIndex]))
    }

    /// Instructions with an immediate to check, or typed by hand.
    mutating func checkWithImmediate(_ instruction: Instruction, _ shape: OperatorShape) throws(ValidationError) {
        switch shape.kind {
        case .plain:
            try apply(shape)
        case .memory, .memoryLane:
            switch instruction.immediate {
            case .memarg(let memarg): try checkMemoryAccess(instruction.opcode, memarg, lane: nil, shape)
            case .memlane(let memarg, let lane): try checkMemoryAccess(instruction.opcode, memarg, lane: lane, shape)
            default: throw badImmediate(instruction)
            }
        case .lane:
            guard case .lane(let lane) = instruction.immediate else { throw badImmediate(instruction) }
            guard lane < shape.laneCount else {
                throw error("invalid lane index \(lane): \(instruction.opcode.mnemonic) has \(shape.laneCount) lanes")
            }
            try apply(shape)
        case .special:
            try checkSpecial(instruction, shape)
        }
    }

    /// Pops the params and pushes the result of a fixed-signature instruction.
    @inline(__always)
    mutating func apply(_ shape: OperatorShape) throws(ValidationError) {
        switch shape.paramCount {
        case 0: break
        case 1: try pop(shape.param0)
        case 2: try pop(shape.param1); try pop(shape.param0)
        default: try pop(shape.param2); try pop(shape.param1); try pop(shape.param0)
        }
        if shape.resultCount != 0 { push(shape.result) }
    }

    func badImmediate(_ instruction: Instruction) -> ValidationError {
        error("malformed immediate for \(instruction.opcode.mnemonic)")
    }

    /// Checks that the memory exists and returns its address type code.
    @discardableResult
    @inline(__always)
    mutating func checkMemory(_ index: UInt32) throws(ValidationError) -> TypeCode {
        guard Int(index) < context.memoryCount else {
            throw error("unknown memory \(index): the module has \(context.memoryCount == 0 ? "no" : "\(context.memoryCount)") memor\(context.memoryCount == 1 ? "y" : "ies")")
        }
        return context.memoryAddressTypes[Int(index)]
    }

    mutating func checkTable(_ index: UInt32) throws(ValidationError) -> TypeCode {
        guard Int(index) < context.tableElementTypes.count else {
            throw error("unknown table \(index): the module has \(context.tableElementTypes.count) tables")
        }
        return context.tableElementTypes[Int(index)]
    }

    mutating func checkDataSegment(_ index: UInt32) throws(ValidationError) {
        guard Int(index) < context.dataSegmentCount else {
            throw error("unknown data segment \(index): the module has \(context.dataSegmentCount) data segments")
        }
    }

    mutating func checkElementSegment(_ index: UInt32) throws(ValidationError) -> TypeCode {
        guard Int(index) < context.elementTypes.count else {
            throw error("unknown elem segment \(index): the module has \(context.elementTypes.count) element segments")
        }
        return context.elementTypes[Int(index)]
    }

    /// A load or store (with its lane for the SIMD lane forms): checks the immediate, then
    /// types it from the table with the memory's address type.
    @inline(__always)
    mutating func checkMemoryAccess(_ opcode: Opcode, _ memarg: MemArg, lane: UInt8?, _ shape: OperatorShape) throws(ValidationError) {
        let addressType = try checkMemArg(opcode, memarg, lane: lane, shape)
        if addressType == i32Code {
            try apply(shape)
        } else {
            // memory64: the address operand (always the first) is an i64.
            var wide = shape
            wide.param0 = addressType
            try apply(wide)
        }
    }

    @inline(__always)
    mutating func checkMemArg(_ opcode: Opcode, _ memarg: MemArg, lane: UInt8?, _ shape: OperatorShape) throws(ValidationError) -> TypeCode {
        let addressType = try checkMemory(memarg.memory)
        try checkAlignment(memarg, shape, opcode)
        if addressType == i32Code && memarg.offset > UInt64(UInt32.max) {
            throw error("offset out of range: \(memarg.offset) does not fit a 32-bit memory")
        }
        if let lane, lane >= shape.laneCount {
            throw error("invalid lane index \(lane): \(opcode.mnemonic) has \(shape.laneCount) lanes")
        }
        return addressType
    }

    @inline(__always)
    mutating func checkAlignment(_ memarg: MemArg, _ shape: OperatorShape, _ opcode: Opcode) throws(ValidationError) {
        guard memarg.align <= UInt32(shape.maxAlignExponent) else { throw misaligned(memarg, shape, opcode) }
    }

    /// The error for an alignment above the natural one (kept out of the inlined check).
    @inline(never)
    func misaligned(_ memarg: MemArg, _ shape: OperatorShape, _ opcode: Opcode) -> ValidationError {
        let natural = 1 << Int(shape.maxAlignExponent)
        let asked = memarg.align < 32 ? "\(UInt64(1) << UInt64(memarg.align))" : "2^\(memarg.align)"
        return error("alignment must not be larger than natural: \(opcode.mnemonic) has natural alignment \(natural), align=\(asked)")
    }
}

