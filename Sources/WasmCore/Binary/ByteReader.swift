/// A cursor over the bytes of a binary module: fixed-width values, LEB128 integers with the
/// spec's size rules, names with UTF-8 validation.
///
/// Every read checks `position < end` once and then reads through an unchecked buffer pointer.
/// `unsafe` justification: the decoder is on the path of every module load (goal: faster than
/// wabt), the buffer outlives the reader (it only exists inside `withUnsafeBufferPointer`), and
/// every access below is preceded by an explicit check against `end`, which never exceeds the
/// buffer's count.
struct ByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    /// One past the last readable byte (the file end, or a custom section's end).
    let end: Int
    /// Set when an LEB128 integer used more bytes than its value needs (a valid but
    /// non-canonical encoding); lets tests know when re-encoding cannot reproduce the input.
    var sawNonCanonicalInteger = false

    init(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.end = Swift.min(end ?? bytes.count, bytes.count)
    }

    var isAtEnd: Bool { position >= end }
    var remaining: Int { end - position }

    // MARK: errors

    func unexpectedEnd() -> DecodeError {
        DecodeError("unexpected end of section or function", at: Swift.min(position, end))
    }

    // MARK: bytes

    @inline(__always)
    mutating func byte() throws(DecodeError) -> UInt8 {
        guard position < end else { throw unexpectedEnd() }
        let b = bytes[position]
        position &+= 1
        return b
    }

    @inline(__always)
    func peek() -> UInt8? {
        position < end ? bytes[position] : nil
    }

    /// `count` raw bytes. The caller decides what a too-large count means (see `name()`).
    mutating func bytes(_ count: Int) throws(DecodeError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            position = end
            throw unexpectedEnd()
        }
        let result = Array(UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]))
        position += count
        return result
    }

    mutating func fixedU32() throws(DecodeError) -> UInt32 {
        guard remaining >= 4 else { position = end; throw unexpectedEnd() }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return v
    }

    mutating func fixedU64() throws(DecodeError) -> UInt64 {
        guard remaining >= 8 else { position = end; throw unexpectedEnd() }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    // MARK: LEB128

    /// An unsigned LEB128 integer of at most 32 bits (indices, counts, sizes).
    @inline(__always)
    mutating func u32() throws(DecodeError) -> UInt32 {
        if position < end {
            let b = bytes[position]
            if b < 0x80 {
                position &+= 1
                return UInt32(b)
            }
            // Two bytes (memarg offsets, call and type indices above 127): no loop and no
            // range check (14 bits fit); a zero last byte is a redundant encoding, as in the
            // slow path.
            if position &+ 1 < end {
                let c = bytes[position &+ 1]
                if c < 0x80 {
                    position &+= 2
                    if c == 0 { sawNonCanonicalInteger = true }
                    return UInt32(b & 0x7F) | UInt32(c) << 7
                }
            }
        }
        return UInt32(truncatingIfNeeded: try unsignedSlow(bits: 32))
    }

    /// An unsigned LEB128 integer of at most `bits` bits (1...64).
    mutating func unsignedSlow(bits: Int) throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift = 0
        var count = 0
        while true {
            let remainingBits = bits - shift
            guard remainingBits > 0 else {
                throw DecodeError("integer representation too long", at: position)
            }
            let b = try byte()
            count += 1
            if remainingBits < 7 && UInt64(b & 0x7F) >= (UInt64(1) << UInt64(remainingBits)) {
                throw DecodeError("integer too large", at: position - 1)
            }
            result |= UInt64(b & 0x7F) << UInt64(shift)
            if b & 0x80 == 0 {
                if count > 1 && b == 0 { sawNonCanonicalInteger = true }
                return result
            }
            shift += 7
        }
    }

    @inline(__always)
    mutating func s32() throws(DecodeError) -> Int32 {
        if position < end {
            let b = bytes[position]
            if b < 0x80 {
                position &+= 1
                // Sign-extend the 7-bit value.
                return Int32(Int8(bitPattern: b << 1) >> 1)
            }
            // Two bytes (constants within ±8192): sign-extended from bit 13; a last byte that
            // only repeats the sign of the first is a redundant encoding, as in the slow path.
            if position &+ 1 < end {
                let c = bytes[position &+ 1]
                if c < 0x80 {
                    position &+= 2
                    if (c == 0 && b & 0x40 == 0) || (c == 0x7F && b & 0x40 != 0) { sawNonCanonicalInteger = true }
                    let value = Int32(b & 0x7F) | Int32(c) << 7
                    return (value << 18) >> 18
                }
            }
        }
        return Int32(truncatingIfNeeded: try signedSlow(bits: 32))
    }

    mutating func s64() throws(DecodeError) -> Int64 {
        try signedSlow(bits: 64)
    }

    mutating func s33() throws(DecodeError) -> Int64 {
        try signedSlow(bits: 33)
    }

    /// A signed LEB128 integer of at most `bits` bits (1...64): the unused bits of the last
    /// byte must all equal the sign bit.
    mutating func signedSlow(bits: Int) throws(DecodeError) -> Int64 {
        var result: Int64 = 0
        var shift = 0
        var count = 0
        var previous: UInt8 = 0
        while true {
            let remainingBits = bits - shift
            guard remainingBits > 0 else {
                throw DecodeError("integer representation too long", at: position)
            }
            let b = try byte()
            count += 1
            if remainingBits < 7 {
                // Bits at and above the sign bit of the remaining width must agree.
                let mask = UInt8(truncatingIfNeeded: (-1 << (remainingBits - 1))) & 0x7F
                if b & mask != 0 && b & mask != mask {
                    throw DecodeError("integer too large", at: position - 1)
                }
            }
            result |= Int64(b & 0x7F) << Int64(shift)
            shift += 7
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 { result |= -1 << Int64(shift) }
                if count > 1 {
                    let redundant = (b == 0 && previous & 0x40 == 0) || (b == 0x7F && previous & 0x40 != 0)
                    if redundant { sawNonCanonicalInteger = true }
                }
                return result
            }
            previous = b
        }
    }

    // MARK: names

    /// A vector of bytes that must be valid UTF-8 (names of imports, exports, custom sections).
    mutating func name() throws(DecodeError) -> String {
        let lengthOffset = position
        let length = Int(try u32())
        guard length <= remaining else {
            throw DecodeError("length out of bounds: name of \(length) bytes with \(remaining) left", at: lengthOffset)
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[position..<(position + length)])
        if let bad = UTF8Check.firstInvalidIndex(slice) {
            throw DecodeError("malformed UTF-8 encoding", at: position + bad)
        }
        position += length
        return String(decoding: slice, as: UTF8.self)
    }
}

/// UTF-8 well-formedness as the spec defines it (no overlong forms, no surrogates, nothing
/// above U+10FFFF).
enum UTF8Check {
    /// Index of the first byte of the first ill-formed sequence, or nil if all is well formed.
    static func firstInvalidIndex(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = s.count
        guard let base = s.baseAddress else { return nil }
        while i < n {
            // ASCII, nearly all of a name section, eight bytes at a time.
            while i &+ 8 <= n,
                  UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i &+= 8
            }
            guard i < n else { break }
            let b0 = s[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F          // excludes surrogates
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F          // up to U+10FFFF
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = s[i + 1]
            guard b1 >= low && b1 <= high else { return i }
            for k in 2..<length where s[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
