import WasmCore

// Calls with their arguments folded in.
//
// A call's arguments are the top entries of the operand stack; the callee's frame begins at the
// first one's canonical slot. Arguments that are pending (a `local.get` or a constant not
// emitted yet, Compiler+Operands.swift) are not copied there by instructions of their own: the
// call carries them as an argument list, and the engine copies them into the callee's frame
// before anything else it does (the C core's CALL handlers, and the Swift slow path for host
// callees, callees not compiled yet and other instances, which copies again: the copies read
// only locals and constants, so repeating them changes nothing). A call with two `local.get`
// arguments is one dispatch instead of three.
//
// The call still begins a stop point at its own offset (backtraces show a caller at its call,
// step-over and `finish` arm its return point, `step` enters the callee from it). Its stack node
// describes the folded arguments where they are (the local's slot, the constant), so the operand
// stack shown at the call is Wasm's (Docs/architecture.md, Engine invariants (3)). The folded
// `local.get`s and constants compile to nothing: a breakpoint on one lands on the call, as for
// any instruction that compiles to nothing (Docs/debugging.md).
//
// An indirect call's element index is read from a pending local's slot directly (the index
// slot of its second word); a constant index is emitted first. Tail calls and 64-bit tables
// keep the old form (every argument in its canonical slot).

/// The argument list of a call instruction (the `args2`/`args3` operations of
/// Scripts/internal-ops.txt: `callList`, `callCopy1`, `callIndirectCopy2`, ...; a plain `call` or
/// `callIndirect` has an empty one): bits 32..47 of the first
/// immediate word count the copies, bits 48..63 the constants. After the fixed words come the
/// copies, one word each (`destination slot | source slot << 32`), then the constants, two words
/// each (destination slot, value).
enum CallArguments {
    /// At most this many of each kind (the pending entries of a frame are far fewer:
    /// `Compiler.pendingDepthLimit`).
    static let maxCount = 0xFFFF

    /// The number of words of the list described by the first immediate word `w1`.
    @inline(__always)
    static func words(_ w1: UInt64) -> Int {
        Int((w1 >> 32) & 0xFFFF) + 2 * Int(w1 >> 48)
    }

    /// Copies the arguments of the list at `list` (described by `w1`) into the frame at `fp`.
    @inline(__always)
    static func copy(_ w1: UInt64, list: UnsafePointer<UInt64>, fp: UnsafeMutablePointer<UInt64>) {
        let copies = Int((w1 >> 32) & 0xFFFF), constants = Int(w1 >> 48)
        var i = 0
        while i < copies {
            let w = list[i]
            fp[Int(UInt32(truncatingIfNeeded: w))] = fp[Int(w >> 32)]
            i += 1
        }
        var k = 0
        while k < constants {
            fp[Int(list[copies + 2 * k])] = list[copies + 2 * k + 1]
            k += 1
        }
    }
}

extension Compiler {
    /// `call` and `call_indirect` (32-bit tables) with their pending arguments folded in.
    /// Returns false for the forms it leaves to `translate` (nothing changed).
    mutating func translateCall(_ instruction: Instruction, offset: UInt32) throws(CompileError) -> Bool {
        let params: [ValueType]
        var indirect: (table: UInt32, typeIndex: UInt32)?
        switch instruction.opcode {
        case .call:
            let index = Int(instruction.index)
            guard index < env.functionAddresses.count, let type = env.functionType(of: UInt32(index)) else {
                throw CompileError("unknown function")
            }
            params = type.params
        case .callIndirect:
            guard case .indexPair(let typeIndex, let table) = instruction.immediate,
                  Int(typeIndex) < env.module.types.count else { throw CompileError("unknown type") }
            guard Int(table) < env.tableTypes.count else { throw CompileError("unknown table") }
            guard env.tableTypes[Int(table)].addressType != .i64 else { return false }
            params = env.module.types[Int(typeIndex)].params
            indirect = (table, typeIndex)
        default:
            return false
        }
        let operandCount = params.count + (indirect == nil ? 0 : 1)
        try requireOperands(operandCount)
        let firstArgument = stack.count - operandCount
        // A constant element index is emitted (its own stop point if fresh); a pending local
        // stays pending and the call reads its slot.
        if indirect != nil, case .constant? = stack[stack.count - 1].pending?.provider {
            materialize(stack.count - 1)
        }
        var copies: [UInt64] = []
        var constants: [UInt64] = []
        for i in firstArgument..<(firstArgument + params.count) {
            switch stack[i].pending?.provider {
            case .local(let source)?: copies.append(UInt64(stack[i].slot) | UInt64(source) << 32)
            case .constant(let value)?: constants += [UInt64(stack[i].slot), value]
            case nil: break
            }
        }
        guard copies.count <= CallArguments.maxCount, constants.count / 2 <= CallArguments.maxCount else {
            throw CompileError("internal: too many pending call arguments")
        }
        // The call's own stop point, with the folded arguments described where they are.
        stop(offset)
        let counts = UInt64(copies.count) << 32 | UInt64(constants.count / 2) << 48
        let base = try slotOfTop(operandCount)
        // One to three copies and no constant (most calls with folded arguments), and for
        // direct calls up to two copies and one constant: forms that copy without a loop. Any
        // other list goes to callList / callIndirectList; call and callIndirect have none.
        let copiesOnly = constants.isEmpty ? copies.count : 0
        let oneConstant: [InternalOp] = [.callConst1, .callCopy1Const1, .callCopy2Const1]
        if let indirect {
            let index = try pop()
            let indexSlot = Compiler.operand(index)
            guard case .slot(let slot) = indexSlot else { throw CompileError("internal: call_indirect index") }
            let forms: [InternalOp] = [.callIndirect, .callIndirectCopy1, .callIndirectCopy2, .callIndirectCopy3]
            let op = counts == 0 ? .callIndirect : copiesOnly > 0 && copiesOnly < forms.count ? forms[copiesOnly] : .callIndirectList
            emit(op, base, UInt64(indirect.table) | counts,
                 UInt64(env.typeIDs[Int(indirect.typeIndex)]) | UInt64(slot) << 32)
        } else {
            let forms: [InternalOp] = [.call, .callCopy1, .callCopy2, .callCopy3]
            let op = counts == 0 ? .call
                : constants.count == 2 && copies.count < oneConstant.count ? oneConstant[copies.count]
                : copiesOnly > 0 && copiesOnly < forms.count ? forms[copiesOnly] : .callList
            emit(op, base, UInt64(env.functionAddresses[Int(instruction.index)]) | counts)
        }
        code.append(contentsOf: copies)
        code.append(contentsOf: constants)
        afterCall = code.count
        _ = try pop(params.count)
        guard let type = indirect.map({ env.module.types[Int($0.typeIndex)] })
                ?? env.functionType(of: instruction.index) else { throw CompileError("unknown function") }
        for r in type.results { _ = push(r) }
        lastEmission = nil
        teeIncrement = nil
        return true
    }
}
