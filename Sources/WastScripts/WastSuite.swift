import FoundationEssentials
import WasmCore
import WasmText
import WasmVM

/// Spec-test scripts as a library: `wdb wast` prints what this returns, and tests call it
/// in-process (no built binary needed).
///
///     let summary = try WastSuite.run(paths: ["../shared/testsuite/core"])
///     summary.passed, summary.failed, summary.files[0].failures
public enum WastSuite {
    /// One script's outcome. A script that does not parse counts as one failed command, whose
    /// message names the file, line and column.
    public struct FileResult: Sendable {
        public var file: String
        public var passed: Int
        public var failed: Int
        /// `file:line: assertion: expected …, got …`, in script order.
        public var failures: [String]
    }

    public struct Summary: Sendable {
        public var files: [FileResult] = []
        public var passed: Int { files.reduce(0) { $0 + $1.passed } }
        public var failed: Int { files.reduce(0) { $0 + $1.failed } }
    }

    /// A path that is neither a file nor a folder.
    public struct MissingPath: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no such file or folder: \(path)" }
    }

    /// Runs every script `paths` names (a folder means its `*.wast` files, not subfolders).
    public static func run(paths: [String], viaWast2json: Bool = false, features: Features = .default,
                           configuration: Configuration = Configuration()) throws -> Summary {
        var summary = Summary()
        for file in try scripts(paths) {
            summary.files.append(run(file: file, viaWast2json: viaWast2json, features: features, configuration: configuration))
        }
        return summary
    }

    /// Runs one script file.
    public static func run(file: String, viaWast2json: Bool = false, features: Features = .default,
                           configuration: Configuration = Configuration()) -> FileResult {
        let parsed: [WastDirective]
        do {
            parsed = try directives(file, viaWast2json: viaWast2json)
        } catch {
            // Parse errors already name the file, line and column.
            let text = "\(error)"
            return FileResult(file: file, passed: 0, failed: 1, failures: [text.hasPrefix(file) ? text : "\(file): error: \(text)"])
        }
        let runner = WastRunner(configuration: configuration, loader: loader(features: features))
        runner.run(parsed)
        return FileResult(file: file, passed: runner.passed, failed: runner.failed, failures: runner.failures)
    }

    /// The script files named by `paths`, folders expanded to their *.wast files (sorted).
    public static func scripts(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw MissingPath(path: path)
            }
            if isDirectory {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                files += names.filter { $0.hasSuffix(".wast") }.sorted().map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// The directives of a script, through wdb's WAST parser or wabt's `wast2json`.
    public static func directives(_ file: String, viaWast2json: Bool) throws -> [WastDirective] {
        if viaWast2json { return try WastJSON.convert(file) }
        return try WastText.parseScript(file)
    }

    /// Decodes or parses a script module, then validates it, with the default features (3.0).
    public static func load(_ m: WastModule) -> Result<Module, WastRunner.LoadFailure> {
        load(m, features: .default)
    }

    /// The loader of a language version: `--features 2.0` keeps the 2.0 scripts' expectations
    /// (some assert what 3.0 made valid: a second memory, a non-zero memory-index byte).
    public static func loader(features: Features) -> WastRunner.Loader {
        { load($0, features: features) }
    }

    public static func load(_ m: WastModule, features: Features) -> Result<Module, WastRunner.LoadFailure> {
        let module: Module
        switch m.source {
        case .binary(let bytes):
            // Decoded and validated in one pass, as `wdb` loads a binary.
            do {
                return .success(try BinaryDecoder.decodeValidated(bytes, features: features))
            } catch {
                switch error {
                case .malformed(let malformed): return .failure(.malformed(malformed.description))
                case .invalid(let invalid): return .failure(.invalid(invalid.description))
                }
            }
        case .text, .quote:
            switch WastText.parseModule(m, features: features) {
            case .success(let parsed): module = parsed
            case .failure(let message): return .failure(.malformed(message))
            }
        }
        do { try Validator.validate(module, features: features) } catch { return .failure(.invalid(error.description)) }
        return .success(module)
    }
}
