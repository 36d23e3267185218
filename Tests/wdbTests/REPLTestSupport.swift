import Foundation
import Testing

/// Runs the real `wdb` binary's debugger (`wdb debug`) with commands on stdin, as a user's
/// pipe or script would, and reads stdout and stderr merged in order.
enum REPLTestSupport {
    static let fixtures = WdbTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/repl")
    static let wasmFixtures = WdbTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/wasm")

    struct Result {
        var status: Int32
        /// stdout and stderr in the order they were written.
        var output: String
        var timedOut: Bool
    }

    /// A private HOME, so no user's ~/.wdbinit or history is touched.
    static let home: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-repl-home-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static func wdb(_ arguments: [String], stdin: String, in directory: URL? = nil,
                    timeout: TimeInterval = 60) throws -> Result {
        guard let executable = WdbTestSupport.executable else {
            throw WdbTestSupport.Missing(what: "the wdb executable (build it with `swift build`)")
        }
        return try run(["debug"] + arguments, stdin: stdin, executable: executable, in: directory, timeout: timeout)
    }

    static func run(_ arguments: [String], stdin: String, executable: URL, in directory: URL? = nil,
                    timeout: TimeInterval = 60) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment.removeValue(forKey: "NO_COLOR")
        process.environment = environment
        let input = Pipe()
        // One file for both streams keeps their order, as one shared pipe did.
        let output = try WdbTestSupport.OutputFile()
        process.standardInput = input
        process.standardOutput = output.handle
        process.standardError = output.handle
        try process.run()
        let writer = input.fileHandleForWriting
        let data = Data(stdin.utf8)
        Thread.detachNewThread {
            writer.write(data)
            try? writer.close()
        }
        let timedOut = LockedFlag()
        let watchdog = DispatchWorkItem {
            if process.isRunning {
                timedOut.set()
                process.terminate()
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        let bytes = output.finish()
        return Result(status: process.terminationStatus, output: String(decoding: bytes, as: UTF8.self),
                      timedOut: timedOut.value)
    }

    final class LockedFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var raised = false
        func set() { lock.lock(); raised = true; lock.unlock() }
        var value: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    }
}
