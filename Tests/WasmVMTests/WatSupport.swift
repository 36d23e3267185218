import Foundation
import Testing
import WasmCore
import WasmText
@testable import WasmVM

/// Assembles WAT in process and decodes the encoding, so the module carries real file offsets.
func assemble(_ wat: String, file: String = "test.wat") throws -> Module {
    let assembled = try WatAssembler.assemble(wat, file: file)
    var module = try BinaryDecoder.decode(assembled.bytes)
    module.names = assembled.module.names
    return module
}

func instantiate(_ wat: String, _ configuration: Configuration = Configuration(),
                 imports: Imports = Imports()) throws -> Instance {
    try Runtime(configuration: configuration).instantiate(assemble(wat), imports: imports)
}

/// The trap message of a call, or nil when it returned.
func trapMessage(_ instance: Instance, _ name: String, _ args: [Value] = []) -> String? {
    do {
        _ = try instance.invoke(name, args)
        return nil
    } catch let trap as Trap {
        return trap.message
    } catch {
        return "not a trap: \(error)"
    }
}

/// Paths of the repository and of the shared spec test suite (found by walking up from this
/// file to a folder that has `shared/testsuite`).
enum TestPaths {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var testsuite: URL? {
        var dir = repoRoot
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("../shared/testsuite").standardized
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The wdb binary: the most recently built of release (CI builds it before the tests)
    /// and debug, so a stale release build does not hide a newer debug one.
    static var wdb: URL? {
        let candidates = ["release", "debug"].map { repoRoot.appendingPathComponent(".build/\($0)/wdb") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        func modified(_ url: URL) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
        }
        return candidates.max { modified($0) < modified($1) }
    }
}

/// Runs a process; returns (exit status, stdout, stderr). The streams go to temporary files
/// rather than pipes: Foundation's `readDataToEndOfFile` traps when a signal interrupts the
/// read (as SIGCHLD from another test's child can while tests run in parallel), and two pipes
/// read one after the other can fill up and deadlock.
func runProcess(_ executable: URL, _ arguments: [String]) throws -> (Int32, String, String) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-process-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return (process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}
