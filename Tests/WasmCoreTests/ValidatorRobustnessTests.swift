import Testing
@testable import WasmCore

/// Random bodies built from the instruction table, with random (often out-of-range) immediates:
/// the validator must answer every one with a verdict, never crash, and point inside the body.
@Suite struct ValidatorRobustnessTests {
    /// A small deterministic generator (SplitMix64) so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomImmediate(for opcode: Opcode, _ g: inout Generator) -> Immediate {
        func small() -> UInt32 { UInt32.random(in: 0...3, using: &g) }
        let types: [ValueType] = [.i32, .i64, .f32, .f64, .v128, .funcref, .externref]
        switch opcode.info.immediate {
        case .none: return .none
        case .block:
            switch Int.random(in: 0...2, using: &g) {
            case 0: return .block(.empty)
            case 1: return .block(.value(types.randomElement(using: &g)!))
            default: return .block(.typeIndex(small()))
            }
        case .label, .function, .local, .global, .table, .memory, .data, .elem, .memoryFill:
            return .index(small())
        case .brTable:
            return .brTable(targets: (0..<Int.random(in: 0...3, using: &g)).map { _ in small() }, defaultTarget: small())
        case .callIndirect, .memoryInit, .memoryCopy, .tableInit, .tableCopy:
            return .indexPair(small(), small())
        case .memarg: return .memarg(MemArg(align: small(), offset: 0))
        case .memlane: return .memlane(MemArg(align: small(), offset: 0), lane: UInt8.random(in: 0...17, using: &g))
        case .lane: return .lane(UInt8.random(in: 0...17, using: &g))
        case .i32: return .i32(0)
        case .i64: return .i64(0)
        case .f32: return .f32(0)
        case .f64: return .f64(0)
        case .v128: return .v128(V128(low: 0, high: 0))
        case .shuffle: return .v128(V128(low: g.next() & 0x1F1F_1F1F_1F1F_1F1F, high: g.next() & 0x3F3F_3F3F_3F3F_3F3F))
        case .select: return .select((0..<Int.random(in: 0...2, using: &g)).map { _ in types.randomElement(using: &g)! })
        case .refType: return .refType(Bool.random(using: &g) ? .funcref : .externref)
        case .tag, .typeIndex: return .index(small())
        case .field, .typePair, .typeData, .typeElem, .typeFixed: return .indexPair(small(), small())
        case .heapType: return .refType(RefType(nullable: Bool.random(using: &g), .abstract(.any)))
        case .brOnCast:
            return .brOnCast(label: small(), from: RefType(nullable: true, .abstract(.any)), to: RefType(nullable: Bool.random(using: &g), .abstract(.eq)))
        case .tryTable: return .tryTable(.empty, [CatchClause(.catchAll, label: small())])
        }
    }

    @Test func randomBodiesNeverCrash() {
        var g = Generator(state: 2026)
        var builder = ValidationModuleBuilder()
        builder.memory()
        builder.table()
        builder.table(.externref)
        builder.global(.i32, mutable: true, [.c32(0)])
        builder.global(.f64, [.cf64(0)])
        _ = builder.typeIndex([.i32], [.i32])
        _ = builder.typeIndex([.i32, .i64], [.f32])
        builder.module.data.append(DataSegment(mode: .passive, bytes: []))
        builder.module.elements.append(ElementSegment(mode: .declarative, type: .funcref, items: .functions([0])))
        builder.function([], [], locals: [.i32, .i64, .f32], [])
        let template = builder.module

        var verdicts = (valid: 0, invalid: 0)
        for _ in 0..<3000 {
            var code: [Instruction] = []
            for _ in 0..<Int.random(in: 0...12, using: &g) {
                let opcode = Opcode.allCases.randomElement(using: &g)!
                code.append(Instruction(opcode, Self.randomImmediate(for: opcode, &g)))
            }
            if Bool.random(using: &g) { code.append(.end) }
            var module = template
            module.functions[0].body = Expression(code)
            do {
                try Validator.validate(module, features: .wasm20)
                verdicts.valid += 1
            } catch {
                verdicts.invalid += 1
                #expect(error.functionIndex == 0)
                #expect((error.instructionIndex ?? -1) >= 0 && (error.instructionIndex ?? .max) <= code.count,
                        "\(error) for \(code.map(\.opcode.mnemonic))")
                #expect(!error.message.isEmpty)
            }
        }
        // Mostly invalid, as random code is; but the run must have produced both verdicts.
        #expect(verdicts.invalid > 0)
        #expect(verdicts.valid > 0)
    }

    @Test func deeplyNestedBlocksNeedNoRecursion() {
        let depth = 100_000
        let code = [Instruction](repeating: .block(), count: depth) + [Instruction](repeating: .end, count: depth)
        expectModuleValid(singleFunctionModule([], [], code))
        expectModuleInvalid(singleFunctionModule([], [], code + [.with(.br, UInt32(depth + 1))]), "unknown label")
    }
}
