import WasmCore

// The run-loop side of the debug patches (DESIGN.md §2.4, §2.6, §2.7). A patched word keeps
// the original operation in bits 16..31 (see `CodeWord.patched`), so resuming executes the
// original instruction from the patched word itself: no table lookup, no unpatch/repatch.

extension Interpreter {
    /// Executes the instruction at pc with the original of its (possibly patched) first word.
    /// Used to resume at a breakpoint or interrupt and to run a watched access.
    @inline(never)
    static func replay(_ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        execute(word: CodeWord.unpatched(r.pc.pointee), &r, store, ex)
    }

    /// The checking variant of a memory access while a memory watchpoint exists: runs the
    /// original when the accessed bytes miss the watched union, else stops before the access
    /// so the debugger can compare the bytes around it. Global accesses and bulk memory
    /// operations always stop (they are only patched when a watch concerns them).
    @inline(never)
    static func watchedAccess(_ word: UInt64, _ r: inout Registers, _ store: Store, _ ex: Execution) -> Status {
        let original = CodeWord.unpatched(word)
        if let access = memoryAccessSize(CodeWord.op(original)) {
            let ea = (r.fp[CodeWord.a(original)] & 0xFFFF_FFFF) &+ r.pc[1]
            if ea >= ex.watchHigh || ea &+ access <= ex.watchLow {
                return execute(word: original, &r, store, ex)
            }
        }
        return .watch
    }

    /// Bytes accessed by a plain load or store operation, nil for anything else.
    static func memoryAccessSize(_ raw: UInt16) -> UInt64? {
        guard raw < InternalOp.base, let op = Opcode(rawValue: raw), op.info.prefix == 0,
              op.info.immediate == .memarg, op.info.naturalAlignment > 0 else { return nil }
        return UInt64(op.info.naturalAlignment)
    }
}
