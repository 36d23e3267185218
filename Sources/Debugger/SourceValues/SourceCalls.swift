import DebugInfo
import WasmCore
import WasmVM

// Function calls in C expressions (`print square(d)`, `call add(1, 2)`): the guest function
// runs as a call nested above the stopped one (the same machinery as `invoke`), with its
// arguments converted to the parameters' C types and its result read in the C return type.
// A stop inside the called function (a breakpoint, a watchpoint, a trap) is reported through
// `calledFunctionStopReporter` and the call is unwound: the session stays at its stop.

/// Why a call made by an expression did not return: the expression is abandoned.
public struct CalledFunctionError: Error, CustomStringConvertible {
    public var description: String
}

extension CEvaluator {
    /// `f(args)` in an expression. Under `sizeof`/`whatis` nothing runs: the value is the
    /// return type's zero.
    func call(_ callee: SourceValue, arguments: [SourceValue]) throws -> SourceValue {
        var target = try rvalue(callee)
        if target.type.isPointer, target.type.pointee?.isFunction == true { target = try dereference(target) }
        guard target.type.isFunction, let function = target.function, let signature = info?.type(of: function) else {
            throw DebuggerError("Invalid data type for function to be called.")
        }
        let parameters = signature.parameterTypes
        if arguments.count < parameters.count { throw DebuggerError("Too few arguments in function call.") }
        let returnType = signature.target
        if avoidSideEffects {
            let type = returnType ?? builtins.void
            return SourceValue(type: type, bytes: [UInt8](repeating: 0, count: Int(type.sizeInBytes)))
        }
        // C's conversions to the declared parameter types (extra arguments, as gdb allows for
        // a variadic or unprototyped function, are passed as they are).
        var converted: [SourceValue] = []
        for (i, argument) in arguments.enumerated() {
            let value = try decayed(try rvalue(argument))
            if i < parameters.count, let type = parameters[i].type {
                if type.isStructLike || value.type.isStructLike {
                    throw DebuggerError("Passing a struct or union by value to a called function is not supported.")
                }
                converted.append(try cast(value, to: type))
            } else {
                converted.append(value)
            }
        }
        return try session.callSourceFunction(function, returnType: returnType ?? builtins.void, arguments: converted)
    }
}

extension DebugSession {
    /// Runs `function` with `arguments` (already in the parameters' C types) above the stopped
    /// call and returns its result in `returnType` (`void`: an empty value of that type).
    func callSourceFunction(_ function: FunctionInfo, returnType: DebugType?, arguments: [SourceValue]) throws -> SourceValue {
        guard current != nil, let debuggee, let module, let instance else {
            throw DebuggerError("You can't do that without a process to debug.")
        }
        // A call while a step or finish is deciding would share its temporary breakpoints.
        guard stepTargets.isEmpty else { throw DebuggerError("Cannot call a function while the program is running.") }
        guard let k = module.functions.firstIndex(where: { function.lowPC >= $0.bodyOffset && function.lowPC < $0.bodyOffset &+ $0.bodySize }),
              let guest = instance.function(at: UInt32(module.importedFunctionCount + k)),
              let address = debuggee.functionAddress(ofIndex: UInt32(module.importedFunctionCount + k)),
              let wasmType = debuggee.functionType(ofAddress: address) else {
            throw DebuggerError("Cannot find the code of function \"\(function.name)\".")
        }
        // A struct result comes back through memory: the caller passes where (wasm32's C ABI,
        // a hidden first parameter). Room for it is taken below the stack pointer.
        let returned = returnType.map { !$0.isVoid && $0.isStructLike } ?? false
        let hidden = returned && wasmType.results.isEmpty && wasmType.params.count == arguments.count + 1 ? 1 : 0
        guard wasmType.params.count <= arguments.count + hidden else { throw DebuggerError("Too few arguments in function call.") }
        var values: [Value] = []
        var stack: (global: Int, saved: Value, slot: UInt64)?
        if hidden == 1, let type = returnType {
            let g = globalIndex(named: "__stack_pointer") ?? 0
            guard case .i32(let sp)? = debuggee.global(g) else {
                throw DebuggerError("Cannot find the stack pointer to make room for the returned struct.")
            }
            let size = UInt32(clamping: max(type.sizeInBytes, 1))
            guard sp > size &+ 16 else { throw DebuggerError("No stack space for the returned struct.") }
            let slot = (sp - size) & ~15
            try debuggee.setGlobal(g, .i32(slot))
            stack = (g, .i32(sp), UInt64(slot))
            values.append(.i32(slot))
        }
        defer { if let stack { try? debuggee.setGlobal(stack.global, stack.saved) } }
        for (argument, type) in zip(arguments, wasmType.params.dropFirst(hidden)) {
            values.append(try Self.wasmValue(argument, as: type))
        }
        let results = try runCalledFunction(guest, name: function.name, arguments: values)
        guard let type = returnType, !type.isVoid else { return SourceValue(type: returnType ?? DebugType.pointer(to: nil), bytes: []) }
        if let stack { return try sourceValue(atAddress: stack.slot, type: type) }
        guard let first = results.first, let bits = rawBits(first) else {
            throw DebuggerError("Function \"\(function.name)\" returned no value of type `\(typeName(type))'.")
        }
        return SourceValue(type: type, bytes: littleEndianBytes(bits, count: Int(type.sizeInBytes)))
    }

    /// A C value's bits as the Wasm parameter type wants them (an `i64` parameter gets a
    /// `long long`, an `f32` a `float`: the conversion to the C type already happened).
    static func wasmValue(_ value: SourceValue, as type: ValueType) throws -> Value {
        let bytes = value.bytes
        var bits: UInt64 = 0
        for (i, byte) in bytes.prefix(8).enumerated() { bits |= UInt64(byte) << UInt64(8 * i) }
        // Sign-extend narrow signed integers (a `char` -1 is an i32 -1).
        if value.type.isSigned, !value.type.isFloating, bytes.count < 8, bytes.count > 0 {
            let shift = UInt64(64 - 8 * bytes.count)
            bits = UInt64(bitPattern: Int64(bitPattern: bits << shift) >> shift)
        }
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: return .i64(bits)
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: return .f64(bits)
        default: throw DebuggerError("Cannot pass a value to a parameter of Wasm type \(type).")
        }
    }

    /// Runs the nested call to its end. A stop inside is reported, then the call is unwound.
    private func runCalledFunction(_ guest: FunctionInstance, name: String, arguments: [Value]) throws -> [Value] {
        try checkNestingLimit(calling: name)
        let invocation = guest.startInvocation(arguments)
        if case .trapped(let trap) = invocation.state { throw DebuggerError("cannot call \(name): \(trap.kind.message)") }
        let savedFrame = selectedFrame
        let depth = active.count
        active.append(Active(invocation: invocation, name: name, isStart: false))
        let stop = runFree()
        selectedFrame = savedFrame
        let abandon = "Evaluation of the expression containing the function\n(\(name)) will be abandoned."
        switch stop.reason {
        case .returned(let values):
            return values
        case .exited:
            throw CalledFunctionError(description: "The program being debugged exited while in a function called from wdb.\n" + abandon)
        case .trapped, .trapCaught:
            // `ended` kept the trapped frames aside: shown while reporting, then dropped.
            if let trapped = trappedInvocation {
                active.append(Active(invocation: trapped, name: name, isStart: false))
                calledFunctionStopReporter?(stop)
                active.removeLast()
            }
            trappedInvocation = nil
            throw CalledFunctionError(description: """
                The program being debugged was signaled while in a function called from wdb.
                wdb has restored the context to what it was before the call.
                """ + "\n" + abandon)
        default:
            // A breakpoint, watchpoint, catchpoint or interrupt inside: reported where it
            // happened, then the nested call is dropped.
            calledFunctionStopReporter?(stop)
            if active.count > depth { active.removeSubrange(depth...) }
            selectedFrame = savedFrame
            passHostCall = false
            caughtHostCall = nil
            throw CalledFunctionError(description: """
                The program being debugged stopped while in a function called from wdb.
                wdb has restored the context to what it was before the call.
                """ + "\n" + abandon)
        }
    }
}
