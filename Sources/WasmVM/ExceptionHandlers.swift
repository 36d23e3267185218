import WasmCore

/// One exception handler of a compiled function: a `try_table`, a legacy `try` with its
/// `catch`/`catch_all` clauses, or a legacy `try ... delegate`. It covers the code indices
/// [start, end) of the try's body (the code of a body is contiguous). A function's handlers
/// are listed innermost first: a handler is recorded when its body ends, and a nested body ends
/// before the one around it.
struct ExceptionHandler {
    struct Clause {
        var kind: CatchClause.Kind
        /// Store address of the tag it catches; -1 for the catch_all forms.
        var tag: Int
        /// Where execution continues: for `try_table` a landing pad (a branch to the clause's
        /// label that moves the delivered values there), for a legacy catch its body.
        var pad: UInt32
    }

    var start: UInt32
    var end: UInt32
    /// Index of the try's control (its nesting depth in the function), for `delegate`.
    var controlIndex: Int
    /// Where the delivered values go: the payload, then (`catch_ref`, `catch_all_ref`) the exnref.
    var payloadSlot: Int
    /// Legacy `try`: the hidden slot that keeps the caught exception for `rethrow`; else -1.
    var exceptionSlot: Int
    /// Legacy `try ... delegate l`: the control index of label l (handlers at or outside it
    /// apply next); else -1.
    var delegateTo: Int
    var clauses: [Clause]

    func covers(_ codeIndex: Int) -> Bool { Int(start) <= codeIndex && codeIndex < Int(end) }
}

extension CompiledFunction {
    /// The handler and clause that catch an exception of tag `tag` raised at `codeIndex` (the
    /// throw, or the call in progress in a caller), if this function has one.
    func handler(at codeIndex: Int, tag: Int) -> (handler: ExceptionHandler, clause: ExceptionHandler.Clause)? {
        // A delegate sends the exception on to the handlers at or outside its label's block.
        var outermostAllowed = Int.max
        for handler in handlers where handler.covers(codeIndex) && handler.controlIndex <= outermostAllowed {
            if handler.delegateTo >= 0 {
                outermostAllowed = handler.delegateTo
                continue
            }
            for clause in handler.clauses where clause.tag < 0 || clause.tag == tag {
                return (handler, clause)
            }
        }
        return nil
    }
}
