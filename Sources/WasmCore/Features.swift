/// Which WebAssembly proposals the decoder, validator and text parser accept.
///
/// WebAssembly 3.0 (the default) merged them all; `.wasm20` gives the 2.0 language, whose spec
/// tests assert that some 3.0 constructs are malformed or invalid (a second memory, a non-zero
/// memory index byte, `global.get` of a defined global in a constant expression, …).
public struct Features: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let tailCall = Features(rawValue: 1 << 0)
    public static let exceptionHandling = Features(rawValue: 1 << 1)
    public static let multiMemory = Features(rawValue: 1 << 2)
    public static let memory64 = Features(rawValue: 1 << 3)
    public static let extendedConst = Features(rawValue: 1 << 4)
    public static let functionReferences = Features(rawValue: 1 << 5)
    public static let gc = Features(rawValue: 1 << 6)
    public static let relaxedSIMD = Features(rawValue: 1 << 7)
    /// The legacy exception-handling instructions (`try`, `catch`, `delegate`, `rethrow`),
    /// which 3.0 keeps in an appendix.
    public static let legacyExceptions = Features(rawValue: 1 << 8)

    /// WebAssembly 2.0 (with SIMD, bulk memory and reference types).
    public static let wasm20: Features = []
    /// WebAssembly 3.0: every proposal above.
    public static let wasm30: Features = [.tailCall, .exceptionHandling, .multiMemory, .memory64, .extendedConst,
                                          .functionReferences, .gc, .relaxedSIMD, .legacyExceptions]
    /// What wdb accepts unless told otherwise.
    public static let `default` = wasm30

    /// Parses `2.0`, `3.0`, or a comma-separated list of proposal names (`tail-call,gc`).
    public init?(named name: String) {
        switch name {
        case "2.0", "wasm2", "wasm-2.0": self = .wasm20
        case "3.0", "wasm3", "wasm-3.0", "all": self = .wasm30
        default:
            var result: Features = []
            for part in name.split(separator: ",") {
                guard let feature = Features.byName[String(part)] else { return nil }
                result.insert(feature)
            }
            self = result
        }
    }

    static let byName: [String: Features] = [
        "tail-call": .tailCall, "exception-handling": .exceptionHandling, "multi-memory": .multiMemory,
        "memory64": .memory64, "extended-const": .extendedConst, "function-references": .functionReferences,
        "gc": .gc, "relaxed-simd": .relaxedSIMD, "legacy-exceptions": .legacyExceptions,
    ]

    public var description: String {
        if self == .wasm30 { return "3.0" }
        if self == .wasm20 { return "2.0" }
        return Features.byName.filter { contains($0.value) }.keys.sorted().joined(separator: ",")
    }
}

extension Features {
    /// The proposal an instruction belongs to (empty for Wasm 2.0 instructions).
    public static func required(by opcode: Opcode) -> Features {
        guard opcode.rawValue >= firstWasm30Opcode else { return [] }
        switch opcode {
        case .returnCall, .returnCallIndirect: return .tailCall
        case .returnCallRef: return [.tailCall, .functionReferences]
        case .throw, .throwRef, .tryTable: return .exceptionHandling
        case .try, .catch, .catchAll, .delegate, .rethrow: return .legacyExceptions
        case .callRef, .refAsNonNull, .brOnNull, .brOnNonNull: return .functionReferences
        default:
            return opcode.info.prefix == 0xFD ? .relaxedSIMD : .gc
        }
    }
}
