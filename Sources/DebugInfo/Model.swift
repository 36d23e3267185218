/// The public answers of `DebugInfo`. Addresses are module file offsets unless a name says otherwise.

/// A source position: the line-table row covering an address.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// Full path (compilation directory + directory + name, "." components dropped).
    public var file: String
    public var line: Int
    /// 0 when the producer gave none.
    public var column: Int
    public var isStatement: Bool

    public var description: String { column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)" }
}

/// One line-table row, with the end of the address range it covers (the next row's address).
public struct LineRow: Hashable, Sendable {
    public var fileOffset: UInt32
    public var endFileOffset: UInt32
    public var file: String
    public var line: Int
    public var column: Int
    public var isStatement: Bool
    public var prologueEnd: Bool
    public var epilogueBegin: Bool
}

/// Where a source line's code is: one per function or inlined copy (the lowest is_stmt address).
public struct LineMatch: Hashable, Sendable {
    public var file: String
    /// The line that has code: the requested one, or the next one that has (as gdb does).
    public var line: Int
    public var fileOffset: UInt32
    /// The function containing the address, when known (its name, not inlined frames).
    public var functionName: String?
}

/// A location description as DWARF bytes, with what evaluating it needs: the enclosing
/// function's frame base (for `DW_OP_fbreg`) and the unit (for `DW_OP_addrx`).
public struct LocationExpression: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var frameBase: [UInt8]?
    var unitIndex: Int?

    public init(bytes: [UInt8], frameBase: [UInt8]? = nil) {
        self.bytes = bytes
        self.frameBase = frameBase
    }

    init(bytes: [UInt8], frameBase: [UInt8]?, unitIndex: Int?) {
        self.bytes = bytes
        self.frameBase = frameBase
        self.unitIndex = unitIndex
    }

    /// llvm-dwarfdump's spelling, e.g. "DW_OP_fbreg +12" or "DW_OP_WASM_location 0x0 0x3, DW_OP_stack_value".
    public var description: String { disassembleExpression(bytes) }
}

/// Where a variable's value is, once its location expression is evaluated for a frame.
public enum VariableLocation: Hashable, Sendable {
    case memory(address: UInt64)
    /// The value itself: computed (`DW_OP_stack_value`: 8 bytes little-endian, the caller keeps
    /// the type's size) or given (`DW_OP_implicit_value`, `DW_AT_const_value`).
    case value(bytes: [UInt8])
    case wasmLocal(UInt32)
    case wasmGlobal(UInt32)
    /// Pieces in order with their sizes in bytes.
    case pieces([Piece])
    case optimizedOut

    public struct Piece: Hashable, Sendable {
        public var location: VariableLocation
        public var sizeInBytes: Int
        public init(location: VariableLocation, sizeInBytes: Int) {
            self.location = location
            self.sizeInBytes = sizeInBytes
        }
    }
}

/// What evaluating a location needs from a stopped frame; the debugger implements it.
public protocol LocationContext {
    func wasmLocal(_ index: UInt32) -> UInt64?
    func wasmGlobal(_ index: UInt32) -> UInt64?
    func wasmOperandStack(_ depthFromBottom: UInt32) -> UInt64?
    func readMemory(_ address: UInt64, count: Int) -> [UInt8]?
}

/// A subprogram with code (concrete, not an inlined copy).
public struct FunctionInfo: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// With namespaces, classes and (Rust) modules: "geo::Rect::area", "inventory::panic::find".
    public var qualifiedName: String
    public var linkageName: String?
    /// File offsets of the first instruction and one past the last (the lowest and highest
    /// range when the function is split).
    public var lowPC: UInt32
    public var highPC: UInt32
    /// All code ranges as file offsets.
    public var ranges: [Range<UInt32>]
    public var declFile: String?
    public var declLine: Int?
    /// Where a breakpoint on the function goes (after the prologue, as gdb picks it).
    public var prologueEnd: UInt32
    public var frameBase: LocationExpression?
    /// Opaque: identifies the DIE for `variables(in:at:)`.
    public var handle: FunctionHandle

    public var description: String { "\(qualifiedName) [0x\(hex(lowPC)), 0x\(hex(highPC)))" }
}

public struct FunctionHandle: Hashable, Sendable {
    let unitIndex: Int
    let dieOffset: UInt64
}

/// An inlined call active at an address.
public struct InlinedFrame: Hashable, Sendable {
    public var name: String
    public var qualifiedName: String
    /// Where the inlined function was called from.
    public var callFile: String?
    public var callLine: Int?
    public var callColumn: Int?
    public var ranges: [Range<UInt32>]
    public var handle: FunctionHandle
}

/// A variable or parameter visible at an address.
public struct Variable: CustomStringConvertible {
    public var name: String
    public var isParameter: Bool
    public var type: DebugType?
    /// The location for the address asked about; nil when the variable is optimized out there.
    public var location: LocationExpression?
    public var declFile: String?
    public var declLine: Int?
    /// Globals: the qualified name ("describe::describe_calls" for a function's static).
    public var qualifiedName: String

    public var description: String {
        "\(name): \(type.map(typeName) ?? "?") @ \(location?.description ?? "<optimized out>")"
    }
}
