import WasmCore
import WasmVM

// Inspection and change at a stop (and after a trap, before the session moves on).

extension DebugSession {
    /// The call whose frames are shown: the stopped one, else the last one that trapped.
    var inspected: Invocation? { current?.invocation ?? trappedInvocation }

    private func rawFrames(limit: Int = .max) -> [DebugFrame] {
        guard let inspected, let debuggee else { return [] }
        return debuggee.frames(inspected, limit: limit)
    }

    /// The frames up to and including the selected one (with DWARF, each Wasm frame is one or
    /// more shown frames, so `selectedFrame + 1` Wasm frames always reach it): what the
    /// selected frame needs, without walking a deep stack to its bottom.
    private func framesToSelected() -> [FrameInfo] {
        expandInlined(rawFrames(limit: selectedFrame + 1).map(frameInfo))
    }

    /// `backtrace`: innermost first, `#N $f+0x3 (func 1, offset 0x40) at f.wat:7`.
    public func backtrace() -> [FrameInfo] {
        expandInlined(rawFrames().map(frameInfo))
    }

    /// With DWARF, an inlined call is a frame of its own (as gdb shows them): the innermost
    /// inlined function at the position, then each function it was inlined into, down to the
    /// Wasm frame's own function. Levels count the frames shown.
    func expandInlined(_ frames: [FrameInfo]) -> [FrameInfo] {
        guard debugInfo != nil else { return frames }
        var result: [FrameInfo] = []
        for frame in frames {
            guard let position = frame.position, let source = position.source else {
                var plain = frame
                plain.physicalLevel = frame.level
                plain.level = result.count
                plain.description = "#\(plain.level) " + (frame.position?.description ?? String(frame.description.drop { $0 != " " }.dropFirst()))
                result.append(plain)
                continue
            }
            var file = source.file, line = source.line
            for (depth, inlined) in source.inlined.enumerated() {
                var copy = frame
                copy.physicalLevel = frame.level
                copy.inlineDepth = depth
                copy.level = result.count
                copy.source = FrameSource(function: inlined.qualifiedName, file: file, line: line, isInlined: true,
                                          fileOffset: position.position.fileOffset)
                copy.description = "#\(copy.level) " + position.description
                result.append(copy)
                file = inlined.callFile ?? file
                line = inlined.callLine ?? line
            }
            var own = frame
            own.physicalLevel = frame.level
            own.inlineDepth = source.inlined.count
            own.level = result.count
            let function = debugInfo?.function(containing: position.position.fileOffset)?.qualifiedName ?? source.function
            own.source = FrameSource(function: function, file: file, line: line, isInlined: false,
                                     fileOffset: position.position.fileOffset)
            own.description = "#\(own.level) " + position.description
            result.append(own)
        }
        return result
    }

    /// The Wasm frame of the selected (possibly inlined) frame.
    var selectedPhysicalFrame: Int {
        let frames = framesToSelected()
        guard !frames.isEmpty else { return 0 }
        return frames[min(selectedFrame, frames.count - 1)].physicalLevel
    }

    private func frameInfo(_ f: DebugFrame) -> FrameInfo {
        // After a trap the innermost frame shows the instruction that trapped (DebugFrame too).
        var trapped = false
        if f.level == 0, case .trapped? = inspected?.state { trapped = true }
        let position = resolved(CodeLocation(function: f.functionAddress, codeIndex: f.codeIndex), instruction: trapped)
        let text = "#\(f.level) " + (position?.description ?? module?.displayName(ofFunction: f.functionIndex) ?? "?")
        let paramCount = module?.functionType(of: f.functionIndex)?.params.count ?? 0
        let locals = f.locals.enumerated().map { i, v in
            NamedValue(name: localName(function: f.functionIndex, index: i), index: i, value: v, isParameter: i < paramCount,
                       type: i < f.localTypes.count ? f.localTypes[i] : nil)
        }
        return FrameInfo(level: f.level, position: position, description: text, functionIndex: f.functionIndex,
                         locals: locals, operandStack: f.operandStack, physicalLevel: f.level)
    }

    func localName(function: UInt32, index: Int) -> String {
        if let name = module?.names.localNames[function]?[UInt32(index)] { return "$" + name }
        return "local[\(index)]"
    }

    /// `frame N`: selects a frame for inspection and expressions.
    @discardableResult
    public func selectFrame(_ level: Int) throws -> FrameInfo {
        let frames = backtrace()
        guard !frames.isEmpty else { throw DebuggerError("No stack.") }
        guard level >= 0, level < frames.count else {
            throw DebuggerError("No frame at level \(level); frames 0 to \(frames.count - 1).")
        }
        selectedFrame = level
        return frames[level]
    }

    @discardableResult
    public func up(_ n: Int = 1) throws -> FrameInfo {
        let count = backtrace().count
        guard selectedFrame + n < count else { throw DebuggerError("Initial frame selected; you cannot go up.") }
        return try selectFrame(selectedFrame + n)
    }

    @discardableResult
    public func down(_ n: Int = 1) throws -> FrameInfo {
        guard selectedFrame - n >= 0 else { throw DebuggerError("Bottom (innermost) frame selected; you cannot go down.") }
        return try selectFrame(selectedFrame - n)
    }

    /// The selected frame.
    public func frame() throws -> FrameInfo {
        let frames = framesToSelected()
        guard !frames.isEmpty else { throw DebuggerError("No stack.") }
        return frames[min(selectedFrame, frames.count - 1)]
    }

    /// `info args` / `info locals` of the selected frame.
    public func frameArguments() throws -> [NamedValue] { try frame().locals.filter(\.isParameter) }
    public func locals() throws -> [NamedValue] { try frame().locals.filter { !$0.isParameter } }
    /// `info stack`: the operand stack of the selected frame, bottom first.
    public func operandStack() throws -> [Value] { try frame().operandStack }

    /// `info globals`.
    public func globals() -> [NamedValue] {
        guard let debuggee else { return [] }
        return (0..<debuggee.globalCount).compactMap { g in
            debuggee.global(g).map { NamedValue(name: globalName(g), index: g, value: $0, isParameter: false,
                                                type: debuggee.globalType(g)?.valueType) }
        }
    }

    func globalName(_ index: Int) -> String {
        if let name = module?.names.globalNames[UInt32(index)] { return "$" + name }
        return "global[\(index)]"
    }

    /// Bytes of memory `memory` (0 unless the module has several: multi-memory) for `x` and
    /// expressions.
    public func readMemory(_ address: UInt64, count: Int, memory index: UInt32 = 0) throws -> [UInt8] {
        let memory = try self.memory(index)
        do { return try memory.read(at: address, count: count) } catch {
            throw DebuggerError("cannot access memory\(memorySuffix(index)) at 0x\(String(address, radix: 16)) (\(count) bytes; memory is \(memory.byteCount) bytes)")
        }
    }

    public func writeMemory(_ address: UInt64, _ bytes: [UInt8], memory index: UInt32 = 0) throws {
        pristine = false
        let memory = try self.memory(index)
        do { try memory.write(bytes, at: address) } catch {
            throw DebuggerError("cannot access memory\(memorySuffix(index)) at 0x\(String(address, radix: 16)) (\(bytes.count) bytes; memory is \(memory.byteCount) bytes)")
        }
    }

    /// Whether memory `index` is a memory64 memory (its addresses print with 16 digits).
    public func isMemory64(_ index: UInt32 = 0) -> Bool {
        instance?.memory(at: index)?.is64 ?? false
    }

    /// The index of the memory named `$name` (name section) or exported as `name`.
    public func memoryIndex(named name: String) -> UInt32? {
        if let module {
            if let (index, _) = module.names.memoryNames.first(where: { $0.value == name }) { return index }
            if let e = module.exports.first(where: { $0.kind == .memory && $0.name == name }) { return e.index }
        }
        return nil
    }

    private func memory(_ index: UInt32) throws -> MemoryInstance {
        guard let instance, instance.memoryCount > 0 else { throw DebuggerError("the module has no memory") }
        guard let memory = instance.memory(at: index) else {
            throw DebuggerError("no memory \(index); the module has \(instance.memoryCount)")
        }
        return memory
    }

    private func memorySuffix(_ index: UInt32) -> String { index == 0 ? "" : " \(index)" }

    /// Table `index` of the instance.
    public func table(_ index: Int) throws -> [Value] {
        guard let tables = debuggee?.tables, index >= 0, index < tables.count else { throw DebuggerError("no table \(index)") }
        let t = tables[index]
        return (0..<t.count).compactMap { try? t.get($0) }
    }

    // MARK: expressions

    /// `print EXPR`: evaluated in the selected frame.
    public func evaluate(_ text: String) throws -> Value {
        let e = try ExpressionParser.parse(text)
        return try ExpressionEvaluator(context: evaluationContext()).evaluate(e).value
    }

    /// `set var LVALUE = EXPR`: a local, global, operand-stack slot or memory.
    @discardableResult
    public func setVariable(_ text: String) throws -> Value {
        pristine = false
        guard let eq = text.firstIndex(of: "="), !text[text.index(after: eq)...].hasPrefix("=") else {
            throw DebuggerError("use set var LVALUE = VALUE")
        }
        let lhs = try ExpressionParser.parse(String(text[..<eq]))
        let rhs = try ExpressionParser.parse(String(text[text.index(after: eq)...]))
        let context = evaluationContext()
        let evaluator = ExpressionEvaluator(context: context)
        let target = try evaluator.evaluate(lhs).value
        let new = try evaluator.evaluate(rhs)
        var value = new.value
        // A reference into a reference: the engine checks it against the declared type.
        if value.type != target.type && !(value.type.isReference && target.type.isReference) {
            guard new.open, let v = ExpressionEvaluator.convert(new.value, to: target.type) else {
                throw DebuggerError("type mismatch: cannot assign \(new.value.type) to \(target.type)")
            }
            value = v
        }
        guard let debuggee else { throw DebuggerError("no module loaded") }
        switch lhs {
        case .local(let i): try writeLocal(i, value)
        case .name(let n):
            if let i = context.localIndex(named: n) { try writeLocal(i, value) }
            else if let g = context.globalIndex(named: n) { try debuggee.setGlobal(g, value) }
            else { throw DebuggerError("no local or global named \"$\(n)\"") }
        case .global(let g): try debuggee.setGlobal(g, value)
        case .stack(let k):
            guard let inv = inspected else { throw DebuggerError("No stack.") }
            let depth = try operandStack().count
            try debuggee.setOperand(inv, frame: selectedPhysicalFrame, index: depth - 1 - k, value: value)
        case .memory(let view, let address, let selector):
            let memory = try evaluator.memoryIndex(selector)
            let a = try ExpressionEvaluator.address(try evaluator.evaluate(address).value)
            try writeMemory(a, view.bytes(value), memory: memory)
        default:
            throw DebuggerError("cannot assign to that; use $local, local[N], $global, global[N], stack[N] or mem.T[ADDR]")
        }
        return value
    }

    private func writeLocal(_ index: Int, _ value: Value) throws {
        guard let inv = inspected, let debuggee else { throw DebuggerError("No stack.") }
        try debuggee.setLocal(inv, frame: selectedPhysicalFrame, index: index, value: value)
    }

    func evaluationContext() -> SessionContext { SessionContext(session: self) }

    /// Parses an expression without evaluating it (`display` before the program runs).
    public func checkExpressionSyntax(_ text: String) throws {
        _ = try ExpressionParser.parse(text)
    }

    /// The global that holds the C stack pointer: named `__stack_pointer` in the name
    /// section or exported under that name (what clang and rustc emit), if the module has one.
    public var stackPointerGlobal: Int? {
        guard let module else { return nil }
        if let (g, _) = module.names.globalNames.first(where: { $0.value == "__stack_pointer" }) { return Int(g) }
        if let e = module.exports.first(where: { $0.kind == .global && $0.name == "__stack_pointer" }) { return Int(e.index) }
        if let i = module.imports.filter({ if case .global = $0.descriptor { return true } else { return false } })
            .firstIndex(where: { $0.name == "__stack_pointer" }) { return i }
        return nil
    }

    func localIndex(named name: String) -> Int? { evaluationContext().localIndex(named: name) }
    func globalIndex(named name: String) -> Int? { evaluationContext().globalIndex(named: name) }
}

/// Expressions read the selected frame of the session.
struct SessionContext: ExpressionContext {
    let session: DebugSession

    private func frame() throws(ExpressionError) -> FrameInfo {
        do { return try session.frame() } catch { throw ExpressionError("no frame: the program is not stopped") }
    }

    func localIndex(named name: String) -> Int? {
        guard let f = try? session.frame() else { return nil }
        return f.locals.first { $0.name == "$" + name }?.index
    }

    func globalIndex(named name: String) -> Int? {
        guard let module = session.module else { return nil }
        if let (g, _) = module.names.globalNames.first(where: { $0.value == name }) { return Int(g) }
        if let e = module.exports.first(where: { $0.kind == .global && $0.name == name }) { return Int(e.index) }
        return nil
    }

    func local(_ index: Int) throws(ExpressionError) -> Value {
        let f = try frame()
        guard index >= 0, index < f.locals.count else {
            throw ExpressionError("no local[\(index)]; the frame has \(f.locals.count) locals")
        }
        return f.locals[index].value
    }

    /// `$pc`: the file offset of the selected frame's instruction (as `*0x86` and `x/i`
    /// take it); `$sp`: the `__stack_pointer` global.
    func register(_ name: String) throws(ExpressionError) -> Value? {
        switch name {
        case "pc":
            guard let position = try frame().position else { throw ExpressionError("no $pc: the frame has no position") }
            return .i32(position.position.fileOffset)
        case "sp":
            guard let g = session.stackPointerGlobal else {
                throw ExpressionError("no $sp: the module has no __stack_pointer global")
            }
            return try global(g)
        default:
            return nil
        }
    }

    func global(_ index: Int) throws(ExpressionError) -> Value {
        guard let v = session.debuggee?.global(index) else {
            throw ExpressionError("no global[\(index)]; the module has \(session.debuggee?.globalCount ?? 0) globals")
        }
        return v
    }

    func stack(_ index: Int) throws(ExpressionError) -> Value {
        let s = try frame().operandStack
        guard index >= 0, index < s.count else {
            throw ExpressionError("no stack[\(index)]; the operand stack has \(s.count) values")
        }
        return s[s.count - 1 - index]
    }

    func memory(_ address: UInt64, count: Int, memory: UInt32) throws(ExpressionError) -> [UInt8] {
        do { return try session.readMemory(address, count: count, memory: memory) } catch {
            let which = memory == 0 ? "memory" : "memory \(memory)"
            throw ExpressionError("cannot read \(count) bytes of \(which) at 0x\(String(address, radix: 16))")
        }
    }

    func memoryIndex(named name: String) -> UInt32? { session.memoryIndex(named: name) }
}
