import Foundation

/// Runs the built `wdb` executable and the wabt reference tools from tests.
enum WdbTestSupport {
    /// The package root, found from this file's path (Tests/wdbTests/…).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures/dump")

    /// The `wdb` binary built alongside the tests: `WDB_EXECUTABLE` when set, else next to
    /// the test bundle (the products directory), else `.build/debug/wdb` under the package.
    static let executable: URL? = {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["WDB_EXECUTABLE"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("wdb"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("wdb"))
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("wdb"))
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/wdb"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutBytes: [UInt8]
    }

    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = try OutputFile(), err = try OutputFile()
        process.standardOutput = out.handle
        process.standardError = err.handle
        try process.run()
        process.waitUntilExit()
        let outData = out.finish(), errData = err.finish()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      stdoutBytes: [UInt8](outData))
    }

    /// Runs wdb; fails the test (by throwing) when the executable cannot be found.
    static func wdb(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        guard let executable else { throw Missing(what: "the wdb executable (build it with `swift build`)") }
        return try run(executable, arguments, in: directory)
    }

    /// A fresh temporary file that a child process writes its output to. Files rather than
    /// pipes: Foundation's `readDataToEndOfFile` traps when a signal interrupts the read (as
    /// SIGCHLD from another test's child can while tests run in parallel), and a pipe that
    /// nobody drains can fill up and block the child.
    struct OutputFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-output-\(UUID().uuidString)")
        let handle: FileHandle

        init() throws {
            FileManager.default.createFile(atPath: url.path, contents: nil)
            handle = try FileHandle(forWritingTo: url)
        }

        /// Closes the file, reads what was written and removes it; call after the child exits.
        func finish() -> Data {
            try? handle.close()
            defer { try? FileManager.default.removeItem(at: url) }
            return (try? Data(contentsOf: url)) ?? Data()
        }
    }

    struct Missing: Error, CustomStringConvertible {
        var what: String
        var description: String { "cannot find \(what)" }
    }

    /// Full path of an executable on PATH, or nil.
    static func tool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The fixtures' names without extension (`control`, `memory`, …).
    static func fixtureNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return files.filter { $0.hasSuffix(".wasm") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    // A minimal valid module: (module (func (export "f") (result i32) i32.const 1)).
    static let tinyModule: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
        0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x01, 0x0B,
    ]
}
