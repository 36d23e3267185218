import DebugInfo
import WasmVM

// Source-level values: a variable's DWARF location evaluated in the selected frame and read
// into bytes of its C, C++ or Rust type, with where it lives (for `&x`, `set var`, `watch`).

/// Where a source value lives, if anywhere it can be written.
public enum SourceLvalue: Hashable, Sendable {
    /// Linear memory 0 at this address.
    case memory(address: UInt64)
    /// Bytes of a Wasm local of the selected frame, from `byteOffset` (little-endian bits).
    case wasmLocal(index: UInt32, byteOffset: Int)
    /// Bytes of a Wasm global, from `byteOffset`.
    case wasmGlobal(index: UInt32, byteOffset: Int)
    /// Computed, constant, split into pieces or optimized out: nowhere writable.
    case none
}

/// A bit field's place inside the storage its lvalue names.
public struct SourceBitField: Hashable, Sendable {
    /// Bits from the least significant bit of the byte the lvalue addresses.
    public var bitOffset: Int
    public var bitSize: Int
}

/// A value of a source type: its bytes (little-endian, exactly the type's size) and its home.
public struct SourceValue {
    public var type: DebugType
    public var bytes: [UInt8]
    public var lvalue: SourceLvalue
    /// No location describes the value here (gdb's `<optimized out>`).
    public var optimizedOut: Bool
    /// A bit field member: `bytes` hold its value extended to the type's size.
    public var bitField: SourceBitField?
    /// Byte ranges of `bytes` that no piece describes (a partly optimized-out aggregate).
    public var unavailable: [Range<Int>]
    /// Set when the value could not be read (`info locals` shows `<error reading variable: …>`).
    public var readError: String?
    /// A function designator (`add` in `p add`): which function, for `{int (int, int)} 0x12 <add>`.
    public var function: FunctionInfo?

    public init(type: DebugType, bytes: [UInt8], lvalue: SourceLvalue = .none, optimizedOut: Bool = false,
                bitField: SourceBitField? = nil, unavailable: [Range<Int>] = []) {
        self.type = type
        self.bytes = bytes
        self.lvalue = lvalue
        self.optimizedOut = optimizedOut
        self.bitField = bitField
        self.unavailable = unavailable
    }

    /// The result of a call of a `void` function: nothing to print.
    public var isVoid: Bool {
        bytes.isEmpty && (type.isVoid || (type.kind == .base(.unknown) && type.name == "void"))
    }

    /// The memory address, when the value lives in memory.
    public var address: UInt64? {
        if case .memory(let a) = lvalue, bitField == nil { return a }
        return nil
    }

    /// Whether any of the bytes [range) is unavailable.
    func isUnavailable(_ range: Range<Int>) -> Bool {
        optimizedOut || unavailable.contains { $0.overlaps(range) }
    }
}

/// gdb refuses to read values larger than this (`max-value-size`), and so do we: a corrupt
/// array bound must not make the debugger allocate gigabytes.
let maximumValueSize: UInt64 = 65_536

/// The selected frame as DWARF location expressions see it: its Wasm locals, its operand
/// stack, the instance's globals and memory 0.
public struct SourceFrameContext: LocationContext {
    public var locals: [Value]
    /// Bottom first.
    public var operandStack: [Value]
    unowned let session: DebugSession

    public func wasmLocal(_ index: UInt32) -> UInt64? {
        Int(index) < locals.count ? rawBits(locals[Int(index)]) : nil
    }

    public func wasmGlobal(_ index: UInt32) -> UInt64? {
        session.debuggee?.global(Int(index)).flatMap(rawBits)
    }

    public func wasmOperandStack(_ depthFromBottom: UInt32) -> UInt64? {
        Int(depthFromBottom) < operandStack.count ? rawBits(operandStack[Int(depthFromBottom)]) : nil
    }

    public func readMemory(_ address: UInt64, count: Int) -> [UInt8]? {
        try? session.readMemory(address, count: count)
    }
}

/// The bits of a numeric Wasm value (floats as their IEEE bits); nil for references and v128.
func rawBits(_ value: Value) -> UInt64? {
    switch value {
    case .i32(let v): return UInt64(v)
    case .i64(let v): return v
    case .f32(let v): return UInt64(v)
    case .f64(let v): return v
    default: return nil
    }
}

func littleEndianBytes(_ value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { $0 < 8 ? UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) : 0 }
}

func unsignedInteger(_ bytes: some Collection<UInt8>) -> UInt64 {
    var value: UInt64 = 0
    for (i, byte) in bytes.prefix(8).enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
    return value
}

func hexAddress(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

extension DebugSession {
    /// A `LocationContext` over the selected frame (nil when the program is not stopped).
    public func sourceFrameContext() -> SourceFrameContext? {
        guard let frame = try? frame() else { return nil }
        return SourceFrameContext(locals: frame.locals.map(\.value), operandStack: frame.operandStack, session: self)
    }

    /// A context for values that need no frame (globals): memory and globals only.
    func staticContext() -> SourceFrameContext {
        SourceFrameContext(locals: [], operandStack: [], session: self)
    }

    /// Evaluates a variable's location in `context` and reads its value.
    public func sourceValue(of variable: Variable, in context: SourceFrameContext) throws -> SourceValue {
        guard let info = debugInfo else { throw DebuggerError("the module has no DWARF debugging information") }
        guard let type = variable.type else { throw DebuggerError("\"\(variable.name)\" has no type in the debugging information") }
        guard let expression = variable.location else {
            return SourceValue(type: type, bytes: [], optimizedOut: true)
        }
        let location: VariableLocation
        do { location = try info.evaluate(expression, frame: context) } catch {
            throw DebuggerError("cannot find \"\(variable.name)\": \(error)")
        }
        return try sourceValue(at: location, type: type, context: context)
    }

    /// Reads a value of `type` from an evaluated location: memory, a Wasm local or global
    /// (its bits cut to the type's size), a computed value, or pieces put together in order.
    public func sourceValue(at location: VariableLocation, type: DebugType, context: SourceFrameContext) throws -> SourceValue {
        let size = try checkedSize(of: type)
        switch location {
        case .memory(let address):
            return SourceValue(type: type, bytes: try readMemory(address, count: size), lvalue: .memory(address: address))
        case .value(let bytes):
            return SourceValue(type: type, bytes: fitted(bytes, size))
        case .wasmLocal(let index):
            guard let bits = context.wasmLocal(index) else { throw DebuggerError("the frame has no Wasm local \(index)") }
            return SourceValue(type: type, bytes: littleEndianBytes(bits, count: size), lvalue: .wasmLocal(index: index, byteOffset: 0))
        case .wasmGlobal(let index):
            guard let bits = context.wasmGlobal(index) else { throw DebuggerError("the module has no Wasm global \(index)") }
            return SourceValue(type: type, bytes: littleEndianBytes(bits, count: size), lvalue: .wasmGlobal(index: index, byteOffset: 0))
        case .optimizedOut:
            return SourceValue(type: type, bytes: [UInt8](repeating: 0, count: size), optimizedOut: true)
        case .pieces(let pieces):
            var bytes: [UInt8] = []
            var unavailable: [Range<Int>] = []
            for piece in pieces where bytes.count < size {
                let start = bytes.count
                let part: [UInt8]
                switch piece.location {
                case .memory(let address): part = (try? readMemory(address, count: piece.sizeInBytes)) ?? []
                case .value(let b): part = fitted(b, piece.sizeInBytes)
                case .wasmLocal(let i): part = context.wasmLocal(i).map { littleEndianBytes($0, count: piece.sizeInBytes) } ?? []
                case .wasmGlobal(let i): part = context.wasmGlobal(i).map { littleEndianBytes($0, count: piece.sizeInBytes) } ?? []
                case .optimizedOut, .pieces: part = []
                }
                if part.count == piece.sizeInBytes { bytes += part }
                else {
                    bytes += [UInt8](repeating: 0, count: piece.sizeInBytes)
                    unavailable.append(start..<bytes.count)
                }
            }
            if bytes.count < size {
                unavailable.append(bytes.count..<size)
                bytes += [UInt8](repeating: 0, count: size - bytes.count)
            }
            bytes = Array(bytes.prefix(size))
            let whole = unavailable.reduce(0) { $0 + $1.count } >= size && size > 0
            // A value in one piece of memory is still an lvalue.
            if pieces.count == 1, case .memory(let address) = pieces[0].location, unavailable.isEmpty {
                return SourceValue(type: type, bytes: bytes, lvalue: .memory(address: address))
            }
            return SourceValue(type: type, bytes: bytes, optimizedOut: whole, unavailable: whole ? [] : unavailable)
        }
    }

    /// Reads a value of `type` at a memory address.
    func sourceValue(atAddress address: UInt64, type: DebugType) throws -> SourceValue {
        let size = try checkedSize(of: type)
        let bytes: [UInt8]
        do { bytes = try readMemory(address, count: size) } catch {
            throw DebuggerError("Cannot access memory at address \(hexAddress(address))")
        }
        return SourceValue(type: type, bytes: bytes, lvalue: .memory(address: address))
    }

    /// The type's size, refused past `max-value-size` as gdb does.
    func checkedSize(of type: DebugType) throws -> Int {
        let size = type.sizeInBytes
        guard size <= maximumValueSize else {
            throw DebuggerError("value requires \(size) bytes, which is more than max-value-size")
        }
        return Int(size)
    }
}

/// `bytes` cut or zero-extended to `count`.
func fitted(_ bytes: [UInt8], _ count: Int) -> [UInt8] {
    bytes.count >= count ? Array(bytes.prefix(count)) : bytes + [UInt8](repeating: 0, count: count - bytes.count)
}
