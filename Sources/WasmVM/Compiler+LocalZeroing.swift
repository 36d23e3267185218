import WasmCore

// Which locals a call must zero. Wasm gives every non-parameter local the value zero at entry,
// and L_CALL used to zero them all: about 60 of the 106 instructions a call cost in a C++
// program (svg-flatten) whose functions have dozens of locals. Compiled C, C++ and Rust write
// nearly every local before they read it, on every path, so such a local's initial value is
// never observed by the program and a free run need not zero it.
//
// The analysis is definite assignment over Wasm's structured control flow: along each path the
// set of locals written so far only grows, so at a block's end (or an `if`'s) it is the
// intersection of the sets of the paths that reach it (fall-through and branches), and a loop
// header keeps the set it was entered with (a back edge brings a superset). A `local.get` of a
// local not in the set marks it as read-before-written. Exception handling and the GC branch
// instructions make edges this does not model: a function that uses them zeroes everything.
//
// Who else can see a local before the program writes it: the debugger (frames at every stop
// point), for which a debug session's calls zero more (Compiler+DebugLocals.swift), and the
// collector, which scans reference-typed locals: those are always zeroed.

/// Sees each instruction of the definite-assignment walk before it is analysed
/// (Compiler+DebugLocals.swift builds on it). A generic parameter, not a closure: the walk is
/// specialized for it, and a free run's compilation pays nothing for the hook.
protocol DefiniteAssignmentObserver {
    /// `definite`: the non-parameter locals written on every path to instruction `index` (bit
    /// i: local paramCount + i); meaningless where `reachable` is false.
    mutating func observe(_ index: Int, definite: [UInt64], reachable: Bool)
}

/// A block of the definite-assignment walk.
private struct AssignmentControl {
    var isLoop: Bool
    var isIf: Bool
    var hasElse = false
    /// The set and reachability on entry (an `if`'s else arm starts from them).
    var entry: [UInt64]
    var entryReachable: Bool
    /// The intersection of the sets of the paths that reach the end so far (nil: none).
    var end: [UInt64]?
}

private struct NoObserver: DefiniteAssignmentObserver {
    mutating func observe(_ index: Int, definite: [UInt64], reachable: Bool) {}
}

extension Compiler {
    /// The locals a read may observe before any write (true at their index), or nil when the
    /// analysis does not apply and every local must be zeroed. Parameters are never marked.
    static func localsReadBeforeWritten(_ instructions: [Instruction], paramCount: Int, localCount: Int) -> [Bool]? {
        var none = NoObserver()
        return localsReadBeforeWritten(instructions, paramCount: paramCount, localCount: localCount, observer: &none)
    }

    static func localsReadBeforeWritten<Observer: DefiniteAssignmentObserver>(
        _ instructions: [Instruction], paramCount: Int, localCount: Int, observer: inout Observer) -> [Bool]? {
        let count = localCount - paramCount
        guard count > 0 else { return [Bool](repeating: false, count: localCount) }
        let words = (count + 63) / 64
        // Block ends intersect sets of `words` words: bound the work on huge functions.
        guard words * instructions.count <= 4_000_000 else { return nil }

        var readFirst = [Bool](repeating: false, count: localCount)
        var written = [UInt64](repeating: 0, count: words)
        var reachable = true
        var controls = [AssignmentControl(isLoop: false, isIf: false, entry: written, entryReachable: true)]

        func merge(_ set: [UInt64], into end: inout [UInt64]?) {
            guard var e = end else { end = set; return }
            for k in 0..<words { e[k] &= set[k] }
            end = e
        }
        /// A branch to relative label `depth` with the current set.
        func branch(_ depth: UInt32) -> Bool {
            guard Int(depth) < controls.count else { return false }
            let target = controls.count - 1 - Int(depth)
            // Branches to a loop go back to its header; to the function's label, they return.
            if reachable && target > 0 && !controls[target].isLoop { merge(written, into: &controls[target].end) }
            return true
        }

        for (i, instruction) in instructions.enumerated() {
            observer.observe(i, definite: written, reachable: reachable)
            switch instruction.opcode {
            case .localGet:
                let local = Int(instruction.index) - paramCount
                if reachable, local >= 0, local < count, written[local >> 6] & (1 << UInt64(local & 63)) == 0 {
                    readFirst[local + paramCount] = true
                }
            case .localSet, .localTee:
                let local = Int(instruction.index) - paramCount
                if reachable, local >= 0, local < count { written[local >> 6] |= 1 << UInt64(local & 63) }
            case .block, .loop, .if:
                controls.append(AssignmentControl(isLoop: instruction.opcode == .loop, isIf: instruction.opcode == .if,
                                        entry: written, entryReachable: reachable))
            case .else:
                guard controls.count > 1, controls[controls.count - 1].isIf else { return nil }
                let last = controls.count - 1
                if reachable { merge(written, into: &controls[last].end) }
                controls[last].hasElse = true
                written = controls[last].entry
                reachable = controls[last].entryReachable
            case .end:
                guard let control = controls.popLast() else { return nil }
                if controls.isEmpty { return readFirst }
                if control.isLoop { break }   // falls through with the set it has
                var end = control.end
                if reachable { merge(written, into: &end) }
                // An `if` without else: the condition's false path skips the arm.
                if control.isIf && !control.hasElse && control.entryReachable { merge(control.entry, into: &end) }
                if let end {
                    written = end
                    reachable = true
                } else {
                    reachable = false
                }
            case .br:
                guard branch(instruction.index) else { return nil }
                reachable = false
            case .brIf:
                guard branch(instruction.index) else { return nil }
            case .brTable:
                guard case .brTable(let targets, let defaultTarget) = instruction.immediate else { return nil }
                for t in targets + [defaultTarget] {
                    guard branch(t) else { return nil }
                }
                reachable = false
            case .return, .unreachable, .returnCall, .returnCallIndirect, .returnCallRef, .throw, .throwRef:
                reachable = false
            case .tryTable, .try, .catch, .catchAll, .delegate, .rethrow,
                 .brOnNull, .brOnNonNull, .brOnCast, .brOnCastFail:
                return nil
            default:
                break
            }
        }
        return nil   // no final `end`: not a valid body
    }
}
