/// The instruction model shared by the decoder, encoder, validator, WAT parser and printer.
/// What each opcode is (mnemonic, encoding, immediate kind, type) comes from the generated
/// `Opcode.table` (Scripts/instructions.txt); this file holds the shapes those rows refer to.

/// Which immediates follow an opcode in the binary format (and in the text format).
public enum ImmediateKind: UInt8, Sendable {
    case none
    case block        // blocktype
    case label        // labelidx
    case brTable      // vec(labelidx) labelidx
    case function     // funcidx (call, ref.func)
    case callIndirect // typeidx tableidx
    case local        // localidx
    case global       // globalidx
    case table        // tableidx
    case memory       // memidx (a 0x00 byte in Wasm 2.0): memory.size, memory.grow
    case memarg       // align offset
    case memlane      // align offset laneidx
    case lane         // laneidx
    case i32, i64, f32, f64
    case v128         // 16 bytes
    case shuffle      // 16 lane indices
    case select       // vec(valtype)
    case refType      // reftype (ref.null)
    case data         // dataidx (data.drop)
    case elem         // elemidx (elem.drop)
    case memoryInit   // dataidx memidx
    case memoryCopy   // memidx memidx
    case memoryFill   // memidx
    case tableInit    // elemidx tableidx
    case tableCopy    // tableidx tableidx
    // Wasm 3.0
    case tag          // tagidx (throw, legacy catch)
    case typeIndex    // typeidx (call_ref, struct.new, array.get, …)
    case field        // typeidx fieldidx (struct.get/set)
    case typePair     // typeidx typeidx (array.copy)
    case typeData     // typeidx dataidx (array.new_data, array.init_data)
    case typeElem     // typeidx elemidx (array.new_elem, array.init_elem)
    case typeFixed    // typeidx u32 (array.new_fixed)
    case heapType     // heaptype (ref.test, ref.cast; nullability from the opcode)
    case brOnCast     // castflags labelidx heaptype heaptype
    case tryTable     // blocktype vec(catch)
}

/// The fixed operand/result types of an instruction whose type does not depend on context.
public struct InstructionSignature: Sendable {
    public let params: [ValueType]
    public let results: [ValueType]

    public init(_ params: [ValueType], _ results: [ValueType]) {
        self.params = params
        self.results = results
    }
}

/// One row of the instruction table.
public struct OpcodeInfo: Sendable {
    /// The text-format name, e.g. `i32.add`.
    public let mnemonic: String
    /// 0 for single-byte opcodes, else the prefix byte (0xFB, 0xFC or 0xFD).
    public let prefix: UInt8
    /// The opcode byte, or the LEB128 sub-opcode after the prefix.
    public let code: UInt32
    public let immediate: ImmediateKind
    /// For memory accesses: the natural alignment in bytes (the maximum `align=`); else 0.
    public let naturalAlignment: UInt8
    /// For lane instructions: the number of lanes (lane index must be below it); else 0.
    public let laneCount: UInt8
    /// nil when the validator types the instruction by hand.
    public let signature: InstructionSignature?

    public init(_ mnemonic: String, prefix: UInt8, code: UInt32, immediate: ImmediateKind,
                naturalAlignment: UInt8, laneCount: UInt8, signature: InstructionSignature?) {
        self.mnemonic = mnemonic
        self.prefix = prefix
        self.code = code
        self.immediate = immediate
        self.naturalAlignment = naturalAlignment
        self.laneCount = laneCount
        self.signature = signature
    }
}

extension Opcode {
    @inlinable public var info: OpcodeInfo { Opcode.table[Int(rawValue)] }
    public var mnemonic: String { info.mnemonic }

    /// Single-byte opcodes by their byte.
    public static let byByte: [Opcode?] = {
        var map = [Opcode?](repeating: nil, count: 256)
        for op in Opcode.allCases where op.info.prefix == 0 { map[Int(op.info.code)] = op }
        return map
    }()

    /// 0xFB-prefixed (GC) opcodes by sub-opcode.
    public static let byFBCode: [Opcode?] = prefixedMap(0xFB)
    /// 0xFC-prefixed opcodes by sub-opcode.
    public static let byFCCode: [Opcode?] = prefixedMap(0xFC)
    /// 0xFD-prefixed (SIMD, relaxed SIMD) opcodes by sub-opcode.
    public static let byFDCode: [Opcode?] = prefixedMap(0xFD)

    /// Largest sub-opcode plus one that the prefixed maps cover (relaxed SIMD reaches 0x113).
    public static let prefixedCodeLimit = 512

    /// Opcodes by text mnemonic. `select` maps to the untyped form; the parser picks
    /// `selectTyped` when a `(result …)` follows.
    public static let byMnemonic: [String: Opcode] = {
        var map: [String: Opcode] = [:]
        for op in Opcode.allCases where map[op.info.mnemonic] == nil { map[op.info.mnemonic] = op }
        return map
    }()

    private static func prefixedMap(_ prefix: UInt8) -> [Opcode?] {
        var map = [Opcode?](repeating: nil, count: prefixedCodeLimit)
        for op in Opcode.allCases where op.info.prefix == prefix { map[Int(op.info.code)] = op }
        return map
    }
}

/// A memory access immediate. `align` is the exponent as encoded (alignment = 2^align bytes).
public struct MemArg: Hashable, Sendable {
    public var align: UInt32
    public var offset: UInt64
    /// Memory index (multi-memory; 0 in Wasm 2.0).
    public var memory: UInt32

    public init(align: UInt32, offset: UInt64, memory: UInt32 = 0) {
        self.align = align
        self.offset = offset
        self.memory = memory
    }
}

/// 128 bits, little-endian: `bytes.0` is the lowest byte.
public struct V128: Hashable, Sendable {
    public var low: UInt64
    public var high: UInt64

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16)
        var lo: UInt64 = 0, hi: UInt64 = 0
        for i in 0..<8 { lo |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        for i in 0..<8 { hi |= UInt64(bytes[8 + i]) << (8 * UInt64(i)) }
        self.init(low: lo, high: hi)
    }

    public var bytes: [UInt8] {
        (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? low : high) >> (8 * UInt64(i % 8))) }
    }
}

/// The immediates of one instruction. Which case is used follows `OpcodeInfo.immediate`:
/// label/function/local/global/table/data/elem/memory/memoryFill/tag/typeIndex use `.index`;
/// callIndirect (type, table), memoryInit (data, memory), memoryCopy (dst, src),
/// tableInit (elem, table), tableCopy (dst, src), field (type, field), typePair (dst, src),
/// typeData (type, data), typeElem (type, elem) and typeFixed (type, count) use `.indexPair`;
/// shuffle uses `.v128`; heapType uses `.refType`.
public enum Immediate: Hashable, Sendable {
    case none
    case block(BlockType)
    case index(UInt32)
    case indexPair(UInt32, UInt32)
    case brTable(targets: [UInt32], defaultTarget: UInt32)
    case memarg(MemArg)
    case memlane(MemArg, lane: UInt8)
    case lane(UInt8)
    case i32(Int32)
    case i64(Int64)
    /// Raw IEEE 754 bits, so NaN payloads survive.
    case f32(UInt32)
    case f64(UInt64)
    case v128(V128)
    case select([ValueType])
    /// ref.null (always nullable), ref.test and ref.cast (nullable for their `null` forms).
    case refType(RefType)
    /// br_on_cast and br_on_cast_fail: the label, the operand's type and the cast target.
    /// Boxed (`indirect`), as is `tryTable`: inline, these two payloads would make every
    /// instruction of every body a third larger.
    indirect case brOnCast(label: UInt32, from: RefType, to: RefType)
    indirect case tryTable(BlockType, [CatchClause])
}

/// One handler of `try_table`.
public struct CatchClause: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case `catch` = 0, catchRef = 1, catchAll = 2, catchAllRef = 3

        public var keyword: String {
            switch self {
            case .catch: "catch"
            case .catchRef: "catch_ref"
            case .catchAll: "catch_all"
            case .catchAllRef: "catch_all_ref"
            }
        }

        public var hasTag: Bool { self == .catch || self == .catchRef }
    }

    public var kind: Kind
    /// The tag index (0 and unused for the catch_all forms).
    public var tag: UInt32
    public var label: UInt32

    public init(_ kind: Kind, tag: UInt32 = 0, label: UInt32) {
        self.kind = kind
        self.tag = tag
        self.label = label
    }
}

/// One decoded (or assembled) instruction.
public struct Instruction: Hashable, Sendable {
    public var opcode: Opcode
    public var immediate: Immediate

    public init(_ opcode: Opcode, _ immediate: Immediate = .none) {
        self.opcode = opcode
        self.immediate = immediate
    }

    /// The single index immediate, for the many instructions that have one.
    public var index: UInt32 {
        if case .index(let i) = immediate { return i }
        return 0
    }
}
