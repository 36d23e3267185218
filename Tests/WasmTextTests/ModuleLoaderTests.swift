import Foundation
import Testing
import WasmText

/// The one loader: content decides the format, special files are refused before any read, and
/// every failure is one line naming the file.
@Suite struct ModuleLoaderTests {
    func message(_ path: String) -> String? {
        do {
            _ = try ModuleLoader.load(path: path)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func specialFilesAreRefusedWithTheirKind() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let missing = dir.appendingPathComponent("missing.wasm").path
        let cases: [(String, String)] = [
            ("/dev/null", "/dev/null: error: cannot read file: not a regular file (a character device)"),
            ("/dev/zero", "/dev/zero: error: cannot read file: not a regular file (a character device)"),
            (fifo, "\(fifo): error: cannot read file: not a regular file (a FIFO)"),
            (dir.path, "\(dir.path): error: cannot read file: not a regular file (a directory)"),
            (missing, "\(missing): error: cannot read file: No such file or directory"),
            // A regular file of size 0 whose reads fail (Linux).
            ("/proc/self/mem", "/proc/self/mem: error: cannot read file: Input/output error"),
        ]
        for (path, expected) in cases { #expect(message(path) == expected) }
    }

    @Test func contentDecidesTheFormatNotTheName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let textNamedWasm = dir.appendingPathComponent("text.wasm")
        try "(module (func $f (export \"f\")))".write(to: textNamedWasm, atomically: true, encoding: .utf8)
        let loaded = try ModuleLoader.load(path: textNamedWasm.path)
        #expect(loaded.isText && loaded.sourceMap != nil && loaded.module.exports.first?.name == "f")
        let binaryNamedWat = dir.appendingPathComponent("bin.wat")
        try Data(loaded.bytes).write(to: binaryNamedWat)
        let binary = try ModuleLoader.load(path: binaryNamedWat.path)
        #expect(!binary.isText && binary.bytes == loaded.bytes)
        let garbage = dir.appendingPathComponent("garbage.bin")
        try Data([0xFF, 0x00, 0x13, 0x37]).write(to: garbage)
        #expect(message(garbage.path)?.hasPrefix("\(garbage.path): error: not a WebAssembly module: ") == true)
    }

    @Test func textAssembledOnceKeepsPositionsAndNames() throws {
        let loaded = try ModuleLoader.assemble("(module (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0))))", path: "t.wat")
        let body = try #require(loaded.module.functions.first)
        #expect(body.bodyOffset > 0 && body.body.offsets.count == body.body.instructions.count)
        #expect(loaded.module.names.functionNames[0] == "twice")
        #expect(loaded.module.customSections.contains { $0.name == "name" })
    }
}
