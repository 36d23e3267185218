import WasmCore

/// Prints instruction sequences, flat (one instruction per line, indented by nesting) or
/// folded (s-expressions). Folding never reorders anything: an operand is folded into the
/// instruction that consumes it only when it immediately precedes it, so the unfolded
/// sequence, and hence the encoding, is exactly the original.
struct WatBodyPrinter {
    var text: WatInstructionText
    /// Results of the function being printed (what `return` consumes).
    var functionResultCount = 0
    /// Label ids of the current function, by label index.
    var labelIds: [UInt32: String] = [:]
    /// Whether blocks get `;; label = @N` line comments; off for text that will be joined
    /// onto one line (constant expressions), where a line comment would hide the rest.
    var labelNotes = true

    init(text: WatInstructionText) {
        self.text = text
    }

    /// Deepest block nesting (and folded-expression height) printed as a tree; deeper code
    /// prints flat and with capped indentation, so hostile input cannot exhaust the stack or
    /// blow up the output.
    static let maxTreeDepth = 200

    /// The lines of an expression (its final `end` dropped), folded when asked and the code is
    /// shallow enough, flat otherwise.
    mutating func lines(_ instructions: [Instruction], folded: Bool, indent: String) -> [String] {
        var out: [String] = []
        // Legacy try/catch has no folded form here: print such bodies flat.
        if folded && CodeTree.maxNesting(instructions) <= Self.maxTreeDepth && !instructions.contains(where: { $0.opcode == .try }) {
            for expr in self.folded(CodeTree.build(instructions)) {
                Self.render(expr, indent: indent, into: &out)
            }
        } else {
            flat(instructions, indent: indent, into: &out)
        }
        return out
    }

    /// `  ;; label = @N` for an unnamed block about to open (N = its nesting level), matching
    /// the `(;@N;)` that branches to it carry.
    func labelNote(_ id: String?) -> String {
        labelNotes && id == nil ? "  ;; label = @\(text.labelStack.count + 1)" : ""
    }

    // MARK: flat

    /// One instruction per line, indented by nesting. A single linear pass: no recursion, so
    /// any depth is fine (indentation stops growing at `maxTreeDepth`).
    mutating func flat(_ instructions: [Instruction], indent: String, into lines: inout [String]) {
        var sources: [Int?] = []
        flat(instructions, indent: indent, into: &lines, sources: &sources)
    }

    /// The flat printer, also recording for each line the index of the instruction it shows
    /// (nil for an `end` added to balance a truncated expression).
    mutating func flat(_ instructions: [Instruction], indent: String, into lines: inout [String],
                       sources: inout [Int?]) {
        var count = instructions.count
        if count > 0 && instructions[count - 1].opcode == .end { count -= 1 }
        var nextLabel: UInt32 = 0
        func pad(_ depth: Int) -> String {
            indent + String(repeating: "  ", count: min(depth, Self.maxTreeDepth))
        }
        for (index, instruction) in instructions[0..<count].enumerated() {
            let depth = text.labelStack.count
            let before = lines.count
            defer { if lines.count > before { sources.append(index) } }
            switch instruction.opcode {
            case .block, .loop, .if, .tryTable, .try:
                let id = labelIds[nextLabel]
                nextLabel &+= 1
                let note = labelNote(id)
                lines.append(pad(depth) + text.text(instruction, label: id) + note)
                text.labelStack.append(id)
            case .else, .catch, .catchAll:
                lines.append(pad(max(0, depth - 1)) + text.text(instruction))
            case .delegate:
                guard depth > 0 else { continue }
                text.labelStack.removeLast()
                lines.append(pad(depth - 1) + text.text(instruction))
            case .end:
                // An `end` with nothing open cannot come from a decoder; skip it.
                guard depth > 0 else { continue }
                text.labelStack.removeLast()
                lines.append(pad(depth - 1) + "end")
            default:
                lines.append(pad(depth) + text.text(instruction))
            }
        }
        // Close what a truncated expression left open, so the text stays balanced.
        while !text.labelStack.isEmpty {
            text.labelStack.removeLast()
            lines.append(pad(text.labelStack.count) + "end")
            sources.append(nil)
        }
    }

    // MARK: folded

    /// An s-expression being built: its head text, folded operands and, for blocks, extra
    /// lines (the body, `(then …)`, `(else …)`).
    struct Expr {
        var head: String
        var children: [Expr] = []
        var resultCount: Int
        /// A line comment for the head line (a block's `;; label = @N`); printed only when
        /// children follow, so it can never swallow the closing parenthesis.
        var note: String
        /// 1 + the tallest child: how deep rendering will recurse.
        var height: Int

        init(head: String, children: [Expr] = [], resultCount: Int, note: String = "") {
            self.head = head
            self.children = children
            self.resultCount = resultCount
            self.note = note
            self.height = 1 + (children.map(\.height).max() ?? 0)
        }
    }

    mutating func folded(_ nodes: [CodeNode]) -> [Expr] {
        var pending: [Expr] = []
        for node in nodes {
            switch node {
            case .plain(let instruction):
                let (pops, pushes) = arity(instruction)
                let operands = takeOperands(pops, from: &pending)
                pending.append(Expr(head: text.text(instruction), children: operands, resultCount: pushes))
            case .block(let instruction, let label, let body):
                let id = labelIds[label]
                let head = text.text(instruction, label: id)
                let note = labelNote(id)
                text.labelStack.append(id)
                let inner = folded(body)
                text.labelStack.removeLast()
                pending.append(Expr(head: head, children: inner, resultCount: blockArity(instruction).results, note: note))
            case .ifElse(let instruction, let label, let thenBody, let elseBody):
                let id = labelIds[label]
                let head = text.text(instruction, label: id)
                let note = labelNote(id)
                let arity = blockArity(instruction)
                var children = takeOperands(arity.params + 1, from: &pending)
                text.labelStack.append(id)
                children.append(Expr(head: "then", children: folded(thenBody), resultCount: 0))
                if let elseBody {
                    children.append(Expr(head: "else", children: folded(elseBody), resultCount: 0))
                }
                text.labelStack.removeLast()
                pending.append(Expr(head: head, children: children, resultCount: arity.results, note: note))
            }
        }
        return pending
    }

    /// The last entries of `pending` when they produce exactly `count` values between them and
    /// none of them is a statement (no result); otherwise nothing is folded.
    private func takeOperands(_ count: Int, from pending: inout [Expr]) -> [Expr] {
        guard count > 0 else { return [] }
        var total = 0
        var taken = 0
        while total < count, taken < pending.count {
            let results = pending[pending.count - 1 - taken].resultCount
            if results == 0 { return [] }
            total += results
            taken += 1
        }
        guard total == count else { return [] }
        let operands = Array(pending.suffix(taken))
        // Keep the tree shallow (a long chain of folded adds would otherwise nest forever).
        if (operands.map(\.height).max() ?? 0) >= Self.maxTreeDepth { return [] }
        pending.removeLast(taken)
        return operands
    }

    static func render(_ expr: Expr, indent: String, into lines: inout [String]) {
        if expr.children.isEmpty {
            lines.append(indent + "(" + expr.head + ")")
            return
        }
        lines.append(indent + "(" + expr.head + expr.note)
        for child in expr.children {
            render(child, indent: indent + "  ", into: &lines)
        }
        lines[lines.count - 1] += ")"
    }

    // MARK: stack effects (for folding only)

    /// How many values an instruction takes and leaves. Only used to decide what to fold; a
    /// wrong guess could only make the folding less pretty, never change the code.
    func arity(_ instruction: Instruction) -> (Int, Int) {
        if let signature = instruction.opcode.info.signature {
            return (signature.params.count, signature.results.count)
        }
        switch instruction.opcode {
        case .brIf, .brTable, .drop, .localSet, .globalSet: return (1, 0)
        case .return: return (functionResultCount, 0)
        case .call:
            let function = Int(instruction.index)
            guard function < text.functionTypeIndices.count,
                  Int(text.functionTypeIndices[function]) < text.module.types.count else { return (0, 0) }
            let type = text.module.types[Int(text.functionTypeIndices[function])]
            return (type.params.count, type.results.count)
        case .callIndirect:
            guard case .indexPair(let typeIndex, _) = instruction.immediate,
                  Int(typeIndex) < text.module.types.count else { return (0, 0) }
            let type = text.module.types[Int(typeIndex)]
            return (type.params.count + 1, type.results.count)
        case .select, .selectTyped: return (3, 1)
        case .localGet, .globalGet, .refNull: return (0, 1)
        case .localTee, .tableGet, .refIsNull: return (1, 1)
        case .tableSet: return (2, 0)
        case .tableGrow: return (2, 1)
        case .tableFill: return (3, 0)
        default: return (0, 0)  // unreachable, br: no fallthrough value
        }
    }

    func blockArity(_ instruction: Instruction) -> (params: Int, results: Int) {
        let type: BlockType
        switch instruction.immediate {
        case .block(let t), .tryTable(let t, _): type = t
        default: return (0, 0)
        }
        switch type {
        case .empty: return (0, 0)
        case .value: return (0, 1)
        case .typeIndex(let index):
            guard Int(index) < text.module.types.count else { return (0, 0) }
            let funcType = text.module.types[Int(index)]
            return (funcType.params.count, funcType.results.count)
        }
    }
}
