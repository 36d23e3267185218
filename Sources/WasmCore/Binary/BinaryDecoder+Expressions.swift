/// Instruction sequences: function bodies and constant expressions.

extension ModuleDecoder {
    /// Decodes instructions up to and including the `end` that closes the expression, recording
    /// each instruction's module file offset. `sizeHint` is the expected size in bytes.
    mutating func expression(sizeHint: Int) throws(DecodeError) -> Expression {
        var instructions: [Instruction] = []
        var offsets: [UInt32] = []
        // Most instructions take one to three bytes.
        let estimate = Swift.min(sizeHint / 2 + 2, reader.remaining + 1)
        instructions.reserveCapacity(estimate)
        offsets.reserveCapacity(estimate)
        try instructionSequence(into: &instructions, offsets: &offsets)
        return Expression(instructions, offsets: offsets)
    }

    /// Decodes one body's instructions from `bytes` (a slice whose indices are file offsets),
    /// appending them and their file offsets: how `EncodedCode` decodes a body on demand.
    static func decodeCode(_ bytes: ArraySlice<UInt8>, features: Features,
                           into instructions: inout [Instruction], offsets: inout [UInt32]) throws(DecodeError) {
        let result: Result<Void, DecodeError> = bytes.withUnsafeBufferPointer { buffer in
            var decoder = ModuleDecoder(ByteReader(buffer), features: features)
            decoder.offsetBase = bytes.startIndex
            do throws(DecodeError) {
                try decoder.instructionSequence(into: &instructions, offsets: &offsets)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The loop of `expression`: appends to `instructions` and `offsets` (reader position plus
    /// `offsetBase`), so a caller can decode into buffers it reuses.
    mutating func instructionSequence(into instructions: inout [Instruction], offsets: inout [UInt32]) throws(DecodeError) {
        // One entry per open construct (see `trackStructure`). Reuse one frame stack for all expressions (saves an allocation per expression).
        var frames: [UInt8] = []
        swap(&frames, &frameScratch)
        frames.removeAll(keepingCapacity: true)
        frames.append(0)
        while true {
            let start = reader.position
            let opcode = try self.opcode()
            if opcode.rawValue >= firstWasm30Opcode { try checkEnabled(opcode, at: start) }
            let immediate = try self.immediate(for: opcode)
            try trackStructure(opcode, at: start, frames: &frames)
            instructions.append(Instruction(opcode, immediate))
            offsets.append(UInt32(truncatingIfNeeded: start &+ offsetBase))
            if frames.isEmpty { break }
        }
        swap(&frames, &frameScratch)
    }

    /// An opcode of a proposal the decoder's features do not include is an illegal opcode.
    mutating func checkEnabled(_ opcode: Opcode, at start: Int) throws(DecodeError) {
        let needed = Features.required(by: opcode)
        guard features.contains(needed) else {
            let info = opcode.info
            let code = info.prefix == 0 ? binaryHex(info.code) : "\(binaryHex(info.prefix)) \(binaryHex(info.code))"
            throw DecodeError("illegal opcode \(code)\(beyondContainer(start)) (\(opcode.mnemonic) needs \(needed))", at: start)
        }
    }

    /// The binary format's block structure, one instruction at a time: `frames` holds one entry
    /// per open construct (0 = block, loop, try_table or the expression itself, 1 = `if` that
    /// may still take an `else`, 2 = `if` after its `else`, 3 = legacy `try` before any handler,
    /// 4 = after a `catch`, 5 = after `catch_all`); the expression ends when it is empty. Shared
    /// by the decoder and the validator's one-pass check of encoded bodies.
    @inline(__always)
    mutating func trackStructure(_ opcode: Opcode, at start: Int, frames: inout [UInt8]) throws(DecodeError) {
        switch opcode {
        case .block, .loop, .tryTable: frames.append(0)
        case .if: frames.append(1)
        case .try: frames.append(3)
        case .catch, .catchAll:
            // 3 = legacy try before any handler, 4 = after a catch, 5 = after catch_all.
            guard let last = frames.last, last == 3 || last == 4 else {
                throw DecodeError("END opcode expected (\(opcode.mnemonic) outside a try, or after catch_all)", at: start)
            }
            frames[frames.count - 1] = opcode == .catchAll ? 5 : 4
        case .delegate:
            guard frames.last == 3 else {
                throw DecodeError("END opcode expected (delegate outside a try, or after a catch)", at: start)
            }
            frames.removeLast()
        case .else:
            guard frames.last == 1 else {
                throw DecodeError("END opcode expected (an else outside an if, or a second else)\(beyondContainer(start))", at: start)
            }
            frames[frames.count - 1] = 2
        case .end:
            frames.removeLast()
        case .memoryInit, .dataDrop:
            usesDataIndices = true
        default:
            break
        }
    }

    /// A single-byte opcode when the next byte is one, else nil with nothing read (then
    /// `opcode()` reads a prefixed one or reports the error): the validator's one-pass loop
    /// inlines this and calls `opcode()` only for the prefixed opcodes.
    @inline(__always)
    mutating func singleByteOpcode() -> Opcode? {
        guard reader.position < reader.end, let op = byByte[Int(reader.bytes[reader.position])] else { return nil }
        reader.position &+= 1
        return op
    }

    /// Reads an opcode (with its 0xFC/0xFD sub-opcode).
    @inline(__always)
    mutating func opcode() throws(DecodeError) -> Opcode {
        let start = reader.position
        let b = try reader.byte()
        if let op = byByte[Int(b)] { return op }
        switch b {
        case 0xFB where features.contains(.gc):
            let sub = try reader.u32()
            if sub < Opcode.prefixedCodeLimit, let op = byFB[Int(sub)] { return op }
            throw DecodeError("illegal opcode fb \(binaryHex(sub))\(beyondContainer(start))", at: start)
        case 0xFC:
            let sub = try reader.u32()
            if sub < Opcode.prefixedCodeLimit, let op = byFC[Int(sub)] { return op }
            throw DecodeError("illegal opcode fc \(binaryHex(sub))\(beyondContainer(start))", at: start)
        case 0xFD:
            let sub = try reader.u32()
            if sub < Opcode.prefixedCodeLimit, let op = byFD[Int(sub)] { return op }
            throw DecodeError("illegal opcode fd \(binaryHex(sub))\(beyondContainer(start))", at: start)
        default:
            if start >= containerEnd {
                throw DecodeError("illegal opcode \(binaryHex(b))\(beyondContainer(start))", at: start)
            }
            throw Self.unknownOpcode(b, at: start)
        }
    }

    /// Detail for an error met after the end of the current section or function body: the
    /// expression had no `end` and ran into the following bytes.
    func beyondContainer(_ offset: Int) -> String {
        offset >= containerEnd ? " (past the end of the section or function body: a missing end?)" : ""
    }

    static func unknownOpcode(_ b: UInt8, at offset: Int) -> DecodeError {
        if b == 0xFE {
            return DecodeError("unsupported feature threads (opcode 0x\(binaryHex(b)))", at: offset)
        }
        if b == 0xFB {
            return DecodeError("illegal opcode fb (garbage collection is not enabled)", at: offset)
        }
        return DecodeError("illegal opcode \(binaryHex(b))", at: offset)
    }

    /// A memory index: any u32 with multi-memory, else the single byte 0x00 (Wasm 2.0).
    @inline(__always)
    mutating func memoryIndex() throws(DecodeError) -> UInt32 {
        if features.contains(.multiMemory) { return try reader.u32() }
        let offset = reader.position
        let b = try reader.byte()
        guard b == 0 else {
            throw DecodeError("zero byte expected (memory index; multi-memory is not enabled)", at: offset)
        }
        return 0
    }

    mutating func immediate(for opcode: Opcode) throws(DecodeError) -> Immediate {
        switch immediateKinds[Int(opcode.rawValue)] {
        case .none:
            return .none
        case .label, .function, .local, .global, .table, .data, .elem, .tag, .typeIndex:
            return .index(try reader.u32())
        case .i32:
            return .i32(try reader.s32())
        case .i64:
            return .i64(try reader.s64())
        case .f32:
            return .f32(try reader.fixedU32())
        case .f64:
            return .f64(try reader.fixedU64())
        case .memarg:
            return .memarg(try memarg())
        case .block:
            return .block(try blockType())
        case .brTable:
            let count = try reader.u32()
            var targets: [UInt32] = []
            targets.reserveCapacity(capacity(for: count))
            for _ in 0..<count { targets.append(try reader.u32()) }
            return .brTable(targets: targets, defaultTarget: try reader.u32())
        case .callIndirect:
            let type = try reader.u32()
            return .indexPair(type, try reader.u32())
        case .memory, .memoryFill:
            return .index(try memoryIndex())
        case .memlane:
            let arg = try memarg()
            return .memlane(arg, lane: try reader.byte())
        case .lane:
            return .lane(try reader.byte())
        case .v128, .shuffle:
            let low = try reader.fixedU64()
            return .v128(V128(low: low, high: try reader.fixedU64()))
        case .select:
            return .select(try valueTypeVector())
        case .refType:
            return .refType(RefType(nullable: true, try heapType()))
        case .memoryInit:
            let data = try reader.u32()
            return .indexPair(data, try memoryIndex())
        case .memoryCopy:
            let destination = try memoryIndex()
            return .indexPair(destination, try memoryIndex())
        case .tableInit, .tableCopy, .field, .typePair, .typeData, .typeElem, .typeFixed:
            let first = try reader.u32()
            return .indexPair(first, try reader.u32())
        case .heapType:
            let nullable = opcode == .refTestNull || opcode == .refCastNull
            return .refType(RefType(nullable: nullable, try heapType()))
        case .brOnCast:
            let offset = reader.position
            let flags = try reader.byte()
            guard flags <= 3 else { throw DecodeError("malformed br_on_cast flags 0x\(binaryHex(flags))", at: offset) }
            let label = try reader.u32()
            let from = RefType(nullable: flags & 1 != 0, try heapType())
            let to = RefType(nullable: flags & 2 != 0, try heapType())
            return .brOnCast(label: label, from: from, to: to)
        case .tryTable:
            let type = try blockType()
            let count = try reader.u32()
            var clauses: [CatchClause] = []
            clauses.reserveCapacity(capacity(for: count))
            for _ in 0..<count {
                let offset = reader.position
                let kindByte = try reader.byte()
                guard let kind = CatchClause.Kind(rawValue: kindByte) else {
                    throw DecodeError("malformed catch clause kind 0x\(binaryHex(kindByte))", at: offset)
                }
                let tag = kind.hasTag ? try reader.u32() : 0
                clauses.append(CatchClause(kind, tag: tag, label: try reader.u32()))
            }
            return .tryTable(type, clauses)
        }
    }

    /// Flags (alignment exponent; bit 6: a memory index follows), then the offset (u64 with
    /// memory64; the validator checks it against the memory's address type).
    mutating func memarg() throws(DecodeError) -> MemArg {
        let offset = reader.position
        var flags = try reader.u32()
        var memory: UInt32 = 0
        if flags & 0x40 != 0 && flags < 0x80 && features.contains(.multiMemory) {
            flags &= ~0x40
            memory = try reader.u32()
        }
        // With multi-memory any exponent below 64 decodes (the validator rejects it as too
        // large); Wasm 2.0 calls exponents from 32 malformed.
        guard flags < (features.contains(.multiMemory) ? 64 : 32) else {
            let detail = flags & 0x40 != 0 ? ": a memory index (multi-memory) is not enabled" : ""
            throw DecodeError("malformed memop flags (alignment exponent \(flags)\(detail))", at: offset)
        }
        let memoryOffset: UInt64
        if let b = reader.peek(), b < 0x80 {
            // The common one-byte offset, whatever the width.
            reader.position += 1
            memoryOffset = UInt64(b)
        } else {
            memoryOffset = features.contains(.memory64) ? try reader.unsignedSlow(bits: 64) : UInt64(try reader.u32())
        }
        return MemArg(align: flags, offset: memoryOffset, memory: memory)
    }

    mutating func blockType() throws(DecodeError) -> BlockType {
        let offset = reader.position
        guard let b = reader.peek() else { throw reader.unexpectedEnd() }
        if b == 0x40 {
            reader.position += 1
            return .empty
        }
        // A single byte in 0x40...0x7F is a negative s33: a value type.
        if b & 0xC0 == 0x40 { return .value(try valueType()) }
        let index = try reader.s33()
        guard index >= 0 else { throw DecodeError("malformed block type \(index)", at: offset) }
        return .typeIndex(UInt32(truncatingIfNeeded: index))
    }
}
