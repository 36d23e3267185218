import Testing
@testable import WasmCore

/// Typing rules of function bodies, one rule family per test: a valid and an invalid case each.
@Suite struct ValidatorBodyTests {
    // MARK: operand stack

    @Test func numericOperandsMustMatch() {
        expectModuleValid(singleFunctionModule([], [.i32], [.c32(1), .c32(2), .plain(.i32Add)]))
        let error = expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .c64(2), .plain(.i32Add)]),
                                        "type mismatch: expected i32, found i64", function: 0, instruction: 2)
        #expect(error?.position == "#0 (func 0, instruction 2)")
    }

    @Test func emptyStackIsReportedAsUnderflow() {
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .plain(.i32Add)]),
                            "type mismatch: expected i32, found nothing (stack underflow)", instruction: 1)
        expectModuleInvalid(singleFunctionModule([], [], [.plain(.drop)]), "type mismatch", instruction: 0)
    }

    @Test func functionIndexCountsImports() {
        var b = ValidationModuleBuilder()
        b.importFunction()
        b.importFunction([.i32])
        b.function([], [], [])
        b.function([.i64], [], [.with(.localGet, 0), .plain(.i32Eqz), .plain(.drop)])
        expectModuleInvalid(b.module, "type mismatch: expected i32, found i64", function: 3, instruction: 1)
    }

    @Test func positionUsesFileOffsetsAndNames() throws {
        var b = ValidationModuleBuilder()
        b.importFunction()
        b.function([], [], [.c64(7), .plain(.i32Eqz), .plain(.drop)])
        b.module.functions[0].bodyOffset = 0x30
        b.module.functions[0].body.offsets = [0x31, 0x33, 0x34, 0x35]
        b.module.names.functionNames[1] = "f"
        let error = try #require(expectModuleInvalid(b.module, "type mismatch", function: 1, instruction: 1))
        #expect(error.position == "$f+0x3 (func 1, offset 0x33)")
        #expect(error.description == "type mismatch: expected i32, found i64 at $f+0x3 (func 1, offset 0x33)")
    }

    @Test func functionResultsMustBeExact() {
        expectModuleInvalid(singleFunctionModule([], [.i32], []), "type mismatch", instruction: 0)
        expectModuleInvalid(singleFunctionModule([], [], [.c32(1)]), "type mismatch: end of function expects [], stack holds [i32]")
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .c32(2)]), "type mismatch")
        expectModuleInvalid(singleFunctionModule([], [.f32], [.c32(1)]), "type mismatch: expected f32, found i32")
    }

    // MARK: polymorphic stack

    @Test func unreachableMakesTheStackPolymorphic() {
        expectModuleValid(singleFunctionModule([], [.i32], [.plain(.unreachable), .plain(.i32Add)]))
        expectModuleValid(singleFunctionModule([], [.i32], [.plain(.unreachable), .plain(.select)]))
        expectModuleValid(singleFunctionModule([], [], [.block(), .with(.br, 0), .plain(.i32Add), .plain(.drop), .end]))
        expectModuleValid(singleFunctionModule([], [.i64], [.c64(0), .plain(.return), .c64(1), .plain(.i64Add)]))
        // Known values pushed after the stack became polymorphic still have their types.
        expectModuleInvalid(singleFunctionModule([], [.i32], [.plain(.unreachable), .c64(0), .plain(.i32Add)]),
                            "type mismatch: expected i32, found i64", instruction: 2)
        // The polymorphic stack ends with its block.
        expectModuleInvalid(singleFunctionModule([], [], [.block(), .plain(.unreachable), .end, .plain(.drop)]),
                            "type mismatch", instruction: 3)
        // Values left after unreachable still count at the end of the block.
        expectModuleInvalid(singleFunctionModule([], [], [.plain(.unreachable), .c32(0)]), "type mismatch")
    }

    // MARK: blocks

    @Test func blocksCheckTheirResults() {
        expectModuleValid(singleFunctionModule([], [.i32], [.block(.value(.i32)), .c32(1), .end]))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.block(.value(.i32)), .c64(1), .end]),
                            "type mismatch", instruction: 2)
        expectModuleInvalid(singleFunctionModule([], [], [.block(), .c32(1), .end]),
                            "type mismatch: end of block expects [], stack holds [i32]", instruction: 2)
        // A block cannot see values outside it.
        expectModuleInvalid(singleFunctionModule([], [], [.c32(1), .block(), .plain(.drop), .end, .plain(.drop)]),
                            "type mismatch", instruction: 2)
    }

    @Test func multiValueBlocksTakeParams() {
        var b = ValidationModuleBuilder()
        let pair = b.typeIndex([.i32, .i64], [.i64, .i32])
        b.function([], [.i64, .i32], [.c32(1), .c64(2), .block(.typeIndex(pair)),
                                      .with(.localSet, 0), .with(.localSet, 1),
                                      .with(.localGet, 0), .with(.localGet, 1), .end])
        b.module.functions[0].locals = [LocalDeclaration(count: 1, type: .i64), LocalDeclaration(count: 1, type: .i32)]
        expectModuleValid(b.module)

        var bad = b.module
        bad.functions[0].body.instructions[1] = .cf32(2)
        expectModuleInvalid(bad, "type mismatch: expected i64, found f32", instruction: 2)

        var unknown = b.module
        unknown.functions[0].body.instructions[2] = .block(.typeIndex(9))
        expectModuleInvalid(unknown, "unknown type 9", instruction: 2)
    }

    @Test func loopLabelsCarryParams() {
        var b = ValidationModuleBuilder()
        let type = b.typeIndex([.i32], [.f32])
        // br 0 inside the loop jumps back to its start with an i32.
        b.function([], [.f32], [.c32(1), .loop(.typeIndex(type)), .with(.brIf, 0), .cf32(0), .end])
        // invalid: the label wants an i32 but finds nothing: br_if consumed the only value
        expectModuleInvalid(b.module, "type mismatch", instruction: 2)

        var ok = ValidationModuleBuilder()
        let t = ok.typeIndex([.i32], [.f32])
        ok.function([], [.f32], [.c32(1), .loop(.typeIndex(t)), .c32(0), .with(.brIf, 0), .plain(.drop), .cf32(0), .end])
        expectModuleValid(ok.module)

        var blockLabel = ValidationModuleBuilder()
        blockLabel.function([], [.f32], [.block(.value(.f32)), .cf32(1), .with(.br, 0), .end])
        expectModuleValid(blockLabel.module)
        // A loop's label carries its params (none here), a block's its results.
        expectModuleValid(singleFunctionModule([], [.f32], [.loop(.value(.f32)), .c32(0), .with(.brIf, 0), .cf32(1), .end]))
        expectModuleInvalid(singleFunctionModule([], [.f32], [.block(.value(.f32)), .c32(0), .with(.brIf, 0), .cf32(1), .end]),
                            "type mismatch: expected f32, found nothing", instruction: 2)
    }

    @Test func ifWithoutElseNeedsMatchingParamsAndResults() {
        expectModuleValid(singleFunctionModule([], [.i32], [.c32(1), .if(.value(.i32)), .c32(2), .else, .c32(3), .end]))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .if(.value(.i32)), .c32(2), .end]),
                            "type mismatch: if without else", instruction: 3)
        var b = ValidationModuleBuilder()
        let same = b.typeIndex([.i32], [.i32])
        b.function([], [.i32], [.c32(5), .c32(1), .if(.typeIndex(same)), .c32(1), .plain(.i32Add), .end])
        expectModuleValid(b.module)
        // The condition must be an i32.
        expectModuleInvalid(singleFunctionModule([], [], [.c64(1), .if(), .end]), "type mismatch: expected i32, found i64", instruction: 1)
        // Both arms are checked against the results.
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .if(.value(.i32)), .c32(2), .else, .c64(3), .end]),
                            "type mismatch", instruction: 5)
    }

    @Test func elseNeedsAnIf() {
        expectModuleInvalid(singleFunctionModule([], [], [.block(), .else, .end]), "else without a matching if", instruction: 1)
    }

    @Test func bodyMustBeClosed() {
        var b = ValidationModuleBuilder()
        b.function([], [], [])
        b.module.functions[0].body.instructions = [.block()]
        expectModuleInvalid(b.module, "function body does not end", instruction: 1)
        b.module.functions[0].body.instructions = [.end, .plain(.nop)]
        expectModuleInvalid(b.module, "instruction after the end", instruction: 1)
    }

    // MARK: branches

    @Test func labelsMustExist() {
        expectModuleValid(singleFunctionModule([], [], [.block(), .with(.br, 1), .end]))
        expectModuleInvalid(singleFunctionModule([], [], [.block(), .with(.br, 2), .end]), "unknown label 2", instruction: 1)
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), .with(.brIf, 1)]), "unknown label", instruction: 1)
    }

    @Test func brIfKeepsTheLabelValues() {
        expectModuleValid(singleFunctionModule([], [.i32], [.block(.value(.i32)), .c32(1), .c32(0), .with(.brIf, 0), .end]))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.block(.value(.i32)), .c64(1), .c32(0), .with(.brIf, 0), .end]),
                            "type mismatch: expected i32, found i64", instruction: 3)
    }

    @Test func brTableTargetsMustAgree() {
        let table = Instruction(.brTable, .brTable(targets: [0, 1], defaultTarget: 1))
        expectModuleValid(singleFunctionModule([], [.i32], [.block(.value(.i32)), .c32(7), .c32(0), table, .end]))
        // Different arities.
        expectModuleInvalid(singleFunctionModule([], [], [.block(.value(.i32)), .c32(7), .c32(0), table, .end, .plain(.drop)]),
                            "type mismatch: br_table target", instruction: 3)
        // Same arity, different types: only allowed when the operand is polymorphic.
        var b = ValidationModuleBuilder()
        b.function([], [], [.block(.value(.f64)), .block(.value(.f32)), .plain(.unreachable),
                            Instruction(.brTable, .brTable(targets: [0, 1], defaultTarget: 1)),
                            .end, .plain(.drop), .cf64(0), .end, .plain(.drop)])
        expectModuleValid(b.module)
        var c = ValidationModuleBuilder()
        c.function([], [], [.block(.value(.f64)), .block(.value(.f32)), .cf32(1), .c32(0),
                            Instruction(.brTable, .brTable(targets: [0, 1], defaultTarget: 1)),
                            .end, .plain(.drop), .cf64(0), .end, .plain(.drop)])
        expectModuleInvalid(c.module, "type mismatch: expected f64, found f32", instruction: 4)
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), Instruction(.brTable, .brTable(targets: [3], defaultTarget: 0))]),
                            "unknown label 3", instruction: 1)
    }

    @Test func returnUsesTheFunctionResults() {
        expectModuleValid(singleFunctionModule([], [.i64], [.block(), .c64(1), .plain(.return), .end, .c64(2)]))
        expectModuleInvalid(singleFunctionModule([], [.i64], [.block(), .c32(1), .plain(.return), .end, .c64(2)]),
                            "type mismatch: expected i64, found i32", instruction: 2)
    }

    // MARK: calls

    @Test func callsUseTheCalleeType() {
        var b = ValidationModuleBuilder()
        b.importFunction([.i32, .f64], [.i64])
        b.function([], [.i64], [.c32(1), .cf64(2), .with(.call, 0)])
        expectModuleValid(b.module)
        b.module.functions[0].body.instructions[1] = .cf32(2)
        expectModuleInvalid(b.module, "type mismatch: expected f64, found f32", function: 1, instruction: 2)
        b.module.functions[0].body.instructions[2] = .with(.call, 5)
        expectModuleInvalid(b.module, "unknown function 5", function: 1, instruction: 2)
    }

    @Test func callIndirectNeedsAFuncrefTable() {
        var b = ValidationModuleBuilder()
        let type = b.typeIndex([.i32], [.i32])
        b.table(.funcref)
        b.table(.externref)
        b.function([], [.i32], [.c32(1), .c32(0), Instruction(.callIndirect, .indexPair(type, 0))])
        expectModuleValid(b.module)

        var extern = b.module
        extern.functions[0].body.instructions[2] = Instruction(.callIndirect, .indexPair(type, 1))
        expectModuleInvalid(extern, "type mismatch: call_indirect needs a funcref table", instruction: 2)
        var noTable = b.module
        noTable.functions[0].body.instructions[2] = Instruction(.callIndirect, .indexPair(type, 2))
        expectModuleInvalid(noTable, "unknown table 2", instruction: 2)
        var noType = b.module
        noType.functions[0].body.instructions[2] = Instruction(.callIndirect, .indexPair(4, 0))
        expectModuleInvalid(noType, "unknown type 4", instruction: 2)
        var missingIndex = b.module
        missingIndex.functions[0].body.instructions.remove(at: 1)
        expectModuleInvalid(missingIndex, "type mismatch", instruction: 1)
    }

    // MARK: parametric

    @Test func untypedSelectOnlyOnNumbersAndVectors() {
        expectModuleValid(singleFunctionModule([], [.f64], [.cf64(1), .cf64(2), .c32(0), .plain(.select)]))
        expectModuleValid(singleFunctionModule([], [.v128], [.cv128, .cv128, .c32(0), .plain(.select)]))
        expectModuleInvalid(singleFunctionModule([], [.funcref], [.constant(of: .funcref), .constant(of: .funcref), .c32(0), .plain(.select)]),
                            "type mismatch: select without a type", instruction: 3)
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .c64(2), .c32(0), .plain(.select)]),
                            "type mismatch", instruction: 3)
        // One operand unknown: the result takes the other's type.
        expectModuleInvalid(singleFunctionModule([], [.i32], [.plain(.unreachable), .c64(2), .c32(0), .plain(.select)]),
                            "type mismatch: expected i32, found i64")
    }

    @Test func typedSelectHasExactlyOneType() {
        let funcrefSelect = Instruction(.selectTyped, .select([.funcref]))
        expectModuleValid(singleFunctionModule([], [.funcref], [.constant(of: .funcref), .constant(of: .funcref), .c32(0), funcrefSelect]))
        expectModuleInvalid(singleFunctionModule([], [.funcref], [.constant(of: .externref), .constant(of: .funcref), .c32(0), funcrefSelect]),
                            "type mismatch: expected funcref, found externref", instruction: 3)
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), .c32(0), .c32(0), Instruction(.selectTyped, .select([]))]),
                            "invalid result arity", instruction: 3)
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), .c32(0), .c32(0), Instruction(.selectTyped, .select([.i32, .i32]))]),
                            "invalid result arity", instruction: 3)
    }

    @Test func dropTakesAnyValue() {
        expectModuleValid(singleFunctionModule([], [], [.cv128, .plain(.drop), .constant(of: .externref), .plain(.drop)]))
        expectModuleInvalid(singleFunctionModule([], [], [.block(), .plain(.drop), .end]), "type mismatch", instruction: 1)
    }

    // MARK: variables

    @Test func localsIncludeParams() {
        expectModuleValid(singleFunctionModule([.i32], [.i64], locals: [.i64],
                                               [.with(.localGet, 0), .plain(.drop), .with(.localGet, 1)]))
        expectModuleInvalid(singleFunctionModule([.i32], [], locals: [.i64], [.with(.localGet, 2), .plain(.drop)]),
                            "unknown local 2", instruction: 0)
        expectModuleInvalid(singleFunctionModule([.i32], [], [.c64(0), .with(.localSet, 0)]),
                            "type mismatch: expected i32, found i64", instruction: 1)
        expectModuleValid(singleFunctionModule([], [.f32], locals: [.f32], [.cf32(1), .with(.localTee, 0)]))
        expectModuleInvalid(singleFunctionModule([], [.f32], locals: [.f64], [.cf32(1), .with(.localTee, 0)]),
                            "type mismatch", instruction: 1)
    }

    @Test func manyLocalsAreCheckedWithoutExpandingThem() {
        var b = ValidationModuleBuilder()
        b.function([], [.f64], [.with(.localGet, 3_000_000)])
        b.module.functions[0].locals = [LocalDeclaration(count: 1_000_000, type: .i32),
                                        LocalDeclaration(count: 3_000_000, type: .f64)]
        expectModuleValid(b.module)
        b.module.functions[0].body.instructions[0] = .with(.localGet, 4_000_000)
        expectModuleInvalid(b.module, "unknown local 4000000")
        b.module.functions[0].locals.append(LocalDeclaration(count: UInt32.max, type: .i32))
        expectModuleInvalid(b.module, "too many locals")
    }

    @Test func globalsMustExistAndBeMutableToSet() {
        var b = ValidationModuleBuilder()
        b.importGlobal(.i32)
        b.global(.i64, mutable: true, [.c64(0)])
        b.function([], [.i32], [.c64(1), .with(.globalSet, 1), .with(.globalGet, 0)])
        expectModuleValid(b.module)
        var immutable = b.module
        immutable.functions[0].body.instructions[1] = .with(.globalSet, 0)
        expectModuleInvalid(immutable, "global is immutable", instruction: 1)
        var unknown = b.module
        unknown.functions[0].body.instructions[2] = .with(.globalGet, 2)
        expectModuleInvalid(unknown, "unknown global 2", instruction: 2)
        var wrongType = b.module
        wrongType.functions[0].body.instructions[0] = .c32(1)
        expectModuleInvalid(wrongType, "type mismatch: expected i64, found i32", instruction: 1)
    }

    // MARK: stack height

    @Test func reportsTheLargestStackHeight() throws {
        var b = ValidationModuleBuilder()
        b.function([], [.i32], [.c32(1), .c32(2), .c32(3), .plain(.i32Add), .plain(.i32Add)])
        b.function([], [], [.cv128, .cv128, .c32(0), .plain(.select), .plain(.drop)])
        let info = try Validator.validateWithInfo(b.module)
        #expect(info.functions == [FunctionValidationInfo(maxStackHeight: 3, maxStackSlots: 3),
                                   FunctionValidationInfo(maxStackHeight: 3, maxStackSlots: 5)])

        var validator = try ModuleValidator(b.module)
        #expect(try validator.validateFunction(definedIndex: 1).maxStackSlots == 5)
        #expect(throws: ValidationError.self) { try validator.validateFunction(definedIndex: 2) }
    }
}
