/// The one-pass check of an encoded function body: each instruction is decoded from the body's
/// bytes and typed at once, with no `[Instruction]` and no offsets array in between. This is how
/// every encoded body is validated; loading a binary with `BinaryDecoder.decodeValidated` also
/// makes it the only decoding of the body (Docs/performance.md, "Large modules").
///
/// The frequent instructions (those without an immediate, constants, locals, globals, calls,
/// branches, blocks, loads and stores) are typed from their immediates' values as read; the rest
/// go through an `Instruction` and `checkWithImmediate`, as decoded bodies do.

/// Why a body failed the one-pass check: malformed bytes (a decode error) or an invalid
/// instruction. Callers keep the binary format's order: a decode error anywhere in the module
/// wins over a validation error.
enum BodyCheckFailure: Error {
    case malformed(DecodeError)
    case invalid(ValidationError)
}

extension FunctionValidator {
    /// Checks the body of defined function `definedIndex`, whose code starts at `decoder`'s
    /// reader position; `bodyEnd` is where the body must end (reader coordinates). On return
    /// the reader is at `bodyEnd`.
    mutating func validateEncoded(definedIndex: Int, decoder: inout ModuleDecoder, bodyEnd: Int) throws(BodyCheckFailure) -> FunctionValidationInfo {
        let function = module.functions[definedIndex]
        offsets = []
        streamingOffset = nil
        do { try beginBody(function, definedIndex: definedIndex) } catch { throw .invalid(error) }
        let bodyStart = Int(function.bodyOffset) - decoder.offsetBase
        decoder.containerEnd = bodyEnd
        var structure: [UInt8] = []
        swap(&structure, &decoder.frameScratch)
        structure.removeAll(keepingCapacity: true)
        structure.append(0)
        defer { swap(&structure, &decoder.frameScratch) }

        var maxHeight = 0
        var maxSlots = 0
        var count = 0
        while true {
            let start = decoder.reader.position
            instructionIndex = count
            streamingOffset = UInt32(truncatingIfNeeded: start &+ decoder.offsetBase)
            count &+= 1

            // Decode the opcode and, for the frequent instructions, the immediate's values.
            let opcode: Opcode
            let kind: ImmediateKind
            let shape: OperatorShape
            var index: UInt32 = 0
            var memarg = MemArg(align: 0, offset: 0)
            var blockType = BlockType.empty
            var scalar = true
            do {
                if let single = decoder.singleByteOpcode() { opcode = single } else { opcode = try decoder.opcode() }
                let raw = Int(opcode.rawValue)
                if raw >= Int(firstWasm30Opcode) { try decoder.checkEnabled(opcode, at: start) }
                kind = decoder.immediateKinds[raw]
                shape = shapes[raw]
                switch kind {
                case .none:
                    break
                case .local, .global, .label, .function:
                    index = try decoder.reader.u32()
                case .i32 where shape.kind == .plain:
                    _ = try decoder.reader.s32()
                case .i64 where shape.kind == .plain:
                    _ = try decoder.reader.s64()
                case .f32 where shape.kind == .plain:
                    _ = try decoder.reader.fixedU32()
                case .f64 where shape.kind == .plain:
                    _ = try decoder.reader.fixedU64()
                case .memarg where shape.kind == .memory:
                    memarg = try decoder.memarg()
                case .block:
                    blockType = try decoder.blockType()
                default:
                    scalar = false
                }
                if scalar && decoder.affectsStructure[raw] { try decoder.trackStructure(opcode, at: start, frames: &structure) }
            } catch {
                throw .malformed(error)
            }
            if !scalar {
                try checkWithDecodedImmediate(opcode, shape, at: start, decoder: &decoder, structure: &structure)
            } else {
                // Type it.
                do {
                    if Int(opcode.rawValue) >= Int(firstWasm30Opcode) { try checkFeature(opcode) }
                    switch kind {
                    case .none:
                        if shape.kind == .plain { try apply(shape) } else { try checkSpecial(Instruction(opcode), shape) }
                    case .i32, .i64, .f32, .f64:
                        try apply(shape)
                    case .memarg:
                        try checkMemoryAccess(opcode, memarg, lane: nil, shape)
                    case .local:
                        try checkLocalAccess(opcode, index)
                    case .global:
                        try checkGlobalAccess(opcode, index)
                    case .label where opcode == .br || opcode == .brIf:
                        try checkBranch(opcode, depth: index)
                    case .function where opcode == .call:
                        try checkCall(index)
                    case .block where opcode == .block || opcode == .loop || opcode == .if:
                        try checkBlockStart(opcode, blockType)
                    case .block:
                        try checkWithImmediate(Instruction(opcode, .block(blockType)), shape)
                    default:
                        // Other label and function instructions (br_on_null, return_call, ...).
                        try checkWithImmediate(Instruction(opcode, .index(index)), shape)
                    }
                } catch {
                    throw .invalid(error)
                }
            }
            if stack.count > maxHeight { maxHeight = stack.count }
            if slots > maxSlots { maxSlots = slots }
            if structure.isEmpty { break }
        }
        streamingOffset = nil
        if !frames.isEmpty {
            instructionIndex = count
            throw .invalid(error("function body does not end with end (\(frames.count) blocks still open)"))
        }
        guard decoder.reader.position == bodyEnd else {
            throw .malformed(DecodeError("section size mismatch: function body declared \(bodyEnd - bodyStart) bytes, took \(decoder.reader.position - bodyStart)",
                                         at: bodyStart + decoder.offsetBase))
        }
        return FunctionValidationInfo(maxStackHeight: maxHeight, maxStackSlots: maxSlots)
    }

    /// The less frequent instructions: the immediate is decoded into an `Immediate` and the
    /// instruction typed as a decoded body's would be. Kept out of the loop above so that the
    /// loop holds no `Immediate` (an enum with array payloads, copied through outlined code).
    @inline(never)
    mutating func checkWithDecodedImmediate(_ opcode: Opcode, _ shape: OperatorShape, at start: Int,
                                            decoder: inout ModuleDecoder, structure: inout [UInt8]) throws(BodyCheckFailure) {
        let instruction: Instruction
        do {
            instruction = Instruction(opcode, try decoder.immediate(for: opcode))
            try decoder.trackStructure(opcode, at: start, frames: &structure)
        } catch {
            throw .malformed(error)
        }
        do {
            if Int(opcode.rawValue) >= Int(firstWasm30Opcode) { try checkFeature(opcode) }
            try checkWithImmediate(instruction, shape)
        } catch {
            throw .invalid(error)
        }
    }

    /// Checks an encoded body of a module decoded earlier (its bytes are known to be well
    /// formed): straight from the bytes, as `validateEncoded` does.
    mutating func validateEncoded(definedIndex: Int, _ code: EncodedCode) throws(ValidationError) -> FunctionValidationInfo {
        let bytes = code.bytes
        let result: Result<FunctionValidationInfo, BodyCheckFailure> = bytes.withUnsafeBufferPointer { buffer in
            var decoder = ModuleDecoder(ByteReader(buffer), features: code.features)
            decoder.offsetBase = bytes.startIndex
            do throws(BodyCheckFailure) {
                return .success(try validateEncoded(definedIndex: definedIndex, decoder: &decoder, bodyEnd: buffer.count))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let info): return info
        case .failure(.invalid(let error)): throw error
        case .failure(.malformed(let error)):
            // The decoder checked these bytes; should they fail anyway, the module is refused.
            throw self.error("malformed function body: \(error)")
        }
    }
}
