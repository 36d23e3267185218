// The lines the differential runner compares (Fuzz/differential/run.py writes the same ones
// from wasmtime), and the argument rule both sides follow.
//
//   module CRC32-OF-THE-INPUT (first; the runner finds the report by it)
//   instantiate ok | instantiate trap KIND | instantiate link-error | invalid
//   call NAME ok TYPE:HEX…  |  call NAME trap KIND   (NAME: hex of the UTF-8 bytes, `-` if empty)
//   global NAME TYPE:HEX    |  memory NAME pages N crc32 HEX  |  table NAME size N
//
// Values are raw bits in hex: f32/f64 as their IEEE bits, v128 as one 128-bit number (high lane
// first), funcref/externref as `null` or `nonnull` (addresses mean nothing across engines).
// Trap kinds are named by what the spec says happened, with the distinctions wasmtime can
// report (see Docs/fuzzing.md).

import WasmCore
import WasmVM

struct ExecReport {
    let enabled: Bool
    private var lines: [String] = []

    init(enabled: Bool) { self.enabled = enabled }

    mutating func line(_ text: String) { if enabled { lines.append(text) } }

    func flush() {
        guard enabled else { return }
        print(lines.joined(separator: "\n"))
        print("end")
    }

    /// Export names as the hex of their UTF-8 bytes: generated names hold spaces, quotes and
    /// line breaks.
    static func name(_ text: String) -> String {
        text.utf8.isEmpty ? "-" : text.utf8.map { hex(UInt64($0), width: 2) }.joined()
    }

    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func value(_ value: Value) -> String {
        switch value {
        case .i32(let bits): "i32:" + hex(UInt64(bits), width: 8)
        case .i64(let bits): "i64:" + hex(bits, width: 16)
        case .f32(let bits): "f32:" + hex(UInt64(bits), width: 8)
        case .f64(let bits): "f64:" + hex(bits, width: 16)
        case .v128(let v): "v128:" + hex(v.high, width: 16) + hex(v.low, width: 16)
        case .funcref(let address): "funcref:" + (address == nil ? "null" : "nonnull")
        case .externref(let address): "externref:" + (address == nil ? "null" : "nonnull")
        case .externAny: "externref:nonnull"
        case .anyref(let reference): "anyref:" + (reference == nil ? "null" : "nonnull")
        case .exnref(let index): "exnref:" + (index == nil ? "null" : "nonnull")
        }
    }

    /// wasmtime reports an index past the table's end (`undefined element`) and an access past
    /// it (`out of bounds table access`) with one code, so both are `table-oob` here.
    static func kind(_ kind: TrapKind) -> String {
        switch kind {
        case .unreachable: "unreachable"
        case .integerDivideByZero: "divide-by-zero"
        case .integerOverflow: "integer-overflow"
        case .invalidConversionToInteger: "invalid-conversion"
        case .outOfBoundsMemoryAccess: "memory-oob"
        case .outOfBoundsTableAccess, .undefinedElement: "table-oob"
        case .indirectCallTypeMismatch: "indirect-call-type"
        // GC and typed references (null dereference, failed cast, array bounds, heap limit).
        case .reference(let message): "reference:" + message
        case .uninitializedElement: "null-element"
        case .callStackExhausted: "stack-exhausted"
        case .outOfFuel: "out-of-fuel"
        case .invalidCode: "invalid-code"
        case .host: "host"
        case .exit: "exit"
        case .uncaughtException(let tag, _): "uncaught-exception:" + tag
        case .nullExceptionReference: "null-exception-reference"
        }
    }
}

/// Arguments of the exported functions: for the n-th exported function (counting function
/// exports only, in export order) and its p-th parameter, entry (n * 3 + p * 5) mod count of
/// the type's table. The Python runner has the same tables.
enum ExecArguments {
    static let i32: [UInt32] = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 42, 0xFFFF, 7, 0x1_0000, 3, 0xFFFF_FFF0]
    static let i64: [UInt64] = [0, 1, .max, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 42, 0xFFFF_FFFF, 7,
                                0x1_0000_0000, 3, 0xFFFF_FFFF_FFFF_FFF0]
    static let f32: [UInt32] = [0x0000_0000, 0x8000_0000, 0x3F80_0000, 0xC020_0000, 0x7F80_0000, 0xFF80_0000,
                                0x7FC0_0000, 0x4B00_0000, 0x0000_0001, 0x7F7F_FFFF, 0x4F00_0000]
    static let f64: [UInt64] = [0, 0x8000_0000_0000_0000, 0x3FF0_0000_0000_0000, 0xC004_0000_0000_0000,
                                0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000, 0x7FF8_0000_0000_0000,
                                0x4330_0000_0000_0000, 1, 0x7FEF_FFFF_FFFF_FFFF, 0x41E0_0000_0000_0000]

    static func value(function: Int, parameter: Int, type: ValueType) -> Value {
        let n = function * 3 + parameter * 5
        switch type {
        case .i32: return .i32(i32[n % i32.count])
        case .i64: return .i64(i64[n % i64.count])
        case .f32: return .f32(f32[n % f32.count])
        case .f64: return .f64(f64[n % f64.count])
        case .v128: return .v128(V128(low: i64[n % i64.count], high: i64[(n + 1) % i64.count]))
        case .ref: return .zero(type)  // a null reference of the type
        }
    }
}

/// CRC-32 (IEEE, as zlib's crc32) of memory contents.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    static func of(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
