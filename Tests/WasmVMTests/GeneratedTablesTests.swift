import CWasmEngine
import Foundation
import Testing
import WasmCore
@testable import WasmVM

/// The generated instruction tables (Scripts/gen-instructions.py) are up to date with their
/// sources (Scripts/instructions.txt, Scripts/internal-ops.txt), and what the internal
/// operations' table says agrees with the engine.
@Suite struct GeneratedTablesTests {
    static let generatedFiles = [
        "Sources/WasmCore/Generated/Opcodes.swift",
        "Sources/WasmCore/Generated/OpcodeTable.swift",
        "Sources/CWasmEngine/include/wdb_opcodes.h",
        "Sources/WasmVM/Generated/InternalOps.swift",
        "Sources/CWasmEngine/include/wdb_internal_ops.h",
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
        #expect(callLike == [.call, .callIndirect, .returnCall, .returnCallIndirect, .callIndirect64])
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
        #expect(InternalOp.callIndirect.length == .fixed(3))
        #expect(InternalOp.callIndirect.wordDescriptions.count == 2)
    }
}
