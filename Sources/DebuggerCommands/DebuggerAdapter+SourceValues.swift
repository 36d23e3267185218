import DebugInfo
import Debugger
import FoundationEssentials
import WasmVM

/// Source-level values in the REPL: `print`, `output`, `display`, `set var`, `info locals`,
/// `info args`, `ptype`, `whatis`, `watch`, `finish` and frame arguments over DWARF variables.
///
/// The rule between the two name spaces (Docs/source-level.md): in a frame DWARF describes (or,
/// before the program runs, in a module with DWARF), an expression goes to the C evaluator
/// unless it names a Wasm form: `$name`, `local[N]`, `global[N]`, `stack[N]`, `mem…`.
extension DebuggerAdapter {
    /// Whether `text` is evaluated in the source view.
    func usesSourceView(_ text: String) -> Bool {
        guard debugger.debugInfo != nil else { return false }
        if debugger.isRunning || debugger.backtrace().first != nil {
            guard (try? debugger.frame())?.source != nil else { return false }
        }
        return !Self.namesWasmForm(text)
    }

    /// `$x`, `local[2]`, `global[0]`, `stack[0]`, `mem.i32[…]` and `(i32.const 1)` are the Wasm
    /// view's (history `$1`, `$`, `$$` excepted: they are substituted before evaluation).
    static func namesWasmForm(_ text: String) -> Bool {
        let chars = Array(text)
        for (i, c) in chars.enumerated() where c == "$" {
            let next = i + 1 < chars.count ? chars[i + 1] : " "
            if next.isLetter || next == "_" { return true }
        }
        for word in ["local[", "global[", "stack[", "mem[", "mem.", ".const "] where text.contains(word) { return true }
        return false
    }

    /// The selected frame's inlined-call depth (for the source values of an inlined frame).
    var selectedInlineDepth: Int { (try? debugger.frame())?.inlineDepth ?? 0 }

    func sourcePrintFormat(_ format: String?) throws -> SourcePrintFormat? {
        guard let letter = format?.last else { return nil }
        guard let f = SourcePrintFormat(rawValue: letter) else {
            throw ReplError("unknown format letter \"\(letter)\": use x, d, u, o, t, c, a, f, s or z")
        }
        return f
    }

    /// `print`/`output` in the source view: `$1 = {x = 5, y = 6}`. With `omitVoid` (gdb's
    /// `call`) a `void` result prints nothing.
    func printSourceExpression(_ text: String, format: String?, record: Bool, omitVoid: Bool = false, in session: ReplSession) throws {
        let value = try reportingCalledFunctionStops(in: session) {
            try debugger.evaluateSource(text, inlineDepth: selectedInlineDepth)
        }
        if omitVoid, value.isVoid { return }
        let shown = debugger.formatSourceValue(value, format: try sourcePrintFormat(format))
        if record {
            session.console.line("$\(recordSourceInHistory(value)) = \(shown)")
        } else {
            session.console.write(shown, toError: false)
        }
    }

    /// A source value into the value history: scalars as the Wasm value of the same bits (so
    /// `$1` works in later expressions of either view); aggregates keep their number only.
    func recordSourceInHistory(_ value: SourceValue) -> Int {
        if let scalar = Self.scalar(value) { return recordInHistory(scalar) }
        aggregateHistory.insert(valueHistory.count + 1)
        return recordInHistory(.i32(0))
    }

    /// Runs `body` (an evaluation that may call guest functions) so that a stop inside a
    /// called function is shown as any stop is, before the call is abandoned.
    func reportingCalledFunctionStops<T>(in session: ReplSession, _ body: () throws -> T) throws -> T {
        let savedStop = lastStop
        debugger.calledFunctionStopReporter = { [unowned self] stop in
            switch stop.reason {
            case .trapped(let trap), .trapCaught(_, let trap):
                session.console.line("")
                session.console.line("Program received a trap: \(trap.message).")
                if let position = stop.position {
                    session.console.line(self.stopLocationText(position))
                    self.printSourceOrInstruction(position, in: session)
                }
            default:
                self.report(stop, in: session)
            }
        }
        defer {
            debugger.calledFunctionStopReporter = nil
            lastStop = savedStop
        }
        return try body()
    }

    static func scalar(_ value: SourceValue) -> Value? {
        guard !value.optimizedOut, value.readError == nil else { return nil }
        var type = value.type
        while [.typedef, .const, .volatile, .restrict, .atomic].contains(type.kind), let next = type.target { type = next }
        let bytes = value.bytes
        func bits() -> UInt64 { bytes.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }
        switch type.kind {
        case .base(let encoding):
            let size = bytes.count
            if encoding == .float {
                if size == 4 { return .f32(UInt32(truncatingIfNeeded: bits())) }
                if size == 8 { return .f64(bits()) }
                return nil
            }
            let signed = encoding == .signed || encoding == .signedChar
            let raw = bits()
            switch size {
            case 1: return .i32(signed ? UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: raw))) : UInt32(raw & 0xFF))
            case 2: return .i32(signed ? UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: raw))) : UInt32(raw & 0xFFFF))
            case 4: return .i32(UInt32(truncatingIfNeeded: raw))
            case 8: return .i64(raw)
            default: return nil
            }
        case .pointer, .enumeration:
            return bytes.count == 8 ? .i64(bits()) : .i32(UInt32(truncatingIfNeeded: bits()))
        default:
            return nil
        }
    }

    // MARK: frames

    /// `n=7, s=0x1000` for a source frame's arguments, as gdb's frame lines show them
    /// (aggregates as `...`, gdb's default of printing scalar arguments only).
    func frameArgumentsText(_ frame: FrameInfo) -> String {
        let saved = debugger.selectedFrame
        defer { _ = try? debugger.selectFrame(saved) }
        guard (try? debugger.selectFrame(frame.level)) != nil,
              let arguments = try? debugger.sourceVariables(arguments: true, inlineDepth: frame.inlineDepth) else { return "" }
        return arguments.map { name, value in
            var type = value.type
            while [.typedef, .const, .volatile].contains(type.kind), let next = type.target { type = next }
            let aggregate = [.structure, .classType, .union, .array].contains(type.kind)
            // Not `print`'s top-level form: gdb's frame lines show a pointer without its type.
            return "\(name)=" + (aggregate ? "..." : debugger.formatSourceValue(value, topLevel: false))
        }.joined(separator: ", ")
    }

    // MARK: watchpoints

    /// `watch s->total`: the object's bytes in memory, reported in its C type.
    func watchSource(_ expression: String, kind: WatchKind, condition: String?, in session: ReplSession) throws -> Breakpoint {
        let lvalue = try debugger.sourceLvalue(expression, inlineDepth: selectedInlineDepth)
        let end = lvalue.address + UInt64(max(lvalue.size, 1))
        let bp = try debugger.watch("mem[0x\(String(lvalue.address, radix: 16))..0x\(String(end, radix: 16))]",
                                    kind: kind, condition: condition)
        sourceWatches[bp.number] = (expression, lvalue.type)
        // A watch on a local or argument belongs to its frame (gdb ends it when the frame
        // returns): remembered by the function and its depth from the outermost frame.
        if let frame = try? debugger.frame(), let source = frame.source, let name = Self.leadingIdentifier(expression) {
            let depth = frame.inlineDepth
            let inScope = ((try? debugger.sourceVariables(arguments: true, inlineDepth: depth)) ?? [])
                + ((try? debugger.sourceVariables(arguments: false, inlineDepth: depth)) ?? [])
            if inScope.contains(where: { $0.name == name }) {
                scopedWatches[bp.number] = (source.function, debugger.backtrace().count - frame.level)
                // Ends exactly when the frame returns (a stop in the caller, as gdb).
                try? debugger.scopeWatch(bp.number, toFrame: frame.physicalLevel)
            }
        }
        return bp
    }

    /// The first identifier of an expression (`s` of `s->total`, `a` of `*a[2]`).
    static func leadingIdentifier(_ text: String) -> String? {
        let chars = Array(text.drop { !$0.isLetter && $0 != "_" })
        let name = chars.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }

    /// Scoped watches whose frame is gone: deleted, with gdb's words. True when one was.
    func endWatchesOutOfScope(in session: ReplSession) -> Bool {
        guard !scopedWatches.isEmpty else { return false }
        let frames = debugger.backtrace()
        var ended = false
        for (number, scope) in scopedWatches.sorted(by: { $0.key < $1.key }) {
            // Deleted by `delete` meanwhile: nothing to end (and no word of it on a later run).
            guard debugger.breakpoint(number) != nil else {
                scopedWatches[number] = nil
                sourceWatches[number] = nil
                continue
            }
            let level = frames.count - scope.depthFromOutermost
            let alive = debugger.isRunning && level >= 0 && level < frames.count && frames[level].source?.function == scope.function
            guard !alive else { continue }
            scopedWatches[number] = nil
            sourceWatches[number] = nil
            try? debugger.delete([number])
            printWatchScopeEnded(number, in: session)
            ended = true
        }
        return ended
    }

    /// Watchpoints the debugger deleted because their frame returned: gdb's words for each.
    func reportEndedWatchScopes(in session: ReplSession) {
        for number in debugger.takeEndedWatchScopes() {
            scopedWatches[number] = nil
            sourceWatches[number] = nil
            printWatchScopeEnded(number, in: session)
        }
    }

    func printWatchScopeEnded(_ number: Int, in session: ReplSession) {
        session.console.line("")
        session.console.line("Watchpoint \(number) deleted because the program has left the block in")
        session.console.line("which its expression is valid.")
    }

    /// A watched value's text: in its C type when the watch was set on a source lvalue.
    func watchValueText(_ value: WatchValue, watchpoint: Int) -> String {
        guard let (_, type) = sourceWatches[watchpoint], case .bytes(let bytes) = value else { return value.description }
        return debugger.formatSourceBytes(bytes, type: type)
    }
}
