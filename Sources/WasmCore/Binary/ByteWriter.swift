/// Appends binary-format values to a byte array, always in canonical (shortest) LEB128.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func u32(_ value: UInt32) { u64(UInt64(value)) }

    mutating func u64(_ value: UInt64) {
        var v = value
        while true {
            let b = UInt8(v & 0x7F)
            v >>= 7
            if v == 0 {
                bytes.append(b)
                return
            }
            bytes.append(b | 0x80)
        }
    }

    mutating func s32(_ value: Int32) { s64(Int64(value)) }

    mutating func s64(_ value: Int64) {
        var v = value
        while true {
            let b = UInt8(truncatingIfNeeded: v) & 0x7F
            v >>= 7  // arithmetic shift keeps the sign
            let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0)
            if done {
                bytes.append(b)
                return
            }
            bytes.append(b | 0x80)
        }
    }

    mutating func fixedU32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    mutating func fixedU64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    mutating func name(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// A length-prefixed byte vector.
    mutating func vector(_ content: [UInt8]) {
        u32(UInt32(content.count))
        bytes.append(contentsOf: content)
    }
}

/// Canonical unsigned LEB128 for callers outside WasmCore that build section payloads of their
/// own (the assembler's name and source-map sections), so there is one encoder of the format.
public enum LEB128 {
    public static func appendUnsigned(_ value: UInt32, to out: inout [UInt8]) {
        var writer = ByteWriter()
        writer.u32(value)
        out.append(contentsOf: writer.bytes)
    }
}
