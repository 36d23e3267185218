import WasmCore

// The run-loop side of the debug patches (Docs/architecture.md, Engine invariants (4), (6), (7)). A patched word keeps
// the original operation in bits 16..31 (see `CodeWord.patched`), so resuming executes the
// original instruction from the patched word itself: no table lookup, no unpatch/repatch.
// The checking variant of a watched memory access, which runs accesses outside the watched
// ranges inline and stops before the others, is in the C core (L_WATCHED_ACCESS).

extension Interpreter {
    /// Executes the instruction at pc with the original of its (possibly patched) first word.
    /// Used to resume at a breakpoint or interrupt and to run a watched access.
    @inline(never)
    static func replay(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        executeOne(word: CodeWord.unpatched(r.pc.pointee), &r, store, ex)
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
            case .exceptionThrown:
                store.exceptionHeap.passNextThrow = true
                status = step(&r, store, ex)
            case .exceptionCaught:
                status = .running
            default:
                return status
            }
            if status == .running { status = run(&r, store, ex) }
        }
    }
}
