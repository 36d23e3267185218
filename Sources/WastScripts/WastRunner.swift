import FoundationEssentials
import Glibc
import WasmCore
import WasmText
import WasmVM

/// Runs the directives of one WAST script against a fresh runtime with the `spectest` module,
/// counting passed and failed commands. Failures are reported as
/// `file:line: assertion: expected …, got …`.
public final class WastRunner {
    /// How a script module became (or failed to become) a `Module`.
    public enum LoadFailure: Error {
        case malformed(String)
        case invalid(String)
    }

    /// Turns a script module into a validated module.
    public typealias Loader = (WastModule) -> Result<Module, LoadFailure>

    /// WDB_WAST_TRACE=1 prints each command's line before running it (to find a hang).
    static let trace = ProcessInfo.processInfo.environment["WDB_WAST_TRACE"] != nil

    public let runtime: Runtime
    private let load: Loader
    /// Carries out actions instead of the runner's own instances (the REPL runs them in the
    /// debugger); nil: the runner's current or named instance.
    public var performAction: ((WastAction) -> Outcome<[Value]>)?
    /// Instantiates the script's modules instead of `runtime.instantiate` (the REPL runs start
    /// functions where Ctrl-C can stop them); nil: `runtime.instantiate`. Modules are validated.
    public var instantiateModule: ((Runtime, Module, Imports) throws -> Instance)?
    private var imports = Imports()
    private var named: [String: Instance] = [:]
    private var current: Instance?
    /// `(module definition $M …)` modules by name ("" for the last one), not instantiated.
    private var definitions: [String: Module] = [:]
    public private(set) var passed = 0
    public private(set) var failed = 0
    public private(set) var failures: [String] = []

    public init(configuration: Configuration = Configuration(), loader: @escaping Loader = WastSuite.load) {
        runtime = Runtime(configuration: configuration)
        load = loader
        for (name, value) in SpecTestHost.exports(in: runtime) { imports.define("spectest", name, value) }
    }

    public func run(_ directives: [WastDirective]) {
        for directive in directives {
            if WastRunner.trace { fputs("\(directive.location.file):\(directive.location.line)\n", stderr) }
            if let problem = execute(directive.command) {
                failed += 1
                let where_ = "\(directive.location.file):\(directive.location.line)"
                failures.append("\(where_): \(problem)")
            } else {
                passed += 1
            }
        }
    }

    /// Makes `value` importable as `module`.`name` (a module registered elsewhere).
    public func define(_ module: String, _ name: String, _ value: ExternalValue) {
        imports.define(module, name, value)
    }

    /// Runs one command; returns a failure description, or nil when it passed.
    public func execute(_ command: WastCommand) -> String? {
        switch command {
        case .module(let m) where m.isDefinition:
            switch load(m) {
            case .failure(let f): return "module definition: \(describe(f))"
            case .success(let module):
                definitions[""] = module
                if let name = m.name { definitions[name] = module }
                return nil
            }
        case .module(let m) where m.instanceOf != nil:
            guard let module = definitions[m.instanceOf ?? ""] else {
                return "module instance: unknown module definition \(m.instanceOf ?? "")"
            }
            do {
                let instance = try make(module)
                current = instance
                if let name = m.name { named[name] = instance }
                return nil
            } catch let trap as Trap {
                return "module instance: trap: \(trap.message)"
            } catch {
                return "module instance: \(error)"
            }
        case .module(let m):
            switch instantiate(m) {
            case .success(let instance):
                current = instance
                if let name = m.name { named[name] = instance }
                return nil
            case .failure(let message):
                return "module: \(message)"
            }
        case .register(let name, let module):
            guard let instance = module.map({ named[$0] }) ?? current else {
                return "register: unknown module \(module ?? "(current)")"
            }
            imports.define(name, exportsOf: instance)
            return nil
        case .action(let action):
            if case .failure(let message) = perform(action) { return "action: \(message)" }
            return nil
        case .assertReturn(let action, let expected):
            switch perform(action) {
            case .failure(let message):
                return "assert_return: expected \(describe(expected)), got \(message)"
            case .success(let values):
                if values.count == expected.count && zip(values, expected).allSatisfy({ WastRunner.matches($0, $1) }) {
                    return nil
                }
                return "assert_return: expected \(describe(expected)), got \(describe(values))"
            }
        case .assertTrap(let action, let message), .assertExhaustion(let action, let message):
            let name = if case .assertTrap = command { "assert_trap" } else { "assert_exhaustion" }
            switch perform(action) {
            case .failure(let actual) where actual.hasPrefix(message):
                return nil
            case .failure(let actual):
                return "\(name): expected trap \"\(message)\", got \"\(actual)\""
            case .success(let values):
                return "\(name): expected trap \"\(message)\", got \(describe(values))"
            }
        case .assertModuleTrap(let m, let message):
            switch load(m) {
            case .failure(let f): return "assert_trap: expected trap \"\(message)\", got \(describe(f))"
            case .success(let module):
                do {
                    let instance = try make(module)
                    _ = instance
                    return "assert_trap: expected trap \"\(message)\", got a module"
                } catch let trap as Trap {
                    return trap.message.hasPrefix(message) ? nil
                        : "assert_trap: expected trap \"\(message)\", got \"\(trap.message)\""
                } catch {
                    return "assert_trap: expected trap \"\(message)\", got \"\(error)\""
                }
            }
        case .assertMalformed(let m, let message):
            switch load(m) {
            case .failure(.malformed): return nil
            case .failure(.invalid(let actual)):
                return "assert_malformed: expected malformed \"\(message)\", got invalid \"\(actual)\""
            case .success:
                return "assert_malformed: expected malformed \"\(message)\", got a valid module"
            }
        case .assertInvalid(let m, let message):
            switch load(m) {
            case .failure(.invalid): return nil
            // Text modules may fail earlier, in the parser (e.g. an unbound identifier).
            case .failure(.malformed) where !isBinary(m): return nil
            case .failure(.malformed(let actual)):
                return "assert_invalid: expected invalid \"\(message)\", got malformed \"\(actual)\""
            case .success:
                return "assert_invalid: expected invalid \"\(message)\", got a valid module"
            }
        case .assertUnlinkable(let m, let message):
            switch load(m) {
            case .failure(let f): return "assert_unlinkable: expected \"\(message)\", got \(describe(f))"
            case .success(let module):
                do {
                    _ = try make(module)
                    return "assert_unlinkable: expected \"\(message)\", got a module"
                } catch let error as LinkError {
                    return error.message.hasPrefix(message) ? nil
                        : "assert_unlinkable: expected \"\(message)\", got \"\(error.message)\""
                } catch {
                    return "assert_unlinkable: expected \"\(message)\", got \"\(error)\""
                }
            }
        }
    }

    private func make(_ module: Module) throws -> Instance {
        if let instantiateModule { return try instantiateModule(runtime, module, imports) }
        return try runtime.instantiate(module, imports: imports, validated: true)
    }

    private func isBinary(_ m: WastModule) -> Bool {
        if case .binary = m.source { return true }
        return false
    }

    private func instantiate(_ m: WastModule) -> Outcome<Instance> {
        switch load(m) {
        case .failure(let f): return .failure(describe(f))
        case .success(let module):
            do {
                return .success(try make(module))
            } catch let trap as Trap {
                return .failure("trap: \(trap.message)")
            } catch {
                return .failure("\(error)")
            }
        }
    }

    private func perform(_ action: WastAction) -> Outcome<[Value]> {
        if let performAction { return performAction(action) }
        switch action {
        case .invoke(let module, let name, let arguments):
            guard let instance = module.map({ named[$0] }) ?? current else { return .failure("no module") }
            guard let function = instance.function(name) else { return .failure("no export \"\(name)\"") }
            do {
                return .success(try function.invoke(arguments.map(WastRunner.value)))
            } catch let trap as Trap {
                return .failure(trap.message)
            } catch {
                return .failure("\(error)")
            }
        case .get(let module, let name):
            guard let instance = module.map({ named[$0] }) ?? current else { return .failure("no module") }
            guard let global = instance.global(name) else { return .failure("no global \"\(name)\"") }
            return .success([global.value])
        }
    }

    // MARK: values

    public static func value(_ v: WastValue) -> Value {
        switch v {
        case .i32(let x): .i32(x)
        case .i64(let x): .i64(x)
        case .f32(let x): .f32(x)
        case .f64(let x): .f64(x)
        case .v128(let x): .v128(x)
        case .refNull(let t): Value.zero(.ref(t))
        case .refExtern(let x): .externref(x)
        case .refFunc(let x): .funcref(x)
        }
    }

    public static func matches(_ value: Value, _ expected: WastExpected) -> Bool {
        switch expected {
        case .value(let v):
            switch (v, value) {
            case (.refFunc, .funcref(let a)): return a != nil
            // A null of any reference type: the function's result type says which one.
            case (.refNull, _): return value.isNullReference
            // `(ref.host N)` passed through an anyref comes back as a host reference in `any`.
            case (.refExtern(let x), .anyref(.host(let h)?)): return x == h
            default: return WastRunner.value(v) == value
            }
        case .f32NaN(let pattern):
            guard case .f32(let bits) = value else { return false }
            return nanMatches(UInt64(bits), pattern, quietBit: 1 << 22, payloadMask: 0x7F_FFFF, exponent: 0x7F80_0000)
        case .f64NaN(let pattern):
            guard case .f64(let bits) = value else { return false }
            return nanMatches(bits, pattern, quietBit: 1 << 51, payloadMask: 0xF_FFFF_FFFF_FFFF, exponent: 0x7FF0_0000_0000_0000)
        case .anyRef(let t):
            switch (t, value) {
            case (.funcref, .funcref(let a)): return a != nil
            case (.externref, .externref(let a)): return a != nil
            case (.externref, .externAny): return true
            case (_, .anyref(let a?)):
                // `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`, `(ref.host N)`.
                guard case .abstract(let kind) = t.heapType else { return false }
                switch (kind, a) {
                case (.any, _): return true
                case (.eq, .i31), (.eq, .object), (.i31, .i31): return true
                case (.struct, .object(let o)): return !o.isArray
                case (.array, .object(let o)): return o.isArray
                default: return false
                }
            default: return false
            }
        case .either(let options):
            return options.contains { matches(value, $0) }
        case .v128(let shape, let lanes):
            guard case .v128(let v) = value else { return false }
            return v128Matches(v, shape: shape, lanes: lanes)
        }
    }

    private static func nanMatches(_ bits: UInt64, _ pattern: NaNPattern, quietBit: UInt64, payloadMask: UInt64,
                                   exponent: UInt64) -> Bool {
        guard bits & exponent == exponent, bits & payloadMask != 0 else { return false }
        switch pattern {
        case .canonical: return bits & payloadMask == quietBit
        case .arithmetic: return bits & quietBit != 0
        }
    }

    private static func v128Matches(_ v: V128, shape: String, lanes: [WastLane]) -> Bool {
        let bytes = v.bytes
        guard !lanes.isEmpty, 16 % lanes.count == 0 else { return false }
        let width = 16 / lanes.count
        for (i, lane) in lanes.enumerated() {
            var bits: UInt64 = 0
            for k in 0..<width { bits |= UInt64(bytes[i * width + k]) << (8 * UInt64(k)) }
            switch lane {
            case .bits(let expected):
                let mask: UInt64 = width == 8 ? ~0 : (1 << (8 * UInt64(width))) - 1
                if bits != expected & mask { return false }
            case .f32NaN(let p):
                if !nanMatches(bits, p, quietBit: 1 << 22, payloadMask: 0x7F_FFFF, exponent: 0x7F80_0000) { return false }
            case .f64NaN(let p):
                if !nanMatches(bits, p, quietBit: 1 << 51, payloadMask: 0xF_FFFF_FFFF_FFFF, exponent: 0x7FF0_0000_0000_0000) {
                    return false
                }
            }
        }
        return true
    }

    private func describe(_ values: [Value]) -> String {
        values.isEmpty ? "nothing" : values.map(\.description).joined(separator: " ")
    }

    private func describe(_ expected: [WastExpected]) -> String {
        expected.isEmpty ? "nothing" : expected.map(describe).joined(separator: " ")
    }

    private func describe(_ e: WastExpected) -> String {
        switch e {
        case .value(let v): WastRunner.value(v).description
        case .f32NaN(let p): "f32:nan:\(p)"
        case .f64NaN(let p): "f64:nan:\(p)"
        case .anyRef(let t): "\(t):non-null"
        case .either(let options): "either(" + options.map(describe).joined(separator: ", ") + ")"
        case .v128(let shape, let lanes): "v128:\(shape):\(lanes)"
        }
    }

    private func describe(_ f: LoadFailure) -> String {
        switch f {
        case .malformed(let m): "malformed: \(m)"
        case .invalid(let m): "invalid: \(m)"
        }
    }
}

/// A result whose failure is a message.
public enum Outcome<T> {
    case success(T)
    case failure(String)
}

/// The `spectest` host module of the spec test suite.
public enum SpecTestHost {
    public static func exports(in runtime: Runtime) -> [String: ExternalValue] {
        var exports: [String: ExternalValue] = [:]
        func printer(_ name: String, _ params: [ValueType]) {
            exports[name] = .function(runtime.makeFunction(
                HostFunction(type: FuncType(params: params, results: [])) { _, _ in [] }, name: "spectest.\(name)"))
        }
        printer("print", [])
        printer("print_i32", [.i32])
        printer("print_i64", [.i64])
        printer("print_f32", [.f32])
        printer("print_f64", [.f64])
        printer("print_i32_f32", [.i32, .f32])
        printer("print_f64_f64", [.f64, .f64])
        exports["global_i32"] = .global(runtime.makeGlobal(GlobalType(valueType: .i32, isMutable: false), value: .i32(666)))
        exports["global_i64"] = .global(runtime.makeGlobal(GlobalType(valueType: .i64, isMutable: false), value: .i64(666)))
        exports["global_f32"] = .global(runtime.makeGlobal(GlobalType(valueType: .f32, isMutable: false), value: .float(666.6)))
        exports["global_f64"] = .global(runtime.makeGlobal(GlobalType(valueType: .f64, isMutable: false), value: .double(666.6)))
        if let table = runtime.makeTable(TableType(elementType: .funcref, limits: Limits(min: 10, max: 20))) {
            exports["table"] = .table(table)
        }
        if let memory = runtime.makeMemory(MemoryType(limits: Limits(min: 1, max: 2))) {
            exports["memory"] = .memory(memory)
        }
        // table64 (memory64 proposal): the same table with i64 indices.
        if let table = runtime.makeTable(TableType(elementType: .funcref, limits: Limits(min: 10, max: 20, addressType: .i64))) {
            exports["table64"] = .table(table)
        }
        return exports
    }
}
