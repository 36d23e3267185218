import DebugInfo

// The source view of the selected frame: which function (or inlined call) its instruction is
// in, the variables in scope there, and name lookup as C does it (innermost block first, then
// the parameters, then `this`'s members, then globals and statics, enumerators, functions).

/// The selected frame seen through DWARF.
struct SourceScope {
    let info: DebugInfo
    /// The frame's instruction (module file offset).
    let fileOffset: UInt32
    let function: FunctionInfo
    /// The inlined call whose variables are shown (nil: the function's own).
    let inlined: InlinedFrame?
    let context: SourceFrameContext
    let variables: VariableScopes

    /// Locals innermost first, then parameters: the order a name is looked up in.
    var lookupOrder: [Variable] { variables.locals.flatMap { $0 } + variables.parameters }

    var isCPlusPlus: Bool {
        if let t = lookupOrder.lazy.compactMap(\.type).first { return t.isCPlusPlus }
        return function.linkageName?.hasPrefix("_Z") ?? false
    }
}

/// A name resolved by the evaluator.
enum ResolvedName {
    case variable(Variable, SourceFrameContext)
    case enumerator(DebugType, Int64)
    case function(FunctionInfo)
}

extension DebugSession {
    /// The selected frame's scope; nil when the program is not stopped. `inlineDepth` picks an
    /// inlined call at the frame's instruction (0: the innermost one; past the last: the
    /// function that contains them).
    func sourceScope(inlineDepth: Int = 0) throws -> SourceScope? {
        guard let frame = try? frame() else { return nil }
        guard let info = debugInfo else { throw DebuggerError("No symbol table is loaded.") }
        guard let offset = frame.position?.position.fileOffset, let function = info.function(containing: offset) else {
            throw DebuggerError("No symbol table info available.")
        }
        let context = SourceFrameContext(locals: frame.locals.map(\.value), operandStack: frame.operandStack, session: self)
        let chain = info.inlinedChain(at: offset)
        let inlined = inlineDepth >= 0 && inlineDepth < chain.count ? chain[inlineDepth] : nil
        let variables = inlined.map { info.variableScopes(in: $0, at: offset) } ?? info.variableScopes(in: function, at: offset)
        return SourceScope(info: info, fileOffset: offset, function: function, inlined: inlined, context: context, variables: variables)
    }

    /// `info args` (`arguments`) or `info locals` of the selected frame, as gdb lists them:
    /// parameters in order; locals of the innermost block first, a name an inner block
    /// declares again hidden in the outer ones. A variable that cannot be read has a value
    /// whose `readError` says why.
    public func sourceVariables(arguments: Bool, inlineDepth: Int = 0) throws -> [(name: String, value: SourceValue)] {
        guard let scope = try sourceScope(inlineDepth: inlineDepth) else { throw DebuggerError("No frame selected.") }
        var chosen: [Variable] = []
        if arguments {
            chosen = scope.variables.parameters
        } else {
            var seen: Set<String> = []
            for group in scope.variables.locals {
                for v in group where !seen.contains(v.name) { chosen.append(v) }
                seen.formUnion(group.map(\.name))
            }
        }
        return chosen.map { ($0.name, readVariable($0, in: scope.context)) }
    }

    /// Every global and static variable with a fixed address, by name, in DWARF order.
    public func sourceGlobals() throws -> [(name: String, value: SourceValue)] {
        guard let info = debugInfo else { throw DebuggerError("No symbol table is loaded.") }
        let context = sourceFrameContext() ?? staticContext()
        return info.globalVariables(named: nil).map { ($0.name, readVariable($0, in: context)) }
    }

    /// gdb's `info locals`/`info args` lines (`count = 3`), or its "No locals." / "No arguments.".
    public func formattedSourceVariables(arguments: Bool, inlineDepth: Int = 0) throws -> [String] {
        let values = try sourceVariables(arguments: arguments, inlineDepth: inlineDepth)
        if values.isEmpty { return [arguments ? "No arguments." : "No locals."] }
        return values.map { "\($0.name) = " + formatSourceValue($0.value, topLevel: false) }
    }

    /// A variable's value, or one that carries the reason it could not be read.
    func readVariable(_ variable: Variable, in context: SourceFrameContext) -> SourceValue {
        do { return try sourceValue(of: variable, in: context) } catch {
            let type = variable.type ?? DebugType.base("int", encoding: .signed, byteSize: 4)
            var value = SourceValue(type: type, bytes: [])
            value.readError = "\(error)"
            return value
        }
    }

    /// Resolves an identifier the way C scopes it, from the selected frame outwards.
    func resolveName(_ name: String, scope: SourceScope?) -> ResolvedName? {
        if let scope, let v = scope.lookupOrder.first(where: { $0.name == name }) { return .variable(v, scope.context) }
        guard let info = debugInfo else { return nil }
        let context = scope?.context ?? sourceFrameContext() ?? staticContext()
        let globals = info.globalVariables(named: name)
        // A file's statics share names across units: prefer the one declared in the frame's file.
        if let g = globals.first(where: { $0.declFile != nil && $0.declFile == scope?.function.declFile }) ?? globals.first {
            return .variable(g, context)
        }
        if let e = info.enumerator(named: name) { return .enumerator(e.type, e.value) }
        if let f = info.functions(named: name).first { return .function(f) }
        return nil
    }
}
