import Foundation
import WasmCore
import WasmText

/// Reads the JSON script that wabt's `wast2json` writes (with its .wasm/.wat side files) into
/// the same directives the WAST parser produces. A development and cross-checking path:
/// `wdb wast --wast2json` runs scripts through wabt's parser instead of ours.
public enum WastJSON {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `wast2json` on `path` in a temporary folder and reads the result.
    public static func convert(_ path: String) throws -> [WastDirective] {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("wdb-wast-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let json = dir.appendingPathComponent("script.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wast2json", path, "-o", json.path]
        process.standardOutput = FileHandle.nullDevice
        // stderr goes to a file in the scratch folder, not a pipe: Foundation's
        // `readDataToEndOfFile` traps when a signal (say SIGCHLD) interrupts the read.
        let errorsURL = dir.appendingPathComponent("wast2json.stderr")
        fm.createFile(atPath: errorsURL.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorsURL)
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try? errors.close()
        let message = (try? Data(contentsOf: errorsURL)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "wast2json failed: \(String(decoding: message, as: UTF8.self))")
        }
        return try read(json, file: path)
    }

    static func read(_ json: URL, file: String) throws -> [WastDirective] {
        let data = try Data(contentsOf: json)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let commands = root["commands"] as? [[String: Any]] else {
            throw Failure(description: "not a wast2json script")
        }
        let dir = json.deletingLastPathComponent()
        return try commands.compactMap { try directive($0, dir: dir, file: file) }
    }

    private static func directive(_ c: [String: Any], dir: URL, file: String) throws -> WastDirective? {
        let line = c["line"] as? Int ?? 0
        let location = SourceLocation(file: file, line: line, column: 1)
        func module() throws -> WastModule {
            let name = (c["name"] as? String).map { String($0.dropFirst()) }
            guard let filename = c["filename"] as? String else { throw Failure(description: "module without file") }
            let contents = try Data(contentsOf: dir.appendingPathComponent(filename))
            let source: WastModuleSource = (c["module_type"] as? String) == "text"
                ? .quote(String(decoding: contents, as: UTF8.self)) : .binary([UInt8](contents))
            return WastModule(name: name, source: source, location: location)
        }
        let text = c["text"] as? String ?? ""
        let command: WastCommand
        switch c["type"] as? String ?? "" {
        case "module": command = .module(try module())
        case "register":
            command = .register(name: c["as"] as? String ?? "", module: (c["name"] as? String).map { String($0.dropFirst()) })
        case "action": command = .action(try action(c))
        case "assert_return":
            let expected = try (c["expected"] as? [[String: Any]] ?? []).map(expectation)
            command = .assertReturn(try action(c), expected)
        case "assert_trap": command = .assertTrap(try action(c), message: text)
        case "assert_exhaustion": command = .assertExhaustion(try action(c), message: text)
        case "assert_malformed": command = .assertMalformed(try module(), message: text)
        case "assert_invalid": command = .assertInvalid(try module(), message: text)
        case "assert_unlinkable": command = .assertUnlinkable(try module(), message: text)
        case "assert_uninstantiable": command = .assertModuleTrap(try module(), message: text)
        default: return nil
        }
        return WastDirective(command: command, location: location)
    }

    private static func action(_ c: [String: Any]) throws -> WastAction {
        guard let a = c["action"] as? [String: Any], let field = a["field"] as? String else {
            throw Failure(description: "command without action")
        }
        let module = (a["module"] as? String).map { String($0.dropFirst()) }
        if a["type"] as? String == "get" { return .get(module: module, name: field) }
        let args = try (a["args"] as? [[String: Any]] ?? []).map(value)
        return .invoke(module: module, name: field, arguments: args)
    }

    private static func value(_ v: [String: Any]) throws -> WastValue {
        let type = v["type"] as? String ?? ""
        if type == "v128" {
            let lanes = v["value"] as? [String] ?? []
            let laneType = v["lane_type"] as? String ?? "i32"
            return .v128(v128(lanes.map { UInt64($0) ?? 0 }, laneType))
        }
        let s = v["value"] as? String ?? ""
        switch type {
        case "i32": return .i32(UInt32(s) ?? 0)
        case "i64": return .i64(UInt64(s) ?? 0)
        case "f32": return .f32(UInt32(s) ?? 0)
        case "f64": return .f64(UInt64(s) ?? 0)
        case "externref": return s == "null" ? .refNull(.externref) : .refExtern(UInt32(s) ?? 0)
        case "funcref": return s == "null" ? .refNull(.funcref) : .refFunc(UInt32(s) ?? 0)
        default: throw Failure(description: "unknown value type \(type)")
        }
    }

    private static func v128(_ lanes: [UInt64], _ laneType: String) -> V128 {
        let width = lanes.isEmpty ? 4 : 16 / lanes.count
        var bytes = [UInt8](repeating: 0, count: 16)
        for (i, lane) in lanes.enumerated() {
            for k in 0..<width where i * width + k < 16 { bytes[i * width + k] = UInt8(truncatingIfNeeded: lane >> (8 * UInt64(k))) }
        }
        return V128(bytes: bytes)
    }

    private static func expectation(_ v: [String: Any]) throws -> WastExpected {
        let type = v["type"] as? String ?? ""
        if let s = v["value"] as? String {
            if s == "nan:canonical" { return type == "f32" ? .f32NaN(.canonical) : .f64NaN(.canonical) }
            if s == "nan:arithmetic" { return type == "f32" ? .f32NaN(.arithmetic) : .f64NaN(.arithmetic) }
        } else if type == "externref" || type == "funcref" {
            return .anyRef(type == "funcref" ? .funcref : .externref)
        }
        if type == "v128" {
            let laneType = v["lane_type"] as? String ?? "i32"
            let strings = v["value"] as? [String] ?? []
            let lanes: [WastLane] = strings.map { s in
                if s.hasPrefix("nan:") {
                    let p: NaNPattern = s == "nan:canonical" ? .canonical : .arithmetic
                    return laneType == "f32" ? .f32NaN(p) : .f64NaN(p)
                }
                return .bits(UInt64(s) ?? 0)
            }
            let shape = ["i8": "i8x16", "i16": "i16x8", "i32": "i32x4", "i64": "i64x2", "f32": "f32x4", "f64": "f64x2"][laneType] ?? "i32x4"
            return .v128(shape: shape, lanes: lanes)
        }
        return .value(try value(v))
    }
}
