import WasmCore

// Integer conversions that cancel, for code that keeps i32 values in i64 locals and converts at
// every use (TinyCC's wasm32 output: `i32.wrap_i64 (i64.extend32_s x)`, `i32.wrap_i64
// (i64.load32_s ...)`, `i64.extend32_s (i64.extend_i32_s x)`). Counting the dispatched operation
// pairs (Docs/performance.md, session 8) found these conversion pairs to be a fifth of tcc's
// dispatches.
//
// Each rewrite replaces the producer emitted last (whose run is still open) and the conversion
// by one instruction, or the conversion by nothing, at the producer's code index: the
// conversion joins the producer's run (no stop point of its own), and its operand, the
// producer's result, is never on the operand stack at a stop point. Nothing here traps but a
// load, which stays where it was with its trap site.

extension Compiler {
    /// Emits conversion `op` on the top entry in a simpler form when it cancels with the
    /// producer of that entry. Returns false (nothing changed) otherwise.
    mutating func emitSimplifiedConversion(_ op: Opcode, offset: UInt32) throws(CompileError) -> Bool {
        guard op == .i32WrapI64 || op == .i64Extend32S, let top = stack.last, top.pending == nil,
              let producer = lastEmission, producer.end == code.count, producer.destination == top.slot,
              (stopCodeIndex.last.map { Int($0) } ?? -1) <= producer.start else { return false }
        let destination = top.slot
        var last = LastEmission(start: producer.start, end: 0, destination: destination)
        let plainLoad = producer.end - producer.start == 3 ? producer.load : nil
        switch (op, producer.unary?.op, plainLoad) {
        case (.i64Extend32S, .i64ExtendI32S?, _), (.i64Extend32S, .i64Extend32S?, _), (.i64Extend32S, _, .i64Load32S?):
            // Already the sign extension of its low 32 bits: the value does not change.
            last = producer
        case (.i32WrapI64, .i64ExtendI32S?, _), (.i32WrapI64, .i64ExtendI32U?, _):
            // The low 32 bits of an extended i32 are that i32 (i32 slots hold it zero-extended).
            guard let source = producer.unary?.source else { return false }
            code.removeSubrange(producer.start...)
            if source != destination || stopCodeIndex.last.map({ Int($0) }) == producer.start {
                emit(.copy, destination, UInt64(source))
            }
            // (Else the extension read and wrote the same slot inside an earlier instruction's
            // run: nothing is left to do. A stop point that began at it keeps its copy.)
        case (.i32WrapI64, .i64Extend32S?, _):
            // The low 32 bits are x's own.
            guard let source = producer.unary?.source else { return false }
            code.removeSubrange(producer.start...)
            emitRegister(.i32WrapI64, .r, destination, UInt64(source))
            last.unary = (.i32WrapI64, source)
        case (.i32WrapI64, _, .i64Load32S?), (.i32WrapI64, _, .i64Load32U?):
            // The low 32 bits of the loaded word: an i32.load of the same address (same words).
            code[producer.start] = CodeWord.make(RegisterOperation.number(.i32Load, .r), destination)
            last.load = .i32Load
        default:
            return false
        }
        _ = try pop()
        _ = push(op == .i32WrapI64 ? .i32 : .i64)
        extendRun(to: offset)
        last.end = code.count
        // (Nothing emitted: the value's producer before the extension is not known here.)
        lastEmission = last.end == last.start ? nil : last
        return true
    }
}
