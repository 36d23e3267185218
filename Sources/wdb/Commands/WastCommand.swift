import ArgumentParser
import Foundation
import WasmCore
import WasmText
import WasmVM

/// `wdb wast PATH...`: runs WAST scripts (a folder means its *.wast files, not subfolders).
struct Wast: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wast",
        abstract: "Run WebAssembly spec test scripts (.wast).")

    @Argument(help: "Script files, or folders whose *.wast files to run.")
    var paths: [String]

    @Flag(name: .customLong("wast2json"), help: "Parse scripts with wabt's wast2json instead of wdb's parser.")
    var viaWast2json = false

    @Flag(name: .shortAndLong, help: "Print each file's counts.")
    var verbose = false

    func run() throws {
        var passed = 0, failed = 0
        for file in try Wast.scripts(paths) {
            let directives: [WastDirective]
            do {
                directives = try Wast.directives(file, viaWast2json: viaWast2json)
            } catch {
                // Parse errors already name the file, line and column.
                let text = "\(error)"
                print(text.hasPrefix(file) ? text : "\(file): error: \(text)")
                failed += 1
                continue
            }
            let runner = WastRunner(loader: Wast.load)
            runner.run(directives)
            for line in runner.failures { print(line) }
            if verbose { print("\(file): \(runner.passed) passed, \(runner.failed) failed") }
            passed += runner.passed
            failed += runner.failed
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    /// The script files named by `paths`, folders expanded to their *.wast files (sorted).
    static func scripts(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write("error: no such file or folder: \(path)\n".data(using: .utf8)!)
                throw ExitCode(1)
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                files += names.filter { $0.hasSuffix(".wast") }.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    static func directives(_ file: String, viaWast2json: Bool) throws -> [WastDirective] {
        if viaWast2json { return try WastJSON.convert(file) }
        return try WastText.parseScript(file)
    }

    /// Decodes or parses a script module, then validates it.
    static func load(_ m: WastModule) -> Result<Module, WastRunner.LoadFailure> {
        let module: Module
        switch m.source {
        case .binary(let bytes):
            do { module = try BinaryDecoder.decode(bytes) } catch { return .failure(.malformed(error.description)) }
        case .text, .quote:
            switch WastText.parseModule(m) {
            case .success(let parsed): module = parsed
            case .failure(let message): return .failure(.malformed(message))
            }
        }
        do { try Validator.validate(module) } catch { return .failure(.invalid(error.description)) }
        return .success(module)
    }
}
