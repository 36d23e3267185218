/// Why a location could not be evaluated for a frame.
public struct LocationError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    init(_ message: String) { self.message = message }
}

/// A DWARF expression evaluator for wasm32 locations: a stack of 64-bit values (memory
/// addresses are cut to 32 bits), `DW_OP_WASM_location` read from the frame like a register,
/// pieces, and a step limit so a branch loop in corrupt input ends.
struct ExpressionEvaluator {
    let frame: LocationContext
    let addressSize: Int
    /// Resolves `DW_OP_addrx`/`DW_OP_constx` indices through `.debug_addr`.
    let indexedAddress: (UInt64) -> UInt64?
    /// The frame base value for `DW_OP_fbreg` (computed on first use).
    let frameBase: () throws -> UInt64

    static let maximumSteps = 10_000
    private var addressMask: UInt64 { addressSize >= 8 ? UInt64.max : (UInt64(1) << UInt64(addressSize * 8)) - 1 }

    /// What one piece (or the whole expression) describes, before it is turned into a location.
    private enum Pending {
        case stack
        case wasm(kind: UInt8, index: UInt32)
        case implicit([UInt8])
        case stackValue
    }

    func evaluate(_ bytes: [UInt8]) throws -> VariableLocation {
        if bytes.isEmpty { return .optimizedOut }
        var cursor = ByteCursor(bytes: bytes, section: "expression")
        var stack: [UInt64] = []
        var pieces: [VariableLocation.Piece] = []
        var pending = Pending.stack
        var steps = 0

        func pop() throws -> UInt64 {
            guard let value = stack.popLast() else { throw LocationError("expression stack underflow at byte \(cursor.offset)") }
            return value
        }
        func wasmValue(kind: UInt8, index: UInt32) throws -> UInt64 {
            let value: UInt64?
            switch kind {
            case 0: value = frame.wasmLocal(index)
            case 1, 3: value = frame.wasmGlobal(index)
            case 2: value = frame.wasmOperandStack(index)
            default: value = nil
            }
            guard let value else { throw LocationError("\(["local", "global", "operand stack entry", "global"][Int(min(kind, 3))]) \(index) is not available") }
            return value
        }
        func finish(_ pending: Pending) throws -> VariableLocation {
            switch pending {
            case .stack:
                guard let top = stack.last else { return .optimizedOut }
                return .memory(address: top & addressMask)
            case .wasm(let kind, let index):
                switch kind {
                case 0: return .wasmLocal(index)
                case 1, 3: return .wasmGlobal(index)
                default: return .value(bytes: littleEndian(try wasmValue(kind: kind, index: index)))
                }
            case .implicit(let bytes): return .value(bytes: bytes)
            case .stackValue:
                guard let top = stack.last else { throw LocationError("DW_OP_stack_value on an empty stack") }
                return .value(bytes: littleEndian(top))
            }
        }

        while !cursor.isAtEnd {
            steps += 1
            guard steps <= ExpressionEvaluator.maximumSteps else { throw LocationError("expression runs more than \(ExpressionEvaluator.maximumSteps) steps") }
            let opOffset = cursor.offset
            let op = try cursor.u8()
            do {
                switch op {
                case 0x03: stack.append(try cursor.fixed(addressSize))                   // addr
                case 0x06:                                                              // deref
                    stack.append(try read(try pop(), size: addressSize))
                case 0x94:                                                              // deref_size
                    let size = Int(try cursor.u8())
                    stack.append(try read(try pop(), size: size))
                case 0x08: stack.append(UInt64(try cursor.u8()))
                case 0x09: stack.append(UInt64(bitPattern: Int64(Int8(bitPattern: try cursor.u8()))))
                case 0x0a: stack.append(UInt64(try cursor.u16()))
                case 0x0b: stack.append(UInt64(bitPattern: Int64(Int16(bitPattern: try cursor.u16()))))
                case 0x0c: stack.append(UInt64(try cursor.u32()))
                case 0x0d: stack.append(UInt64(bitPattern: Int64(Int32(bitPattern: try cursor.u32()))))
                case 0x0e, 0x0f: stack.append(try cursor.u64())
                case 0x10: stack.append(try cursor.uleb())                              // constu
                case 0x11: stack.append(UInt64(bitPattern: try cursor.sleb()))          // consts
                case 0x12: let v = try pop(); stack += [v, v]                           // dup
                case 0x13: _ = try pop()                                                // drop
                case 0x14:                                                              // over
                    guard stack.count >= 2 else { throw LocationError("DW_OP_over needs two values") }
                    stack.append(stack[stack.count - 2])
                case 0x15:                                                              // pick
                    let index = Int(try cursor.u8())
                    guard index < stack.count else { throw LocationError("DW_OP_pick \(index) past the stack") }
                    stack.append(stack[stack.count - 1 - index])
                case 0x16: let a = try pop(), b = try pop(); stack += [a, b]            // swap
                case 0x17: let a = try pop(), b = try pop(), c = try pop(); stack += [a, c, b] // rot
                case 0x19: let v = Int64(bitPattern: try pop()); stack.append(UInt64(bitPattern: v < 0 ? 0 &- v : v))
                case 0x1f: stack.append(0 &- (try pop()))                               // neg
                case 0x20: stack.append(~(try pop()))                                   // not
                case 0x23: stack.append((try pop()) &+ (try cursor.uleb()))             // plus_uconst
                case 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x29...0x2e:
                    let b = try pop(), a = try pop()
                    stack.append(try binary(op, a, b))
                case 0x2f:                                                              // skip
                    let delta = Int(Int16(bitPattern: try cursor.u16()))
                    try jump(&cursor, by: delta)
                case 0x28:                                                              // bra
                    let delta = Int(Int16(bitPattern: try cursor.u16()))
                    if try pop() != 0 { try jump(&cursor, by: delta) }
                case 0x30...0x4f: stack.append(UInt64(op - 0x30))                       // lit0...lit31
                case 0x91:                                                              // fbreg
                    let offset = try cursor.sleb()
                    stack.append((try frameBase()) &+ UInt64(bitPattern: offset))
                case 0x96: break                                                        // nop
                case 0x9e:                                                              // implicit_value
                    let length = try cursor.ulebCount()
                    pending = .implicit(try cursor.take(length))
                case 0x9f: pending = .stackValue                                        // stack_value
                case 0xa1, 0xa2:                                                        // addrx, constx
                    let index = try cursor.uleb()
                    guard let value = indexedAddress(index) else { throw LocationError("address index \(index) cannot be read") }
                    stack.append(value)
                case 0xed:                                                              // WASM_location
                    let kind = try cursor.u8()
                    let index: UInt32
                    switch kind {
                    case 0, 1, 2: index = UInt32(truncatingIfNeeded: try cursor.uleb())
                    case 3: index = try cursor.u32()
                    default: throw LocationError("unknown DW_OP_WASM_location kind \(kind)")
                    }
                    // Alone (or right before a piece) it names where the value lives, like a
                    // register; followed by operations it pushes the value itself.
                    let next = cursor.isAtEnd ? nil : bytes[cursor.offset]
                    if next == nil || next == 0x93 { pending = .wasm(kind: kind, index: index) }
                    else { stack.append(try wasmValue(kind: kind, index: index)) }
                case 0x93:                                                              // piece
                    let size = try cursor.ulebCount()
                    pieces.append(.init(location: try finish(pending), sizeInBytes: size))
                    stack.removeAll()
                    pending = .stack
                default:
                    throw LocationError("unsupported operation \(operationName(op)) (0x\(hex(op)))")
                }
            } catch let error as DwarfError {
                throw LocationError("truncated operation at byte \(opOffset): \(error.message)")
            }
        }
        if !pieces.isEmpty { return .pieces(pieces) }
        return try finish(pending)
    }

    private func binary(_ op: UInt8, _ a: UInt64, _ b: UInt64) throws -> UInt64 {
        let sa = Int64(bitPattern: a), sb = Int64(bitPattern: b)
        switch op {
        case 0x1a: return a & b
        case 0x1b:
            guard sb != 0 else { throw LocationError("division by zero") }
            return UInt64(bitPattern: sa.dividedReportingOverflow(by: sb).partialValue)
        case 0x1c: return a &- b
        case 0x1d:
            guard b != 0 else { throw LocationError("modulo by zero") }
            return a % b
        case 0x1e: return a &* b
        case 0x21: return a | b
        case 0x22: return a &+ b
        case 0x24: return b >= 64 ? 0 : a << b
        case 0x25: return b >= 64 ? 0 : a >> b
        case 0x26: return UInt64(bitPattern: b >= 64 ? (sa < 0 ? -1 : 0) : sa >> sb)
        case 0x27: return a ^ b
        case 0x29: return sa == sb ? 1 : 0
        case 0x2a: return sa >= sb ? 1 : 0
        case 0x2b: return sa > sb ? 1 : 0
        case 0x2c: return sa <= sb ? 1 : 0
        case 0x2d: return sa < sb ? 1 : 0
        default: return sa != sb ? 1 : 0
        }
    }

    private func jump(_ cursor: inout ByteCursor, by delta: Int) throws {
        let target = cursor.offset + delta
        guard target >= 0 && target <= cursor.limit else { throw LocationError("branch to byte \(target) outside the expression") }
        cursor.offset = target
    }

    private func read(_ address: UInt64, size: Int) throws -> UInt64 {
        guard (1...8).contains(size) else { throw LocationError("bad dereference size \(size)") }
        let masked = address & addressMask
        guard let bytes = frame.readMemory(masked, count: size), bytes.count == size else {
            throw LocationError("cannot read \(size) byte(s) of memory at 0x\(hex(masked))")
        }
        var value: UInt64 = 0
        for (i, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }
}

func littleEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

extension DebugInfo {
    /// Evaluates a location for a stopped frame. `DW_OP_fbreg` uses the expression's frame base
    /// (itself evaluated first: a Wasm local, global or computed value holding the frame pointer).
    public func evaluate(_ location: LocationExpression, frame: LocationContext) throws -> VariableLocation {
        let unit = location.unitIndex.flatMap { $0 >= 0 && $0 < units.count ? units[$0] : nil }
        let indexed: (UInt64) -> UInt64? = { [weak self] index in
            guard let self, let unit else { return nil }
            return self.indexedAddress(index, in: unit)
        }
        let addressSize = unit?.addressSize ?? 4
        let frameBaseBytes = location.frameBase
        let evaluator = ExpressionEvaluator(frame: frame, addressSize: addressSize, indexedAddress: indexed) {
            guard let bytes = frameBaseBytes else { throw LocationError("DW_OP_fbreg without a frame base") }
            let inner = ExpressionEvaluator(frame: frame, addressSize: addressSize, indexedAddress: indexed) {
                throw LocationError("the frame base uses DW_OP_fbreg")
            }
            switch try inner.evaluate(bytes) {
            case .wasmLocal(let i):
                guard let v = frame.wasmLocal(i) else { throw LocationError("local \(i) (the frame base) is not available") }
                return v
            case .wasmGlobal(let i):
                guard let v = frame.wasmGlobal(i) else { throw LocationError("global \(i) (the frame base) is not available") }
                return v
            case .memory(let address): return address
            case .value(let bytes):
                return bytes.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            case .pieces, .optimizedOut: throw LocationError("the frame base is not a single value")
            }
        }
        return try evaluator.evaluate(location.bytes)
    }
}
