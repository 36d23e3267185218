import FoundationEssentials
import Glibc
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
        let dir = fm.temporaryDirectory.appendingPathComponent("wdb-wast-\(getpid())-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let json = dir.appendingPathComponent("script.json")
        // stderr goes to a file in the scratch folder, not a pipe, so a long message cannot
        // block the child while nothing reads it.
        let errors = dir.appendingPathComponent("wast2json.stderr")
        let status = try spawnAndWait(["wast2json", path, "-o", json.path], stderrPath: errors.path)
        guard status == 0 else {
            let message = fm.contents(atPath: errors.path) ?? Data()
            throw Failure(description: "wast2json failed: \(String(decoding: message, as: UTF8.self))")
        }
        return try read(json, file: path)
    }

    /// Runs `arguments[0]` found through PATH, stdout to /dev/null and stderr to a file;
    /// returns its exit status (128 + N for a signal).
    private static func spawnAndWait(_ arguments: [String], stderrPath: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    static func read(_ json: URL, file: String) throws -> [WastDirective] {
        guard let data = FileManager.default.contents(atPath: json.path),
              let root = try? JSONDecoder().decode(JSONValue.self, from: data),
              let commands = root["commands"]?.array else {
            throw Failure(description: "not a wast2json script")
        }
        let dir = json.deletingLastPathComponent()
        return try commands.compactMap { try directive($0, dir: dir, file: file) }
    }

    private static func directive(_ c: JSONValue, dir: URL, file: String) throws -> WastDirective? {
        let line = c["line"]?.int ?? 0
        let location = SourceLocation(file: file, line: line, column: 1)
        func module() throws -> WastModule {
            let name = (c["name"]?.string).map { String($0.dropFirst()) }
            guard let filename = c["filename"]?.string else { throw Failure(description: "module without file") }
            guard let contents = FileManager.default.contents(atPath: dir.appendingPathComponent(filename).path) else {
                throw Failure(description: "cannot read \(filename)")
            }
            let source: WastModuleSource = (c["module_type"]?.string) == "text"
                ? .quote(String(decoding: contents, as: UTF8.self)) : .binary([UInt8](contents))
            return WastModule(name: name, source: source, location: location)
        }
        let text = c["text"]?.string ?? ""
        let command: WastCommand
        switch c["type"]?.string ?? "" {
        case "module": command = .module(try module())
        case "register":
            command = .register(name: c["as"]?.string ?? "", module: (c["name"]?.string).map { String($0.dropFirst()) })
        case "action": command = .action(try action(c))
        case "assert_return":
            let expected = try (c["expected"]?.array ?? []).map(expectation)
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

    private static func action(_ c: JSONValue) throws -> WastAction {
        guard let a = c["action"], let field = a["field"]?.string else {
            throw Failure(description: "command without action")
        }
        let module = (a["module"]?.string).map { String($0.dropFirst()) }
        if a["type"]?.string == "get" { return .get(module: module, name: field) }
        let args = try (a["args"]?.array ?? []).map(value)
        return .invoke(module: module, name: field, arguments: args)
    }

    private static func value(_ v: JSONValue) throws -> WastValue {
        let type = v["type"]?.string ?? ""
        if type == "v128" {
            let lanes = v["value"]?.strings ?? []
            let laneType = v["lane_type"]?.string ?? "i32"
            return .v128(v128(lanes.map { UInt64($0) ?? 0 }, laneType))
        }
        let s = v["value"]?.string ?? ""
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

    private static func expectation(_ v: JSONValue) throws -> WastExpected {
        let type = v["type"]?.string ?? ""
        if let s = v["value"]?.string {
            if s == "nan:canonical" { return type == "f32" ? .f32NaN(.canonical) : .f64NaN(.canonical) }
            if s == "nan:arithmetic" { return type == "f32" ? .f32NaN(.arithmetic) : .f64NaN(.arithmetic) }
        } else if type == "externref" || type == "funcref" {
            return .anyRef(type == "funcref" ? .funcref : .externref)
        }
        if type == "v128" {
            let laneType = v["lane_type"]?.string ?? "i32"
            let strings = v["value"]?.strings ?? []
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

/// Any JSON value, for reading wast2json's loosely typed commands.
enum JSONValue: Decodable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int? { if case .number(let n) = self, let i = Int(exactly: n) { return i }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var strings: [String]? { array?.compactMap(\.string) }
}
