import Testing
@testable import WasmCore

/// `BinaryDecoder.decodeValidated` (each body decoded once, as it is validated) gives the
/// answer of `decode` followed by `Validator.validate`: the same module, or the same error of
/// the same kind, a decode error winning over a validation error wherever they are.
struct DecodeValidatedTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case valid(Module)
        case malformed(DecodeError)
        case invalid(ValidationError)

        var description: String {
            switch self {
            case .valid: "valid"
            case .malformed(let error): "malformed: \(error)"
            case .invalid(let error): "invalid: \(error)"
            }
        }
    }

    static func twoPasses(_ bytes: [UInt8], features: Features = .default) -> Outcome {
        let module: Module
        do { module = try BinaryDecoder.decode(bytes, features: features) } catch { return .malformed(error) }
        do { try Validator.validate(module, features: features) } catch { return .invalid(error) }
        return .valid(module)
    }

    /// `runs`: how many runs of consecutive bodies to check on the cores (nil: as a load does).
    static func onePass(_ bytes: [UInt8], features: Features = .default, runs: Int? = nil) -> Outcome {
        do {
            return .valid(try BinaryDecoder.decodeValidated(bytes, features: features, chunks: runs))
        } catch {
            switch error {
            case .malformed(let malformed): return .malformed(malformed)
            case .invalid(let invalid): return .invalid(invalid)
            }
        }
    }

    /// Two functions: the first's body is `first`, the second's `second` (both end with `end`).
    static func twoFunctions(_ first: [Instruction], _ second: [Instruction], data: Bool = false) -> [UInt8] {
        var b = ValidationModuleBuilder()
        b.memory()
        b.function([], [], first)
        b.function([], [], second)
        if data { b.module.data.append(DataSegment(mode: .passive, bytes: [1, 2, 3])) }
        return BinaryEncoder.encode(b.module)
    }

    @Test func aValidModuleIsTheDecodedModuleWithEncodedBodies() throws {
        let bytes = Self.twoFunctions([.c32(1), .plain(.drop)], [.plain(.nop)])
        let outcome = Self.onePass(bytes)
        #expect(outcome == Self.twoPasses(bytes))
        guard case .valid(let module) = outcome else { Issue.record("not valid: \(outcome)"); return }
        #expect(module.functions.allSatisfy { !$0.isBodyDecoded })
        #expect(module.functions[0].body.instructions == [.c32(1), .plain(.drop), .plain(.end)])
    }

    @Test func anInvalidBodyReportsTheSameErrorAndPosition() {
        let bytes = Self.twoFunctions([.plain(.nop)], [.c32(1), .plain(.i32Add), .plain(.drop)])
        let outcome = Self.onePass(bytes)
        #expect(outcome == Self.twoPasses(bytes))
        guard case .invalid(let error) = outcome else { Issue.record("not invalid: \(outcome)"); return }
        #expect(error.message.hasPrefix("type mismatch"))
        #expect(error.functionIndex == 1)
        #expect(error.instructionIndex == 1)
        #expect(error.position != nil)
    }

    @Test func aMalformedLaterBodyWinsOverAnEarlierInvalidOne() throws {
        var bytes = Self.twoFunctions([.plain(.i32Add)], [.plain(.nop)])
        // Make the second body's `nop` an opcode that does not exist.
        let module = try BinaryDecoder.decode(bytes)
        let nop = Int(module.functions[1].body.offsets[0])
        #expect(bytes[nop] == 0x01)
        bytes[nop] = 0xFF
        let outcome = Self.onePass(bytes)
        #expect(outcome == Self.twoPasses(bytes))
        guard case .malformed(let error) = outcome else { Issue.record("not malformed: \(outcome)"); return }
        #expect(error.message.hasPrefix("illegal opcode ff"))
        #expect(error.offset == nop)
    }

    @Test func malformedBytesLaterInTheSameInvalidBodyWin() throws {
        var bytes = Self.twoFunctions([.plain(.i32Add), .plain(.nop)], [.plain(.nop)])
        let module = try BinaryDecoder.decode(bytes)
        let nop = Int(module.functions[0].body.offsets[1])
        bytes[nop] = 0xFF
        #expect(Self.onePass(bytes) == Self.twoPasses(bytes))
        guard case .malformed = Self.onePass(bytes) else { Issue.record("not malformed"); return }
    }

    @Test func aMissingDataCountSectionWinsOverAnInvalidBody() {
        // The first body is invalid; the second uses data.drop, which needs the data count
        // section the encoder leaves out here: "malformed" in the binary format.
        let bytes = Self.twoFunctions([.plain(.i32Add)], [.with(.dataDrop, 0)], data: true)
        let outcome = Self.onePass(bytes)
        #expect(outcome == Self.twoPasses(bytes))
        guard case .malformed(let error) = outcome else { Issue.record("not malformed: \(outcome)"); return }
        #expect(error.message.hasPrefix("data count section required"))
    }

    @Test func aMalformedSectionAfterTheCodeIsReportedAfterAMalformedBody() throws {
        var bytes = Self.twoFunctions([.plain(.nop)], [.plain(.nop)], data: true)
        let module = try BinaryDecoder.decode(bytes)
        bytes[Int(module.functions[0].body.offsets[0])] = 0xFF
        // The data section (after the code) loses its last byte: cut the file short.
        bytes.removeLast()
        let outcome = Self.onePass(bytes)
        #expect(outcome == Self.twoPasses(bytes))
        guard case .malformed(let error) = outcome else { Issue.record("not malformed: \(outcome)"); return }
        #expect(error.message.hasPrefix("illegal opcode ff"))
    }

    /// Every fixture, and each with bytes changed at random (a fixed seed): both ways agree on
    /// every one, and the changes give all three outcomes.
    @Test func agreesWithDecodeThenValidateOnChangedModules() {
        let fixtures = Fixtures.wasmFiles()
        #expect(fixtures.count >= 5)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var seen: Set<String> = []
        for (name, original) in fixtures {
            #expect(Self.onePass(original) == Self.twoPasses(original), "\(name)")
            guard original.count > 8 else { continue }
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + Int(next() % 3)) {
                    let at = 8 + Int(next() % UInt64(bytes.count - 8))
                    bytes[at] = UInt8(truncatingIfNeeded: next())
                }
                let one = Self.onePass(bytes), two = Self.twoPasses(bytes)
                #expect(one == two, "\(name): one pass \(one), two passes \(two)")
                let inRuns = Self.onePass(bytes, runs: 3)
                #expect(inRuns == two, "\(name): in 3 runs \(inRuns), two passes \(two)")
                switch one {
                case .valid: seen.insert("valid")
                case .malformed: seen.insert("malformed")
                case .invalid: seen.insert("invalid")
                }
            }
        }
        #expect(seen == ["valid", "malformed", "invalid"])
    }

    /// The spec testsuite's binary modules (2.0 and 3.0): the same outcome both ways.
    @Test func agreesWithDecodeThenValidateOnTheSpecBinaryModules() throws {
        let core = try #require(WastBinaryModules.all(), "spec testsuite not found (shared/testsuite)")
        let wasm30 = try #require(WastBinaryModules.wasm30(), "spec testsuite not found (shared/testsuite)")
        for (modules, features) in [(core, Features.wasm20), (wasm30, Features.default)] {
            #expect(modules.count > 100)
            for item in modules {
                let one = Self.onePass(item.bytes, features: features)
                let two = Self.twoPasses(item.bytes, features: features)
                #expect(one == two, "\(item): one pass \(one), two passes \(two)")
                let inRuns = Self.onePass(item.bytes, features: features, runs: 2)
                #expect(inRuns == two, "\(item): in 2 runs \(inRuns), two passes \(two)")
            }
        }
    }

    /// Bodies checked on several cores: the first error in file order, whichever run finds it
    /// first; a decode error in a later run still wins over a validation error in an earlier one.
    @Test func runsOnSeveralCoresGiveTheFirstErrorInFileOrder() throws {
        var b = ValidationModuleBuilder()
        for k in 0..<40 { b.function([], [], [.c32(Int32(k)), .plain(.drop)]) }
        b.module.functions[7].body = Expression([.plain(.i32Add), .plain(.end)])
        b.module.functions[30].body = Expression([.c64(1), .plain(.end)])
        let invalid = BinaryEncoder.encode(b.module)
        let expected = Self.twoPasses(invalid)
        guard case .invalid(let error) = expected else { Issue.record("not invalid: \(expected)"); return }
        #expect(error.functionIndex == 7)
        for runs in [1, 2, 5, 40] { #expect(Self.onePass(invalid, runs: runs) == expected, "\(runs) runs") }

        // Function 35's first instruction becomes an opcode that does not exist.
        var malformed = invalid
        let module = try BinaryDecoder.decode(invalid)
        malformed[Int(module.functions[35].body.offsets[0])] = 0xFF
        let expectedMalformed = Self.twoPasses(malformed)
        guard case .malformed = expectedMalformed else { Issue.record("not malformed: \(expectedMalformed)"); return }
        for runs in [1, 2, 5, 40] { #expect(Self.onePass(malformed, runs: runs) == expectedMalformed, "\(runs) runs") }
    }

    @Test func runsSplitTheCodeIntoConsecutiveRangesOfAboutEqualSize() {
        let functions = (0..<10).map { k in
            Function(typeIndex: 0, body: Expression([]), bodyOffset: 0, bodySize: UInt32(k == 0 ? 100 : 10))
        }
        let runs = BodyRuns.split(functions, into: 3)
        #expect(runs.first?.lowerBound == 0 && runs.last?.upperBound == 10)
        #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(runs.count <= 3 && runs.allSatisfy { !$0.isEmpty })
        #expect(runs[0] == 0..<1)  // the large body alone
        #expect(BodyRuns.split(functions, into: 1) == [0..<10])
        #expect(BodyRuns.split([], into: 4) == [0..<0])
        #expect(BodyRuns.automaticCount(functions) == 1)
    }
}
