import WasmCore

// Which locals a debug session's calls must zero. The debugger shows every local at every stop
// point, with the value Wasm gives it: zero until the function writes it. A free run zeroes only
// the locals a read may see before a write (Compiler+LocalZeroing.swift); a debug session used to
// zero them all at every call, which cost fib 4.5 % of its run (Docs/performance.md).
//
// Most locals need no zeroing for the debugger either. At a frame's position (the Wasm
// instruction about to run, or the call or trapping instruction in progress) a local is
//   - written on every path to it (definite assignment): its slot holds its value;
//   - written on no path to it: its value is zero, whatever the slot holds;
//   - or written on some paths only ("ambiguous"): only a zeroed slot tells which.
// The locals ambiguous at some instruction are zeroed at entry. For the others, the debugger
// reads the slot where the local is definitely assigned and shows zero elsewhere; the compiler
// records, per such local, the instruction offsets where that changes (`writtenChanges`).
//
// "May be written" is taken generously, which can only make more locals ambiguous: a loop's
// header may see every write in the loop (back edges), and a block's end every write inside it.

extension Compiler {
    /// Larger functions skip the analysis and zero every local in a debug session: the analysis
    /// costs in proportion to the body, the zeroing per call, and a call of a big function does
    /// much more than zero its locals (printf_core and dlmalloc, half of wasi-libc's code that a
    /// C program's session compiles, made the analysis cost more than it saved).
    static let debugLocalsLimit = 2_000

    /// The debugger's view of a function's locals (indices over params and locals).
    struct DebugLocals {
        /// Locals the debugger cannot show correctly unless a call zeroes them.
        var ambiguous: [Bool]
        /// For the other non-parameter locals: the file offsets of the instructions (in order)
        /// where the local turns from unwritten to definitely written or back (entering an
        /// `else` arm, leaving a block that a path left without writing it). Before the first,
        /// it is unwritten.
        var writtenChanges: [[UInt32]]
    }

    /// The read-first analysis (`localsReadBeforeWritten`) and, in the same walk, the
    /// debugger's; `debug` is nil when the analysis does not apply (exception handling, GC
    /// branches, huge functions): every local is then zeroed.
    static func debugLocals(_ instructions: [Instruction], offsets: [UInt32], paramCount: Int,
                            localCount: Int) -> (readFirst: [Bool]?, debug: DebugLocals?) {
        let count = localCount - paramCount
        var changes = [[UInt32]](repeating: [], count: localCount)
        guard count > 0 else {
            return (localsReadBeforeWritten(instructions, paramCount: paramCount, localCount: localCount),
                    DebugLocals(ambiguous: [Bool](repeating: false, count: localCount), writtenChanges: changes))
        }
        let words = (count + 63) / 64
        // The read-first analysis gives up on these (and so every local is zeroed); bound the
        // per-block sets of pass 1 the same way.
        guard words * instructions.count <= 4_000_000 else { return (nil, nil) }
        /// The local (counted after the params) instruction `i` writes.
        func written(_ i: Int) -> Int? {
            let opcode = instructions[i].opcode
            guard opcode == .localSet || opcode == .localTee else { return nil }
            let local = Int(instructions[i].index) - paramCount
            return local >= 0 && local < count ? local : nil
        }

        // Pass 1: the locals written inside each block, loop and if (nested ones included), by
        // the block's ordinal among the openers; `words` words each.
        var inside: [UInt64] = []
        var open: [Int] = []
        var openers = 0
        for i in instructions.indices {
            switch instructions[i].opcode {
            case .block, .loop, .if, .tryTable, .try:
                open.append(openers)
                openers += 1
                inside.append(contentsOf: repeatElement(0, count: words))
            case .end:
                guard let closed = open.popLast() else { break }
                if let outer = open.last { for k in 0..<words { inside[outer * words + k] |= inside[closed * words + k] } }
            default:
                if let local = written(i), let inner = open.last { inside[inner * words + local >> 6] |= 1 << UInt64(local & 63) }
            }
        }

        // Pass 2, beside definite assignment (`MaybeWritten`).
        var walk = MaybeWritten(instructions: instructions, offsets: offsets, paramCount: paramCount, count: count,
                                words: words, inside: inside, changes: changes)
        let readFirst = localsReadBeforeWritten(instructions, paramCount: paramCount, localCount: localCount, observer: &walk)
        changes = walk.changes
        let ambiguousBits = walk.ambiguous
        guard readFirst != nil else { return (nil, nil) }
        var ambiguous = [Bool](repeating: false, count: localCount)
        for local in 0..<count where ambiguousBits[local >> 6] & (1 << UInt64(local & 63)) != 0 {
            ambiguous[local + paramCount] = true
            changes[local + paramCount] = []
        }
        return (readFirst, DebugLocals(ambiguous: ambiguous, writtenChanges: changes))
    }
}

/// The locals some path may have written ("maybe") at each instruction, beside definite
/// assignment: ambiguous where maybe but not definite. A block's end may follow any path through
/// it; an `else` arm starts from the `if`'s entry. Records where each local's definite state
/// changes.
private struct MaybeWritten: DefiniteAssignmentObserver {
    let instructions: [Instruction]
    let offsets: [UInt32]
    let paramCount: Int
    let count: Int
    let words: Int
    /// The locals written inside each block (by ordinal), `words` words each (pass 1).
    let inside: [UInt64]
    var changes: [[UInt32]]
    var ambiguous: [UInt64]
    var maybe: [UInt64]
    var lastDefinite: [UInt64]
    /// The maybe set at the entry of each open block, and the block's ordinal.
    var saved: [UInt64] = []
    var savedOpeners: [Int] = []
    var opener = 0

    init(instructions: [Instruction], offsets: [UInt32], paramCount: Int, count: Int, words: Int,
         inside: [UInt64], changes: [[UInt32]]) {
        self.instructions = instructions
        self.offsets = offsets
        self.paramCount = paramCount
        self.count = count
        self.words = words
        self.inside = inside
        self.changes = changes
        ambiguous = [UInt64](repeating: 0, count: words)
        maybe = ambiguous
        lastDefinite = ambiguous
    }

    mutating func observe(_ i: Int, definite: [UInt64], reachable: Bool) {
        if reachable {
            for k in 0..<words {
                let d = definite[k]
                ambiguous[k] |= maybe[k] & ~d
                var flipped = d ^ lastDefinite[k]
                guard flipped != 0 else { continue }
                let offset = i < offsets.count ? offsets[i] : 0
                while flipped != 0 {
                    changes[paramCount + k * 64 + flipped.trailingZeroBitCount].append(offset)
                    flipped &= flipped - 1
                }
                lastDefinite[k] = d
            }
        }
        let opcode = instructions[i].opcode
        switch opcode {
        case .block, .loop, .if, .tryTable, .try:
            saved.append(contentsOf: maybe)
            savedOpeners.append(opener)
            if opcode == .loop { for k in 0..<words { maybe[k] |= inside[opener * words + k] } }
            opener += 1
        case .else:
            guard !savedOpeners.isEmpty else { break }
            for k in 0..<words { maybe[k] = saved[saved.count - words + k] }
        case .end:
            guard let closed = savedOpeners.popLast() else { break }
            for k in 0..<words { maybe[k] = saved[saved.count - words + k] | inside[closed * words + k] }
            saved.removeLast(words)
        case .localSet, .localTee:
            let local = Int(instructions[i].index) - paramCount
            if local >= 0 && local < count { maybe[local >> 6] |= 1 << UInt64(local & 63) }
        default:
            break
        }
    }
}
