import Testing
@testable import WasmCore

/// A decoded module keeps each function body as its bytes in the file and decodes it on demand;
/// the validator holds one body's instructions at a time (Docs/architecture.md, "The module model").
struct CompactModuleTests {
    /// `count` small functions `(i32) -> i32` (local.get 0, i32.const k, i32.add) and, last, one
    /// of `largeSize` additions, encoded and decoded.
    static func binary(functions count: Int, largeSize: Int) throws -> (bytes: [UInt8], module: Module) {
        var b = ValidationModuleBuilder()
        for k in 0..<count {
            b.function([.i32], [.i32], [.with(.localGet, 0), .c32(Int32(k)), .plain(.i32Add)])
        }
        var large: [Instruction] = [.with(.localGet, 0)]
        for k in 0..<largeSize { large += [.c32(Int32(k)), .plain(.i32Add)] }
        b.function([.i32], [.i32], large)
        let bytes = BinaryEncoder.encode(b.module)
        return (bytes, try BinaryDecoder.decode(bytes))
    }

    @Test func decodedBodiesAreSlicesOfTheFileNotInstructions() throws {
        let (bytes, module) = try Self.binary(functions: 50, largeSize: 10)
        #expect(module.functions.count == 51)
        for function in module.functions {
            #expect(!function.isBodyDecoded)
            guard case .encoded(let code) = function.code else { continue }
            // The slice starts after the local declarations and ends with the body.
            #expect(code.bytes.endIndex == Int(function.bodyOffset + function.bodySize))
            #expect(code.bytes.last == 0x0B)
            // It shares the file's storage: nothing was copied.
            let sliceBase = code.bytes.withUnsafeBufferPointer { $0.baseAddress }
            let fileBase = bytes.withUnsafeBufferPointer { $0.baseAddress }
            #expect(sliceBase == fileBase.map { $0 + code.bytes.startIndex })
        }
        // Decoding on demand gives the instructions and their file offsets.
        let first = module.functions[0].body
        #expect(first.instructions == [.with(.localGet, 0), .c32(0), .plain(.i32Add), .plain(.end)])
        #expect(first.offsets.count == 4)
        #expect(first.offsets.allSatisfy { Int($0) >= Int(module.functions[0].bodyOffset) })
        #expect(first.offsets.map { bytes[Int($0)] } == [0x20, 0x41, 0x6A, 0x0B])
    }

    @Test func validationLeavesBodiesEncodedAndHoldsOneBodyAtATime() throws {
        let largeSize = 2_000
        let (_, module) = try Self.binary(functions: 3_000, largeSize: largeSize)
        var validator = try ModuleValidator(module)
        for index in module.functions.indices { _ = try validator.validateFunction(definedIndex: index) }
        #expect(validator.module.functions.allSatisfy { !$0.isBodyDecoded })
        // Encoded bodies are typed straight from their bytes: no instruction or offset buffer
        // at all.
        #expect(validator.functionValidator.offsets.capacity == 0)
    }

    @Test func aModelFunctionTakesAFewWordsPerBody() {
        // Per function the model keeps the type index, the local declarations, the position and
        // a slice of the file (no per-instruction storage): 100,000 functions cost under 8 MB.
        #expect(MemoryLayout<Function>.stride <= 80)
    }

    @Test func anEncodedBodyEqualsItsDecodedInstructions() throws {
        let (_, module) = try Self.binary(functions: 2, largeSize: 3)
        let encoded = module.functions[1]
        var decoded = encoded
        decoded.body = encoded.body
        #expect(decoded.isBodyDecoded && !encoded.isBodyDecoded)
        #expect(decoded == encoded)
        #expect(decoded.hashValue == encoded.hashValue)
        var changed = decoded
        changed.body.instructions[1] = .c32(99)
        #expect(changed != encoded)
    }

    @Test func aBodyReplacedInADecodedModuleIsValidatedAsReplaced() throws {
        var (_, module) = try Self.binary(functions: 2, largeSize: 1)
        try Validator.validate(module)
        module.functions[0].body.instructions[1] = .cf32(1)
        #expect(module.functions[0].isBodyDecoded && !module.functions[1].isBodyDecoded)
        #expect(throws: ValidationError.self) { try Validator.validate(module) }
    }
}
