import Foundation
import WasmCore
@testable import WasmText

/// Locates the spec test suite (`repoRoot/../shared/testsuite`) from this file's path, and
/// lists its Wasm 2.0 scripts (`WDB_TESTSUITE` overrides the location) (`core/**/*.wast`, SIMD included).
enum SpecSuite {
    static var root: URL? {
        if let override = ProcessInfo.processInfo.environment["WDB_TESTSUITE"] {
            return URL(fileURLWithPath: override).appendingPathComponent("core")
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("shared/testsuite/core")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static var scripts: [URL] {
        guard let root else { return [] }
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "wast" } ?? []
        return files.sorted { $0.path < $1.path }
    }

    /// The scripts of another folder of the testsuite, e.g. `proposals/wasm-3.0`.
    static func scripts(in folder: String) -> [URL] {
        guard let core = root else { return [] }
        let base = core.deletingLastPathComponent().appendingPathComponent(folder)
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "wast" } ?? []
        return files.sorted { $0.path < $1.path }
    }

    static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// `core/simd/x.wast` style name for messages.
    static func shortName(_ url: URL) -> String {
        let parts = url.pathComponents
        return parts.suffix(url.deletingLastPathComponent().lastPathComponent == "simd" ? 2 : 1).joined(separator: "/")
    }
}

extension WastCommand {
    /// The module of a module-carrying command, and whether it is expected to be malformed
    /// or invalid.
    var moduleAndExpectation: (WastModule, Expectation)? {
        switch self {
        case .module(let m): (m, .valid)
        case .assertModuleTrap(let m, _): (m, .valid)
        case .assertUnlinkable(let m, _): (m, .valid)
        case .assertMalformed(let m, _): (m, .malformed)
        case .assertInvalid(let m, _): (m, .invalid)
        default: nil
        }
    }

    enum Expectation { case valid, malformed, invalid }
}
