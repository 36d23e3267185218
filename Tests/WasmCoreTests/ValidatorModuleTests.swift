import Testing
@testable import WasmCore

/// Rules outside function bodies: types, limits, globals and constant expressions, segments,
/// exports and the start function.
@Suite struct ValidatorModuleTests {
    @Test func emptyModuleIsValid() {
        expectModuleValid(Module())
    }

    @Test func typeIndicesMustExist() {
        var b = ValidationModuleBuilder()
        b.function([], [], [])
        b.module.functions[0].typeIndex = 3
        let error = expectModuleInvalid(b.module, "unknown type 3")
        #expect(error?.functionIndex == nil)

        var imported = Module()
        imported.imports.append(Import(module: "m", name: "f", descriptor: .function(typeIndex: 0)))
        expectModuleInvalid(imported, "unknown type 0")
    }

    @Test func limits() {
        var b = ValidationModuleBuilder()
        b.memory(1, 65536)
        b.table(.funcref, 0, 0)
        expectModuleValid(b.module)

        var tooBig = Module()
        tooBig.memories = [MemoryType(limits: Limits(min: 65537))]
        expectModuleInvalid(tooBig, "memory size must be at most 65536 pages (4GiB)")
        tooBig.memories = [MemoryType(limits: Limits(min: 0, max: 65537))]
        expectModuleInvalid(tooBig, "memory size must be at most 65536 pages (4GiB)")
        tooBig.memories = [MemoryType(limits: Limits(min: 2, max: 1))]
        expectModuleInvalid(tooBig, "size minimum must not be greater than maximum")

        var table = Module()
        table.tables = [TableType(elementType: .externref, limits: Limits(min: 10, max: 9))]
        expectModuleInvalid(table, "size minimum must not be greater than maximum")
        var importedMemory = Module()
        importedMemory.imports = [Import(module: "m", name: "mem",
                                         descriptor: .memory(MemoryType(limits: Limits(min: 70000))))]
        expectModuleInvalid(importedMemory, "memory size must be at most 65536 pages")
    }

    @Test func atMostOneMemoryButManyTables() {
        var b = ValidationModuleBuilder()
        b.table()
        b.table(.externref)
        b.memory()
        expectModuleValid(b.module)
        b.module.imports.append(Import(module: "m", name: "mem", descriptor: .memory(MemoryType(limits: Limits(min: 0)))))
        expectModuleInvalid(b.module, "multiple memories")
    }

    // MARK: constant expressions

    @Test func globalInitializersAreConstantAndTyped() {
        var b = ValidationModuleBuilder()
        b.importGlobal(.f32)
        b.importGlobal(.i32, mutable: true)
        b.global(.f32, [.with(.globalGet, 0)])
        b.global(.v128, mutable: true, [.cv128])
        b.global(.externref, [Instruction(.refNull, .refType(.externref))])
        expectModuleValid(b.module)

        func with(_ initializer: [Instruction], type: ValueType = .i32) -> Module {
            var m = b.module
            m.globals.append(Global(type: GlobalType(valueType: type, isMutable: false),
                                    initializer: validationConstant(initializer)))
            return m
        }
        expectModuleInvalid(with([.c32(1), .c32(2), .plain(.i32Add)]), "constant expression required")
        expectModuleInvalid(with([.plain(.nop), .c32(1)]), "constant expression required")
        expectModuleInvalid(with([.with(.globalGet, 1)]), "constant expression required")
        expectModuleInvalid(with([.with(.globalGet, 2)]), "unknown global 2")
        expectModuleInvalid(with([.with(.globalGet, 9)]), "unknown global 9")
        expectModuleInvalid(with([.c64(1)]), "type mismatch: expected i32, found i64 (in initializer of global 5)")
        expectModuleInvalid(with([]), "type mismatch")
        expectModuleInvalid(with([.c32(1), .c32(1)]), "type mismatch")
        expectModuleInvalid(with([.with(.refFunc, 4)], type: .funcref), "unknown function 4")
        expectModuleInvalid(with([Instruction(.refNull, .refType(.externref))], type: .funcref), "type mismatch")
        // `end` only at the end.
        expectModuleInvalid(with([.c32(1), .end, .c32(2)]), "constant expression required")
    }

    // MARK: segments

    @Test func elementSegmentsMatchTheirTable() {
        var b = ValidationModuleBuilder()
        b.table(.funcref)
        b.table(.externref)
        b.function([], [], [])
        let offset = validationConstant([.c32(0)])
        b.module.elements = [
            ElementSegment(mode: .active(table: 0, offset: offset), type: .funcref, items: .functions([0])),
            ElementSegment(mode: .active(table: 1, offset: offset), type: .externref,
                           items: .expressions([validationConstant([Instruction(.refNull, .refType(.externref))])])),
            ElementSegment(mode: .passive, type: .funcref, items: .expressions([validationConstant([.with(.refFunc, 0)])])),
        ]
        expectModuleValid(b.module)

        func replacing(_ segment: ElementSegment) -> Module {
            var m = b.module
            m.elements.append(segment)
            return m
        }
        expectModuleInvalid(replacing(ElementSegment(mode: .active(table: 1, offset: offset), type: .funcref, items: .functions([0]))),
                            "type mismatch: element segment 3 holds funcref but table 1 holds externref")
        expectModuleInvalid(replacing(ElementSegment(mode: .active(table: 2, offset: offset), type: .funcref, items: .functions([]))),
                            "unknown table 2")
        expectModuleInvalid(replacing(ElementSegment(mode: .passive, type: .funcref, items: .functions([1]))), "unknown function 1")
        expectModuleInvalid(replacing(ElementSegment(mode: .active(table: 0, offset: validationConstant([.c64(0)])), type: .funcref,
                                                     items: .functions([]))), "type mismatch")
        expectModuleInvalid(replacing(ElementSegment(mode: .passive, type: .externref,
                                                     items: .expressions([validationConstant([.with(.refFunc, 0)])]))), "type mismatch")
        expectModuleInvalid(replacing(ElementSegment(mode: .declarative, type: .funcref,
                                                     items: .expressions([validationConstant([.with(.localGet, 0)])]))),
                            "constant expression required")
    }

    @Test func dataSegmentsNeedTheirMemory() {
        var b = ValidationModuleBuilder()
        b.memory()
        b.module.data = [DataSegment(mode: .active(memory: 0, offset: validationConstant([.c32(8)])), bytes: [1, 2]),
                         DataSegment(mode: .passive, bytes: [3])]
        expectModuleValid(b.module)
        var wrongMemory = b.module
        wrongMemory.data[0].mode = .active(memory: 1, offset: validationConstant([.c32(8)]))
        expectModuleInvalid(wrongMemory, "unknown memory 1")
        var noMemory = b.module
        noMemory.memories = []
        expectModuleInvalid(noMemory, "unknown memory 0")
        var wrongCount = b.module
        wrongCount.dataCount = 2
        expectModuleValid(wrongCount)
        wrongCount.dataCount = 3
        expectModuleInvalid(wrongCount, "data count and data section have inconsistent lengths")
        var wrongOffset = b.module
        wrongOffset.data[0].mode = .active(memory: 0, offset: validationConstant([.cf32(8)]))
        expectModuleInvalid(wrongOffset, "type mismatch")
    }

    // MARK: exports and start

    @Test func exportNamesAreUniqueAndIndicesExist() {
        var b = ValidationModuleBuilder()
        b.function([], [], [])
        b.memory()
        b.global(.i32, [.c32(0)])
        b.module.exports = [Export(name: "f", kind: .function, index: 0),
                            Export(name: "m", kind: .memory, index: 0),
                            Export(name: "g", kind: .global, index: 0)]
        expectModuleValid(b.module)
        var duplicate = b.module
        duplicate.exports.append(Export(name: "m", kind: .global, index: 0))
        expectModuleInvalid(duplicate, "duplicate export name \"m\"")
        for (kind, text) in [(ExternalKind.function, "unknown function 1"), (.table, "unknown table 1"),
                             (.memory, "unknown memory 1"), (.global, "unknown global 1")] {
            var unknown = b.module
            unknown.exports.append(Export(name: "x", kind: kind, index: 1))
            expectModuleInvalid(unknown, text)
        }
    }

    @Test func startFunctionTakesAndReturnsNothing() {
        var b = ValidationModuleBuilder()
        b.function([], [], [])
        b.function([.i32], [], [])
        b.module.start = 0
        expectModuleValid(b.module)
        b.module.start = 1
        expectModuleInvalid(b.module, "start function")
        b.module.start = 2
        expectModuleInvalid(b.module, "unknown function 2")
    }
}
