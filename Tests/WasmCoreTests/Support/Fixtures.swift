import Foundation

/// The committed `.wasm` fixtures (built from Tests/Fixtures/wat by Scripts/build-fixtures.sh).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// (file name, bytes) of every Tests/Fixtures/wasm/*.wasm, sorted by name.
    static func wasmFiles() -> [(name: String, bytes: [UInt8])] {
        let dir = root.appendingPathComponent("wasm")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".wasm") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { return nil }
            return (name, [UInt8](data))
        }
    }

    /// Fixtures compiled from Tests/Fixtures/c (wasm-ld output rather than wabt's).
    static let compiledFromC: [String] = {
        let dir = root.appendingPathComponent("c")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".c") }.map { String($0.dropLast(2)) + ".wasm" }
    }()

    static func wasm(_ name: String) -> [UInt8]? {
        wasmFiles().first { $0.name == name }?.bytes
    }

    /// Runs a tool found on PATH; nil when it is not installed or fails.
    static func run(_ tool: String, _ arguments: [String]) -> String? {
        guard let path = Tools.path(of: tool) else { return nil }
        return Tools.run(path, arguments)
    }
}
