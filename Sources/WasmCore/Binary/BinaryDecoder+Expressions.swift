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
        // One entry per open construct: 0 = block, loop or the expression itself, 1 = `if`
        // that may still take an `else`, 2 = `if` after its `else`.
        // Reuse one frame stack for all expressions (saves an allocation per expression).
        var frames: [UInt8] = []
        swap(&frames, &frameScratch)
        frames.removeAll(keepingCapacity: true)
        frames.append(0)
        while true {
            let start = reader.position
            let opcode = try self.opcode()
            let immediate = try self.immediate(for: opcode)
            switch opcode {
            case .block, .loop: frames.append(0)
            case .if: frames.append(1)
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
            instructions.append(Instruction(opcode, immediate))
            offsets.append(UInt32(truncatingIfNeeded: start))
            if frames.isEmpty { break }
        }
        swap(&frames, &frameScratch)
        return Expression(instructions, offsets: offsets)
    }

    /// Reads an opcode (with its 0xFC/0xFD sub-opcode).
    @inline(__always)
    mutating func opcode() throws(DecodeError) -> Opcode {
        let start = reader.position
        let b = try reader.byte()
        if let op = byByte[Int(b)] { return op }
        switch b {
        case 0xFC:
            let sub = try reader.u32()
            if sub < 256, let op = byFC[Int(sub)] { return op }
            throw DecodeError("illegal opcode fc \(binaryHex(sub))\(beyondContainer(start))", at: start)
        case 0xFD:
            let sub = try reader.u32()
            if sub < 256, let op = byFD[Int(sub)] { return op }
            if sub >= 0x100 && sub <= 0x113 {
                throw DecodeError("unsupported feature relaxed SIMD (opcode fd \(binaryHex(sub)))", at: start)
            }
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
        let feature: String? = switch b {
        case 0x12, 0x13: "tail calls"
        case 0x14, 0x15, 0xD3, 0xD4, 0xD6: "function references"
        case 0xD5, 0xFB: "garbage collection"
        case 0xFE: "threads"
        default: nil
        }
        if let feature {
            return DecodeError("unsupported feature \(feature) (opcode 0x\(binaryHex(b)))", at: offset)
        }
        // The 2.0 spec tests expect "illegal opcode" even for the exception-handling opcodes.
        let detail = [0x06, 0x07, 0x08, 0x09, 0x0A, 0x18, 0x19, 0x1F].contains(b)
            ? " (exception handling is not supported)" : ""
        return DecodeError("illegal opcode \(binaryHex(b))\(detail)", at: offset)
    }

    /// A memory index that must be the single byte 0x00 in Wasm 2.0.
    @inline(__always)
    mutating func zeroByte() throws(DecodeError) {
        let offset = reader.position
        let b = try reader.byte()
        guard b == 0 else {
            throw DecodeError("zero byte expected (memory index; multi-memory is not supported)", at: offset)
        }
    }

    mutating func immediate(for opcode: Opcode) throws(DecodeError) -> Immediate {
        switch immediateKinds[Int(opcode.rawValue)] {
        case .none:
            return .none
        case .label, .function, .local, .global, .table, .data, .elem:
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
            try zeroByte()
            return .index(0)
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
            return .refType(try refType())
        case .memoryInit:
            let data = try reader.u32()
            try zeroByte()
            return .indexPair(data, 0)
        case .memoryCopy:
            try zeroByte()
            try zeroByte()
            return .indexPair(0, 0)
        case .tableInit, .tableCopy:
            let first = try reader.u32()
            return .indexPair(first, try reader.u32())
        }
    }

    mutating func memarg() throws(DecodeError) -> MemArg {
        let offset = reader.position
        let align = try reader.u32()
        guard align < 32 else {
            let detail = align & 0x40 != 0 ? ": a memory index (multi-memory) is not supported" : ""
            throw DecodeError("malformed memop flags (alignment exponent \(align)\(detail))", at: offset)
        }
        return MemArg(align: align, offset: UInt64(try reader.u32()))
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
