import WasmCore
@testable import WasmVM

/// Builds small modules in code, for engine tests that must not depend on the text front end.
struct TestModule {
    var module = Module()

    /// Adds a function `params -> results` with `locals` and `body` (without the final `end`)
    /// and exports it under `name`. File offsets are made up: instruction i sits at 0x100 + i.
    @discardableResult
    mutating func function(_ name: String?, _ params: [ValueType], _ results: [ValueType],
                           locals: [ValueType] = [], _ body: [Instruction]) -> UInt32 {
        let type = FuncType(params: params, results: results)
        let typeIndex: UInt32
        if let i = module.types.firstIndex(of: type) { typeIndex = UInt32(i) } else {
            module.types.append(type)
            typeIndex = UInt32(module.types.count - 1)
        }
        let instructions = body + [Instruction(.end)]
        let base = UInt32(0x100 * (module.functions.count + 1))
        let offsets = (0..<instructions.count).map { base + UInt32($0) }
        module.functions.append(Function(typeIndex: typeIndex,
                                         locals: locals.map { LocalDeclaration(count: 1, type: $0) },
                                         body: Expression(instructions, offsets: offsets),
                                         bodyOffset: base - 1, bodySize: UInt32(instructions.count + 1)))
        let index = UInt32(module.functionCount - 1)
        if let name { module.exports.append(Export(name: name, kind: .function, index: index)) }
        return index
    }

    func instantiate(_ configuration: Configuration = Configuration(), imports: Imports = Imports()) throws -> Instance {
        try Runtime(configuration: configuration).instantiate(module, imports: imports)
    }
}

// Short spellings for instruction lists.
func i(_ op: Opcode, _ imm: Immediate = .none) -> Instruction { Instruction(op, imm) }
func i32(_ v: Int32) -> Instruction { Instruction(.i32Const, .i32(v)) }
func i64(_ v: Int64) -> Instruction { Instruction(.i64Const, .i64(v)) }
func f32(_ v: Float) -> Instruction { Instruction(.f32Const, .f32(v.bitPattern)) }
func f64(_ v: Double) -> Instruction { Instruction(.f64Const, .f64(v.bitPattern)) }
func get(_ x: UInt32) -> Instruction { Instruction(.localGet, .index(x)) }
func set(_ x: UInt32) -> Instruction { Instruction(.localSet, .index(x)) }
func tee(_ x: UInt32) -> Instruction { Instruction(.localTee, .index(x)) }
