import WasmCore

// The run-loop side of the debug patches (DESIGN.md §2.4, §2.6, §2.7). A patched word keeps
// the original operation in bits 16..31 (see `CodeWord.patched`), so resuming executes the
// original instruction from the patched word itself: no table lookup, no unpatch/repatch.

extension Interpreter {
    /// Executes the instruction at pc with the original of its (possibly patched) first word.
    /// Used to resume at a breakpoint or interrupt and to run a watched access.
    @inline(never)
    static func replay(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        executeOne(word: CodeWord.unpatched(r.pc.pointee), &r, store, ex)
    }

    /// The checking variant of a memory access while a memory watchpoint exists: runs the
    /// original when the accessed bytes miss the watched union, else stops before the access
    /// so the debugger can compare the bytes around it. Global accesses and bulk memory
    /// operations always stop (they are only patched when a watch concerns them).
    @inline(never)
    static func watchedAccess(_ word: UInt64, _ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        let original = CodeWord.unpatched(word)
        if let access = RegisterOperation.memoryAccess(original, pc: r.pc, fp: r.fp) {
            if access.address >= ex.watchHigh || access.address &+ access.size <= ex.watchLow {
                return executeOne(word: original, &r, store, ex)
            }
        }
        return .watch
    }
}

extension Interpreter {
    /// Runs a call the debugger does not drive (a host function calling back into the guest,
    /// a plain `invoke`) to its end: debug patches met on the way are replayed, not reported.
    static func runPastDebugStops(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        var status = run(&r, store, ex)
        while true {
            switch status {
            case .breakpoint, .interrupted, .watch:
                status = replay(&r, store, ex)
            case .hostCall:
                ex.passNextHostCall = true
                status = step(&r, store, ex)
            default:
                return status
            }
            if status == .running { status = run(&r, store, ex) }
        }
    }
}
