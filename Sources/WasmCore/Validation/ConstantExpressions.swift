/// Constant expressions (spec §3.3.10): global initializers, segment offsets and element items.
/// Wasm 2.0 allows only `t.const`, `ref.null`, `ref.func` and `global.get` of an imported,
/// immutable global; the expression must leave exactly one value of the expected type.
struct ConstantExpressionChecker {
    let context: ValidationContext

    func check(_ expression: Expression, type expected: ValueType, what: String) throws(ValidationError) {
        // At most a handful of values: a small array is fine outside the per-instruction hot path.
        var stack: [UInt8] = []
        let instructions = expression.instructions
        for (i, instruction) in instructions.enumerated() {
            switch instruction.opcode {
            case .i32Const: stack.append(ValueType.i32.rawValue)
            case .i64Const: stack.append(ValueType.i64.rawValue)
            case .f32Const: stack.append(ValueType.f32.rawValue)
            case .f64Const: stack.append(ValueType.f64.rawValue)
            case .v128Const: stack.append(ValueType.v128.rawValue)
            case .refNull:
                guard case .refType(let type) = instruction.immediate else {
                    throw ValidationError("malformed immediate for ref.null in \(what)")
                }
                stack.append(type.rawValue)
            case .refFunc:
                guard case .index(let f) = instruction.immediate else {
                    throw ValidationError("malformed immediate for ref.func in \(what)")
                }
                guard Int(f) < context.functionTypes.count else {
                    throw ValidationError("unknown function \(f): named by ref.func in \(what), the module has \(context.functionTypes.count)")
                }
                stack.append(ValueType.funcref.rawValue)
            case .globalGet:
                guard case .index(let g) = instruction.immediate else {
                    throw ValidationError("malformed immediate for global.get in \(what)")
                }
                // Only imported globals are visible to constant expressions in Wasm 2.0.
                guard Int(g) < context.importedGlobalCount else {
                    throw ValidationError("unknown global \(g): \(what) may only read imported globals, the module imports \(context.importedGlobalCount)")
                }
                guard !context.globalMutable[Int(g)] else {
                    throw ValidationError("constant expression required: \(what) reads mutable global \(g)")
                }
                stack.append(context.globalTypes[Int(g)])
            case .end where i == instructions.count - 1:
                break
            default:
                throw ValidationError("constant expression required: \(what) contains \(instruction.opcode.mnemonic)")
            }
        }
        guard stack.count == 1 && stack[0] == expected.rawValue else {
            throw ValidationError("type mismatch: \(what) must produce [\(expected)], produces \(typeListName(stack))")
        }
    }
}
