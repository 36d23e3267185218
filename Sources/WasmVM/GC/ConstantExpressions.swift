import WasmCore

// Constant expressions (spec §3.3.10 "Constant expressions"): the 2.0 constants and
// `global.get`, extended-constant arithmetic, and 3.0's reference constants and allocations
// (struct.new, array.new…, ref.i31, the extern/any conversions). The stack holds `Value`s, so an
// object allocated here is held by its handle (and survives a collection an allocation after
// it may start) until it is stored where the collector sees it.

extension Store {
    /// Evaluates a constant expression of `module` (whose type indices have store ids `typeIDs`).
    func evaluate(_ expression: Expression, type: ValueType, functions: [UInt32], globals globalAddresses: [Int],
                  module: Module, typeIDs: [UInt32]) throws -> Value {
        var stack: [Value] = []
        func pop() throws -> Value {
            guard let v = stack.popLast() else { throw LinkError("constant expression underflow") }
            return v
        }
        func popI32() throws -> UInt32 {
            guard case .i32(let v) = try pop() else { throw LinkError("type mismatch in a constant expression") }
            return v
        }
        func storeID(_ index: UInt32) throws -> UInt32 {
            guard Int(index) < typeIDs.count else { throw LinkError("unknown type \(index)") }
            return typeIDs[Int(index)]
        }
        for instruction in expression.instructions {
            switch (instruction.opcode, instruction.immediate) {
            case (.i32Const, .i32(let v)): stack.append(.i32(UInt32(bitPattern: v)))
            case (.i64Const, .i64(let v)): stack.append(.i64(UInt64(bitPattern: v)))
            case (.f32Const, .f32(let v)): stack.append(.f32(v))
            case (.f64Const, .f64(let v)): stack.append(.f64(v))
            case (.v128Const, .v128(let v)): stack.append(.v128(v))
            case (.refNull, .refType(let t)):
                var slot: UInt64 = 0
                stack.append(loadValue(.ref(t), from: &slot, module: module))
            case (.refFunc, _):
                guard Int(instruction.index) < functions.count else { throw LinkError("unknown function") }
                stack.append(.funcref(functions[Int(instruction.index)]))
            case (.globalGet, _):
                guard Int(instruction.index) < globalAddresses.count else { throw LinkError("unknown global") }
                let address = globalAddresses[Int(instruction.index)]
                stack.append(loadValue(storeType(ofGlobal: address), from: globals[address].slots, module: nil))
            case (.i32Add, _), (.i32Sub, _), (.i32Mul, _):
                let y = try popI32(), x = try popI32()
                let op = instruction.opcode
                stack.append(.i32(op == .i32Add ? x &+ y : op == .i32Sub ? x &- y : x &* y))
            case (.i64Add, _), (.i64Sub, _), (.i64Mul, _):
                guard case .i64(let y) = try pop(), case .i64(let x) = try pop() else { throw LinkError("type mismatch") }
                let op = instruction.opcode
                stack.append(.i64(op == .i64Add ? x &+ y : op == .i64Sub ? x &- y : x &* y))
            case (.refI31, _):
                stack.append(.anyref(.i31(try popI32() & 0x7FFF_FFFF)))
            case (.anyConvertExtern, _):
                switch try pop() {
                case .externref(let h?): stack.append(.anyref(.host(h)))
                case .externAny(let a): stack.append(.anyref(a))
                default: stack.append(.anyref(nil))
                }
            case (.externConvertAny, _):
                switch try pop() {
                case .anyref(.host(let h)?): stack.append(.externref(h))
                case .anyref(let a?): stack.append(.externAny(a))
                default: stack.append(.externref(nil))
                }
            case (.structNew, _), (.structNewDefault, _), (.arrayNew, _), (.arrayNewDefault, _), (.arrayNewFixed, _):
                stack.append(try allocateConstant(instruction, &stack, typeIDs: try storeID(instruction.typeOperand)))
            case (.end, _):
                break
            default:
                throw LinkError("unsupported instruction \(instruction.opcode.mnemonic) in a constant expression")
            }
        }
        guard stack.count == 1, let result = stack.first, value(result, matches: type, module: module) else {
            throw LinkError("constant expression has the wrong type")
        }
        return result
    }

    /// struct.new, struct.new_default, array.new, array.new_default, array.new_fixed in a
    /// constant expression, with operands from `stack`.
    private func allocateConstant(_ instruction: Instruction, _ stack: inout [Value], typeIDs typeID: UInt32) throws -> Value {
        guard Int(typeID) < types.definitions.count else { throw LinkError("unknown type") }
        let definition = types.definitions[Int(typeID)]
        func pop() throws -> Value {
            guard let v = stack.popLast() else { throw LinkError("constant expression underflow") }
            return v
        }
        func allocate(length: Int, bytes: Int) throws -> (UnsafeMutableRawPointer, UInt32) {
            switch allocateObject(typeID: typeID, length: UInt32(length), payloadBytes: bytes, running: nil) {
            case .success(let result): return result
            case .failure(let kind): throw Trap(kind)
            }
        }
        func write(_ value: Value, _ storage: StorageType, to p: UnsafeMutableRawPointer) {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2) { slots in
                slots[0] = 0
                slots[1] = 0
                value.store(to: slots.baseAddress!)
                FieldAccess.write(storage, to: p, from: slots.baseAddress!)
            }
        }
        let op = instruction.opcode
        switch definition.composite {
        case .structure(let fields):
            var values: [Value] = []
            if op == .structNew { for _ in fields { values.append(try pop()) }; values.reverse() }
            let (block, id) = try allocate(length: 0, bytes: definition.payloadSize)
            for (i, v) in values.enumerated() {
                write(v, fields[i].storage, to: heap.payload(block) + definition.fieldOffsets[i])
            }
            return .anyref(heap.handle(id, types: types).map { .object($0) })
        case .array(let element):
            var values: [Value] = []
            var length = 0
            switch op {
            case .arrayNewFixed:
                guard case .indexPair(_, let n) = instruction.immediate else { throw LinkError("bad array.new_fixed") }
                for _ in 0..<n { values.append(try pop()) }
                values.reverse()
                length = Int(n)
            case .arrayNew, .arrayNewDefault:
                guard case .i32(let n) = try pop() else { throw LinkError("type mismatch") }
                length = Int(n)
                if op == .arrayNew { values = [try pop()] }
            default:
                throw LinkError("\(op.mnemonic) of an array type")
            }
            guard let bytes = Store.arrayBytes(UInt64(length), definition.payloadSize) else { throw Trap(heapExhausted) }
            let (block, id) = try allocate(length: length, bytes: bytes)
            for i in 0..<length where !values.isEmpty {
                write(values[values.count == 1 ? 0 : i], element.storage, to: heap.payload(block) + i * definition.payloadSize)
            }
            return .anyref(heap.handle(id, types: types).map { .object($0) })
        case .function:
            throw LinkError("\(op.mnemonic) of a function type")
        }
    }
}

extension Instruction {
    /// The type index of struct.new, array.new and the other instructions that name a type first.
    var typeOperand: UInt32 {
        switch immediate {
        case .index(let i): i
        case .indexPair(let t, _): t
        default: 0
        }
    }
}
