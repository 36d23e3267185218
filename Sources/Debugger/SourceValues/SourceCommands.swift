import DebugInfo
import WasmVM

// The source-level value commands as the REPL calls them: `print[/F] EXPR`, `set var`,
// `ptype`, `whatis`, `watch EXPR` (its place in memory), `finish` (the returned value).
// Every one evaluates in the selected frame (only globals when the program is not stopped).

extension DebugSession {
    /// Evaluates a C expression over source variables in the selected frame.
    public func evaluateSource(_ expression: String, inlineDepth: Int = 0) throws -> SourceValue {
        let evaluator = try sourceEvaluator(inlineDepth: inlineDepth)
        return try evaluator.evaluate(try evaluator.parse(expression))
    }

    /// `print[/F] EXPR`: the value as gdb prints it (without the `$N = `).
    public func printSource(_ expression: String, format: SourcePrintFormat? = nil, inlineDepth: Int = 0) throws -> String {
        let value = try evaluateSource(expression, inlineDepth: inlineDepth)
        if let error = value.readError { throw DebuggerError(error) }
        return formatSourceValue(value, format: format)
    }

    /// gdb's text for a value: `topLevel` as `print` shows it (a pointer with its type first,
    /// `(int *) 0x10a8`), otherwise as inside a struct or in `info locals` (`0x10a8`).
    public func formatSourceValue(_ value: SourceValue, format: SourcePrintFormat? = nil, topLevel: Bool = true) -> String {
        let formatter = SourceValueFormatter(session: self, format: format)
        return topLevel ? formatter.top(value) : formatter.text(value, depth: 0)
    }

    /// `set var LVALUE = EXPR` (also `+=` and the other compound forms): writes memory, or the
    /// Wasm local or global that holds the variable; returns the value written.
    @discardableResult
    public func setSourceVariable(_ assignment: String, inlineDepth: Int = 0) throws -> SourceValue {
        let evaluator = try sourceEvaluator(inlineDepth: inlineDepth)
        let expression = try evaluator.parse(assignment)
        guard case .assign = expression else { throw DebuggerError("use set var LVALUE = EXPR") }
        return try evaluator.evaluate(expression)
    }

    /// `whatis TYPE|EXPR`: `type = struct point *`. A typedef name is unrolled one level.
    public func whatisSource(_ text: String, inlineDepth: Int = 0) throws -> String {
        let evaluator = try sourceEvaluator(inlineDepth: inlineDepth)
        if let type = typeNamed(text, evaluator: evaluator) {
            if type.kind == .typedef, let target = type.target { return "type = " + typeName(target) }
            return "type = " + typeName(type)
        }
        return "type = " + typeName(try typeOnly(text, evaluator: evaluator))
    }

    /// `ptype TYPE|EXPR`: the type with the body of its struct, union or enum.
    public func ptypeSource(_ text: String, inlineDepth: Int = 0) throws -> String {
        let evaluator = try sourceEvaluator(inlineDepth: inlineDepth)
        let type = try typeNamed(text, evaluator: evaluator) ?? typeOnly(text, evaluator: evaluator)
        return "type = " + ptypeText(typedefsResolved(type))
    }

    /// `ptype` shows the type under the declarator's typedefs: `point_t [4]` is
    /// `struct point {...} [4]` (members inside a struct keep their typedef names).
    private func typedefsResolved(_ type: DebugType) -> DebugType {
        var chain: [DebugType] = []
        var current = type
        for _ in 0..<maximumTypeSteps {
            if current.kind == .typedef, let next = current.target { current = next; continue }
            guard [.pointer, .reference, .rvalueReference, .array, .const, .volatile].contains(current.kind),
                  let next = current.target else { break }
            chain.append(current)
            current = next
        }
        return chain.reversed().reduce(current) { inner, link in link.retargeted(to: inner) }
    }

    /// Where `watch EXPR` must look: the object's address, size and type. Only objects in
    /// memory can be watched (a variable held in a Wasm local changes at any instruction).
    public func sourceLvalue(_ expression: String, inlineDepth: Int = 0) throws -> (address: UInt64, size: Int, type: DebugType) {
        let value = try evaluateSource(expression, inlineDepth: inlineDepth)
        if let error = value.readError { throw DebuggerError(error) }
        if value.optimizedOut { throw DebuggerError("value has been optimized out") }
        switch value.lvalue {
        case .memory(let address) where value.bitField == nil:
            let size = Int(value.type.sizeInBytes)
            guard size > 0 else { throw DebuggerError("Cannot watch a value of incomplete type `\(typeName(value.type))'.") }
            return (address, size, value.type)
        case .memory:
            throw DebuggerError("Cannot watch a bit field: watch the struct that holds it.")
        case .wasmLocal:
            throw DebuggerError("\(expression) lives in a Wasm local, not in memory: it cannot be watched.")
        case .wasmGlobal:
            throw DebuggerError("\(expression) lives in a Wasm global, not in memory: watch the global instead.")
        case .none:
            throw DebuggerError("Cannot watch constant value `\(expression)'.")
        }
    }

    /// A watched object's old or new bytes printed in its source type (`Old value = 5`).
    public func formatSourceBytes(_ bytes: [UInt8], type: DebugType, format: SourcePrintFormat? = nil) -> String {
        formatSourceValue(SourceValue(type: type, bytes: fitted(bytes, Int(type.sizeInBytes))), format: format)
    }

    /// The value a function returned, in its C return type (`finish`): from the Wasm results
    /// of the call, or, for a struct returned through memory, from the memory at
    /// `returnAddress` (see `sourceReturnAddress`). Nil for `void`.
    public func sourceReturnValue(of function: FunctionInfo, results: [Value], returnAddress: UInt64? = nil) -> SourceValue? {
        guard let type = debugInfo?.type(of: function)?.target, !type.isVoid else { return nil }
        if let returnAddress {
            return try? sourceValue(atAddress: returnAddress, type: type)
        }
        guard let first = results.first, let bits = rawBits(first) else { return nil }
        // A struct or enum of one scalar comes back as that scalar (wasm32's C ABI for a
        // one-member struct; Rust's `Option<&T>`, `Option<NonZeroU32>`, newtypes), its bytes
        // the value's bytes.
        let oneScalarAggregate = results.count == 1 && [.structure, .classType, .union].contains(type.core.kind)
            && type.sizeInBytes > 0 && type.sizeInBytes <= 8
        guard type.isScalar || type.isReference || oneScalarAggregate else { return nil }
        return SourceValue(type: type, bytes: littleEndianBytes(bits, count: Int(type.sizeInBytes)))
    }

    /// Where a function called in the selected frame returns its struct, read before `finish`
    /// runs it: wasm32's C ABI passes the address of the caller's object as a hidden first
    /// parameter (before C++'s `this`) and returns nothing. Recognised when the C return type
    /// is a struct, class or union and the Wasm function has one parameter more than DWARF
    /// lists and no result. Nil otherwise. Rust (no multi-value on wasm32) returns every
    /// aggregate that is not a single scalar the same way, but its parameters do not map one
    /// to one (`&[i32]` is two Wasm parameters), so there it takes at least one more.
    public func sourceReturnAddress(of function: FunctionInfo) -> UInt64? {
        guard let type = debugInfo?.type(of: function), let returned = type.target, !returned.isVoid,
              [.structure, .classType, .union].contains(returned.core.kind),
              let inspected, let debuggee else { return nil }
        let frames = debuggee.frames(inspected)
        let level = selectedPhysicalFrame
        guard level < frames.count, let wasm = debuggee.functionType(ofAddress: frames[level].functionAddress),
              wasm.results.isEmpty, returned.sizeInBytes > 0,
              returned.isRust ? wasm.params.count > type.parameterTypes.count : wasm.params.count == type.parameterTypes.count + 1,
              case .i32(let address)? = frames[level].locals.first else { return nil }
        return UInt64(address)
    }

    // MARK: helpers

    func sourceEvaluator(inlineDepth: Int) throws -> CEvaluator {
        guard debugInfo != nil else { throw DebuggerError("No symbol table is loaded.  Use the \"file\" command.") }
        return CEvaluator(session: self, scope: try sourceScope(inlineDepth: inlineDepth))
    }

    private func typeNamed(_ text: String, evaluator: CEvaluator) -> DebugType? {
        guard let name = CExpressionParser.parseTypeName(text, isTypeName: { evaluator.isTypeName($0) }) else { return nil }
        return try? evaluator.resolveType(name)
    }

    /// The type of an expression, evaluated without side effects.
    private func typeOnly(_ text: String, evaluator: CEvaluator) throws -> DebugType {
        evaluator.avoidSideEffects = true
        defer { evaluator.avoidSideEffects = false }
        return try evaluator.evaluate(try evaluator.parse(text)).type
    }
}
