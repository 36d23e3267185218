/// Constant expressions (spec §3.3.10): global initializers, table initializers, segment
/// offsets and element items, checked by the body checker in a restricted mode.
/// Constant are `t.const`, `ref.null`, `ref.func`, `global.get` of an immutable global that is
/// visible (imported ones in Wasm 2.0; with GC also the globals defined before a global
/// initializer, and all of them elsewhere), the extended-const arithmetic and the GC
/// allocations and conversions.

extension FunctionValidator {
    /// Checks that `expression` is constant and leaves exactly one value of type `expected`.
    mutating func validateConstant(_ expression: Expression, type expected: ValueType, visibleGlobals: Int,
                                   what: String) throws(ValidationError) {
        constantMode = true
        constantWhat = what
        self.visibleGlobals = visibleGlobals
        defer { constantMode = false }
        stack.removeAll()
        frames.removeAll(keepingCapacity: true)
        localTypes.removeAll(keepingCapacity: true)
        localIsSet.removeAll(keepingCapacity: true)
        initializedLocals.removeAll(keepingCapacity: true)
        localCount = 0
        paramCount = 0
        localDeclarations = []
        slots = 0
        floor = 0
        floorIsPolymorphic = false
        offsets = []
        let result = context.single(context.code(expected))
        frames.append(ControlFrame(kind: .function, unreachable: false, height: 0, slotHeight: 0,
                                   params: .empty, results: result))
        let instructions = expression.instructions
        for (index, instruction) in instructions.enumerated() {
            instructionIndex = index
            if frames.isEmpty { throw error("constant expression required: instructions after end") }
            guard isConstant(instruction.opcode) else {
                throw error("constant expression required: \(instruction.opcode.mnemonic) is not constant")
            }
            if instruction.opcode.rawValue >= firstWasm30Opcode { try checkFeature(instruction.opcode) }
            let shape = shapes[Int(instruction.opcode.rawValue)]
            if shape.kind == .plain { try apply(shape) } else { try checkWithImmediate(instruction, shape) }
        }
        if !frames.isEmpty { throw error("type mismatch: constant expression does not end with end") }
    }

    func isConstant(_ opcode: Opcode) -> Bool {
        switch opcode {
        case .i32Const, .i64Const, .f32Const, .f64Const, .v128Const, .refNull, .refFunc, .globalGet, .end:
            return true
        case .i32Add, .i32Sub, .i32Mul, .i64Add, .i64Sub, .i64Mul:
            return context.features.contains(.extendedConst)
        case .refI31, .structNew, .structNewDefault, .arrayNew, .arrayNewDefault, .arrayNewFixed,
             .anyConvertExtern, .externConvertAny:
            return context.features.contains(.gc)
        default:
            return false
        }
    }

    /// `global.get` in a constant expression: the global must be visible and immutable.
    mutating func checkConstantGlobal(_ index: UInt32) throws(ValidationError) {
        guard Int(index) < visibleGlobals else {
            throw error("unknown global \(index): only \(visibleGlobals) globals are visible to this constant expression")
        }
        guard !context.globalMutable[Int(index)] else {
            throw error("constant expression required: global \(index) is mutable")
        }
    }
}
