// End-to-end harness: runs the committed C fixtures (Tests/Fixtures/wasi) through the real
// engine, in process via `WASIRun` and through the built `wdb` binary, and builds the same C
// sources natively with gcc to get the output a wasm run must match.

import Foundation
import Testing
import WasmCore
import WasmText
import WasmVM
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

enum E2E {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures/wasi")

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// A fixture (or any .wasm/.wat file) decoded, or assembled, and validated.
    static func module(_ url: URL) throws -> Module {
        let bytes = [UInt8](try Data(contentsOf: url))
        let module: Module
        if url.pathExtension == "wat" {
            module = try WatAssembler.assemble(String(decoding: bytes, as: UTF8.self), file: url.path).module
        } else {
            module = try BinaryDecoder.decode(bytes)
        }
        try Validator.validate(module)
        return module
    }

    static func module(wat text: String) throws -> Module {
        let module = try WatAssembler.assemble(text, file: "test.wat").module
        try Validator.validate(module)
        return module
    }

    /// A fresh folder under the system temp directory (the caller removes it).
    static func temporaryDirectory(_ label: String = "e2e") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct InProcessResult {
        var outcome: WASIRunOutcome
        var stdout: String
        var stderr: String
    }

    /// Runs a module's `_start` in this process. stdout and stderr go to temporary files that are
    /// read back; `stdin` (when given) is served from a file.
    static func runInProcess(_ module: Module, arguments: [String], environment: [String] = [],
                             preopens: [WASIPreopen] = [], stdin: String? = nil,
                             engine: Configuration = Configuration(),
                             monitor: WASIMonitor? = nil,
                             listeners: [WASIListener] = []) throws -> InProcessResult {
        let dir = try temporaryDirectory("io")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("out").path, errPath = dir.appendingPathComponent("err").path
        let inPath = dir.appendingPathComponent("in").path
        try (stdin ?? "").write(toFile: inPath, atomically: true, encoding: .utf8)
        let out = open(outPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let err = open(errPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let input = stdin == nil ? open("/dev/null", O_RDONLY | O_CLOEXEC) : open(inPath, O_RDONLY | O_CLOEXEC)
        defer { close(out); close(err); close(input) }
        var configuration = WASIConfiguration(arguments: arguments, environment: environment, preopens: preopens)
        configuration.stdout = out
        configuration.stderr = err
        configuration.stdin = input
        configuration.listeners = listeners
        let host = try WASIHost(configuration: configuration)
        defer { host.close() }
        monitor?.install(on: host)
        let outcome = try WASIRun.run(module: module, host: host, runtime: Runtime(configuration: engine))
        monitor?.finish()
        return InProcessResult(outcome: outcome,
                               stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                               stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    // MARK: The wdb binary

    /// The built wdb (the newer of release and debug), or nil when none is built.
    static var wdb: URL? {
        if let path = ProcessInfo.processInfo.environment["WDB_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        let candidates = ["debug", "release"].map { repoRoot.appendingPathComponent(".build/\($0)/wdb") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        func modified(_ url: URL) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
        }
        return candidates.max { modified($0) < modified($1) }
    }

    struct ProcessResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`; `stdin` (when given) is written to a pipe, else the
    /// child reads /dev/null. Output streams go to files, so the child can never block on them.
    static func run(_ executable: URL, _ arguments: [String], stdin: String? = nil,
                    environment: [String: String]? = nil, directory: URL? = nil) throws -> ProcessResult {
        let dir = try temporaryDirectory("proc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        let pipe = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : pipe
        try process.run()
        if let stdin {
            pipe.fileHandleForWriting.write(Data(stdin.utf8))
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ProcessResult(status: process.terminationStatus,
                             stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Runs wdb with `arguments`, or returns nil (after printing why) when it is not built.
    static func wdb(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) throws -> ProcessResult? {
        guard let wdb else {
            Issue.record("missing prerequisite: wdb is not built (swift build --product wdb)")
            return nil
        }
        return try run(wdb, arguments, stdin: stdin, environment: environment)
    }

    // MARK: Native twins

    private static let nativeLock = NSLock()
    nonisolated(unsafe) private static var nativeCache: [String: URL] = [:]
    private static let nativeDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("wdb-native-\(ProcessInfo.processInfo.processIdentifier)")

    /// `Tests/Fixtures/wasi/NAME.c` built natively with gcc (nil when gcc is missing).
    static func native(_ name: String) throws -> URL? {
        nativeLock.lock()
        defer { nativeLock.unlock() }
        if let cached = nativeCache[name] { return cached }
        guard let gcc = ["/usr/bin/gcc", "/usr/local/bin/gcc"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        try FileManager.default.createDirectory(at: nativeDirectory, withIntermediateDirectories: true)
        let binary = nativeDirectory.appendingPathComponent(name)
        let result = try run(URL(fileURLWithPath: gcc), ["-O2", "-o", binary.path, fixture("\(name).c").path])
        guard result.status == 0 else { throw E2EError("gcc failed for \(name): \(result.stderr)") }
        nativeCache[name] = binary
        return binary
    }

    /// The output the native build prints for `arguments` (and its exit status), or, without
    /// gcc, the committed `expected/NAME.txt` (status unknown: nil).
    static func nativeOutput(_ name: String, _ arguments: [String], stdin: String? = nil,
                             environment: [String: String] = [:]) throws -> (String, Int32?) {
        if let binary = try native(name) {
            let result = try run(binary, arguments, stdin: stdin, environment: environment)
            return (result.stdout, result.status)
        }
        print("gcc not found: comparing \(name) with its committed expected output")
        return (try String(contentsOf: fixtures.appendingPathComponent("expected/\(name).txt"), encoding: .utf8), nil)
    }
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
