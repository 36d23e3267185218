import Testing
@testable import WasmCore

/// WebAssembly 3.0 in the decoder, encoder and validator: the binary modules of the 3.0 spec
/// scripts, and hand-built modules for each proposal's rules.
@Suite struct Wasm30SpecBinaryTests {
    @Test func malformedModulesAreRejected() throws {
        let modules = try #require(WastBinaryModules.wasm30(), "the 3.0 spec scripts are needed")
        let malformed = modules.filter { $0.kind == .assertMalformed }
        for item in malformed {
            #expect(throws: DecodeError.self, "\(item)") { try BinaryDecoder.decode(item.bytes) }
        }
        #expect(malformed.count > 100)
    }

    @Test func invalidModulesAreRejected() throws {
        let modules = try #require(WastBinaryModules.wasm30(), "the 3.0 spec scripts are needed")
        let invalid = modules.filter { $0.kind == .assertInvalid }
        for item in invalid {
            guard let module = try? BinaryDecoder.decode(item.bytes) else { continue }  // malformed is also a rejection
            #expect(throws: ValidationError.self, "\(item)") { try Validator.validate(module) }
        }
        #expect(invalid.count > 10)
    }

    @Test func modulesDecodeValidateAndReencode() throws {
        let modules = try #require(WastBinaryModules.wasm30(), "the 3.0 spec scripts are needed")
        let valid = modules.filter { $0.kind == .module || $0.kind == .assertUnlinkable || $0.kind == .assertTrap }
        var identical = 0
        for item in valid {
            let (module, sawNonCanonical) = try BinaryDecoder.decodeWithDetails(item.bytes)
            if item.kind == .module { try Validator.validate(module) }
            let encoded = BinaryEncoder.encode(module)
            if encoded == item.bytes {
                identical += 1
            } else {
                #expect(sawNonCanonical, "\(item): re-encoding differs from canonical input")
                #expect(positionFree(try BinaryDecoder.decode(encoded)) == positionFree(module), "\(item)")
            }
        }
        #expect(valid.count > 50 && identical > 0)
    }
}

@Suite struct Wasm30FeatureTests {
    @Test func namesParse() {
        #expect(Features(named: "2.0") == .wasm20)
        #expect(Features(named: "3.0") == .wasm30)
        #expect(Features(named: "tail-call,gc") == [.tailCall, .gc])
        #expect(Features(named: "no-such-proposal") == nil)
        #expect(Features.default == .wasm30)
        #expect(Features.wasm30.description == "3.0")
    }

    @Test func everyNewOpcodeNamesItsProposal() {
        for op in Opcode.allCases {
            let needed = Features.required(by: op)
            #expect(needed.isEmpty == (op.rawValue < firstWasm30Opcode), "\(op.mnemonic)")
        }
        #expect(firstWasm30Opcode == Opcode.returnCall.rawValue)
        #expect(Features.required(by: .returnCall) == .tailCall)
        #expect(Features.required(by: .structNew) == .gc)
        #expect(Features.required(by: .f32x4RelaxedMadd) == .relaxedSIMD)
    }

    @Test func usageIsDetected() {
        var module = Module()
        #expect(module.featuresUsed.isEmpty)
        module.memories = [MemoryType(limits: Limits(min: 1)), MemoryType(limits: Limits(min: 1, addressType: .i64))]
        #expect(module.featuresUsed == [.multiMemory, .memory64])
        var gc = Module()
        gc.typeDefinitions = [SubType(.structure([FieldType(.i8, mutable: true)]))]
        #expect(gc.featuresUsed.contains(.gc))
    }

    /// The 3.0 immediates did not make instructions bigger than in 2.0, where a SIMD lane
    /// access (memarg + lane) was the largest payload (bodies are arrays of instructions).
    @Test func instructionsStaySmall() {
        #expect(MemoryLayout<Instruction>.stride <= 32)
        #expect(MemoryLayout<Immediate>.size <= MemoryLayout<MemArg>.size + 2)
    }

    /// Wasm 2.0 mode keeps the 2.0 spec's expectations where 3.0 changed them.
    @Test func wasm20ModeRefusesWhat30Allows() throws {
        let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        let twoMemories = header + [0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01]
        let module = try BinaryDecoder.decode(twoMemories)
        try Validator.validate(module)
        #expect(throws: ValidationError.self) { try Validator.validate(module, features: .wasm20) }
        // memory.size with memory index 1: a u32 index in 3.0, a zero byte in 2.0.
        let body: [UInt8] = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                             0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01,
                             0x0A, 0x07, 0x01, 0x05, 0x00, 0x3F, 0x01, 0x1A, 0x0B]
        let sized = try BinaryDecoder.decode(header + body)
        try Validator.validate(sized)
        #expect(sized.functions[0].body.instructions[0] == Instruction(.memorySize, .index(1)))
        #expect(throws: DecodeError.self) { try BinaryDecoder.decode(header + body, features: .wasm20) }
        #expect(BinaryEncoder.encode(sized) == header + body)
    }
}

@Suite struct Wasm30ValidationTests {
    static let anyref = ValueType.ref(RefType(nullable: true, .abstract(.any)))

    /// A module with these type definitions (one recursion group each unless `groups`) and
    /// one function of type `functionType` running `code`.
    func module(_ types: [SubType], groups: [RecursionGroup] = [], functionType: UInt32, locals: [ValueType] = [],
                _ code: [Instruction]) -> Module {
        var m = Module()
        m.typeDefinitions = types
        m.recursionGroups = groups
        m.functions = [Function(typeIndex: functionType, locals: locals.map { LocalDeclaration(count: 1, type: $0) },
                                body: Expression(code + [Instruction(.end)]))]
        return m
    }

    @Test func tailCallResultsMustMatch() {
        let types = [SubType(.function(FuncType(results: [.i32]))), SubType(.function(FuncType(results: [.i64])))]
        var good = module(types, functionType: 0, [.with(.returnCall, 0)])
        good.functions.append(Function(typeIndex: 0, body: Expression([.c32(1), .end])))
        expectModuleValid(good, features: .wasm30)
        var bad = module(types, functionType: 0, [.with(.returnCall, 1)])
        bad.functions.append(Function(typeIndex: 1, body: Expression([.c64(1), .end])))
        expectModuleInvalid(bad, "type mismatch: tail call", features: .wasm30)
        // Not Wasm 2.0.
        expectModuleInvalid(good, "unknown operator return_call", features: .wasm20)
    }

    @Test func isoRecursiveEquivalenceAndSubtyping() {
        // Two identical singleton groups define the same type; a declared subtype matches
        // its supertype, not the other way round.
        let s0 = SubType(final: false, .structure([FieldType(.value(.i32), mutable: false)]))
        let s1 = s0
        let sub = SubType(final: true, supertypes: [0], .structure([FieldType(.value(.i32), mutable: false),
                                                                     FieldType(.value(.i64), mutable: false)]))
        let ref = { (i: UInt32) in ValueType.ref(RefType(nullable: true, .concrete(i))) }
        let f = SubType(.function(FuncType(params: [ref(2)], results: [ref(1)])))
        let ok = module([s0, s1, sub, f], functionType: 3, [.with(.localGet, 0)])
        expectModuleValid(ok, features: .wasm30)
        let g = SubType(.function(FuncType(params: [ref(0)], results: [ref(2)])))
        let bad = module([s0, s1, sub, g], functionType: 3, [.with(.localGet, 0)])
        expectModuleInvalid(bad, "type mismatch", features: .wasm30)
        // A subtype of a final type is rejected.
        let finalParent = SubType(final: true, .structure([]))
        let child = SubType(final: true, supertypes: [0], .structure([]))
        expectModuleInvalid(module([finalParent, child, SubType(.function(FuncType()))], functionType: 2, []),
                            "sub type", features: .wasm30)
    }

    @Test func recursiveGroupsMayReferToLaterMembers() {
        let ref = { (i: UInt32) in ValueType.ref(RefType(nullable: true, .concrete(i))) }
        let a = SubType(.structure([FieldType(.value(ref(1)), mutable: true)]))
        let b = SubType(.structure([FieldType(.value(ref(0)), mutable: true)]))
        let f = SubType(.function(FuncType()))
        expectModuleValid(module([a, b, f], groups: [RecursionGroup(count: 2, explicit: true), RecursionGroup(count: 1, explicit: false)],
                                 functionType: 2, []), features: .wasm30)
        // Without the group, type 0 refers forward out of its own group.
        expectModuleInvalid(module([a, b, f], functionType: 2, []), "unknown type 1", features: .wasm30)
    }

    @Test func nonNullableLocalsMustBeSetBeforeUse() {
        let types = [SubType(.function(FuncType()))]
        let local = ValueType.ref(RefType(nullable: false, .abstract(.i31)))
        let setThenGet: [Instruction] = [.c32(1), .plain(.refI31), .with(.localSet, 0), .with(.localGet, 0), .plain(.drop)]
        expectModuleValid(module(types, functionType: 0, locals: [local], setThenGet), features: .wasm30)
        expectModuleInvalid(module(types, functionType: 0, locals: [local], [.with(.localGet, 0), .plain(.drop)]),
                            "uninitialized local", features: .wasm30)
        // Set inside a block: unset again after its end.
        let scoped: [Instruction] = [.block(), .c32(1), .plain(.refI31), .with(.localSet, 0), .end,
                                     .with(.localGet, 0), .plain(.drop)]
        expectModuleInvalid(module(types, functionType: 0, locals: [local], scoped), "uninitialized local", features: .wasm30)
    }

    @Test func gcInstructionsAreTyped() {
        let point = SubType(.structure([FieldType(.value(.i32), mutable: true), FieldType(.i8, mutable: false)]))
        let bytes = SubType(.array(FieldType(.i8, mutable: true)))
        let f = SubType(.function(FuncType(results: [.i32])))
        let ok: [Instruction] = [.c32(1), .c32(2), .with(.structNew, 0),
                                 Instruction(.structGetS, .indexPair(0, 1))]
        expectModuleValid(module([point, bytes, f], functionType: 2, ok), features: .wasm30)
        // struct.get of a packed field needs _s/_u; struct.set of an immutable field is invalid.
        let unsigned: [Instruction] = [.c32(1), .c32(2), .with(.structNew, 0), Instruction(.structGet, .indexPair(0, 1))]
        expectModuleInvalid(module([point, bytes, f], functionType: 2, unsigned), "type mismatch", features: .wasm30)
        let immutable: [Instruction] = [.c32(1), .c32(2), .with(.structNew, 0), .c32(3),
                                        Instruction(.structSet, .indexPair(0, 1)), .c32(0)]
        expectModuleInvalid(module([point, bytes, f], functionType: 2, immutable), "immutable field", features: .wasm30)
        let array: [Instruction] = [.c32(7), .c32(4), .with(.arrayNew, 1), .plain(.arrayLen)]
        expectModuleValid(module([point, bytes, f], functionType: 2, array), features: .wasm30)
        // ref.cast to a type outside the operand's hierarchy.
        let cast: [Instruction] = [Instruction(.refNull, .refType(RefType(nullable: true, .abstract(.extern)))),
                                   Instruction(.refCast, .refType(RefType(nullable: false, .concrete(0)))),
                                   .plain(.drop), .c32(0)]
        expectModuleInvalid(module([point, bytes, f], functionType: 2, cast), "type mismatch", features: .wasm30)
    }

    @Test func exceptionHandlingTagsAndTryTable() throws {
        var m = module([SubType(.function(FuncType(params: [.i32]))), SubType(.function(FuncType(results: [.i32])))],
                       functionType: 1,
                       [.block(.value(.i32)),
                        Instruction(.tryTable, .tryTable(.empty, [CatchClause(.catch, tag: 0, label: 0)])),
                        .c32(5), .with(.throw, 0), .end, .c32(0), .end])
        m.tags = [TagType(typeIndex: 0)]
        expectModuleValid(m, features: .wasm30)
        // A tag whose type has results is invalid.
        var bad = m
        bad.tags = [TagType(typeIndex: 1)]
        expectModuleInvalid(bad, "non-empty tag result type", features: .wasm30)
        let bytes = BinaryEncoder.encode(m)
        let decoded = try BinaryDecoder.decode(bytes)
        #expect(decoded.tags == m.tags)
        #expect(BinaryEncoder.encode(decoded) == bytes)
    }

    @Test func memory64AndExtendedConstants() {
        var m = module([SubType(.function(FuncType(results: [.i32])))], functionType: 0,
                       [.c64(8), Instruction(.i32Load, .memarg(MemArg(align: 2, offset: 1 << 40)))])
        m.memories = [MemoryType(limits: Limits(min: 1, addressType: .i64))]
        m.data = [DataSegment(mode: .active(memory: 0, offset: validationConstant([.c64(1), .c64(2), .plain(.i64Add)])),
                              bytes: [1])]
        expectModuleValid(m, features: .wasm30)
        // An i32 address for a 64-bit memory, and a 2^40 offset on a 32-bit memory.
        var narrow = m
        narrow.functions[0].body.instructions[0] = .c32(8)
        expectModuleInvalid(narrow, "type mismatch", features: .wasm30)
        var small = m
        small.memories = [MemoryType(limits: Limits(min: 1))]
        small.data = []
        small.functions[0].body.instructions[0] = .c32(8)
        expectModuleInvalid(small, "offset out of range", features: .wasm30)
        // Extended constant expressions are not 2.0.
        var constant = Module()
        constant.globals = [Global(type: GlobalType(valueType: .i32, isMutable: false),
                                   initializer: validationConstant([.c32(1), .c32(2), .plain(.i32Mul)]))]
        expectModuleValid(constant, features: .wasm30)
        expectModuleInvalid(constant, "constant expression required", features: .wasm20)
    }

    @Test func relaxedSIMDIsTypedFromTheTable() {
        let m = module([SubType(.function(FuncType(results: [.v128])))], functionType: 0,
                       [.cv128, .cv128, .cv128, .plain(.f32x4RelaxedMadd)])
        expectModuleValid(m, features: .wasm30)
        let short = module([SubType(.function(FuncType(results: [.v128])))], functionType: 0,
                           [.cv128, .cv128, .plain(.f32x4RelaxedMadd)])
        expectModuleInvalid(short, "type mismatch", features: .wasm30)
    }

    @Test func subtypesFlowIntoSupertypeSlots() {
        // (ref i31) where anyref is expected; anyref where (ref i31) is expected is not.
        let f = SubType(.function(FuncType(results: [Self.anyref])))
        expectModuleValid(module([f], functionType: 0, [.c32(1), .plain(.refI31)]), features: .wasm30)
        let g = SubType(.function(FuncType(params: [Self.anyref], results: [.ref(RefType(nullable: false, .abstract(.i31)))])))
        expectModuleInvalid(module([g], functionType: 0, [.with(.localGet, 0)]), "type mismatch", features: .wasm30)
    }
}
