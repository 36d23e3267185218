import WasmCore

/// Why execution stopped abnormally. The message texts are the spec's.
public enum TrapKind: Hashable, Sendable {
    case unreachable
    case integerDivideByZero
    case integerOverflow
    case invalidConversionToInteger
    case outOfBoundsMemoryAccess
    case outOfBoundsTableAccess
    case indirectCallTypeMismatch
    /// A typed-reference or GC operation failed: the spec's message ("null function
    /// reference", "cast failure", "out of bounds array access", …) or the GC heap limit's.
    case reference(String)
    /// The index, when known, is part of the message ("undefined element 7").
    case undefinedElement(index: UInt32? = nil)
    case uninitializedElement(index: UInt32? = nil)
    case callStackExhausted
    case outOfFuel
    /// A function body the engine could not compile (only for modules that skipped validation).
    case invalidCode(String)
    /// A host function reported a failure.
    case host(String)
    /// A host function ended the program (WASI `proc_exit`): not a fault, but it stops the run
    /// the same way, so the frames stay inspectable. A host function throws `Trap(.exit(code))`.
    case exit(UInt32)
    /// An exception no handler caught ended the invocation: its tag's name and payload.
    case uncaughtException(tag: String, payload: [Value])
    /// `throw_ref` of a null exnref.
    case nullExceptionReference

    public var message: String {
        switch self {
        case .unreachable: "unreachable"
        case .integerDivideByZero: "integer divide by zero"
        case .integerOverflow: "integer overflow"
        case .invalidConversionToInteger: "invalid conversion to integer"
        case .outOfBoundsMemoryAccess: "out of bounds memory access"
        case .outOfBoundsTableAccess: "out of bounds table access"
        case .indirectCallTypeMismatch: "indirect call type mismatch"
        case .reference(let m): m
        case .undefinedElement(let i): "undefined element" + (i.map { " \($0)" } ?? "")
        case .uninitializedElement(let i): "uninitialized element" + (i.map { " \($0)" } ?? "")
        case .callStackExhausted: "call stack exhausted"
        case .outOfFuel: "all fuel consumed"
        case .invalidCode(let m): "invalid code: \(m)"
        case .host(let m): m
        case .exit(let code): "exit with code \(code)"
        case .uncaughtException(let tag, let payload):
            "uncaught exception (tag \(tag)" + (payload.isEmpty ? "" : ", payload " + payload.map(\.description).joined(separator: " ")) + ")"
        case .nullExceptionReference: "null exception reference"
        }
    }
}

/// One frame of a trap's backtrace.
public struct BacktraceFrame: Hashable, Sendable {
    /// The function's address in the runtime.
    public var functionAddress: UInt32
    /// Position in the defining module (nil for host functions).
    public var position: CodePosition?
    /// `$name+0x12 (func 3, offset 0x86)`, or the host function's import name.
    public var description: String
}

/// A trap: its kind and, when it happened in Wasm code, where (innermost frame first).
public struct Trap: Error, Hashable, Sendable, CustomStringConvertible {
    public var kind: TrapKind
    /// Innermost first. For a deep stack, the middle frames are left out: `backtrace` holds
    /// the innermost frames, then the outermost ones, and `omittedFrameCount` says how many
    /// lie between them (they follow the first `backtrace.count - outermost` entries).
    public var backtrace: [BacktraceFrame]
    public var omittedFrameCount = 0

    public init(_ kind: TrapKind, backtrace: [BacktraceFrame] = []) {
        self.kind = kind
        self.backtrace = backtrace
    }

    public var message: String { kind.message }
    /// The code a host function passed when it ended the program (`TrapKind.exit`), else nil.
    public var exitCode: UInt32? {
        if case .exit(let code) = kind { return code }
        return nil
    }
    public var description: String {
        if let top = backtrace.first { return "\(message) at \(top.description)" }
        return message
    }
}

/// Errors of instantiation that are not traps (linking failures).
public struct LinkError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The run loop's trap codes: a trivial type, so setting one costs no reference counting.
/// The slow paths put the details of `.detailed` traps in `Execution.trapDetail`.
enum TrapCode: UInt8 {
    case none
    case unreachable
    case integerDivideByZero
    case integerOverflow
    case invalidConversionToInteger
    case outOfBoundsMemoryAccess
    case outOfBoundsTableAccess
    case indirectCallTypeMismatch
    case undefinedElement
    case uninitializedElement
    case callStackExhausted
    case outOfFuel
    case detailed

    var kind: TrapKind? {
        switch self {
        case .none, .detailed: nil
        case .unreachable: .unreachable
        case .integerDivideByZero: .integerDivideByZero
        case .integerOverflow: .integerOverflow
        case .invalidConversionToInteger: .invalidConversionToInteger
        case .outOfBoundsMemoryAccess: .outOfBoundsMemoryAccess
        case .outOfBoundsTableAccess: .outOfBoundsTableAccess
        case .indirectCallTypeMismatch: .indirectCallTypeMismatch
        case .undefinedElement: .undefinedElement()
        case .uninitializedElement: .uninitializedElement()
        case .callStackExhausted: .callStackExhausted
        case .outOfFuel: .outOfFuel
        }
    }
}

extension TrapKind: Error {}

/// A valid module this engine cannot run (it is beyond a limit of the engine, not of Wasm):
/// refused when it is instantiated, before any of it runs, rather than trapping later.
public struct UnsupportedModule: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "the module exceeds the engine's limits: \(message)" }
}

/// The engine's limits, checked once per module (linear in its function count).
public enum EngineLimits {
    public static func check(_ module: Module) throws(UnsupportedModule) {
        let first = module.importedFunctionCount
        for (offset, function) in module.functions.enumerated() {
            let declared = function.locals.reduce(UInt64(0)) { $0 + UInt64($1.count) }
            let params = UInt64(module.functionType(of: UInt32(first + offset))?.params.count ?? 0)
            if declared + params > UInt64(Compiler.maxLocals) {
                throw UnsupportedModule("function \(first + offset) declares \(declared) locals; the engine supports \(Compiler.maxLocals)")
            }
        }
    }
}
