import Foundation
import WasmCore

/// Helpers shared by the printer tests: running wabt's tools when they are installed, and a
/// hand-built module that uses every instruction of the table.
enum PrinterTestSupport {
    /// Full path of an executable on PATH, or nil.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct ToolResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the tool, optionally in `directory`, with its output going to temporary files
    /// rather than pipes: Foundation's `readDataToEndOfFile` traps when a signal interrupts
    /// the read (as the exit of another test's child process can), and two pipes read one
    /// after the other can fill up and deadlock.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> ToolResult {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ToolResult(status: process.terminationStatus,
                          stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                          stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A fresh scratch folder: in memory (`/dev/shm`) where there is one, since some tests
    /// write thousands of small files; else in the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let shm = URL(fileURLWithPath: "/dev/shm")
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("wdb-printer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Assembles WAT with wabt's wat2wasm (no validation, so the every-instruction module
    /// need not type-check). nil when wat2wasm is not installed.
    static func wabtAssemble(_ text: String) throws -> (bytes: [UInt8], path: String)? {
        guard let wat2wasm = tool("wat2wasm") else { return nil }
        let dir = try temporaryDirectory()
        let input = dir.appendingPathComponent("m.wat"), output = dir.appendingPathComponent("m.wasm")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let result = try run(wat2wasm, ["--no-check", input.path, "-o", output.path])
        guard result.status == 0 else {
            throw ToolFailure(message: "wat2wasm rejected the printed text:\n\(result.stderr)\n\(text)")
        }
        return ([UInt8](try Data(contentsOf: output)), output.path)
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The instruction text column of `wasm-objdump -d` (after `| `, indentation removed),
    /// local declaration and continuation lines left out.
    static func objdumpInstructionTexts(_ output: String) -> [String] {
        output.split(separator: "\n").compactMap { line -> String? in
            guard let bar = line.range(of: " | ") else { return nil }
            let text = line[bar.upperBound...].trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("local[") { return nil }
            return text
        }
    }

    // MARK: the every-instruction module

    /// A module whose one defined function uses every opcode of `Opcode.table`, each with a
    /// representative immediate; not meant to validate.
    static func everyInstructionModule() -> Module {
        var module = Module()
        module.types = [FuncType(params: [.i32], results: [.i32]),
                        FuncType(params: [.i32, .i64], results: [.i32, .i64])]
        module.imports = [Import(module: "env", name: "f", descriptor: .function(typeIndex: 0))]
        module.tables = [TableType(elementType: .funcref, limits: Limits(min: 2)),
                         TableType(elementType: .externref, limits: Limits(min: 1, max: 4))]
        module.memories = [MemoryType(limits: Limits(min: 1, max: 2))]
        module.globals = [Global(type: GlobalType(valueType: .i32, isMutable: true),
                                 initializer: Expression([Instruction(.i32Const, .i32(0)), Instruction(.end)]))]
        module.elements = [ElementSegment(mode: .passive, type: .funcref, items: .functions([1]))]
        module.data = [DataSegment(mode: .passive, bytes: Array("data".utf8))]

        var body: [Instruction] = []
        // The Wasm 2.0 instructions: wabt reassembles this module with its default features.
        for opcode in Opcode.allCases where opcode.rawValue < firstWasm30Opcode {
            switch opcode {
            case .else, .end: continue
            case .block:
                body += [Instruction(.block, .block(.value(.i32))), Instruction(.nop), Instruction(.end)]
            case .loop:
                body += [Instruction(.loop, .block(.typeIndex(1))), Instruction(.nop), Instruction(.end)]
            case .if:
                body += [Instruction(.if, .block(.empty)), Instruction(.nop), Instruction(.else),
                         Instruction(.nop), Instruction(.end)]
            default:
                body.append(Instruction(opcode, sampleImmediate(opcode)))
            }
        }
        body.append(Instruction(.end))
        module.functions = [
            Function(typeIndex: 0, locals: [LocalDeclaration(count: 2, type: .i64)], body: Expression(body)),
            Function(typeIndex: 0, body: Expression([Instruction(.localGet, .index(0)), Instruction(.end)])),
        ]
        return module
    }

    static func sampleImmediate(_ opcode: Opcode) -> Immediate {
        let info = opcode.info
        switch info.immediate {
        case .none: return .none
        case .block: return .block(.empty)
        case .label: return .index(0)
        case .brTable: return .brTable(targets: [0, 0], defaultTarget: 0)
        case .function: return .index(1)
        case .callIndirect: return .indexPair(0, 1)
        case .local: return .index(2)
        case .global: return .index(0)
        case .table: return .index(1)
        case .memory, .memoryFill: return .index(0)
        case .memarg: return .memarg(MemArg(align: 0, offset: 7))
        case .memlane: return .memlane(MemArg(align: 0, offset: 3), lane: 1)
        case .lane: return .lane(1)
        case .i32: return .i32(-5)
        case .i64: return .i64(-5)
        case .f32: return .f32(0x7FA0_0000)
        case .f64: return .f64(0x3FB9_9999_9999_999A)
        case .v128: return .v128(V128(bytes: Array(1...16)))
        case .shuffle: return .v128(V128(bytes: Array(0...14) + [31]))
        case .select: return .select([.i64])
        case .refType: return .refType(.externref)
        case .data, .elem: return .index(0)
        case .memoryInit: return .indexPair(0, 0)
        case .memoryCopy: return .indexPair(0, 0)
        case .tableInit: return .indexPair(0, 1)
        case .tableCopy: return .indexPair(1, 0)
        case .tag, .typeIndex: return .index(0)
        case .field, .typePair, .typeData, .typeElem, .typeFixed: return .indexPair(0, 0)
        case .heapType:
            return .refType(RefType(nullable: opcode == .refTestNull || opcode == .refCastNull, .abstract(.any)))
        case .brOnCast:
            return .brOnCast(label: 0, from: RefType(nullable: true, .abstract(.any)), to: RefType(nullable: false, .abstract(.i31)))
        case .tryTable: return .tryTable(.empty, [CatchClause(.catchAll, label: 0)])
        }
    }
}
