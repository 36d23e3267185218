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

/// Runs a process; returns (exit status, stdout, stderr).
func runProcess(_ executable: URL, _ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes concurrently enough for our outputs: stderr is small.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
