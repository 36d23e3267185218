import Testing
@testable import WasmCore

/// Memory, table, reference, bulk-memory and SIMD instructions, plus a sweep over the whole
/// instruction table.
@Suite struct ValidatorInstructionTests {
    private func withMemory(_ b: inout ValidationModuleBuilder) { b.memory() }

    // MARK: memory

    @Test func memoryAccessNeedsAMemory() {
        let load = Instruction(.i32Load, .memarg(MemArg(align: 2, offset: 0)))
        expectModuleValid(singleFunctionModule([], [.i32], [.c32(0), load], setup: withMemory))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(0), load]), "unknown memory 0", instruction: 1)
        expectModuleInvalid(singleFunctionModule([], [.i32], [.plain(.unreachable), .with(.memorySize, 0)]), "unknown memory 0", instruction: 1)
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(1), .with(.memoryGrow, 1)], setup: withMemory), "unknown memory 1")
        expectModuleValid(singleFunctionModule([], [.i32], [.c32(1), .with(.memoryGrow, 0)], setup: withMemory))
    }

    @Test func alignmentAtMostNatural() {
        func store(_ opcode: Opcode, align: UInt32, value: Instruction) -> Module {
            singleFunctionModule([], [], [.c32(0), value, Instruction(opcode, .memarg(MemArg(align: align, offset: 0)))], setup: withMemory)
        }
        expectModuleValid(store(.i64Store, align: 3, value: .c64(0)))
        expectModuleInvalid(store(.i64Store, align: 4, value: .c64(0)), "alignment must not be larger than natural", instruction: 2)
        expectModuleValid(store(.i64Store32, align: 2, value: .c64(0)))
        expectModuleInvalid(store(.i64Store32, align: 3, value: .c64(0)), "alignment must not be larger than natural")
        expectModuleInvalid(store(.i32Store8, align: 1, value: .c32(0)), "alignment must not be larger than natural")
        expectModuleInvalid(store(.i32Store8, align: 40, value: .c32(0)), "alignment must not be larger than natural")
        expectModuleValid(store(.v128Store, align: 4, value: .cv128))
        expectModuleInvalid(store(.v128Store, align: 5, value: .cv128), "alignment must not be larger than natural")
        // The memory is checked before the alignment.
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), .c32(0), Instruction(.i32Store, .memarg(MemArg(align: 9, offset: 0)))]),
                            "unknown memory 0")
    }

    @Test func bulkMemoryNeedsSegmentsAndMemory() {
        func module(_ code: [Instruction], memory: Bool = true, data: Int = 1) -> Module {
            singleFunctionModule([], [], code) { b in
                if memory { b.memory() }
                for _ in 0..<data { b.module.data.append(DataSegment(mode: .passive, bytes: [1])) }
                b.module.dataCount = UInt32(data)
            }
        }
        let three: [Instruction] = [.c32(0), .c32(0), .c32(0)]
        expectModuleValid(module(three + [Instruction(.memoryInit, .indexPair(0, 0)), .with(.dataDrop, 0)]
                                 + three + [Instruction(.memoryCopy, .indexPair(0, 0))] + three + [.with(.memoryFill, 0)]))
        expectModuleInvalid(module(three + [Instruction(.memoryInit, .indexPair(1, 0))]), "unknown data segment 1", instruction: 3)
        expectModuleInvalid(module(three + [Instruction(.memoryInit, .indexPair(1, 0))], memory: false), "unknown memory 0", instruction: 3)
        expectModuleInvalid(module([.with(.dataDrop, 0)], data: 0), "unknown data segment 0", instruction: 0)
        expectModuleInvalid(module(three + [.with(.memoryFill, 0)], memory: false), "unknown memory 0")
        expectModuleInvalid(module(three + [Instruction(.memoryCopy, .indexPair(0, 0))], memory: false), "unknown memory 0")
        expectModuleInvalid(module([.c32(0), .c64(0), .c32(0), .with(.memoryFill, 0)]), "type mismatch: expected i32, found i64")
    }

    // MARK: references and tables

    @Test func refFuncNeedsADeclaredFunction() {
        var b = ValidationModuleBuilder()
        b.function([], [.funcref], [.with(.refFunc, 0)])
        expectModuleInvalid(b.module, "undeclared function reference", function: 0, instruction: 0)
        var exported = b.module
        exported.exports.append(Export(name: "f", kind: .function, index: 0))
        expectModuleValid(exported)
        var declared = b.module
        declared.elements.append(ElementSegment(mode: .declarative, type: .funcref, items: .functions([0])))
        expectModuleValid(declared)
        var inGlobal = b.module
        inGlobal.globals.append(Global(type: GlobalType(valueType: .funcref, isMutable: false),
                                       initializer: validationConstant([.with(.refFunc, 0)])))
        expectModuleValid(inGlobal)
        var unknown = declared
        unknown.functions[0].body.instructions[0] = .with(.refFunc, 3)
        expectModuleInvalid(unknown, "unknown function 3", instruction: 0)
    }

    @Test func refIsNullNeedsAReference() {
        expectModuleValid(singleFunctionModule([], [.i32], [.constant(of: .externref), .plain(.refIsNull)]))
        expectModuleValid(singleFunctionModule([], [.i32], [.plain(.unreachable), .plain(.refIsNull)]))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(0), .plain(.refIsNull)]),
                            "type mismatch: ref.is_null needs a reference, found i32", instruction: 1)
        expectModuleInvalid(singleFunctionModule([], [.funcref], [Instruction(.refNull, .refType(.externref))]),
                            "type mismatch: expected funcref, found externref")
    }

    @Test func tableInstructionsUseTheElementType() {
        func tables(_ b: inout ValidationModuleBuilder) {
            b.table(.funcref)
            b.table(.externref)
        }
        expectModuleValid(singleFunctionModule([], [.externref], [.c32(0), .with(.tableGet, 1)], setup: tables))
        expectModuleInvalid(singleFunctionModule([], [.funcref], [.c32(0), .with(.tableGet, 1)], setup: tables),
                            "type mismatch: expected funcref, found externref")
        expectModuleValid(singleFunctionModule([], [], [.c32(0), .constant(of: .funcref), .with(.tableSet, 0)], setup: tables))
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), .constant(of: .funcref), .with(.tableSet, 1)], setup: tables),
                            "type mismatch: expected externref, found funcref", instruction: 2)
        expectModuleValid(singleFunctionModule([], [.i32], [.constant(of: .externref), .c32(2), .with(.tableGrow, 1)], setup: tables))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(2), .constant(of: .externref), .with(.tableGrow, 1)], setup: tables),
                            "type mismatch")
        expectModuleValid(singleFunctionModule([], [], [.c32(0), .constant(of: .funcref), .c32(2), .with(.tableFill, 0)], setup: tables))
        expectModuleInvalid(singleFunctionModule([], [], [.c32(0), .constant(of: .funcref), .c32(2), .with(.tableFill, 1)], setup: tables),
                            "type mismatch")
        expectModuleValid(singleFunctionModule([], [.i32], [.with(.tableSize, 1)], setup: tables))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.with(.tableSize, 2)], setup: tables), "unknown table 2", instruction: 0)
        expectModuleInvalid(singleFunctionModule([], [.i32], [.c32(0), .with(.tableGet, 0)]), "unknown table 0")
    }

    @Test func tableCopyAndInitNeedMatchingTypes() {
        func setup(_ b: inout ValidationModuleBuilder) {
            b.table(.funcref)
            b.table(.externref)
            b.module.elements.append(ElementSegment(mode: .passive, type: .funcref, items: .functions([])))
            b.module.elements.append(ElementSegment(mode: .passive, type: .externref, items: .expressions([])))
        }
        let three: [Instruction] = [.c32(0), .c32(0), .c32(0)]
        expectModuleValid(singleFunctionModule([], [], three + [Instruction(.tableCopy, .indexPair(1, 1))], setup: setup))
        expectModuleInvalid(singleFunctionModule([], [], three + [Instruction(.tableCopy, .indexPair(0, 1))], setup: setup),
                            "type mismatch: table.copy", instruction: 3)
        expectModuleValid(singleFunctionModule([], [], three + [Instruction(.tableInit, .indexPair(1, 1)), .with(.elemDrop, 0)], setup: setup))
        expectModuleInvalid(singleFunctionModule([], [], three + [Instruction(.tableInit, .indexPair(1, 0))], setup: setup),
                            "type mismatch: table.init", instruction: 3)
        expectModuleInvalid(singleFunctionModule([], [], three + [Instruction(.tableInit, .indexPair(2, 0))], setup: setup),
                            "unknown elem segment 2", instruction: 3)
        // The table is checked before the segment.
        expectModuleInvalid(singleFunctionModule([], [], three + [Instruction(.tableInit, .indexPair(4, 0))]), "unknown table 0")
        expectModuleInvalid(singleFunctionModule([], [], [.with(.elemDrop, 2)], setup: setup), "unknown elem segment 2")
        expectModuleInvalid(singleFunctionModule([], [], three + [Instruction(.tableCopy, .indexPair(0, 3))], setup: setup), "unknown table 3")
    }

    // MARK: SIMD

    @Test func laneIndicesBelowTheLaneCount() {
        expectModuleValid(singleFunctionModule([], [.i32], [.cv128, Instruction(.i8x16ExtractLaneS, .lane(15))]))
        expectModuleInvalid(singleFunctionModule([], [.i32], [.cv128, Instruction(.i8x16ExtractLaneS, .lane(16))]),
                            "invalid lane index", instruction: 1)
        expectModuleValid(singleFunctionModule([], [.v128], [.cv128, .cf64(1), Instruction(.f64x2ReplaceLane, .lane(1))]))
        expectModuleInvalid(singleFunctionModule([], [.v128], [.cv128, .cf64(1), Instruction(.f64x2ReplaceLane, .lane(2))]),
                            "invalid lane index")
        expectModuleInvalid(singleFunctionModule([], [.v128], [.cv128, .cf32(1), Instruction(.f64x2ReplaceLane, .lane(1))]),
                            "type mismatch: expected f64, found f32")
    }

    @Test func shuffleLanesBelow32() {
        var lanes = [UInt8](0..<16)
        lanes[3] = 31
        let valid = Instruction(.i8x16Shuffle, .v128(V128(bytes: lanes)))
        expectModuleValid(singleFunctionModule([], [.v128], [.cv128, .cv128, valid]))
        lanes[5] = 32
        let invalid = Instruction(.i8x16Shuffle, .v128(V128(bytes: lanes)))
        expectModuleInvalid(singleFunctionModule([], [.v128], [.cv128, .cv128, invalid]), "invalid lane index", instruction: 2)
    }

    @Test func laneLoadsCheckMemoryAlignmentAndLane() {
        func load(_ align: UInt32, lane: UInt8, memory: Bool = true) -> Module {
            singleFunctionModule([], [.v128], [.c32(0), .cv128,
                                               Instruction(.v128Load32Lane, .memlane(MemArg(align: align, offset: 0), lane: lane))]) { b in
                if memory { b.memory() }
            }
        }
        expectModuleValid(load(2, lane: 3))
        expectModuleInvalid(load(2, lane: 4), "invalid lane index", instruction: 2)
        expectModuleInvalid(load(3, lane: 0), "alignment must not be larger than natural", instruction: 2)
        expectModuleInvalid(load(0, lane: 0, memory: false), "unknown memory 0", instruction: 2)
    }

    // MARK: the whole table

    /// Every instruction typed from the table validates with operands of its signature and
    /// rejects a wrong first operand; lane and memory immediates get their largest valid value.
    @Test func everyTableTypedInstructionFollowsItsSignature() {
        var checked = 0
        for opcode in Opcode.allCases {
            let info = opcode.info
            guard let signature = info.signature else { continue }
            let immediate: Immediate
            let maxAlign = UInt32(info.naturalAlignment.trailingZeroBitCount)
            switch info.immediate {
            case .none: immediate = .none
            case .i32: immediate = .i32(0)
            case .i64: immediate = .i64(0)
            case .f32: immediate = .f32(0)
            case .f64: immediate = .f64(0)
            case .v128, .shuffle: immediate = .v128(V128(low: 0, high: 0))
            case .lane: immediate = .lane(info.laneCount - 1)
            case .memarg: immediate = .memarg(MemArg(align: maxAlign, offset: 0))
            case .memlane: immediate = .memlane(MemArg(align: maxAlign, offset: 0), lane: info.laneCount - 1)
            case .memory, .memoryFill, .table, .data, .elem, .function: immediate = .index(0)
            case .memoryInit, .memoryCopy, .tableInit, .tableCopy: immediate = .indexPair(0, 0)
            default: continue
            }
            let code = signature.params.map(Instruction.constant(of:)) + [Instruction(opcode, immediate)]
                + signature.results.map { _ in Instruction.plain(.drop) }
            func setup(_ b: inout ValidationModuleBuilder) {
                b.memory()
                b.table()
                b.module.data.append(DataSegment(mode: .passive, bytes: []))
                b.module.elements.append(ElementSegment(mode: .declarative, type: .funcref, items: .functions([0])))
            }
            // 3.0 features, so the relaxed SIMD rows are checked too.
            expectModuleValid(singleFunctionModule([], [], code, setup: setup), features: .wasm30)
            if let first = signature.params.first {
                var wrong = code
                wrong[0] = .constant(of: first == .i32 ? .i64 : .i32)
                expectModuleInvalid(singleFunctionModule([], [], wrong, setup: setup), "type mismatch",
                                    instruction: signature.params.count, features: .wasm30)
            }
            checked += 1
        }
        #expect(checked > 400)
    }
}
