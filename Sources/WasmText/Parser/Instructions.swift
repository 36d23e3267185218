import WasmCore

/// Instructions (spec §6.5): plain and folded forms, structured control with labels, and every
/// immediate kind of `OpcodeInfo.immediate`.
extension WatParser {
    func beginBody(recordLocations: Bool) {
        code = []
        codeLocations = []
        labels = []
        self.recordLocations = recordLocations
        if !recordLocations { localNames = [:] }
    }

    @inline(__always) func emit(_ instruction: Instruction, at t: Token) {
        code.append(instruction)
        if recordLocations { codeLocations.append(Int64(t.line) << 32 | Int64(t.column)) }
    }

    /// Keywords that end an instruction sequence inside a list (`(then …)`, `(local …)` …).
    private func isStructuralKeyword(_ t: Token) -> Bool {
        s.equals(t, "then") || s.equals(t, "else") || s.equals(t, "param") || s.equals(t, "result")
            || s.equals(t, "local") || s.equals(t, "type") || s.equals(t, "export") || s.equals(t, "import")
            || s.equals(t, "item") || s.equals(t, "offset")
    }

    @inline(__always) private func opcode(_ t: Token) -> Opcode? {
        Mnemonics.table.lookup(s.bytes, Int(t.start), Int(t.end))
    }

    func unknownOperator(_ t: Token) -> WatError {
        let word = text(t)
        if let suggestion = Mnemonics.suggestion(for: word) {
            return error("unknown operator \"\(word)\" (did you mean \(suggestion)?)", at: t)
        }
        return error("unknown operator \"\(word)\"", at: t)
    }

    /// The error for whatever stopped an instruction sequence where `)` was expected.
    func unexpectedInInstructions() -> WatError {
        let t = peek
        if t.kind == .keyword, s.equals(t, "end") || s.equals(t, "else") {
            return error("\(describe(t)) without a matching block", at: t)
        }
        if t.kind == .keyword || t.kind == .reserved { return unknownOperator(t) }
        if t.kind == .lparen, peek(1).kind == .keyword, !isStructuralKeyword(peek(1)) {
            return unknownOperator(peek(1))
        }
        return unexpected(t, expected: "an instruction or \")\"")
    }

    /// `instr*`: stops before `)`, `end`, `else`, a non-instruction list, or anything else
    /// that cannot start an instruction (the caller reports it).
    func parseInstructions() throws(WatError) {
        while true {
            let t = peek
            switch t.kind {
            case .lparen:
                let k = peek(1)
                guard k.kind == .keyword else { return }
                if opcode(k) == nil {
                    if isStructuralKeyword(k) { return }
                    throw unknownOperator(k)
                }
                try parseFoldedInstruction()
            case .keyword:
                if s.equals(t, "end") || s.equals(t, "else") { return }
                try parsePlainInstruction()
            case .reserved:
                throw unknownOperator(t)
            default:
                return
            }
        }
    }

    /// An optional label after `block`/`loop`/`if`.
    private func parseBlockLabel() -> String? {
        guard peek.kind == .id else { return nil }
        let name = idName(peek)
        advance()
        return name
    }

    /// The `$id` that may follow `end` or `else`; it must repeat the block's label.
    private func checkClosingLabel(_ label: String?) throws(WatError) {
        guard peek.kind == .id else { return }
        if idName(peek) != label { throw error("mismatching label \(text(peek))", at: peek) }
        advance()
    }

    private func parseBlockType() throws(WatError) -> BlockType {
        let at = peek
        var use = try parseTypeUse(allowParamNames: false)
        var sig = FuncType(params: use.params, results: use.results)
        if let explicit = use.explicit {
            if use.hasInline, Int(explicit) < module.types.count, module.types[Int(explicit)] != sig {
                throw error("inline function type does not match the type it names", at: use.explicitToken ?? at)
            }
            guard Int(explicit) < module.types.count else {
                if use.hasInline { throw error("unknown type \(explicit)", at: use.explicitToken ?? at) }
                return .typeIndex(explicit)
            }
            sig = module.types[Int(explicit)]
        }
        // wabt writes the short forms whenever the signature allows, even for `(type $t)`.
        if sig.params.isEmpty && sig.results.isEmpty { return .empty }
        if sig.params.isEmpty && sig.results.count == 1 { return .value(sig.results[0]) }
        if use.explicit == nil { use.hasInline = true }
        return .typeIndex(try resolve(use, at: at))
    }

    /// `block`/`loop`/`if` in the flat form, up to and including `end`.
    private func parsePlainBlock(_ op: Opcode, _ t: Token) throws(WatError) {
        let label = parseBlockLabel()
        let type = try parseBlockType()
        emit(Instruction(op, .block(type)), at: t)
        labels.append(label)
        try parseInstructions()
        if op == .if, peek.kind == .keyword, s.equals(peek, "else") {
            let elseToken = peek
            advance()
            try checkClosingLabel(label)
            try parseElseBranch(at: elseToken)
        }
        guard peek.kind == .keyword, s.equals(peek, "end") else {
            if peek.kind == .rparen || peek.kind == .eof {
                throw error("missing \"end\" for \(op.mnemonic) at \(t.line):\(t.column)", at: peek)
            }
            throw unexpectedInInstructions()
        }
        emit(Instruction(.end), at: peek)
        advance()
        try checkClosingLabel(label)
        labels.removeLast()
    }

    /// The instructions after `else`. Like wabt, an empty else branch writes no `else` opcode.
    private func parseElseBranch(at elseToken: Token) throws(WatError) {
        let elseIndex = code.count
        emit(Instruction(.else), at: elseToken)
        try parseInstructions()
        if code.count == elseIndex + 1 {
            code.removeLast()
            if recordLocations { codeLocations.removeLast() }
        }
    }

    func parsePlainInstruction() throws(WatError) {
        let t = peek
        guard let op = opcode(t) else { throw unknownOperator(t) }
        advance()
        switch op {
        case .block, .loop, .if:
            try parsePlainBlock(op, t)
        default:
            emit(try parseImmediates(op, t), at: t)
        }
    }

    /// `( … )` with `pos` at the `(`.
    func parseFoldedInstruction() throws(WatError) {
        let open = peek
        advance()
        let t = peek
        guard t.kind == .keyword else { throw unexpected(t, expected: "an instruction") }
        guard let op = opcode(t) else { throw unknownOperator(t) }
        advance()
        switch op {
        case .block, .loop:
            let label = parseBlockLabel()
            let type = try parseBlockType()
            emit(Instruction(op, .block(type)), at: t)
            labels.append(label)
            try parseInstructions()
            guard peek.kind == .rparen else { throw unexpectedInInstructions() }
            emit(Instruction(.end), at: peek)
            advance()
            labels.removeLast()
        case .if:
            let label = parseBlockLabel()
            let type = try parseBlockType()
            // The condition: folded instructions before `(then`.
            while peek.kind == .lparen, !atList("then") {
                guard peek(1).kind == .keyword, opcode(peek(1)) != nil else {
                    throw peek(1).kind == .keyword ? unknownOperator(peek(1)) : unexpected(peek(1), expected: "an instruction")
                }
                try parseFoldedInstruction()
            }
            emit(Instruction(.if, .block(type)), at: t)
            labels.append(label)
            guard atList("then") else { throw unexpected(peek, expected: "\"(then\"") }
            pos += 2
            try parseInstructions()
            guard peek.kind == .rparen else { throw unexpectedInInstructions() }
            advance()
            if atList("else") {
                let elseToken = peek(1)
                pos += 2
                try parseElseBranch(at: elseToken)
                guard peek.kind == .rparen else { throw unexpectedInInstructions() }
                advance()
            }
            guard peek.kind == .rparen else { throw unexpected(peek, expected: "\")\" after the if's branches") }
            emit(Instruction(.end), at: peek)
            advance()
            labels.removeLast()
        case .else, .end:
            throw error("\(op.mnemonic) cannot be folded", at: t)
        default:
            let instruction = try parseImmediates(op, t)
            while peek.kind == .lparen {
                guard peek(1).kind == .keyword, opcode(peek(1)) != nil else {
                    throw peek(1).kind == .keyword ? unknownOperator(peek(1)) : unexpected(peek(1), expected: "an instruction")
                }
                try parseFoldedInstruction()
            }
            guard peek.kind == .rparen else {
                throw unexpected(peek, expected: "\")\" to close the \(op.mnemonic) opened at \(open.line):\(open.column)")
            }
            advance()
            emit(instruction, at: t)
        }
    }

    // MARK: immediates

    /// An optional index (number or `$id`) in `space`, else `fallback`.
    private func optionalIndex(_ space: IndexSpace, default fallback: UInt32 = 0) throws(WatError) -> UInt32 {
        atIndex ? try parseIndex(space) : fallback
    }

    private func parseImmediates(_ op: Opcode, _ t: Token) throws(WatError) -> Instruction {
        let info = op.info
        switch info.immediate {
        case .none, .block:
            if op == .select, atList("result") { return try parseImmediates(.selectTyped, t) }
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
            return Instruction(op, .memarg(try parseMemArg(natural: info.naturalAlignment)))
        case .memlane:
            let memarg = try parseMemArg(natural: info.naturalAlignment)
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
            for _ in 0..<16 { lanes.append(try parseLaneIndex()) }
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
            let k = peek
            if k.kind == .keyword, s.equals(k, "func") || s.equals(k, "funcref") {
                advance()
                return Instruction(op, .refType(.funcref))
            }
            if k.kind == .keyword, s.equals(k, "extern") || s.equals(k, "externref") {
                advance()
                return Instruction(op, .refType(.externref))
            }
            throw unexpected(k, expected: "func or extern")
        case .data:
            usesDataCount = true
            return Instruction(op, .index(try parseIndex(.data)))
        case .elem:
            return Instruction(op, .index(try parseIndex(.elem)))
        case .memoryInit:
            usesDataCount = true
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
    private func parseMemArg(natural: UInt8) throws(WatError) -> MemArg {
        var offset: UInt64 = 0
        var alignBytes = UInt64(max(1, natural))
        if peek.kind == .keyword, s.hasPrefix(peek, "offset=") {
            let t = peek
            guard let v = Literals.unsigned(s.bytes, Int(t.start) + 7, Int(t.end)) else {
                throw error(Literals.looksNumeric(s.bytes, Int(t.start) + 7, Int(t.end)) ? "offset out of range" : "malformed offset", at: t)
            }
            guard v <= UInt64(UInt32.max) else { throw error("offset out of range", at: t) }
            offset = v
            advance()
        }
        if peek.kind == .keyword, s.hasPrefix(peek, "align=") {
            let t = peek
            guard let v = Literals.unsigned(s.bytes, Int(t.start) + 6, Int(t.end)) else {
                throw error("malformed alignment", at: t)
            }
            guard v != 0, v & (v - 1) == 0 else { throw error("alignment must be a power of two", at: t) }
            alignBytes = v
            advance()
        }
        return MemArg(align: UInt32(alignBytes.trailingZeroBitCount), offset: offset)
    }

    private func parseLaneIndex() throws(WatError) -> UInt8 {
        let t = peek
        guard t.kind == .atom, let v = Literals.unsigned(s.bytes, Int(t.start), Int(t.end)) else {
            throw unexpected(t, expected: "a lane index")
        }
        guard let lane = UInt8(exactly: v) else { throw error("lane index out of range", at: t) }
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
        guard shape.kind == .keyword else { throw unexpected(shape, expected: "a v128 shape (i32x4, f64x2 …)") }
        advance()
        if s.equals(shape, "i8x16") {
            for _ in 0..<16 { append(try parseInteger(bits: 8), size: 1) }
        } else if s.equals(shape, "i16x8") {
            for _ in 0..<8 { append(try parseInteger(bits: 16), size: 2) }
        } else if s.equals(shape, "i32x4") {
            for _ in 0..<4 { append(try parseInteger(bits: 32), size: 4) }
        } else if s.equals(shape, "i64x2") {
            for _ in 0..<2 { append(try parseInteger(bits: 64), size: 8) }
        } else if s.equals(shape, "f32x4") {
            for _ in 0..<4 { append(UInt64(try parseF32()), size: 4) }
        } else if s.equals(shape, "f64x2") {
            for _ in 0..<2 { append(try parseF64(), size: 8) }
        } else {
            throw unexpected(shape, expected: "a v128 shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)")
        }
        return V128(bytes: bytes)
    }
}
