import WasmCore

/// A function body (or constant expression) with its structure made explicit: `block`, `loop`
/// and `if` own their bodies. Both the flat and the folded printer walk this tree.
indirect enum CodeNode {
    case plain(Instruction)
    /// `block` or `loop`; `label` numbers the structured instructions of the function in
    /// order of appearance (the name section's label index).
    case block(Instruction, label: UInt32, body: [CodeNode])
    /// `if`; `elseBody` is nil when the binary has no `else` (an empty `else` is kept, so
    /// re-assembly can reproduce its byte).
    case ifElse(Instruction, label: UInt32, thenBody: [CodeNode], elseBody: [CodeNode]?)
}

enum CodeTree {
    /// Builds the tree of `instructions`. A trailing `end` that closes the whole expression is
    /// dropped. Decoded input is always balanced; for anything else, unmatched `else`/`end`
    /// are ignored and unclosed blocks are closed at the end, so printing never fails.
    static func build(_ instructions: [Instruction]) -> [CodeNode] {
        var builder = Builder(instructions: instructions)
        return builder.sequence(topLevel: true).nodes
    }

    /// The deepest block nesting of `instructions` (a linear scan).
    static func maxNesting(_ instructions: [Instruction]) -> Int {
        var depth = 0, deepest = 0
        for instruction in instructions {
            switch instruction.opcode {
            case .block, .loop, .if, .tryTable, .try:
                depth += 1
                deepest = max(deepest, depth)
            case .end:
                depth = max(0, depth - 1)
            default: break
            }
        }
        return deepest
    }

    private struct Builder {
        let instructions: [Instruction]
        var position = 0
        var nextLabel: UInt32 = 0

        enum Terminator { case end, `else`, eof }

        mutating func sequence(topLevel: Bool) -> (nodes: [CodeNode], terminator: Terminator) {
            var nodes: [CodeNode] = []
            while position < instructions.count {
                let instruction = instructions[position]
                position += 1
                switch instruction.opcode {
                case .end:
                    if topLevel && position < instructions.count { continue }  // stray end
                    return (nodes, .end)
                case .else:
                    if topLevel { continue }  // stray else
                    return (nodes, .else)
                case .block, .loop, .tryTable:
                    let label = takeLabel()
                    let body = blockBody()
                    nodes.append(.block(instruction, label: label, body: body))
                case .if:
                    let label = takeLabel()
                    let thenPart = sequence(topLevel: false)
                    var elseBody: [CodeNode]? = nil
                    if thenPart.terminator == .else {
                        elseBody = blockBody()
                    }
                    nodes.append(.ifElse(instruction, label: label, thenBody: thenPart.nodes, elseBody: elseBody))
                default:
                    nodes.append(.plain(instruction))
                }
            }
            return (nodes, .eof)
        }

        /// The body of a block/loop or an else branch: everything up to the matching `end`
        /// (a stray `else` inside is skipped).
        mutating func blockBody() -> [CodeNode] {
            var nodes: [CodeNode] = []
            while true {
                let part = sequence(topLevel: false)
                nodes += part.nodes
                if part.terminator != .else { return nodes }
            }
        }

        mutating func takeLabel() -> UInt32 {
            defer { nextLabel &+= 1 }
            return nextLabel
        }
    }
}
