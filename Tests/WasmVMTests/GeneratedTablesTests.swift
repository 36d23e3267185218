import CWasmEngine
import Foundation
import Testing
import WasmCore
@testable import WasmVM

/// The generated instruction tables (Scripts/gen-instructions.py) are up to date with their
/// sources (Scripts/instructions.txt, Scripts/internal-ops.txt, Scripts/engine-forms.txt), and
/// what the tables say agrees with the engine.
@Suite struct GeneratedTablesTests {
    static let generatedFiles = [
        "Sources/WasmCore/Generated/Opcodes.swift",
        "Sources/WasmCore/Generated/OpcodeTable.swift",
        "Sources/CWasmEngine/include/wdb_opcodes.h",
        "Sources/WasmVM/Generated/InternalOps.swift",
        "Sources/CWasmEngine/include/wdb_internal_ops.h",
        "Sources/WasmVM/Generated/OperationRanges.swift",
        "Sources/CWasmEngine/include/wdb_forms.h",
        "Sources/CWasmEngine/chains.h",
    ]

    /// Runs the generator into a temporary directory and compares every output, byte for
    /// byte, with the committed file. Fails when python3 cannot run the script.
    @Test func generatedFilesAreFresh() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let out = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-generated-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("Scripts/gen-instructions.py").path, "--out", out.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gen-instructions.py failed")
        for file in Self.generatedFiles {
            let committed = try Data(contentsOf: root.appendingPathComponent(file))
            let fresh = try Data(contentsOf: out.appendingPathComponent(file))
            #expect(committed == fresh, "\(file) is stale: run python3 Scripts/gen-instructions.py")
        }
    }

    /// The C core runs exactly the operations the table does not mark `slow`; debug patches
    /// and the ones marked slow return to Swift or stop.
    @Test func slowFlagMatchesTheCore() {
        for op in InternalOp.allCases where !op.isDebugPatch {
            #expect(wdb_core_handles(op.rawValue) == !op.isSlowPath, "\(op.name)")
        }
    }

    @Test func flagsAndLengths() {
        let callLike = InternalOp.allCases.filter { $0.isCallLike }
        let tailCalls = InternalOp.allCases.filter { $0.isTailCall }
        #expect(callLike == [.call, .callIndirect, .returnCall, .returnCallIndirect, .callIndirect64, .callCopy1, .callCopy2,
                             .callCopy3, .callIndirectCopy1, .callIndirectCopy2, .callIndirectCopy3,
                             .callConst1, .callCopy1Const1, .callCopy2Const1, .callList, .callIndirectList])
        #expect(tailCalls == [.returnCall, .returnCallIndirect])
        for op in InternalOp.allCases {
            #expect(op.isDebugPatch == CodeWord.isPatch(op.rawValue), "\(op.name)")
        }
        let brTable: [UInt64] = [UInt64(InternalOp.brTable.rawValue), 2 | 1 << 32, 5, 10, 20, 30]
        brTable.withUnsafeBufferPointer { words in
            #expect(InternalOp.brTable.wordCount(at: words.baseAddress!) == 6)
        }
        let simd: [UInt64] = [UInt64(InternalOp.simd.rawValue), UInt64(Opcode.i8x16Shuffle.rawValue), 0, 0]
        simd.withUnsafeBufferPointer { words in
            #expect(InternalOp.simd.wordCount(at: words.baseAddress!) == 4)
        }
        // A call's argument list: 2 copies and 1 constant after call's two words.
        let call: [UInt64] = [UInt64(InternalOp.call.rawValue), 7 | 2 << 32 | 1 << 48, 0, 0, 0, 0]
        call.withUnsafeBufferPointer { words in
            #expect(InternalOp.call.wordCount(at: words.baseAddress!) == 6)
        }
        #expect(InternalOp.callIndirect.length == .arguments(3))
        #expect(InternalOp.callIndirect64.length == .fixed(3))
        #expect(InternalOp.callIndirect.wordDescriptions.count == 2)
    }

    /// The Swift ranges are the C core's (both generated from one table), follow one another
    /// from above the internal operations, and fit the dispatch table.
    @Test func rangesMatchTheCCore() {
        let c: [OperationRange: (base: Int, blocks: Int, end: Int)] = [
            .register: (Int(WDB_FUSED_BASE), Int(WDB_FUSED_BLOCKS), Int(WDB_FUSED_END)),
            .chain: (Int(WDB_CHAIN_BASE), Int(WDB_CHAIN_BLOCKS), Int(WDB_CHAIN_END)),
            .loadChain: (Int(WDB_LOAD_CHAIN_BASE), Int(WDB_LOAD_CHAIN_BLOCKS), Int(WDB_LOAD_CHAIN_END)),
            .step: (Int(WDB_STEP_BASE), Int(WDB_STEP_BLOCKS), Int(WDB_STEP_END)),
            .stepSlot: (Int(WDB_STEP_SLOT_BASE), Int(WDB_STEP_SLOT_BLOCKS), Int(WDB_STEP_SLOT_END)),
            .step64: (Int(WDB_STEP64_BASE), Int(WDB_STEP64_BLOCKS), Int(WDB_STEP64_END)),
            .step64Slot: (Int(WDB_STEP64_SLOT_BASE), Int(WDB_STEP64_SLOT_BLOCKS), Int(WDB_STEP64_SLOT_END)),
            .select32: (Int(WDB_SELECT_BASE), Int(WDB_SELECT_BLOCKS), Int(WDB_SELECT_END)),
            .selectWide: (Int(WDB_SELECT_WIDE_BASE), Int(WDB_SELECT_WIDE_BLOCKS), Int(WDB_SELECT_WIDE_END)),
            .test32: (Int(WDB_TEST_BASE), Int(WDB_TEST_BLOCKS), Int(WDB_TEST_END)),
            .test64: (Int(WDB_TEST64_BASE), Int(WDB_TEST64_BLOCKS), Int(WDB_TEST64_END)),
            .loadCompare: (Int(WDB_LOAD_COMPARE_BASE), Int(WDB_LOAD_COMPARE_BLOCKS), Int(WDB_LOAD_COMPARE_END)),
            .loadCompare8U: (Int(WDB_LOAD_COMPARE8U_BASE), Int(WDB_LOAD_COMPARE8U_BLOCKS), Int(WDB_LOAD_COMPARE8U_END)),
            .loadCompare8S: (Int(WDB_LOAD_COMPARE8S_BASE), Int(WDB_LOAD_COMPARE8S_BLOCKS), Int(WDB_LOAD_COMPARE8S_END)),
            .loadCompare16U: (Int(WDB_LOAD_COMPARE16U_BASE), Int(WDB_LOAD_COMPARE16U_BLOCKS), Int(WDB_LOAD_COMPARE16U_END)),
            .loadCompare16S: (Int(WDB_LOAD_COMPARE16S_BASE), Int(WDB_LOAD_COMPARE16S_BLOCKS), Int(WDB_LOAD_COMPARE16S_END)),
            .loadCompare64: (Int(WDB_LOAD_COMPARE64_BASE), Int(WDB_LOAD_COMPARE64_BLOCKS), Int(WDB_LOAD_COMPARE64_END)),
        ]
        var previousEnd = Int(InternalOp.base + InternalOp.count)
        for range in OperationRange.allCases {
            let expected = c[range]
            #expect(expected?.base == Int(range.base), "\(range)")
            #expect(expected?.blocks == Int(range.blocks), "\(range)")
            #expect(expected?.end == Int(range.end), "\(range)")
            #expect(Int(range.base) >= previousEnd, "\(range) overlaps the range before it")
            #expect(Int(range.end) == Int(range.base) + Int(range.blocks) * Int(range.slots))
            #expect(OperationRange.of(range.base) == range && OperationRange.of(range.end - 1) == range)
            previousEnd = Int(range.end)
        }
        #expect(previousEnd <= OperationRange.tableSize && OperationRange.tableSize == Int(WDB_TABLE_SIZE))
        #expect(OperationRange.register.blocks == firstWasm30Opcode)
        #expect(RegisterForm.count == UInt16(WDB_FORM_COUNT) && ChainForm.count == UInt16(WDB_CHAIN_FORM_COUNT))
        #expect(LoadChainForm.count == UInt16(WDB_LOAD_FORM_COUNT) && StepForm.count == UInt16(WDB_STEP_FORM_COUNT))
        #expect(RegisterForm.indexedImmediateStore.rawValue == UInt16(WDB_FORM_INDEXED_I))
        #expect(ChainForm.riReversed.rawValue == UInt16(WDB_CHAIN_RI_REV))
        #expect(LoadChainForm.immediate.rawValue == UInt16(WDB_LOAD_IMMEDIATE))
        #expect(StepForm.riBranchUnless.rawValue == UInt16(WDB_STEP_RI_BRNOT))
    }

    /// The Swift chain lists number the chains as the C core does (both from chains.h's table),
    /// and every chained and step form the table numbers has a handler in the core.
    @Test func chainListsMatchTheCCore() {
        #expect(EngineChains.pairs.count == Int(OperationRange.chain.blocks))
        for (index, pair) in EngineChains.pairs.enumerated() {
            #expect(wdb_chain_index(pair.first.rawValue, pair.second.rawValue) == Int32(index))
        }
        #expect(EngineChains.loads.count == Int(OperationRange.loadChain.blocks))
        for (index, pair) in EngineChains.loads.enumerated() {
            #expect(wdb_load_chain_index(pair.load.rawValue, pair.operation.rawValue) == Int32(index))
        }
        for range in OperationRange.allCases where range != .register {
            let forms: [UInt16]
            switch range {
            case .chain: forms = ChainForm.allCases.map(\.rawValue)
            case .loadChain: forms = LoadChainForm.allCases.map(\.rawValue)
            case .select32, .selectWide: forms = SelectForm.allCases.map(\.rawValue)
            default: forms = StepForm.allCases.map(\.rawValue)
            }
            for block in 0..<range.blocks {
                for form in forms {
                    #expect(wdb_core_handles(range.base + block * range.slots + form), "\(range) \(block) \(form)")
                }
            }
        }
    }
}
