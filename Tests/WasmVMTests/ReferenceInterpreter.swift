import WasmCore
@testable import WasmVM

/// A deliberately naive Wasm stack interpreter over the decoded instruction list, for a small
/// subset (integer arithmetic, locals, control flow, calls, a few loads and stores). It is the oracle of the debug
/// invariant test: it knows nothing of slots or internal code.
struct ReferenceInterpreter {
    struct Label {
        var arity: Int
        var height: Int
        /// Instruction index to continue at when branched to.
        var target: Int
        /// A try_table's clauses; a legacy try's catches (instruction index, tag; nil for
        /// catch_all), which stop applying once one of its catch bodies runs.
        var clauses: [CatchClause] = []
        var legacyCatches: [(at: Int, tag: UInt32?)] = []
        var inCatch = false
    }

    struct Frame {
        var function: UInt32
        var pc: Int
        var locals: [Value]
        var stack: [Value] = []
        var labels: [Label] = []
    }

    let module: Module
    var frames: [Frame] = []
    var results: [Value]?
    /// One page of linear memory, zeroed (fixtures fill it with stores).
    var memory = [UInt8](repeating: 0, count: 65536)
    /// Memories 1, 2, ... (multi-memory), one page each.
    var otherMemories: [UInt32: [UInt8]] = [:]
    /// Set when the fixture used an instruction outside the subset (the test then fails).
    var unsupported: String?
    /// GC objects made so far (fields or elements), the first with id `firstObjectID`, in the
    /// engine heap `heap` (so they compare equal to the engine's handles).
    var objects: [(isArray: Bool, fields: [Value])] = []
    let firstObjectID: Int
    let heap: ObjectIdentifier?
    /// For each block/loop/if: index of its `else` (if any) and `end`, per function.
    private var ends: [UInt32: [Int: (else_: Int?, end: Int)]] = [:]
    private var catches: [UInt32: [Int: [(at: Int, tag: UInt32?)]]] = [:]
    /// Table 0's function entries from active segments of function indices at constant offsets
    /// (what the fixtures' call_indirect uses).
    private var table0: [Int: UInt32] = [:]

    init(module: Module, function: UInt32, arguments: [Value], heap: ObjectIdentifier? = nil, firstObjectID: Int = 0) {
        // Bodies decoded once: `step` reads its function's instructions at every instruction,
        // and a decoded module's `body` decodes on each read.
        var decodedModule = module
        for i in decodedModule.functions.indices { decodedModule.functions[i].body = module.functions[i].body }
        self.module = decodedModule
        self.heap = heap
        self.firstObjectID = firstObjectID
        for index in 0..<UInt32(module.functionCount) {
            guard let f = module.definedFunction(index) else { continue }
            var table: [Int: (Int?, Int)] = [:]
            var open: [(start: Int, else_: Int?)] = []
            var catchTable: [Int: [(at: Int, tag: UInt32?)]] = [:]
            for (i, ins) in f.body.instructions.enumerated() {
                switch ins.opcode {
                case .block, .loop, .if, .tryTable, .try: open.append((i, nil))
                case .else: open[open.count - 1].else_ = i
                case .catch: catchTable[open[open.count - 1].start, default: []].append((i, ins.index))
                case .catchAll: catchTable[open[open.count - 1].start, default: []].append((i, nil))
                case .end: if let o = open.popLast() { table[o.start] = (o.else_, i) }
                default: break
                }
            }
            ends[index] = table
            catches[index] = catchTable
        }
        for segment in module.elements {
            guard case .active(0, let offset) = segment.mode, case .functions(let functions) = segment.items,
                  case .i32(let start)? = offset.instructions.first?.immediate else { continue }
            for (k, function) in functions.enumerated() { table0[Int(start) + k] = function }
        }
        enter(function, arguments)
    }

    var isFinished: Bool { frames.isEmpty }

    /// The file offset of the next instruction of the innermost frame.
    var offset: UInt32? {
        guard let f = frames.last, let body = module.definedFunction(f.function)?.body else { return nil }
        return body.offsets[f.pc]
    }

    private mutating func enter(_ function: UInt32, _ arguments: [Value]) {
        let f = module.definedFunction(function)!
        let type = module.functionType(of: function)!
        let locals = arguments + f.expandedLocals.map { zero($0) }
        let end = f.body.instructions.count - 1
        frames.append(Frame(function: function, pc: 0, locals: locals,
                            labels: [Label(arity: type.results.count, height: 0, target: end)]))
    }

    /// A type's zero value; a null of a defined struct or array type is an `any` null.
    private func zero(_ type: ValueType) -> Value {
        if case .ref(let r) = type, case .concrete(let x) = r.heapType, Int(x) < module.typeDefinitions.count,
           module.typeDefinitions[Int(x)].composite.abstractSupertype.top == .any {
            return .anyref(nil)
        }
        return Value.zero(type)
    }

    private mutating func allocate(isArray: Bool, _ fields: [Value]) -> Value {
        let id = UInt32(firstObjectID + objects.count)
        objects.append((isArray, fields))
        return .anyref(.object(GCObject(id: id, typeID: 0, isArray: isArray, heap: heap ?? ObjectIdentifier(GCHeap.self))))
    }

    private func blockArity(_ ins: Instruction) -> (params: Int, results: Int) {
        let bt: BlockType
        switch ins.immediate {
        case .block(let b): bt = b
        case .tryTable(let b, _): bt = b
        default: return (0, 0)
        }
        switch bt {
        case .empty: return (0, 0)
        case .value: return (0, 1)
        case .typeIndex(let i): return (module.types[Int(i)].params.count, module.types[Int(i)].results.count)
        }
    }

    private mutating func branch(_ depth: Int) {
        var f = frames.removeLast()
        let label = f.labels[f.labels.count - 1 - depth]
        let values = f.stack.suffix(label.arity)
        f.stack.removeSubrange(label.height...)
        f.stack.append(contentsOf: values)
        f.labels.removeLast(depth + 1)
        let body = module.definedFunction(f.function)!.body.instructions
        if body[label.target].opcode == .loop {
            // Re-enter the loop: its label is pushed again by executing the loop instruction.
            f.pc = label.target
        } else {
            f.pc = label.target   // the `end`, which will pop nothing more (label already gone)
            f.pc += 1
            if f.pc >= body.count { frames.append(f); finishFunction(); return }
        }
        frames.append(f)
    }

    private mutating func finishFunction() {
        let f = frames.removeLast()
        let type = module.functionType(of: f.function)!
        let values = Array(f.stack.suffix(type.results.count))
        if frames.isEmpty {
            results = values
        } else {
            frames[frames.count - 1].stack.append(contentsOf: values)
            frames[frames.count - 1].pc += 1   // past the call
        }
    }

    /// The payload types of tag `index` (defined tags only: the fixtures import none).
    private func tagParams(_ index: UInt32) -> Int {
        module.types[Int(module.allTagTypes[Int(index)].typeIndex)].params.count
    }

    /// Delivers an exception of tag `tag` to the innermost handler, unwinding frames.
    private mutating func raise(tag: UInt32, payload: [Value]) {
        while var f = frames.popLast() {
            for k in stride(from: f.labels.count - 1, through: 1, by: -1) {
                let label = f.labels[k]
                if let clause = label.clauses.first(where: { !$0.kind.hasTag || $0.tag == tag }) {
                    f.stack.removeSubrange(label.height...)
                    if clause.kind.hasTag { f.stack.append(contentsOf: payload) }
                    f.labels.removeSubrange(k...)
                    frames.append(f)
                    branch(Int(clause.label))
                    return
                }
                if !label.inCatch, let c = label.legacyCatches.first(where: { $0.tag == nil || $0.tag == tag }) {
                    f.stack.removeSubrange(label.height...)
                    if c.tag != nil { f.stack.append(contentsOf: payload) }
                    f.labels.removeSubrange((k + 1)...)
                    f.labels[k].inCatch = true
                    f.pc = c.at + 1
                    frames.append(f)
                    return
                }
            }
        }
        unsupported = "uncaught exception"
    }

    /// Executes one Wasm instruction.
    mutating func step() {
        guard var f = frames.popLast() else { return }
        let body = module.definedFunction(f.function)!.body.instructions
        let ins = body[f.pc]
        f.pc += 1
        func pop() -> Value { f.stack.removeLast() }
        /// A memory address operand: i32, or i64 for a memory64 memory (fixtures stay in range).
        func addressOf(_ v: Value) -> Int {
            switch v {
            case .i64(let x): Int(truncatingIfNeeded: x)
            default: Int(i32(v))
            }
        }
        func i32(_ v: Value) -> UInt32 { if case .i32(let x) = v { return x }; return 0 }
        func i64(_ v: Value) -> UInt64 { if case .i64(let x) = v { return x }; return 0 }
        switch ins.opcode {
        case .nop: break
        case .block, .loop:
            let (p, r) = blockArity(ins)
            let end = ends[f.function]![f.pc - 1]!.end
            let isLoop = ins.opcode == .loop
            f.labels.append(Label(arity: isLoop ? p : r, height: f.stack.count - p, target: isLoop ? f.pc - 1 : end))
        case .if:
            let (p, r) = blockArity(ins)
            let info = ends[f.function]![f.pc - 1]!
            let c = i32(pop())
            f.labels.append(Label(arity: r, height: f.stack.count - p, target: info.end))
            if c == 0 {
                if let e = info.else_ { f.pc = e + 1 } else { f.pc = info.end }
            }
        case .tryTable:
            guard case .tryTable(_, let clauses) = ins.immediate else { return }
            let (p, r) = blockArity(ins)
            let end = ends[f.function]![f.pc - 1]!.end
            f.labels.append(Label(arity: r, height: f.stack.count - p, target: end, clauses: clauses))
        case .try:
            let (p, r) = blockArity(ins)
            let end = ends[f.function]![f.pc - 1]!.end
            f.labels.append(Label(arity: r, height: f.stack.count - p, target: end,
                                  legacyCatches: catches[f.function]![f.pc - 1] ?? []))
        case .catch, .catchAll:
            // End of the try body or of a catch body: continue after the end.
            let label = f.labels.removeLast()
            f.pc = label.target + 1
        case .throw:
            let payload = Array(f.stack.suffix(tagParams(ins.index)))
            frames.append(f)
            raise(tag: ins.index, payload: payload)
            return
        case .returnCall:
            let type = module.functionType(of: ins.index)!
            let args = Array(f.stack.suffix(type.params.count))
            enter(ins.index, args)   // in place of f, which is gone
            return
        case .else:
            // End of the then-arm: continue after the matching end.
            let label = f.labels.removeLast()
            f.pc = label.target + 1
        case .end:
            if f.pc == body.count { frames.append(f); finishFunction(); return }
            f.labels.removeLast()
        case .br:
            frames.append(f); branch(Int(ins.index)); return
        case .brIf:
            if i32(pop()) != 0 { frames.append(f); branch(Int(ins.index)); return }
        case .brTable:
            guard case .brTable(let targets, let def) = ins.immediate else { return }
            let i = Int(i32(pop()))
            frames.append(f); branch(Int(i < targets.count ? targets[i] : def)); return
        case .return:
            let type = module.functionType(of: f.function)!
            let values = Array(f.stack.suffix(type.results.count))
            f.stack = values
            frames.append(f); finishFunction(); return
        case .callIndirect, .returnCallIndirect:
            guard case .indexPair(_, 0) = ins.immediate, let callee = table0[Int(i32(pop()))] else {
                unsupported = "call_indirect outside table 0's constant entries"; frames.removeAll(); return
            }
            let type = module.functionType(of: callee)!
            let args = Array(f.stack.suffix(type.params.count))
            f.stack.removeLast(type.params.count)
            if ins.opcode == .callIndirect {
                f.pc -= 1
                frames.append(f)
            }
            enter(callee, args)
            return
        case .call:
            let type = module.functionType(of: ins.index)!
            let args = Array(f.stack.suffix(type.params.count))
            f.stack.removeLast(type.params.count)
            f.pc -= 1   // a caller's position is its call instruction
            frames.append(f)
            enter(ins.index, args)
            return
        case .drop: _ = pop()
        case .select, .selectTyped:
            let c = i32(pop()); let b = pop(); let a = pop()
            f.stack.append(c != 0 ? a : b)
        case .localGet: f.stack.append(f.locals[Int(ins.index)])
        case .localSet: f.locals[Int(ins.index)] = pop()
        case .localTee: f.locals[Int(ins.index)] = f.stack.last!
        case .i32Const: if case .i32(let v) = ins.immediate { f.stack.append(.i32(UInt32(bitPattern: v))) }
        case .i64Const: if case .i64(let v) = ins.immediate { f.stack.append(.i64(UInt64(bitPattern: v))) }
        case .i32Eqz: f.stack.append(.i32(i32(pop()) == 0 ? 1 : 0))
        case .i64Eqz: f.stack.append(.i32(i64(pop()) == 0 ? 1 : 0))
        case .i32Add, .i32Sub, .i32Mul, .i32LtS, .i32GtS, .i32Eq, .i32Ne, .i32And, .i32RemU, .i32LeS:
            let b = Int32(bitPattern: i32(pop())), a = Int32(bitPattern: i32(pop()))
            let r: Int32 = switch ins.opcode {
            case .i32Add: a &+ b
            case .i32Sub: a &- b
            case .i32Mul: a &* b
            case .i32LtS: a < b ? 1 : 0
            case .i32GtS: a > b ? 1 : 0
            case .i32LeS: a <= b ? 1 : 0
            case .i32Eq: a == b ? 1 : 0
            case .i32Ne: a != b ? 1 : 0
            case .i32And: a & b
            default: Int32(bitPattern: UInt32(bitPattern: a) % UInt32(bitPattern: b))
            }
            f.stack.append(.i32(UInt32(bitPattern: r)))
        case .i32Or, .i32Xor, .i32Shl, .i32ShrU, .i32ShrS, .i32LtU, .i32GeU:
            let b = i32(pop()), a = i32(pop())
            let r: UInt32 = switch ins.opcode {
            case .i32Or: a | b
            case .i32Xor: a ^ b
            case .i32Shl: a << (b & 31)
            case .i32ShrU: a >> (b & 31)
            case .i32ShrS: UInt32(bitPattern: Int32(bitPattern: a) >> (b & 31))
            case .i32GeU: a >= b ? 1 : 0
            default: a < b ? 1 : 0
            }
            f.stack.append(.i32(r))
        case .i64LeU, .i64Ne:
            let b = i64(pop()), a = i64(pop())
            f.stack.append(.i32((ins.opcode == .i64LeU ? a <= b : a != b) ? 1 : 0))
        case .i64Add, .i64Sub, .i64Mul, .i64And, .i64Xor, .i64ShrU:
            let b = i64(pop()), a = i64(pop())
            let r: UInt64 = switch ins.opcode {
            case .i64Add: a &+ b
            case .i64Sub: a &- b
            case .i64Mul: a &* b
            case .i64And: a & b
            case .i64Xor: a ^ b
            default: a >> (b & 63)
            }
            f.stack.append(.i64(r))
        case .f64Const: if case .f64(let v) = ins.immediate { f.stack.append(.f64(v)) }
        case .i32Load, .i32Load8U, .i32Load8S, .i32Load16U, .i32Load16S, .i64Load, .i64Load32S, .i64Load32U, .f64Load:
            guard case .memarg(let m) = ins.immediate else { return }
            let address = addressOf(pop()) + Int(m.offset)
            let memory = m.memory == 0 ? self.memory : otherMemories[m.memory] ?? [UInt8](repeating: 0, count: 65536)
            let size = ins.opcode == .i32Load || ins.opcode == .i64Load32S || ins.opcode == .i64Load32U ? 4 : ins.opcode == .i32Load16U || ins.opcode == .i32Load16S ? 2 : ins.opcode == .i64Load || ins.opcode == .f64Load ? 8 : 1
            var bits: UInt64 = 0
            for k in 0..<size { bits |= UInt64(memory[address + k]) << (8 * UInt64(k)) }
            switch ins.opcode {
            case .i64Load: f.stack.append(.i64(bits))
            case .i64Load32U: f.stack.append(.i64(bits))
            case .i64Load32S: f.stack.append(.i64(UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: bits)))))
            case .f64Load: f.stack.append(.f64(bits))
            case .i32Load8S: f.stack.append(.i32(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: bits)))))
            case .i32Load16S: f.stack.append(.i32(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: bits)))))
            default: f.stack.append(.i32(UInt32(truncatingIfNeeded: bits)))
            }
        case .i32Store, .i32Store8, .i64Store, .f64Store:
            guard case .memarg(let m) = ins.immediate else { return }
            let value = pop()
            let address = addressOf(pop()) + Int(m.offset)
            if m.memory != 0 { otherMemories[m.memory] = otherMemories[m.memory] ?? [UInt8](repeating: 0, count: 65536) }
            let (bits, size): (UInt64, Int) = switch value {
            case .i32(let v): (UInt64(v), ins.opcode == .i32Store8 ? 1 : 4)
            case .i64(let v), .f64(let v): (v, 8)
            default: (0, 0)
            }
            for k in 0..<size {
                let byte = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))
                if m.memory == 0 { memory[address + k] = byte } else { otherMemories[m.memory]?[address + k] = byte }
            }
        case .f64Add, .f64Sub, .f64Mul, .f64Div:
            func f64(_ v: Value) -> Double { if case .f64(let x) = v { return Double(bitPattern: x) }; return 0 }
            let b = f64(pop()), a = f64(pop())
            let r: Double = switch ins.opcode {
            case .f64Add: a + b
            case .f64Sub: a - b
            case .f64Mul: a * b
            default: a / b
            }
            f.stack.append(.f64(r.bitPattern))
        case .f64Ge, .f64Gt:
            func f64(_ v: Value) -> Double { if case .f64(let x) = v { return Double(bitPattern: x) }; return 0 }
            let b = f64(pop()), a = f64(pop())
            f.stack.append(.i32((ins.opcode == .f64Ge ? a >= b : a > b) ? 1 : 0))
        case .i64ExtendI32U: f.stack.append(.i64(UInt64(i32(pop()))))
        case .i64ExtendI32S: f.stack.append(.i64(UInt64(bitPattern: Int64(Int32(bitPattern: i32(pop()))))))
        case .i64Extend32S: f.stack.append(.i64(UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: i64(pop()))))))
        case .i32WrapI64: f.stack.append(.i32(UInt32(truncatingIfNeeded: i64(pop()))))
        // Typed function references and i31 (a store of one module: a function's address is its index).
        case .refFunc: f.stack.append(.funcref(ins.index))
        case .refI31: f.stack.append(.anyref(.i31(i32(pop()) & 0x7FFF_FFFF)))
        case .i31GetS, .i31GetU:
            guard case .anyref(.i31(let v)?) = pop() else { unsupported = "i31.get of null"; frames.removeAll(); return }
            f.stack.append(.i32(ins.opcode == .i31GetS ? UInt32(bitPattern: AnyReference.signed(v)) : v))
        case .refEq:
            let b = pop(), a = pop()
            f.stack.append(.i32(a == b ? 1 : 0))
        case .refAsNonNull:
            if f.stack.last?.isNullReference == true { unsupported = "a null in ref.as_non_null"; frames.removeAll(); return }
        case .brOnNull:
            if f.stack.last?.isNullReference == true { _ = pop(); frames.append(f); branch(Int(ins.index)); return }
        case .brOnNonNull:
            if f.stack.last?.isNullReference == false { frames.append(f); branch(Int(ins.index)); return }
            _ = pop()
        case .callRef:
            guard case .funcref(let callee?) = pop() else { unsupported = "call_ref of null"; frames.removeAll(); return }
            let type = module.functionType(of: callee)!
            let args = Array(f.stack.suffix(type.params.count))
            f.stack.removeLast(type.params.count)
            f.pc -= 1
            frames.append(f)
            enter(callee, args)
            return
        // GC objects, numbered in allocation order from `firstObjectID` (the engine's heap does
        // the same while nothing is collected).
        case .refNull:
            if case .refType(let t) = ins.immediate { f.stack.append(zero(.ref(t))) }
        case .structNew:
            guard case .structure(let fields) = module.typeDefinitions[Int(ins.index)].composite else { return }
            let values = Array(f.stack.suffix(fields.count))
            f.stack.removeLast(fields.count)
            f.stack.append(allocate(isArray: false, values))
        case .arrayNewFixed:
            guard case .indexPair(_, let n) = ins.immediate else { return }
            let values = Array(f.stack.suffix(Int(n)))
            f.stack.removeLast(Int(n))
            f.stack.append(allocate(isArray: true, values))
        case .structGet, .arrayGet, .arrayLen:
            var index = 0
            if ins.opcode == .arrayGet { index = Int(i32(pop())) }
            guard case .anyref(.object(let o)?) = pop() else { unsupported = "a null object"; frames.removeAll(); return }
            let fields = objects[Int(o.id) - firstObjectID].fields
            if ins.opcode == .arrayLen { f.stack.append(.i32(UInt32(fields.count))); break }
            if case .indexPair(_, let field) = ins.immediate { index = Int(field) }
            f.stack.append(fields[index])
        case .structSet, .arraySet:
            let value = pop()
            var index = 0
            if ins.opcode == .arraySet { index = Int(i32(pop())) }
            guard case .anyref(.object(let o)?) = pop() else { unsupported = "a null object"; frames.removeAll(); return }
            if case .indexPair(_, let field) = ins.immediate { index = Int(field) }
            objects[Int(o.id) - firstObjectID].fields[index] = value
        case .refTest:
            guard case .refType(let t) = ins.immediate, case .abstract(let kind) = t.heapType else { return }
            guard case .anyref(.object(let o)?) = pop() else { f.stack.append(.i32(0)); break }
            let isArray = objects[Int(o.id) - firstObjectID].isArray
            let passes = kind == .any || kind == .eq || (kind == .array) == isArray && (kind == .array || kind == .struct)
            f.stack.append(.i32(passes ? 1 : 0))
        case .i32TruncF64S:
            guard case .f64(let bits) = pop() else { return }
            f.stack.append(.i32(UInt32(bitPattern: Int32(Double(bitPattern: bits)))))   // fixtures stay in range
        default:
            unsupported = ins.opcode.mnemonic
            frames.removeAll()
            return
        }
        frames.append(f)
        // Falling off the last `end` is handled when the end executes.
    }
}
