import WasmCore

/// Instructions (spec §6.5): plain and folded forms and structured control with labels.
///
/// Nesting is handled with an explicit stack of open constructs rather than recursion, so a
/// deeply nested body (compilers emit thousands of nested blocks for big switches) cannot
/// exhaust the host stack.
extension WatParser {
    /// An open construct whose contents are being parsed.
    enum OpenConstruct {
        /// `block`/`loop`/`if` in the flat form: `instr*` up to `else` or `end`.
        case plainBlock(op: Opcode, label: Label, token: Token, elseIndex: Int?)
        /// `(block …)` / `(loop …)`: `instr*` up to `)`.
        case foldedBlock
        /// `(if …)` before `(then`: folded condition instructions.
        case foldedIfCondition(label: Label, type: BlockType, token: Token)
        /// `(then instr*)`.
        case foldedThen
        /// `(else instr*)`; `elseIndex` is where its `else` opcode went (dropped when empty).
        case foldedElse(elseIndex: Int)
        /// Legacy `(try … (do instr*) (catch x instr*)* (catch_all instr*)?)`: inside one of
        /// its lists; at its `)` the next handler list, `(delegate l)` or the try's `)` follows.
        /// `phase`: 0 in `(do …)`, 1 in a `(catch …)`, 2 in `(catch_all …)` (nothing may follow).
        case foldedTry(phase: UInt8)
        /// `(op immediates folded-operand*)`: the instruction is emitted after its operands;
        /// until then it waits on `pending` (so this enum holds no references to copy).
        case foldedPlain(Token)
    }

    /// Starts a body of about `expectedSize` instructions (a guess that saves most of the
    /// growth of `code`; an instruction takes about three tokens in folded text).
    func beginBody(recordLocations: Bool, expectedSize: Int = 0) {
        code = []
        code.reserveCapacity(expectedSize)
        codeLocations = []
        if recordLocations { codeLocations.reserveCapacity(expectedSize) }
        labels.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        namedLabels.removeAll(keepingCapacity: true)
        annotatedLabelNames.removeAll()
        blockOrdinal = 0
        self.recordLocations = recordLocations
        if !recordLocations { localNames.removeAll() }
    }

    /// Enters the block-like instruction just emitted; its label name (if any) is kept by
    /// its ordinal among the body's block/loop/if, the name section's label numbering.
    private func pushLabel(_ label: Label) {
        labels.append(label)
        if label.isNamed, recordLocations {
            namedLabels.append((blockOrdinal, label))
        }
        blockOrdinal &+= 1
    }

    @inline(__always) func emit(_ instruction: Instruction, at t: Token) {
        code.append(instruction)
        if recordLocations { codeLocations.append(packedLocation(t)) }
        if hintWatch != 0 { recordBranchHint(at: t) }
    }

    /// Keywords that end an instruction sequence inside a list (`(then …)`, `(local …)` …).
    private func isStructuralKeyword(_ t: Token) -> Bool {
        s.equals(t, "then") || s.equals(t, "else") || s.equals(t, "param") || s.equals(t, "result")
            || s.equals(t, "local") || s.equals(t, "type") || s.equals(t, "export") || s.equals(t, "import")
            || s.equals(t, "item") || s.equals(t, "offset")
    }

    @inline(__always) func mnemonic(_ t: Token) -> MnemonicInfo? {
        mnemonics.lookup(source, Int(t.start), Int(t.end))
    }

    func unknownOperator(_ t: Token) -> WatError {
        let word = text(t)
        if let suggestion = Mnemonics.suggestion(for: word) {
            return error("unknown operator \(word) (did you mean \(suggestion)?)", at: t)
        }
        return error("unknown operator \(word)", at: t)
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
        try run(single: false)
    }

    /// Exactly one folded instruction `( … )`, with `pos` at the `(`.
    func parseFoldedInstruction() throws(WatError) {
        try run(single: true)
    }

    /// The parsing loop. With `single`, parses one folded instruction; otherwise `instr*`.
    private func run(single: Bool) throws(WatError) {
        var stack: [OpenConstruct] = []
        if single {
            guard peek.kind == .lparen, peek(1).kind == .keyword else { throw unexpected(peek(1), expected: "an instruction") }
            try beginFolded(&stack)
            if stack.isEmpty { return }
        }
        while true {
            let t = peek
            guard let top = stack.last else {
                // Top level of the sequence.
                if try beginInstruction(&stack) { continue }
                return
            }
            switch top {
            case .foldedIfCondition(let label, let type, let token):
                if atList("then") {
                    emit(Instruction(.if, .block(type)), at: token)
                    pushLabel(label)
                    stack[stack.count - 1] = .foldedThen
                    pos += 2
                } else if t.kind == .lparen {
                    try beginFolded(&stack)
                } else if t.kind == .annotation {
                    try instructionAnnotation(t)
                } else {
                    throw unexpected(t, expected: "\"(then\"")
                }
            case .foldedPlain(let token):
                if t.kind == .lparen {
                    try beginFolded(&stack)
                } else if t.kind == .rparen {
                    advance()
                    emit(pending.removeLast(), at: token)
                    stack.removeLast()
                } else if t.kind == .annotation {
                    try instructionAnnotation(t)
                } else {
                    throw unexpected(t, expected: "a folded operand or \")\" to close \(place(token))")
                }
            case .plainBlock(let op, let label, let token, let elseIndex):
                if try beginInstruction(&stack) { continue }
                if op == .if, elseIndex == nil, t.kind == .keyword, s.equals(t, "else") {
                    advance()
                    try checkClosingLabel(label)
                    emit(Instruction(.else), at: t)
                    stack[stack.count - 1] = .plainBlock(op: op, label: label, token: token, elseIndex: code.count - 1)
                    continue
                }
                if op == .try, t.kind == .keyword, s.equals(t, "delegate") {
                    // Legacy exception handling: `delegate l` ends the try; its label is
                    // counted from outside the try.
                    advance()
                    labels.removeLast()
                    emit(Instruction(.delegate, .index(try parseLabel())), at: t)
                    stack.removeLast()
                    continue
                }
                guard t.kind == .keyword, s.equals(t, "end") else {
                    if t.kind == .rparen || t.kind == .eof {
                        throw error("missing \"end\" for \(op.mnemonic) at \(place(token))", at: t)
                    }
                    throw unexpectedInInstructions()
                }
                if let elseIndex { closeElse(at: elseIndex) }
                emit(Instruction(.end), at: t)
                advance()
                try checkClosingLabel(label)
                labels.removeLast()
                stack.removeLast()
            case .foldedBlock:
                if try beginInstruction(&stack) { continue }
                guard t.kind == .rparen else { throw unexpectedInInstructions() }
                emit(Instruction(.end), at: t)
                advance()
                labels.removeLast()
                stack.removeLast()
            case .foldedThen:
                if try beginInstruction(&stack) { continue }
                guard t.kind == .rparen else { throw unexpectedInInstructions() }
                advance()
                if atList("else") {
                    let elseToken = peek(1)
                    pos += 2
                    emit(Instruction(.else), at: elseToken)
                    stack[stack.count - 1] = .foldedElse(elseIndex: code.count - 1)
                } else {
                    try closeFoldedIf(&stack)
                }
            case .foldedTry(let phase):
                if try beginInstruction(&stack) { continue }
                guard t.kind == .rparen else { throw unexpectedInInstructions() }
                advance()
                try continueFoldedTry(&stack, phase: phase)
            case .foldedElse(let elseIndex):
                if try beginInstruction(&stack) { continue }
                guard t.kind == .rparen else { throw unexpectedInInstructions() }
                advance()
                closeElse(at: elseIndex)
                try closeFoldedIf(&stack)
            }
            if single && stack.isEmpty { return }
        }
    }

    /// After a list of a folded legacy `try`: the next `(catch x`, `(catch_all`, a closing
    /// `(delegate l)`, or the try's own `)`.
    private func continueFoldedTry(_ stack: inout [OpenConstruct], phase: UInt8) throws(WatError) {
        let t = peek(1)
        if atList("catch") || atList("catch_all") {
            guard phase < 2 else { throw unexpected(t, expected: "\")\": nothing may follow catch_all") }
            pos += 2
            if s.equals(t, "catch") {
                emit(Instruction(.catch, .index(try parseIndex(.tag))), at: t)
                stack[stack.count - 1] = .foldedTry(phase: 1)
            } else {
                emit(Instruction(.catchAll), at: t)
                stack[stack.count - 1] = .foldedTry(phase: 2)
            }
        } else if atList("delegate") {
            guard phase == 0 else { throw unexpected(t, expected: "\")\": delegate cannot follow a handler") }
            pos += 2
            labels.removeLast()
            emit(Instruction(.delegate, .index(try parseLabel())), at: t)
            try expectRParen()
            guard peek.kind == .rparen else { throw unexpected(peek, expected: "\")\" after (delegate …)") }
            advance()
            stack.removeLast()
        } else {
            guard peek.kind == .rparen else { throw unexpected(peek, expected: "(catch …), (catch_all …), (delegate …) or \")\"") }
            emit(Instruction(.end), at: peek)
            advance()
            labels.removeLast()
            stack.removeLast()
        }
    }

    /// An `else` with an empty branch writes no `else` opcode, unless the style keeps it
    /// (`EncodingStyle.keepsEmptyElse`).
    private func closeElse(at elseIndex: Int) {
        guard code.count == elseIndex + 1, !encodingStyle.keepsEmptyElse else { return }
        code.removeLast()
        if recordLocations { codeLocations.removeLast() }
    }

    /// The `)` of `(if …)` after its branches.
    private func closeFoldedIf(_ stack: inout [OpenConstruct]) throws(WatError) {
        guard peek.kind == .rparen else { throw unexpected(peek, expected: "\")\" after the if's branches") }
        emit(Instruction(.end), at: peek)
        advance()
        labels.removeLast()
        stack.removeLast()
    }

    /// Starts the instruction at `pos` if there is one (plain or folded); false when the
    /// next token cannot start an instruction.
    private func beginInstruction(_ stack: inout [OpenConstruct]) throws(WatError) -> Bool {
        let t = peek
        switch t.kind {
        case .lparen:
            let k = peek(1)
            guard k.kind == .keyword else { return false }
            guard let m = mnemonic(k) else {
                if isStructuralKeyword(k) { return false }
                throw unknownOperator(k)
            }
            try beginFolded(&stack, known: m)
            return true
        case .keyword:
            if s.equals(t, "end") || s.equals(t, "else") || s.equals(t, "delegate") { return false }
            guard let m = mnemonic(t) else { throw unknownOperator(t) }
            advance()
            let op = m.opcode
            if pendingBranchHint != nil { try bindBranchHint(op, at: t) }
            switch op {
            case .block, .loop, .if, .try:
                let label = try parseBlockLabel()
                let type = try parseBlockType()
                emit(Instruction(op, .block(type)), at: t)
                pushLabel(label)
                stack.append(.plainBlock(op: op, label: label, token: t, elseIndex: nil))
            case .tryTable:
                let label = try parseBlockLabel()
                let type = try parseBlockType()
                emit(Instruction(op, .tryTable(type, try parseCatchClauses())), at: t)
                pushLabel(label)
                stack.append(.plainBlock(op: op, label: label, token: t, elseIndex: nil))
            case .catch, .catchAll:
                // Legacy handlers only exist inside a flat `try`.
                guard case .plainBlock(let open, _, _, _)? = stack.last, open == .try else {
                    throw error("unexpected token \(describe(t)): \(op.mnemonic) outside a try", at: t)
                }
                emit(try parseImmediates(m, t), at: t)
            default:
                emit(try parseImmediates(m, t), at: t)
            }
            return true
        case .reserved:
            throw unknownOperator(t)
        case .annotation:
            try instructionAnnotation(t)
            return true
        default:
            return false
        }
    }

    /// An annotation among instructions: only a branch hint has a meaning there. (Checked
    /// where a token cannot start an instruction, off the common path.)
    private func instructionAnnotation(_ t: Token) throws(WatError) {
        guard annotationKind(t) == .branchHint else { throw misplaced(t) }
        try parseBranchHint(t)
    }

    /// Opens `( op …` at `pos` (the `(`); `known` is the mnemonic after it when the caller
    /// has looked it up already.
    private func beginFolded(_ stack: inout [OpenConstruct], known: MnemonicInfo? = nil) throws(WatError) {
        advance()
        let t = peek
        guard t.kind == .keyword else { throw unexpected(t, expected: "an instruction") }
        guard let m = known ?? mnemonic(t) else { throw unknownOperator(t) }
        advance()
        let op = m.opcode
        if pendingBranchHint != nil { try bindBranchHint(op, at: t) }
        switch op {
        case .block, .loop:
            let label = try parseBlockLabel()
            let type = try parseBlockType()
            emit(Instruction(op, .block(type)), at: t)
            pushLabel(label)
            stack.append(.foldedBlock)
        case .tryTable:
            let label = try parseBlockLabel()
            let type = try parseBlockType()
            emit(Instruction(op, .tryTable(type, try parseCatchClauses())), at: t)
            pushLabel(label)
            stack.append(.foldedBlock)
        case .try:
            let label = try parseBlockLabel()
            let type = try parseBlockType()
            emit(Instruction(op, .block(type)), at: t)
            pushLabel(label)
            guard atList("do") else { throw unexpected(peek, expected: "\"(do\" in a folded try") }
            pos += 2
            stack.append(.foldedTry(phase: 0))
        case .if:
            let label = try parseBlockLabel()
            let type = try parseBlockType()
            stack.append(.foldedIfCondition(label: label, type: type, token: t))
        case .else, .end, .catch, .catchAll, .delegate:
            throw error("unexpected token: \(op.mnemonic) cannot be folded", at: t)
        default:
            let instruction = try parseImmediates(m, t)
            if peek.kind == .rparen {
                // No folded operands (`(local.get 0)`, `(i32.const 1)`): done already.
                advance()
                emit(instruction, at: t)
            } else {
                pending.append(instruction)
                stack.append(.foldedPlain(t))
            }
        }
    }

    /// `(catch x l)`, `(catch_ref x l)`, `(catch_all l)`, `(catch_all_ref l)` of try_table,
    /// with labels counted from outside the try_table.
    private func parseCatchClauses() throws(WatError) -> [CatchClause] {
        var clauses: [CatchClause] = []
        while peek.kind == .lparen {
            let k = peek(1)
            let kind: CatchClause.Kind
            if s.equals(k, "catch") { kind = .catch }
            else if s.equals(k, "catch_ref") { kind = .catchRef }
            else if s.equals(k, "catch_all") { kind = .catchAll }
            else if s.equals(k, "catch_all_ref") { kind = .catchAllRef }
            else { break }
            pos += 2
            let tag = kind.hasTag ? try parseIndex(.tag) : 0
            clauses.append(CatchClause(kind, tag: tag, label: try parseLabel()))
            try expectRParen()
        }
        return clauses
    }

    /// An optional label after `block`/`loop`/`if`, and its optional `(@name …)` (the name
    /// section's name for the block about to be pushed).
    private func parseBlockLabel() throws(WatError) -> Label {
        let t = peek
        var label = Label.none
        if t.kind == .id {
            advance()
            let (start, end) = nameRange(t)
            label = Label(start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end))
        }
        if peek.kind == .annotation, let name = try optionalNameAnnotation() {
            annotatedLabelNames[blockOrdinal] = name
        }
        return label
    }

    /// The `$id` that may follow `end` or `else`; it must repeat the block's label.
    private func checkClosingLabel(_ label: Label) throws(WatError) {
        let t = peek
        guard t.kind == .id else { return }
        let (start, end) = nameRange(t)
        let n = end - start
        guard Int(label.end - label.start) == n, source.equal(Int(label.start), start, count: n) else {
            throw error("mismatching label \(text(t))", at: t)
        }
        advance()
    }

    private func parseBlockType() throws(WatError) -> BlockType {
        let at = peek
        if at.kind != .lparen { return .empty }   // no type use at all: the common case
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
        // Written `(type $t)`: the index, unless the style shortens it (wabt's).
        if let explicit = use.explicit, !encodingStyle.shortensExplicitBlockTypes { return .typeIndex(explicit) }
        if sig.params.isEmpty && sig.results.isEmpty { return .empty }
        if sig.params.isEmpty && sig.results.count == 1 { return .value(sig.results[0]) }
        if use.explicit == nil { use.hasInline = true }
        return .typeIndex(try resolve(use, at: at))
    }

    /// `block`/`loop`/`if` in the flat form, up to and including `end`.
}
