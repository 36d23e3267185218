import Testing
@testable import WasmCore

/// A small builder for validator tests: modules are assembled directly in the model.
struct ValidationModuleBuilder {
    var module = Module()

    /// Index of `type` in the type section, adding it when new.
    mutating func typeIndex(_ params: [ValueType], _ results: [ValueType]) -> UInt32 {
        let type = FuncType(params: params, results: results)
        if let i = module.types.firstIndex(of: type) { return UInt32(i) }
        module.types.append(type)
        return UInt32(module.types.count - 1)
    }

    /// Adds a function whose body is `code` followed by `end`; returns its index (imports counted).
    @discardableResult
    mutating func function(_ params: [ValueType] = [], _ results: [ValueType] = [],
                           locals: [ValueType] = [], _ code: [Instruction]) -> UInt32 {
        let type = typeIndex(params, results)
        let declarations = locals.map { LocalDeclaration(count: 1, type: $0) }
        module.functions.append(Function(typeIndex: type, locals: declarations,
                                         body: Expression(code + [Instruction(.end)])))
        return UInt32(module.functionCount - 1)
    }

    mutating func importFunction(_ params: [ValueType] = [], _ results: [ValueType] = []) {
        let type = typeIndex(params, results)
        module.imports.append(Import(module: "env", name: "f\(module.imports.count)",
                                     descriptor: .function(typeIndex: type)))
    }

    mutating func importGlobal(_ type: ValueType, mutable: Bool = false) {
        module.imports.append(Import(module: "env", name: "g\(module.imports.count)",
                                     descriptor: .global(GlobalType(valueType: type, isMutable: mutable))))
    }

    mutating func memory(_ min: UInt64 = 1, _ max: UInt64? = nil) {
        module.memories.append(MemoryType(limits: Limits(min: min, max: max)))
    }

    mutating func table(_ type: RefType = .funcref, _ min: UInt64 = 1, _ max: UInt64? = nil) {
        module.tables.append(TableType(elementType: type, limits: Limits(min: min, max: max)))
    }

    mutating func global(_ type: ValueType, mutable: Bool = false, _ initializer: [Instruction]) {
        module.globals.append(Global(type: GlobalType(valueType: type, isMutable: mutable),
                                     initializer: validationConstant(initializer)))
    }
}

/// A constant expression: the instructions and the closing `end`.
func validationConstant(_ code: [Instruction]) -> Expression {
    Expression(code + [Instruction(.end)])
}

// Instruction shorthands for `[Instruction]` literals: `[.c32(1), .c32(2), .plain(.i32Add)]`.
extension Instruction {
    static func plain(_ opcode: Opcode) -> Instruction { Instruction(opcode) }
    /// An instruction with a single index immediate (local, global, label, function, …).
    static func with(_ opcode: Opcode, _ index: UInt32) -> Instruction { Instruction(opcode, .index(index)) }
    static func c32(_ v: Int32) -> Instruction { Instruction(.i32Const, .i32(v)) }
    static func c64(_ v: Int64) -> Instruction { Instruction(.i64Const, .i64(v)) }
    static func cf32(_ v: Float) -> Instruction { Instruction(.f32Const, .f32(v.bitPattern)) }
    static func cf64(_ v: Double) -> Instruction { Instruction(.f64Const, .f64(v.bitPattern)) }
    static let cv128 = Instruction(.v128Const, .v128(V128(low: 0, high: 0)))
    static func structured(_ opcode: Opcode, _ type: BlockType = .empty) -> Instruction {
        Instruction(opcode, .block(type))
    }
    static func block(_ type: BlockType = .empty) -> Instruction { Instruction(.block, .block(type)) }
    static func loop(_ type: BlockType = .empty) -> Instruction { Instruction(.loop, .block(type)) }
    static func `if`(_ type: BlockType = .empty) -> Instruction { Instruction(.if, .block(type)) }
    static let `else` = Instruction(.else)
    static let end = Instruction(.end)

    /// An instruction that pushes some value of `type`.
    static func constant(of type: ValueType) -> Instruction {
        switch type {
        case .i32: .c32(0)
        case .i64: .c64(0)
        case .f32: .cf32(0)
        case .f64: .cf64(0)
        case .v128: .cv128
        case .funcref: Instruction(.refNull, .refType(.funcref))
        case .externref: Instruction(.refNull, .refType(.externref))
        case .ref(let r): Instruction(.refNull, .refType(r))
        }
    }
}

/// Expects `module` to be valid.
/// The helpers check Wasm 2.0 rules unless given `features` (the 3.0 tests pass `.wasm30`).
func expectModuleValid(_ module: Module, features: Features = .wasm20, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        try Validator.validate(module, features: features)
    } catch {
        Issue.record("expected a valid module, got: \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects validation to fail with a message starting with `prefix`; checks the failing
/// function and instruction when given. Returns the error for further checks.
@discardableResult
func expectModuleInvalid(_ module: Module, _ prefix: String, function: UInt32? = nil, instruction: Int? = nil,
                         features: Features = .wasm20, sourceLocation: SourceLocation = #_sourceLocation) -> ValidationError? {
    do {
        try Validator.validate(module, features: features)
        Issue.record("expected \"\(prefix)…\", but the module validated", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.message.hasPrefix(prefix), "message: \(error.message)", sourceLocation: sourceLocation)
        if let function {
            #expect(error.functionIndex == function, "function index of: \(error)", sourceLocation: sourceLocation)
        }
        if let instruction {
            #expect(error.instructionIndex == instruction, "instruction index of: \(error)", sourceLocation: sourceLocation)
        }
        return error
    }
}

/// A module with one function `params -> results` running `code`.
func singleFunctionModule(_ params: [ValueType] = [], _ results: [ValueType] = [], locals: [ValueType] = [],
            _ code: [Instruction], setup: (inout ValidationModuleBuilder) -> Void = { _ in }) -> Module {
    var builder = ValidationModuleBuilder()
    setup(&builder)
    builder.function(params, results, locals: locals, code)
    return builder.module
}
