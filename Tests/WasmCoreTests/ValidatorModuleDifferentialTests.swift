import Foundation
import Testing
@testable import WasmCore

/// Differential test of the module-level rules against wabt: a module using every kind of
/// declaration gets one random change (an index, a type, a limit, an initializer, …); both
/// validators must reach the same verdict. Runs when wabt is installed.
@Suite struct ValidatorModuleDifferentialTests {
    typealias Generator = ValidatorRobustnessTests.Generator

    static func template() -> Module {
        var m = Module()
        m.types = [FuncType(), FuncType(params: [.i32], results: [.i32]), FuncType(params: [.i32, .i64], results: [.f32])]
        m.imports = [
            Import(module: "env", name: "f", descriptor: .function(typeIndex: 1)),
            Import(module: "env", name: "t", descriptor: .table(TableType(elementType: .funcref, limits: Limits(min: 1, max: 10)))),
            Import(module: "env", name: "g", descriptor: .global(GlobalType(valueType: .i32, isMutable: false))),
            Import(module: "env", name: "h", descriptor: .global(GlobalType(valueType: .externref, isMutable: true))),
        ]
        let body = Expression([.with(.refFunc, 2), .plain(.drop), .end])
        m.functions = [Function(typeIndex: 0, body: Expression([.end])),
                       Function(typeIndex: 1, body: Expression([.with(.localGet, 0), .end])),
                       Function(typeIndex: 0, body: body)]
        m.tables = [TableType(elementType: .externref, limits: Limits(min: 0))]
        m.memories = [MemoryType(limits: Limits(min: 1, max: 2))]
        m.globals = [Global(type: GlobalType(valueType: .i32, isMutable: true), initializer: validationConstant([.with(.globalGet, 0)])),
                     Global(type: GlobalType(valueType: .funcref, isMutable: false), initializer: validationConstant([.with(.refFunc, 1)])),
                     Global(type: GlobalType(valueType: .v128, isMutable: false), initializer: validationConstant([.cv128]))]
        m.exports = [Export(name: "a", kind: .function, index: 3), Export(name: "b", kind: .global, index: 2),
                     Export(name: "c", kind: .memory, index: 0), Export(name: "d", kind: .table, index: 1)]
        m.start = 1
        m.elements = [
            ElementSegment(mode: .active(table: 0, offset: validationConstant([.c32(0)])), type: .funcref, items: .functions([0, 2])),
            ElementSegment(mode: .passive, type: .externref, items: .expressions([validationConstant([Instruction(.refNull, .refType(.externref))])])),
            ElementSegment(mode: .declarative, type: .funcref, items: .expressions([validationConstant([.with(.refFunc, 3)])])),
        ]
        m.data = [DataSegment(mode: .active(memory: 0, offset: validationConstant([.with(.globalGet, 0)])), bytes: [1]),
                  DataSegment(mode: .passive, bytes: [2])]
        m.dataCount = 2
        return m
    }

    static func randomConstant(_ g: inout Generator) -> [Instruction] {
        switch Int.random(in: 0..<7, using: &g) {
        case 0: return [.c32(1)]
        case 1: return [.c64(1)]
        case 2: return [.cf64(1)]
        case 3: return [.with(.globalGet, UInt32.random(in: 0...4, using: &g))]
        case 4: return [.with(.refFunc, UInt32.random(in: 0...5, using: &g))]
        case 5: return [Instruction(.refNull, .refType(Bool.random(using: &g) ? .funcref : .externref))]
        default: return [.c32(1), .c32(2), .plain(.i32Add)]
        }
    }

    /// Applies one random change; returns its name for failure messages.
    static func mutate(_ m: inout Module, _ g: inout Generator) -> String {
        func small() -> UInt32 { UInt32.random(in: 0...4, using: &g) }
        func limits() -> Limits {
            let values: [UInt64] = [0, 1, 2, 65535, 65536, 65537, 100_000]
            return Limits(min: values.randomElement(using: &g)!, max: Bool.random(using: &g) ? values.randomElement(using: &g)! : nil)
        }
        switch Int.random(in: 0..<14, using: &g) {
        case 0:
            let i = Int.random(in: 0..<m.globals.count, using: &g)
            m.globals[i].initializer = validationConstant(randomConstant(&g))
            return "initializer of global \(i)"
        case 1:
            m.imports[3].descriptor = .global(GlobalType(valueType: .i32, isMutable: Bool.random(using: &g)))
            m.globals[0].initializer = validationConstant([.with(.globalGet, small())])
            return "global.get of an imported global"
        case 2:
            let i = Int.random(in: 0..<m.exports.count, using: &g)
            m.exports[i].index = small()
            return "export index"
        case 3:
            m.exports.append(Export(name: ["a", "b", "e"].randomElement(using: &g)!, kind: .function, index: 0))
            return "added export"
        case 4:
            m.start = small()
            return "start \(m.start!)"
        case 5:
            m.memories[0].limits = limits()
            return "memory limits \(m.memories[0].limits)"
        case 6:
            m.tables[0].limits = limits()
            return "table limits \(m.tables[0].limits)"
        case 7:
            m.memories.append(MemoryType(limits: Limits(min: 0)))
            return "second memory"
        case 8:
            m.functions[Int.random(in: 0..<3, using: &g)].typeIndex = small()
            return "function type index"
        case 9:
            m.elements[0].mode = .active(table: UInt32.random(in: 0...2, using: &g), offset: validationConstant(randomConstant(&g)))
            return "element segment table and offset"
        case 10:
            let i = Int.random(in: 1...2, using: &g)
            m.elements[i].items = .expressions([validationConstant(randomConstant(&g))])
            return "element segment \(i) item"
        case 11:
            m.data[0].mode = .active(memory: UInt32.random(in: 0...1, using: &g), offset: validationConstant(randomConstant(&g)))
            return "data segment memory and offset"
        case 12:
            m.functions[2].body = Expression([.with(.refFunc, small()), .plain(.drop), .end])
            return "ref.func in a body"
        default:
            m.imports[0].descriptor = .function(typeIndex: small())
            return "imported function type"
        }
    }

    @Test func verdictsAgreeWithWasmValidate() throws {
        guard let wasmValidate = Tools.path(of: "wasm-validate") else {
            Issue.record("missing prerequisite: wasm-validate not installed (Scripts/setup.sh installs it)")
            return
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-validator-module-diff-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let template = Self.template()
        expectModuleValid(template)
        var g = Generator(state: 0xD1FF)
        var agreed = (valid: 0, invalid: 0)
        for round in 0..<300 {
            var module = template
            let change = Self.mutate(&module, &g)
            let ours: String?
            do {
                try Validator.validate(module, features: .wasm20)
                ours = nil
            } catch {
                ours = error.description
            }
            let file = scratch.appendingPathComponent("case\(round).wasm")
            try Data(BinaryEncoder.encode(module)).write(to: file)
            let wabtAccepts = Tools.run(wasmValidate, ValidatorDifferentialTests.wasm2Only + [file.path]) != nil
            if wabtAccepts == (ours == nil) {
                if wabtAccepts { agreed.valid += 1 } else { agreed.invalid += 1 }
            } else {
                Issue.record("round \(round), \(change): wabt \(wabtAccepts ? "accepts" : "rejects"), wdb says \(ours ?? "valid")")
            }
        }
        print("validator vs wasm-validate, module-level changes: \(agreed.valid) valid and \(agreed.invalid) invalid modules agreed")
        #expect(agreed.valid > 50 && agreed.invalid > 50)
    }
}
