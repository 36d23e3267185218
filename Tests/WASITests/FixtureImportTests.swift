// The C fixtures, built by clang and wasi-libc, import WASI functions with the exact signatures
// the host registers. A minimal reader of the type and import sections checks that without the
// (separately developed) module decoder.

import Foundation
import Testing
import WasmCore
@testable import WASI

struct ImportReader {
    var bytes: [UInt8]
    var position = 0

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw WASITraceError("unexpected end") }
        position += 1
        return bytes[position - 1]
    }
    mutating func leb() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw WASITraceError("bad LEB128") }
        }
    }
    mutating func valueType() throws -> ValueType {
        guard let type = ValueType(rawValue: try byte()) else { throw WASITraceError("bad value type") }
        return type
    }
    mutating func name() throws -> String {
        let count = Int(try leb())
        guard position + count <= bytes.count else { throw WASITraceError("bad name") }
        defer { position += count }
        return String(decoding: bytes[position..<position + count], as: UTF8.self)
    }

    /// (module, name, type) of every function import.
    static func functionImports(_ bytes: [UInt8]) throws -> [(String, String, FuncType)] {
        var reader = ImportReader(bytes: bytes, position: 8)
        var types: [FuncType] = []
        var imports: [(String, String, FuncType)] = []
        while reader.position < bytes.count {
            let id = try reader.byte()
            let size = Int(try reader.leb())
            let end = reader.position + size
            if id == 1 {
                for _ in 0..<(try reader.leb()) {
                    _ = try reader.byte()  // 0x60
                    let params = try (0..<(try reader.leb())).map { _ in try reader.valueType() }
                    let results = try (0..<(try reader.leb())).map { _ in try reader.valueType() }
                    types.append(FuncType(params: params, results: results))
                }
            } else if id == 2 {
                for _ in 0..<(try reader.leb()) {
                    let module = try reader.name(), field = try reader.name()
                    let kind = try reader.byte()
                    guard kind == 0 else { throw WASITraceError("only function imports expected") }
                    let index = Int(try reader.leb())
                    guard index < types.count else { throw WASITraceError("bad type index") }
                    imports.append((module, field, types[index]))
                }
            }
            reader.position = end
        }
        return imports
    }
}

@Suite struct FixtureImportTests {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wasi")
    }

    @Test func everyFixtureImportMatchesTheHostSignature() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
            .filter { $0.hasSuffix(".wasm") }.sorted()
        #expect(files.count >= 9)  // escape.wasm (the end-to-end sandbox suite) joined later
        let registered = Dictionary(uniqueKeysWithValues: WASIHost.imports.map { ($0.name, $0.type) })
        var seen: Set<String> = []
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(file)))
            for (module, name, type) in try ImportReader.functionImports(bytes) {
                #expect(module == WASIFunction.moduleName, "\(file): \(module).\(name)")
                #expect(registered[name] == type, "\(file): \(name) imported as \(type)")
                seen.insert(name)
            }
        }
        // The fixtures between them use a good part of the API.
        for name in ["fd_write", "fd_read", "path_open", "fd_readdir", "poll_oneoff", "random_get",
                     "clock_time_get", "args_get", "environ_get", "sock_accept", "sock_recv", "sock_send",
                     "path_rename", "path_unlink_file", "path_filestat_set_times", "proc_exit"] {
            #expect(seen.contains(name), "no fixture imports \(name)")
        }
    }

    /// wasi-libc's own list of imports (Debian's wasi-libc installs it); skipped when absent.
    @Test func wasiLibcImportListIsCovered() throws {
        let path = "/usr/lib/wasm32-wasi/libc.imports"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("missing prerequisite: \(path) not installed (Scripts/setup.sh installs it)")
            return
        }
        let prefix = "__imported_wasi_snapshot_preview1_"
        let names = text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        #expect(names.count >= 40)
        for name in names { #expect(WASIFunction(name: name) != nil, "missing \(name)") }
    }
}
