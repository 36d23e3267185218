/// A bounds-checked reader over one DWARF section. Every read that would run past the end (of
/// the section or of a narrower window such as one unit) throws a `DwarfError` naming the
/// section and the offset, so malformed input becomes a warning rather than a trap.
struct ByteCursor {
    let bytes: [UInt8]
    let section: String
    /// Absolute offset in the section of the next byte to read.
    var offset: Int
    /// Reads stop here (exclusive); at most `bytes.count`.
    var limit: Int

    init(bytes: [UInt8], section: String, offset: Int = 0, limit: Int? = nil) {
        self.bytes = bytes
        self.section = section
        self.offset = offset
        self.limit = min(limit ?? bytes.count, bytes.count)
    }

    var isAtEnd: Bool { offset >= limit }
    var remaining: Int { max(0, limit - offset) }

    func error(_ message: String, at position: Int? = nil) -> DwarfError {
        DwarfError(section: section, offset: position ?? offset, message: message)
    }

    mutating func need(_ count: Int) throws(DwarfError) {
        if count < 0 || offset < 0 || count > limit - offset {
            throw error("truncated: \(count) byte(s) needed, \(remaining) left")
        }
    }

    mutating func u8() throws(DwarfError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(DwarfError) -> UInt16 { UInt16(truncatingIfNeeded: try fixed(2)) }
    mutating func u32() throws(DwarfError) -> UInt32 { UInt32(truncatingIfNeeded: try fixed(4)) }
    mutating func u64() throws(DwarfError) -> UInt64 { try fixed(8) }

    /// A little-endian unsigned integer of `size` bytes (1...8).
    mutating func fixed(_ size: Int) throws(DwarfError) -> UInt64 {
        guard size >= 1 && size <= 8 else { throw error("unsupported integer size \(size)") }
        try need(size)
        var value: UInt64 = 0
        for i in 0..<size { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += size
        return value
    }

    mutating func uleb() throws(DwarfError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < limit else { throw error("truncated LEB128", at: start) }
            let byte = bytes[offset]
            offset += 1
            if shift < 64 { result |= UInt64(byte & 0x7f) << shift }
            else if byte & 0x7f != 0 { throw error("LEB128 overflows 64 bits", at: start) }
            shift += 7
            if byte & 0x80 == 0 { return result }
            // Padded encodings are legal; an endless run of continuation bytes is not.
            if shift > 7 * 20 { throw error("LEB128 longer than 20 bytes", at: start) }
        }
    }

    mutating func sleb() throws(DwarfError) -> Int64 {
        let start = offset
        var result: Int64 = 0
        var shift: Int64 = 0
        var byte: UInt8 = 0
        repeat {
            guard offset < limit else { throw error("truncated LEB128", at: start) }
            byte = bytes[offset]
            offset += 1
            if shift < 64 { result |= Int64(byte & 0x7f) << shift }
            shift += 7
            if shift > 7 * 20 { throw error("LEB128 longer than 20 bytes", at: start) }
        } while byte & 0x80 != 0
        // Sign extension: ones above the last group. `-(1 << shift)` would overflow at shift 63
        // (nine bytes), which a fuzzed line program reached; `-1 << shift` cannot.
        if shift < 64 && byte & 0x40 != 0 { result |= Int64(-1) << shift }
        return result
    }

    /// A NUL-terminated UTF-8 string (invalid UTF-8 is repaired, not rejected).
    mutating func cString() throws(DwarfError) -> String {
        let start = offset
        var end = offset
        while end < limit && bytes[end] != 0 { end += 1 }
        guard end < limit else { throw error("unterminated string", at: start) }
        offset = end + 1
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    mutating func take(_ count: Int) throws(DwarfError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func skip(_ count: Int) throws(DwarfError) {
        try need(count)
        offset += count
    }

    /// A ULEB128 that must fit an `Int` usable as a count or length.
    mutating func ulebCount() throws(DwarfError) -> Int {
        let start = offset
        let value = try uleb()
        guard value <= UInt64(Int32.max) else { throw error("length \(value) out of range", at: start) }
        return Int(value)
    }

    /// Reads an initial length field; 64-bit DWARF is refused (wasm32 producers never write it).
    mutating func unitLength() throws(DwarfError) -> Int {
        let start = offset
        let length = try u32()
        if length == 0xffff_ffff { throw error("64-bit DWARF is not supported", at: start) }
        if length >= 0xffff_fff0 { throw error("reserved unit length 0x\(hex(length))", at: start) }
        return Int(length)
    }
}

/// Where and why reading failed; becomes a `DebugInfoWarning`.
struct DwarfError: Error {
    let section: String
    let offset: Int
    let message: String
}

func hex<T: BinaryInteger>(_ value: T) -> String { String(value, radix: 16) }

/// A C string at `offset` of a string section (`.debug_str`, `.debug_line_str`).
func readString(in bytes: [UInt8], section: String, at offset: UInt64) throws(DwarfError) -> String {
    guard offset < UInt64(bytes.count) else {
        throw DwarfError(section: section, offset: Int(clamping: offset), message: "string offset 0x\(hex(offset)) past the end")
    }
    var cursor = ByteCursor(bytes: bytes, section: section, offset: Int(offset))
    return try cursor.cString()
}
