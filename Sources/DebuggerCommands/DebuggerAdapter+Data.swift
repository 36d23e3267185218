import Debugger
import FoundationEssentials
import WasmCore
import WasmText
import WasmVM

/// Stack, data and code inspection: backtrace, frames, print, x, display, disassemble, list.
extension DebuggerAdapter {
    // MARK: command handlers (the catalog names them)

    /// `backtrace`.
    func handleBacktrace(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let console = session.console
        let frames = debugger.backtrace()
        guard !frames.isEmpty else { throw ReplError("No stack: the program is not being run.") }
        // gdb's arguments: `full`, and N (the N innermost frames) or -N (the N outermost).
        var full = false
        var limit: Int?
        for word in invocation.words {
            if word == "full" || word == "-full" {
                full = true
            } else if let n = Int(word), n != 0 {
                limit = n
            } else {
                throw ReplError("backtrace takes full, N or -N (a non-zero count), not \"\(word)\"")
            }
        }
        var shown = frames[...]
        if let limit { shown = limit > 0 ? frames.prefix(limit) : frames.suffix(-limit) }
        for frame in shown {
            console.line(frameLine(frame))
            if full {
                for local in frame.locals { console.line("        \(local.name) = \(local.value)") }
            }
        }
        if let limit, limit > 0, frames.count > limit { console.line("(More stack frames follow...)") }
    }

    /// `frame`.
    func handleFrame(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        let frame = args.isEmpty ? try debugger.frame() : try debugger.selectFrame(try level(args))
        printFrame(frame, in: session)
    }

    /// `up`.
    func handleUp(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        printFrame(try debugger.up(args.isEmpty ? 1 : try level(args)), in: session)
    }

    /// `down`.
    func handleDown(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        printFrame(try debugger.down(args.isEmpty ? 1 : try level(args)), in: session)
    }

    /// `info frame`.
    func handleInfoFrame(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let console = session.console
        let frame = try debugger.frame()
        console.line("Stack level \(frame.level), frame at \(frame.description.drop { $0 != " " }.dropFirst())")
        if let source = frame.source {
            // The source view beside the Wasm one, as gdb's `info frame` names the source line.
            console.line("  source: \(source.function) (\(frameArgumentsText(frame))) at \(source.file):\(source.line)"
                         + (source.isInlined ? ", inlined into frame \(frame.level + 1)" : ""))
            let frames = debugger.backtrace()
            if frame.level + 1 < frames.count { console.line("  called by frame at level \(frame.level + 1)") }
            if frame.level > 0 { console.line("  caller of frame at level \(frame.level - 1)") }
        }
        console.line("  function: \(functionName(frame.functionIndex)) (func \(frame.functionIndex))")
        console.line("  parameters: \(frame.locals.filter(\.isParameter).count), locals: \(frame.locals.filter { !$0.isParameter }.count), operand stack: \(frame.operandStack.count) value(s)")
    }

    /// `info locals`.
    func handleInfoLocals(_ invocation: CommandInvocation, in session: ReplSession) throws {
        // A frame DWARF describes shows its C locals (the Wasm ones: `info registers`).
        if let frame = try? debugger.frame(), frame.source != nil {
            for line in try debugger.formattedSourceVariables(arguments: false, inlineDepth: frame.inlineDepth) { session.console.line(line) }
            return
        }
        printValues(try debugger.locals(), none: "No locals.", in: session)
    }

    /// `info args`.
    func handleInfoArgs(_ invocation: CommandInvocation, in session: ReplSession) throws {
        if let frame = try? debugger.frame(), frame.source != nil {
            for line in try debugger.formattedSourceVariables(arguments: true, inlineDepth: frame.inlineDepth) { session.console.line(line) }
            return
        }
        printValues(try debugger.frameArguments(), none: "No arguments.", in: session)
    }

    /// `info globals`.
    func handleInfoGlobals(_ invocation: CommandInvocation, in session: ReplSession) throws {
        guard debugger.module != nil else { throw ReplError("No module loaded. Use \"file FILE\" first.") }
        printValues(debugger.globals(), none: "No globals.", in: session)
    }

    /// `info stack`.
    func handleInfoStack(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let console = session.console
        let stack = try debugger.operandStack()
        if stack.isEmpty { console.line("The operand stack is empty.") }
        for (i, value) in stack.enumerated().reversed() { console.line("[\(i)] \(debugger.describe(value))") }
    }

    /// `info registers`.
    func handleInfoRegisters(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let console = session.console
        let frame = try debugger.frame()
        for local in frame.locals { console.line("local[\(local.index)] \(debugger.describe(local.value, type: local.type))") }
        for (i, value) in frame.operandStack.enumerated() { console.line("stack[\(i)] \(debugger.describe(value))") }
    }

    /// `print`, `output`.
    func handlePrint(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        let console = session.console
        guard !args.isEmpty else { throw ReplError("print needs an expression: print $n * 2, print mem.i32[0x64]") }
        if usesSourceView(args) {
            try printSourceExpression(try substituteHistory(args, forSource: true), format: invocation.format,
                                      record: invocation.path == ["print"], in: session)
            return
        }
        let value = try evaluateExpression(args)
        let text = try formatValue(value, format: invocation.format, type: debugger.declaredType(of: args))
        if invocation.path == ["print"] {
            console.line("$\(recordInHistory(value)) = \(text)")
        } else {
            console.write(text, toError: false)
        }
    }

    /// `set var`.
    func handleSetVar(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        let console = session.console
        let target = args.split(separator: "=").first.map { String($0).trimmed } ?? args
        if usesSourceView(target) {
            let value = try debugger.setSourceVariable(try substituteHistory(args, forSource: true), inlineDepth: selectedInlineDepth)
            console.line("\(target) = \(debugger.formatSourceValue(value))")
            return
        }
        let value = try debugger.setVariable(try substituteHistory(args))
        console.line("\(target) = \(value)")
    }

    /// `x`.
    func handleX(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        // Enter after `x` goes on after the last address shown.
        if invocation.isRepeat, let next = nextExamineAddress {
            try examine("mem\(nextExamineMemory):0x" + String(next, radix: 16), format: invocation.format, in: session)
        } else {
            try examine(args, format: invocation.format, in: session)
        }
    }

    /// `display`.
    func handleDisplay(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        if args.isEmpty {
            showDisplays(in: session)
            return
        }
        // Checked when set, as gdb does: an expression that cannot be evaluated now (a typo, an
        // unknown name) is refused rather than failing at every later stop. Without a program,
        // only its syntax can be checked.
        if usesSourceView(args) {
            if debugger.isRunning {
                _ = try debugger.printSource(try substituteHistory(args, forSource: true), format: try sourcePrintFormat(invocation.format),
                                             inlineDepth: selectedInlineDepth)
            }
        } else if debugger.isRunning {
            _ = try formatValue(try evaluateExpression(args), format: invocation.format)
        } else {
            try debugger.checkExpressionSyntax(try substituteHistory(args))
        }
        displays.append((nextDisplayNumber, invocation.format, args))
        nextDisplayNumber += 1
        if debugger.isRunning, let last = displays.last { showDisplay(last, in: session) }
    }

    /// `undisplay`.
    func handleUndisplay(_ invocation: CommandInvocation, in session: ReplSession) throws {
        if invocation.words.isEmpty {
            displays.removeAll()
        } else {
            for word in invocation.words {
                guard let n = Int(word), displays.contains(where: { $0.number == n }) else {
                    throw ReplError("No display number \(word). See \"info display\".")
                }
                displays.removeAll { $0.number == n }
            }
        }
    }

    /// `info display`.
    func handleInfoDisplay(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let console = session.console
        if displays.isEmpty { console.line("There are no auto-display expressions now.") }
        else {
            console.line("Auto-display expressions now in effect:")
            for d in displays { console.line("\(d.number):   \(d.format.map { "/" + $0 + " " } ?? "")\(d.expression)") }
        }
    }

    /// `disassemble`.
    func handleDisassemble(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try disassemble(args, in: session)
    }

    /// `list`.
    func handleList(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try list(args, repeated: invocation.isRepeat, in: session)
    }


    private func level(_ text: String) throws -> Int {
        guard let n = Int(text), n >= 0 else { throw ReplError("expected a frame number, not \"\(text)\"") }
        return n
    }

    func functionName(_ index: UInt32) -> String {
        debugger.module?.names.functionNames[index].map { "$" + $0 } ?? "#\(index)"
    }

    private func printFrame(_ frame: FrameInfo, in session: ReplSession) {
        session.console.line(frameLine(frame))
        if let source = frame.source {
            // The frame's own line (an outer frame of an inlined call is at its call line).
            printSourceText(file: source.file, line: source.line, in: session)
            return
        }
        printSourceOrInstruction(frame.position, in: session)
    }

    private func printValues(_ values: [NamedValue], none: String, in session: ReplSession) {
        if values.isEmpty { session.console.line(none) }
        for v in values { session.console.line("\(v.name) = \(debugger.describe(v.value, type: v.type))") }
    }

    // MARK: displays

    func showDisplays(in session: ReplSession) {
        for d in displays { showDisplay(d, in: session) }
    }

    private func showDisplay(_ d: (number: Int, format: String?, expression: String), in session: ReplSession) {
        if usesSourceView(d.expression) {
            do {
                let text = try debugger.printSource(try substituteHistory(d.expression, forSource: true),
                                                    format: try sourcePrintFormat(d.format), inlineDepth: selectedInlineDepth)
                session.console.line("\(d.number): \(d.expression) = \(text)")
            } catch {
                session.console.line("\(d.number): \(d.expression) = <\(error)>")
            }
            return
        }
        do {
            let text = try formatValue(try evaluateExpression(d.expression), format: d.format)
            session.console.line("\(d.number): \(d.expression) = \(text)")
        } catch {
            session.console.line("\(d.number): \(d.expression) = <\(error)>")
        }
    }

    // MARK: values and memory

    /// A value in the value notation (Docs/architecture.md, "One notation"), or as /x /d /u /o
    /// /t /c /a for integers. /f and /s leave a value as it is (as gdb's /s does for a number).
    func formatValue(_ value: Value, format: String?, type: ValueType? = nil) throws -> String {
        guard let format, let letter = format.last, letter != "f", letter != "s" else { return debugger.describe(value, type: type) }
        let bits: UInt64
        let width: Int
        switch value {
        case .i32(let v): bits = UInt64(v); width = 32
        case .i64(let v): bits = v; width = 64
        default:
            throw ReplError("/\(format) applies to i32 and i64 values; \(value) is \(value.type)")
        }
        return try formatInteger(bits, width: width, letter: letter)
    }

    private func formatInteger(_ bits: UInt64, width: Int, letter: Character) throws -> String {
        let signed = width == 64 ? Int64(bitPattern: bits) : Int64(Int32(truncatingIfNeeded: bits))
        switch letter {
        case "x": return "0x" + String(bits, radix: 16)
        case "d": return String(signed)
        case "u": return String(bits)
        case "o": return "0" + String(bits, radix: 8)
        case "t": return String(bits, radix: 2)
        case "a": return "0x" + String(bits, radix: 16)
        case "c":
            // As gdb: the value as a C char (its low byte, signed), then the character.
            let byte = UInt8(truncatingIfNeeded: bits)
            return "\(Int8(bitPattern: byte)) '\(Self.charLiteral(byte))'"
        default:
            throw ReplError("unknown format letter \"\(letter)\": use x, d, u, o, t, c, a, f or s")
        }
    }

    /// A byte as gdb prints a char: itself, a C escape, or a three-digit octal escape.
    static func charLiteral(_ byte: UInt8) -> String {
        switch byte {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0B: return "\\v"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        case 0x1B: return "\\033"
        case 0x27: return "\\'"
        case 0x5C: return "\\\\"
        case 0x20..<0x7F: return String(UnicodeScalar(byte))
        default:
            let octal = String(byte, radix: 8)
            return "\\" + String(repeating: "0", count: 3 - octal.count) + octal
        }
    }

    private func printable(_ byte: UInt8) -> String {
        (0x20..<0x7f).contains(byte) ? String(UnicodeScalar(byte)) : "."
    }

    /// `memN:REST` or `$name:REST` (multi-memory; `mem:REST` is memory 0): the memory index
    /// and REST; memory 0 and the whole text otherwise.
    private func examinedMemory(_ args: String) throws -> (memory: UInt32, address: String) {
        guard let colon = args.firstIndex(of: ":") else { return (0, args) }
        let head = args[..<colon], rest = String(args[args.index(after: colon)...]).trimmed
        if head == "mem" { return (0, rest) }
        if head.hasPrefix("mem"), let n = UInt32(head.dropFirst(3)) { return (n, rest) }
        if head.hasPrefix("$"), head.count > 1, !head.contains(where: { $0 == " " || $0 == "(" }) {
            let name = String(head.dropFirst())
            guard let n = debugger.memoryIndex(named: name) else { throw ReplError("x: no memory named \"$\(name)\"") }
            return (n, rest)
        }
        return (0, args)
    }

    /// `x/NFU ADDR`: N units (b h w g) in format F, 16 bytes a row with the ASCII beside.
    /// `x/NFU memN:ADDR` and `x/NFU $name:ADDR` examine memory N or the memory named $name.
    private func examine(_ text: String, format: String?, in session: ReplSession) throws {
        let (memory, args) = try examinedMemory(text)
        guard !args.isEmpty else { throw ReplError("x needs an address: x/8xw 0x64") }
        nextExamineMemory = memory
        // A 64-bit memory's addresses print with 16 digits.
        let digits = debugger.isMemory64(memory) ? 16 : 8
        func hex(_ n: UInt64) -> String { self.hex(n, digits: digits) }
        var count = 1
        var letter: Character = "x"
        var unit = 4
        if let format {
            let digits = format.prefix { $0.isNumber }
            if !digits.isEmpty {
                guard let n = Int(digits), n > 0, n <= 65536 else { throw ReplError("x: count must be 1…65536") }
                count = n
            }
            for c in format.dropFirst(digits.count) {
                switch c {
                case "b": unit = 1
                case "h": unit = 2
                case "w": unit = 4
                case "g": unit = 8
                case "x", "d", "u", "o", "t", "c", "a", "f", "s", "i": letter = c
                default: throw ReplError("x: unknown format letter \"\(c)\": formats x d u o t c a f s i, units b h w g")
                }
            }
        }
        if letter == "c" && format?.contains(where: { "hwg".contains($0) }) != true { unit = 1 }
        let address: UInt64
        if let n = parseNumber(args) {
            address = n
        } else if memory == 0, usesSourceView(args) {
            // A C expression, as gdb takes it: a number or pointer is the address; an array,
            // struct or union in memory is examined where it lies (`x/4dw arr`, `x/2wx &s`).
            let value = try debugger.evaluateSource(args, inlineDepth: selectedInlineDepth)
            if let scalar = Self.scalar(value), case .i32(let v) = scalar {
                address = UInt64(v)
            } else if let scalar = Self.scalar(value), case .i64(let v) = scalar {
                address = v
            } else if case .memory(let a) = value.lvalue {
                address = a
            } else {
                throw ReplError("x: \"\(args)\" is neither an integer nor an object in memory")
            }
        } else {
            switch try evaluateExpression(args) {
            case .i32(let v): address = UInt64(v)
            case .i64(let v): address = v
            default: throw ReplError("x: the address must be an integer")
            }
        }
        if letter == "i" {
            try examineCode(at: address, count: count, in: session)
            return
        }
        if letter == "s" {
            // COUNT strings, each up to its NUL (at most 4096 bytes shown), one per line.
            var a = address
            for _ in 0..<count {
                var out: [UInt8] = []
                let start = a
                while out.count < 4096, let byte = try debugger.readMemory(a, count: 1, memory: memory).first, byte != 0 {
                    out.append(byte)
                    a &+= 1
                }
                session.console.line("0x\(hex(start)):\t\"\(out.map { $0 == 0x22 ? "\\\"" : Self.charLiteral($0) }.joined())\"")
                lastExaminedAddress = start
                a &+= 1
            }
            nextExamineAddress = a
            return
        }
        if letter == "f" && unit < 4 { unit = 4 }
        let bytes = try debugger.readMemory(address, count: count * unit, memory: memory)
        let perRow = 16 / unit
        var index = 0
        while index < count {
            let rowStart = index * unit
            let n = min(perRow, count - index)
            var fields: [String] = []
            for k in 0..<n {
                var bits: UInt64 = 0
                for b in 0..<unit { bits |= UInt64(bytes[rowStart + k * unit + b]) << (8 * UInt64(b)) }
                fields.append(try formatUnit(bits, unit: unit, letter: letter))
            }
            let rowBytes = bytes[rowStart..<(rowStart + n * unit)]
            let ascii = rowBytes.map { printable($0) }.joined()
            session.console.line("0x\(hex(address &+ UInt64(rowStart))):  \(fields.joined(separator: " "))  |\(ascii)|")
            index += n
        }
        nextExamineAddress = address &+ UInt64(count * unit)
        lastExaminedAddress = address &+ UInt64((count - 1) * unit)
    }

    private func formatUnit(_ bits: UInt64, unit: Int, letter: Character) throws -> String {
        switch letter {
        case "x":
            let digits = String(bits, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, unit * 2 - digits.count)) + digits
        case "f":
            return unit == 8 ? Value.f64(bits).description : Value.f32(UInt32(truncatingIfNeeded: bits)).description
        case "d":
            let shift = UInt64(64 - unit * 8)
            return String(Int64(bitPattern: bits << shift) >> Int64(shift))
        default:
            return try formatInteger(bits, width: unit * 8, letter: letter)
        }
    }

    private func hex(_ n: UInt64, digits width: Int = 8) -> String {
        let digits = String(n, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    // MARK: code

    /// `x/Ni ADDR`: N instructions from the file offset ADDR, as `disassemble` shows them.
    private func examineCode(at address: UInt64, count: Int, in session: ReplSession) throws {
        guard let module = debugger.module, let bytes = loadedBytes else { throw ReplError("No module loaded. Use \"file FILE\" first.") }
        let imported = UInt32(module.importedFunctionCount)
        guard let slot = module.functions.firstIndex(where: {
            UInt64($0.bodyOffset) <= address && address < UInt64($0.bodyOffset) + UInt64($0.bodySize)
        }) else {
            throw ReplError("0x\(String(address, radix: 16)) is not inside a function body (x/i takes a file offset, as disassemble shows)")
        }
        let index = imported &+ UInt32(slot)
        let here = debugger.currentPosition
        let lines = Objdump.disassemble(function: index, module: module, bytes: bytes, names: ObjdumpNames(module))
            .filter { UInt64($0.offset) >= address && !$0.text.isEmpty }
        for line in lines.prefix(count) {
            let mark = here?.position.functionIndex == index && here?.position.fileOffset == line.offset ? "=> " : "   "
            session.console.line("\(mark)0x\(String(line.offset, radix: 16)) <\(functionName(index))>: \(line.text)")
        }
        nextExamineAddress = lines.dropFirst(count).first.map { UInt64($0.offset) }
    }

    private func disassemble(_ args: String, in session: ReplSession) throws {
        guard let module = debugger.module, let bytes = loadedBytes else {
            throw ReplError("No module loaded. Use \"file FILE\" first.")
        }
        let here = debugger.currentPosition
        let index: UInt32
        if !args.isEmpty {
            guard let f = try debugger.resolveFunction(args) else { throw ReplError("No function named \"\(args)\".") }
            index = f
        } else if let here {
            index = here.position.functionIndex
        } else {
            throw ReplError("No frame selected; use disassemble FN.")
        }
        let lines = Objdump.disassemble(function: index, module: module, bytes: bytes, names: ObjdumpNames(module))
        guard !lines.isEmpty else { throw ReplError("\(functionName(index)) is imported: it has no code to show.") }
        session.console.line("Dump of code for function \(functionName(index)) (func \(index)):")
        for line in lines {
            let mark = here?.position.functionIndex == index && here?.position.fileOffset == line.offset ? "=> " : "   "
            let indent = String(repeating: "  ", count: max(0, line.depth))
            session.console.line("\(mark)0x\(String(line.offset, radix: 16)): \(indent)\(line.text)")
        }
        session.console.line("End of code dump.")
    }

    private func list(_ args: String, repeated: Bool, in session: ReplSession) throws {
        if source.isEmpty, debugger.debugInfo != nil {
            try listSource(args, repeated: repeated, in: session)
            return
        }
        guard !source.isEmpty else {
            throw ReplError("No WAT source or DWARF: the module was loaded from a binary without -g. Use disassemble instead.")
        }
        var first: Int
        if !args.isEmpty {
            guard let line = try debugger.resolveLocation(args).line else { throw ReplError("No source line for \(args).") }
            first = max(1, line - 5)
        } else if repeated, let last = lastListedLine {
            first = last + 1
        } else if let line = debugger.currentPosition?.line {
            first = max(1, line - 5)
        } else {
            first = lastListedLine.map { $0 + 1 } ?? 1
        }
        guard first <= source.count else { throw ReplError("Line \(first) is out of range; the file has \(source.count) lines.") }
        let last = min(source.count, first + 9)
        for n in first...last { session.console.line("\(n)\t\(source[n - 1])") }
        lastListedLine = last
    }
}
