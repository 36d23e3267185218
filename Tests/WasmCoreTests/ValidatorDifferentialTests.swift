import Foundation
import Testing
@testable import WasmCore

/// Differential test against wabt: generated function bodies (mostly well typed, some with one
/// random mutation) are encoded and given to `wasm-validate`; both validators must reach the
/// same verdict. Runs when wabt is installed.
@Suite struct ValidatorDifferentialTests {
    typealias Generator = ValidatorRobustnessTests.Generator

    /// wasm-validate flags that turn off what wabt 1.0.42 enables beyond Wasm 2.0 by default.
    static let wasm2Only = ["--disable-exceptions", "--disable-tail-call", "--disable-memory64",
                            "--disable-multi-memory", "--disable-extended-const", "--disable-relaxed-simd"]

    /// Instructions the generator may pick by their table signature: numeric, SIMD, memory and
    /// the table-typed bulk ones, with an immediate valid for the module below.
    /// Wasm 2.0 opcodes only: wasm-validate runs with the 2.0 feature set.
    static let candidates: [(Opcode, Immediate)] = Opcode.allCases.filter { $0.rawValue < firstWasm30Opcode }.compactMap { opcode in
        let info = opcode.info
        guard info.signature != nil else { return nil }
        let maxAlign = UInt32(info.naturalAlignment.trailingZeroBitCount)
        switch info.immediate {
        case .none: return (opcode, .none)
        case .i32: return (opcode, .i32(7))
        case .i64: return (opcode, .i64(-3))
        case .f32: return (opcode, .f32(0x3FC0_0000))
        case .f64: return (opcode, .f64(0x4000_0000_0000_0000))
        case .v128, .shuffle: return (opcode, .v128(V128(low: 0x0706_0504_0302_0100, high: 0x1F1E_1D1C_1B1A_1918)))
        case .lane: return (opcode, .lane(info.laneCount - 1))
        case .memarg: return (opcode, .memarg(MemArg(align: maxAlign, offset: 16)))
        case .memlane: return (opcode, .memlane(MemArg(align: 0, offset: 0), lane: 0))
        case .memory, .memoryFill, .table, .data, .elem: return (opcode, .index(0))
        case .memoryInit, .memoryCopy, .tableInit, .tableCopy: return (opcode, .indexPair(0, 0))
        default: return nil
        }
    }

    static func template() -> Module {
        var b = ValidationModuleBuilder()
        b.memory()
        b.table(.funcref)
        b.table(.externref)
        b.global(.i32, mutable: true, [.c32(0)])
        b.global(.f64, [.cf64(1)])
        _ = b.typeIndex([.i32], [.i32, .i64])
        b.module.data.append(DataSegment(mode: .passive, bytes: [1, 2, 3]))
        b.module.dataCount = 1
        b.module.elements.append(ElementSegment(mode: .declarative, type: .funcref, items: .functions([0])))
        b.function([.i32, .i64], [.i32], locals: [.f32, .v128, .externref], [])
        return b.module
    }

    /// A well-typed body: picks instructions whose params are on top of the simulated stack,
    /// opens and closes blocks, branches, calls, uses locals and globals, and ends with the
    /// function's result. All blocks have the empty type, so every label carries nothing.
    static func wellTypedBody(_ g: inout Generator) -> [Instruction] {
        let localTypes: [ValueType] = [.i32, .i64, .f32, .v128, .externref]
        var code: [Instruction] = []
        var stack: [ValueType] = []
        var blocks: [(floor: Int, isIf: Bool)] = []
        func closeBlock() {
            let block = blocks.removeLast()
            while stack.count > block.floor { stack.removeLast(); code.append(.plain(.drop)) }
            if block.isIf && Bool.random(using: &g) { code.append(.else) }
            code.append(.end)
        }
        for _ in 0..<Int.random(in: 1...40, using: &g) {
            // Values below the innermost block's floor are out of reach.
            let reachable = stack.count - (blocks.last?.floor ?? 0)
            let i32OnTop = reachable > 0 && stack.last == .i32
            switch Int.random(in: 0..<16, using: &g) {
            case 0:
                let local = UInt32.random(in: 0..<UInt32(localTypes.count), using: &g)
                code.append(.with(.localGet, local))
                stack.append(localTypes[Int(local)])
            case 1 where reachable > 0:
                if let local = localTypes.firstIndex(of: stack.last!) {
                    code.append(.with(Bool.random(using: &g) ? .localSet : .localTee, UInt32(local)))
                    if code.last!.opcode == .localSet { stack.removeLast() }
                }
            case 2:
                blocks.append((stack.count, false))
                code.append(Bool.random(using: &g) ? .block() : .loop())
            case 3 where !blocks.isEmpty:
                closeBlock()
            case 4 where i32OnTop:
                stack.removeLast()
                code.append(.with(.globalSet, 0))
            case 5 where i32OnTop:
                stack.removeLast()
                blocks.append((stack.count, true))
                code.append(.if())
            case 6 where !blocks.isEmpty:
                // A branch out (or `unreachable`, or `return` with the result), then the rest
                // of the block is unreachable: close it right away.
                switch Int.random(in: 0..<3, using: &g) {
                case 0: code.append(.with(.br, UInt32.random(in: 0..<UInt32(blocks.count), using: &g)))
                case 1: code.append(.plain(.unreachable))
                default: code.append(.c32(9)); code.append(.plain(.return))
                }
                closeBlock()
            case 7 where i32OnTop && !blocks.isEmpty:
                stack.removeLast()
                let depth = UInt32.random(in: 0..<UInt32(blocks.count), using: &g)
                if Bool.random(using: &g) {
                    code.append(.with(.brIf, depth))
                } else {
                    let targets = (0..<Int.random(in: 0...3, using: &g)).map { _ in
                        UInt32.random(in: 0..<UInt32(blocks.count), using: &g)
                    }
                    code.append(Instruction(.brTable, .brTable(targets: targets, defaultTarget: depth)))
                    closeBlock()
                }
            case 8 where i32OnTop && reachable >= 3 && stack[stack.count - 2] == stack[stack.count - 3]
                          && stack[stack.count - 2] != .externref:
                stack.removeLast(2)
                code.append(Bool.random(using: &g) ? .plain(.select) : Instruction(.selectTyped, .select([stack.last!])))
            case 9 where reachable >= 2 && stack.suffix(2) == [.i32, .i64]:
                stack.removeLast(2)
                stack.append(.i32)
                code.append(.with(.call, 0))
            default:
                let wanted = (0..<8).map { _ in candidates.randomElement(using: &g)! }
                if let (opcode, immediate) = wanted.first(where: {
                    reachable >= $0.0.info.signature!.params.count && stackAccepts(stack, $0.0.info.signature!.params)
                }) {
                    let signature = opcode.info.signature!
                    stack.removeLast(signature.params.count)
                    stack += signature.results
                    code.append(Instruction(opcode, immediate))
                } else {
                    let type = [ValueType.i32, .i64, .f32, .f64, .v128].randomElement(using: &g)!
                    code.append(.constant(of: type))
                    stack.append(type)
                }
            }
        }
        while !blocks.isEmpty { closeBlock() }
        for _ in stack { code.append(.plain(.drop)) }
        code.append(.c32(1))
        code.append(.end)
        return code
    }

    static func stackAccepts(_ stack: [ValueType], _ params: [ValueType]) -> Bool {
        stack.count >= params.count && Array(stack.suffix(params.count)) == params
    }

    /// One random change: delete, insert or swap instructions (never the final `end`).
    static func mutate(_ code: inout [Instruction], _ g: inout Generator) {
        let last = code.count - 1
        guard last > 0 else { return }
        switch Int.random(in: 0..<3, using: &g) {
        case 0: code.remove(at: Int.random(in: 0..<last, using: &g))
        case 1:
            // Any instruction, control flow included, with a random (often out-of-range) immediate.
            let opcode = Opcode.allCases.filter { $0.rawValue < firstWasm30Opcode }.randomElement(using: &g)!
            let immediate = ValidatorRobustnessTests.randomImmediate(for: opcode, &g)
            code.insert(Instruction(opcode, immediate), at: Int.random(in: 0...last, using: &g))
        default:
            let i = Int.random(in: 0..<last, using: &g), j = Int.random(in: 0..<last, using: &g)
            code.swapAt(i, j)
        }
    }

    @Test func verdictsAgreeWithWasmValidate() throws {
        guard let wasmValidate = Tools.path(of: "wasm-validate") else {
            Issue.record("missing prerequisite: wasm-validate not installed (Scripts/setup.sh installs it)")
            return
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-validator-diff-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        var g = Generator(state: 0x5EED)
        let template = Self.template()
        var agreed = (valid: 0, invalid: 0)
        var unmutatedInvalid = 0
        for round in 0..<400 {
            var code = Self.wellTypedBody(&g)
            if round % 2 == 1 { Self.mutate(&code, &g) }
            var module = template
            module.functions[0].body = Expression(code)
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
            if round % 2 == 0 && ours != nil { unmutatedInvalid += 1 }
            if wabtAccepts == (ours == nil) {
                if wabtAccepts { agreed.valid += 1 } else { agreed.invalid += 1 }
            } else {
                Issue.record("round \(round): wabt \(wabtAccepts ? "accepts" : "rejects"), wdb says \(ours ?? "valid"): \(code.map(\.opcode.mnemonic))")
            }
        }
        print("validator vs wasm-validate: \(agreed.valid) valid and \(agreed.invalid) invalid bodies agreed")
        #expect(agreed.valid > 200 && agreed.invalid > 50)
        // The generator's unmutated bodies are well typed (else it tests less than it claims).
        #expect(unmutatedInvalid == 0)
    }
}
