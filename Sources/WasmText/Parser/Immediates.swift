import WasmCore

/// Immediates of every `OpcodeInfo.immediate` kind, memory arguments, lanes and v128 literals.
extension WatParser {
    // MARK: immediates

    /// An optional index (number or `$id`) in `space`, else `fallback`.
    private func optionalIndex(_ space: IndexSpace, default fallback: UInt32 = 0) throws(WatError) -> UInt32 {
        atIndex ? try parseIndex(space) : fallback
    }

    func parseImmediates(_ m: MnemonicInfo, _ t: Token) throws(WatError) -> Instruction {
        let op = m.opcode
        switch m.immediate {
        case .none, .block:
            if op == .select, atList("result") { return try parseImmediates(MnemonicInfo(.selectTyped), t) }
            return Instruction(op)
        case .label:
            return Instruction(op, .index(try parseLabel()))
        case .brTable:
            var targets: [UInt32] = []
            while atIndex { targets.append(try parseLabel()) }
            guard let last = targets.popLast() else { throw unexpected(peek, expected: "a label") }
            return Instruction(op, .brTable(targets: targets, defaultTarget: last))
        case .function:
            return Instruction(op, .index(try parseIndex(.function)))
        case .callIndirect:
            let table = try optionalIndex(.table)
            let use = try parseTypeUse(allowParamNames: false)
            return Instruction(op, .indexPair(try resolve(use, at: t), table))
        case .local:
            return Instruction(op, .index(try parseLocalIndex()))
        case .global:
            return Instruction(op, .index(try parseIndex(.global)))
        case .table:
            return Instruction(op, .index(try optionalIndex(.table)))
        case .memory, .memoryFill:
            return Instruction(op, .index(try optionalIndex(.memory)))
        case .memarg:
            return Instruction(op, .memarg(try parseMemArg(natural: m.naturalAlignment)))
        case .memlane:
            // The lane index follows, so a lone number is the lane, not a memory index.
            let memarg = try parseMemArg(natural: m.naturalAlignment, laneFollows: true)
            return Instruction(op, .memlane(memarg, lane: try parseLaneIndex()))
        case .lane:
            return Instruction(op, .lane(try parseLaneIndex()))
        case .i32:
            return Instruction(op, .i32(Int32(truncatingIfNeeded: try parseInteger(bits: 32))))
        case .i64:
            return Instruction(op, .i64(Int64(bitPattern: try parseInteger(bits: 64))))
        case .f32:
            return Instruction(op, .f32(try parseF32()))
        case .f64:
            return Instruction(op, .f64(try parseF64()))
        case .v128:
            return Instruction(op, .v128(try parseV128Literal()))
        case .shuffle:
            var lanes: [UInt8] = []
            for _ in 0..<16 {
                guard peek.kind == .atom || peek.kind == .keyword else { throw error("invalid lane length: i8x16.shuffle takes 16 lane indices", at: peek) }
                lanes.append(try parseLaneIndex())
            }
            if peek.kind == .atom { throw error("invalid lane length: i8x16.shuffle takes 16 lane indices", at: peek) }
            return Instruction(op, .v128(V128(bytes: lanes)))
        case .select:
            var types: [ValueType] = []
            var typed = false
            while atList("result") {
                typed = true
                pos += 2
                while peek.kind != .rparen { types.append(try parseValueType()) }
                try expectRParen()
            }
            return typed ? Instruction(.selectTyped, .select(types)) : Instruction(.select)
        case .refType:
            // ref.null takes a heap type (`func`, `$t`); the 2.0 spelling `funcref` is accepted too.
            if let shorthand = referenceShorthand(peek) {
                advance()
                return Instruction(op, .refType(shorthand))
            }
            return Instruction(op, .refType(RefType(nullable: true, try parseHeapType())))
        case .tag:
            return Instruction(op, .index(try parseIndex(.tag)))
        case .typeIndex:
            return Instruction(op, .index(try parseIndex(.type)))
        case .field:
            let type = try parseIndex(.type)
            return Instruction(op, .indexPair(type, try parseFieldIndex(of: type)))
        case .typePair:
            let destination = try parseIndex(.type)
            return Instruction(op, .indexPair(destination, try parseIndex(.type)))
        case .typeData:
            noteDataSegmentUse()
            let type = try parseIndex(.type)
            return Instruction(op, .indexPair(type, try parseIndex(.data)))
        case .typeElem:
            let type = try parseIndex(.type)
            return Instruction(op, .indexPair(type, try parseIndex(.elem)))
        case .typeFixed:
            let type = try parseIndex(.type)
            return Instruction(op, .indexPair(type, try parseU32()))
        case .heapType:
            // `ref.test (ref null? ht)` or a shorthand; the nullable form has its own opcode.
            let type = try parseRefType()
            var opcode = op
            if type.isNullable { opcode = op == .refTest ? .refTestNull : op == .refCast ? .refCastNull : op }
            return Instruction(opcode, .refType(type))
        case .brOnCast:
            let label = try parseLabel()
            let from = try parseRefType()
            return Instruction(op, .brOnCast(label: label, from: from, to: try parseRefType()))
        case .tryTable:
            // Handled with the block instructions (Instructions.swift).
            return Instruction(op, .tryTable(.empty, []))
        case .data:
            noteDataSegmentUse()
            return Instruction(op, .index(try parseIndex(.data)))
        case .elem:
            return Instruction(op, .index(try parseIndex(.elem)))
        case .memoryInit:
            noteDataSegmentUse()
            // memory.init memidx? dataidx: with two indices the first names the memory.
            if peek(1).kind == .atom || peek(1).kind == .id, atIndex {
                let memory = try parseIndex(.memory)
                return Instruction(op, .indexPair(try parseIndex(.data), memory))
            }
            return Instruction(op, .indexPair(try parseIndex(.data), 0))
        case .memoryCopy:
            guard atIndex else { return Instruction(op, .indexPair(0, 0)) }
            let dst = try parseIndex(.memory)
            return Instruction(op, .indexPair(dst, try parseIndex(.memory)))
        case .tableInit:
            if peek(1).kind == .atom || peek(1).kind == .id, atIndex {
                let table = try parseIndex(.table)
                return Instruction(op, .indexPair(try parseIndex(.elem), table))
            }
            return Instruction(op, .indexPair(try parseIndex(.elem), 0))
        case .tableCopy:
            guard atIndex else { return Instruction(op, .indexPair(0, 0)) }
            let dst = try parseIndex(.table)
            return Instruction(op, .indexPair(dst, try parseIndex(.table)))
        }
    }

    /// `offset=N? align=N?`; the alignment is stored as its exponent.
    private func parseMemArg(natural: UInt8, laneFollows: Bool = false) throws(WatError) -> MemArg {
        var offset: UInt64 = 0
        var memory: UInt32 = 0
        // multi-memory: an optional memory index first (for lane accesses only when another
        // number, the lane, follows it).
        let next = peek(1)
        let memargFollows = next.kind == .keyword && (s.hasPrefix(next, "offset=") || s.hasPrefix(next, "align="))
        if peek.kind == .id || (peek.kind == .atom && (!laneFollows || next.kind == .atom || memargFollows)) {
            memory = try parseIndex(.memory)
        }
        var alignBytes = UInt64(max(1, natural))
        if peek.kind == .keyword, s.hasPrefix(peek, "offset=") {
            let t = peek
            guard let v = plainDecimal(Int(t.start) + 7, Int(t.end)) ?? Literals.unsigned(s.bytes, Int(t.start) + 7, Int(t.end)) else {
                throw error(Literals.isDigitRun(s.bytes, Int(t.start) + 7, Int(t.end)) ? "i32 constant out of range" : "unknown operator \(describe(t)): malformed offset", at: t)
            }
            guard v <= UInt64(UInt32.max) || features.contains(.memory64) else {
                throw error("i32 constant out of range (offset)", at: t)
            }
            offset = v
            advance()
        }
        if peek.kind == .keyword, s.hasPrefix(peek, "align=") {
            let t = peek
            guard let v = Literals.unsigned(s.bytes, Int(t.start) + 6, Int(t.end)) else {
                throw error("unknown operator \(describe(t)): malformed alignment", at: t)
            }
            guard v != 0, v & (v - 1) == 0 else { throw error("alignment must be a power of two", at: t) }
            alignBytes = v
            advance()
        }
        return MemArg(align: UInt32(alignBytes.trailingZeroBitCount), offset: offset, memory: memory)
    }

    private func parseLaneIndex() throws(WatError) -> UInt8 {
        let t = peek
        let first = t.start < t.end ? s.bytes[Int(t.start)] : 0
        guard t.kind == .atom || t.kind == .keyword, first != UInt8(ascii: "-"), first != UInt8(ascii: "+") else {
            throw unexpected(t, expected: "a lane index")
        }
        guard let v = Literals.unsigned(s.bytes, Int(t.start), Int(t.end)), let lane = UInt8(exactly: v) else {
            if Literals.isDigitRun(s.bytes, Int(t.start), Int(t.end)) {
                throw error("malformed lane index: expected a number from 0 to 255", at: t)
            }
            throw unexpected(t, expected: "a lane index")
        }
        advance()
        return lane
    }

    /// `shape lane*` of `v128.const`.
    func parseV128Literal() throws(WatError) -> V128 {
        let shape = peek
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        func append(_ value: UInt64, size: Int) {
            for i in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
        }
        /// Each lane must be there, and no more than the shape's count.
        func lane() throws(WatError) {
            if peek.kind == .rparen || peek.kind == .eof || peek.kind == .lparen {
                throw error("wrong number of lane literals for \(text(shape))", at: peek)
            }
        }
        guard shape.kind == .keyword else { throw unexpected(shape, expected: "a v128 shape (i32x4, f64x2 …)") }
        advance()
        if s.equals(shape, "i8x16") {
            for _ in 0..<16 { try lane(); append(try parseInteger(bits: 8), size: 1) }
        } else if s.equals(shape, "i16x8") {
            for _ in 0..<8 { try lane(); append(try parseInteger(bits: 16), size: 2) }
        } else if s.equals(shape, "i32x4") {
            for _ in 0..<4 { try lane(); append(try parseInteger(bits: 32), size: 4) }
        } else if s.equals(shape, "i64x2") {
            for _ in 0..<2 { try lane(); append(try parseInteger(bits: 64), size: 8) }
        } else if s.equals(shape, "f32x4") {
            for _ in 0..<4 { try lane(); append(UInt64(try parseF32()), size: 4) }
        } else if s.equals(shape, "f64x2") {
            for _ in 0..<2 { try lane(); append(try parseF64(), size: 8) }
        } else {
            throw unexpected(shape, expected: "a v128 shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)")
        }
        if peek.kind == .atom || (peek.kind == .keyword && (s.equals(peek, "inf") || s.equals(peek, "nan") || s.hasPrefix(peek, "nan:"))) {
            throw error("wrong number of lane literals for \(text(shape))", at: peek)
        }
        return V128(bytes: bytes)
    }
}
