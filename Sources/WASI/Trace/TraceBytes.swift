// The byte buffer trace lines are rendered into. Tracing every call of a program that makes
// hundreds of thousands of small WASI calls must cost little next to the calls themselves, so a
// line is written as bytes into one reused buffer: numbers formatted by hand, names copied from
// tables built once, no String in between (building Strings cost ~27,000 instructions a call).

/// A growable UTF-8 byte buffer, reused for every line.
///
/// Noncopyable, so the one allocation it owns has exactly one owner and is freed once. The
/// writes go through a raw pointer (the trace's hot path: a bounds-checked, uniqueness-checked
/// Array append per byte cost more than the rest of the line); every write is preceded by
/// `reserve`, which guarantees the room it writes into.
struct TraceBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 512) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    init(_ bytes: [UInt8]) {
        self.init(capacity: bytes.count + 256)
        append(bytes)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if capacity &- count < extra { grow(extra) }
    }

    private mutating func grow(_ extra: Int) {
        var newCapacity = capacity * 2
        while newCapacity - count < extra { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    mutating func removeAll() { count = 0 }

    /// Drops everything written after `mark` (an earlier `count`).
    @inline(__always)
    mutating func truncate(to mark: Int) {
        if mark >= 0 && mark < count { count = mark }
    }

    // MARK: writing

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    /// An ASCII literal.
    @inline(__always)
    mutating func append(_ text: StaticString) {
        if text.hasPointerRepresentation {
            append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        } else {
            text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
        }
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        let length = bytes.count
        let to = UnsafeMutableRawPointer(base + count)
        if length <= 16 {
            // Names and punctuation: cheaper than calling memcpy or a loop per byte. Two word
            // copies that may overlap cover any length from the word size to twice it.
            if length >= 8 {
                to.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                (to + (length &- 8)).storeBytes(of: source.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self),
                                                as: UInt64.self)
            } else if length >= 4 {
                to.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
                (to + (length &- 4)).storeBytes(of: source.loadUnaligned(fromByteOffset: length &- 4, as: UInt32.self),
                                                as: UInt32.self)
            } else {
                to.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
                if length > 1 {
                    (to + 1).storeBytes(of: source.load(fromByteOffset: 1, as: UInt8.self), as: UInt8.self)
                    (to + (length &- 1)).storeBytes(of: source.load(fromByteOffset: length &- 1, as: UInt8.self),
                                                    as: UInt8.self)
                }
            }
        } else {
            (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count &+= bytes.count
    }

    @inline(__always)
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Bytes `[from, to)` of this buffer, appended to `other`.
    func copy(_ from: Int, _ to: Int, into other: inout TraceBytes) {
        guard from >= 0, from < to, to <= count else { return }
        other.append(UnsafeRawBufferPointer(start: base + from, count: to - from))
    }

    /// `value` in decimal.
    @inline(__always)
    mutating func decimal(_ value: UInt64) {
        // Most numbers in a trace are counts and small fds: one digit, written in place.
        if value < 10 {
            append(0x30 &+ UInt8(truncatingIfNeeded: value))
        } else {
            longDecimal(value)
        }
    }

    private mutating func longDecimal(_ value: UInt64) {
        // The digit count from the bit length (log10(2) ~ 1233/4096), corrected by one
        // comparison; then the digits two at a time from the last.
        let bits = 64 &- value.leadingZeroBitCount
        var length = (bits &* 1233) >> 12
        length &+= value >= TraceBytes.powerOfTen(length) ? 1 : 0
        reserve(length)
        let pairs = TraceBytes.digitPairs.utf8Start
        var rest = value
        var at = base + count + length
        while rest >= 100 {
            let pair = Int(truncatingIfNeeded: rest % 100) &* 2
            rest /= 100
            at -= 2
            at[0] = pairs[pair]
            at[1] = pairs[pair &+ 1]
        }
        if rest >= 10 {
            let pair = Int(truncatingIfNeeded: rest) &* 2
            at -= 2
            at[0] = pairs[pair]
            at[1] = pairs[pair &+ 1]
        } else {
            at -= 1
            at.pointee = 0x30 &+ UInt8(truncatingIfNeeded: rest)
        }
        count &+= length
    }

    /// 10^exponent for 0...19 (the largest below 2^64).
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        powersOfTen.withUnsafeBufferPointer { $0[min(max(exponent, 0), 19)] }
    }

    private static let powersOfTen: [UInt64] = (0...19).map { exponent in
        (0..<exponent).reduce(UInt64(1)) { value, _ in value * 10 }
    }

    /// "00" to "99", for writing decimals two digits at a time.
    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    mutating func signedDecimal(_ value: Int64) {
        if value < 0 { append(0x2D) }
        decimal(value.magnitude)
    }

    /// `value` in lower-case hex without a prefix.
    @inline(__always)
    mutating func hexDigits(_ value: UInt64) {
        reserve(16)
        writeHexDigits(value)
    }

    /// `hexDigits` without the reserve (the caller made room for 16 bytes).
    @inline(__always)
    private mutating func writeHexDigits(_ value: UInt64) {
        // The number of digits first, then the digits written from the last one back.
        let digits = value == 0 ? 1 : (64 &- value.leadingZeroBitCount &+ 3) / 4
        var rest = value
        var at = base + count + digits
        for _ in 0..<digits {
            at -= 1
            at.pointee = TraceBytes.hexDigit(UInt8(truncatingIfNeeded: rest & 0xF))
            rest >>= 4
        }
        count &+= digits
    }

    /// `0x` and `value` in lower-case hex: how addresses show.
    @inline(__always)
    mutating func hex(_ value: UInt64) {
        reserve(18)
        base[count] = 0x30
        base[count &+ 1] = 0x78
        count &+= 2
        writeHexDigits(value)
    }

    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 { hexDigits.utf8Start[Int(nibble & 0xF)] }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// `"text"` with C escapes (`\n`, `\t`, `\r`, `\\`, `\"`, `\xHH` for other bytes outside
    /// printable ASCII), then `...` when `truncated`.
    mutating func quoted(_ bytes: UnsafeRawBufferPointer, truncated: Bool) {
        reserve(bytes.count &* 4 &+ 5)
        var at = base + count
        at.pointee = 0x22
        at += 1
        for byte in bytes {
            switch byte {
            case 0x0A, 0x09, 0x0D, 0x5C, 0x22:
                at[0] = 0x5C
                at[1] = byte == 0x0A ? 0x6E : byte == 0x09 ? 0x74 : byte == 0x0D ? 0x72 : byte
                at += 2
            case 0x20...0x7E:
                at.pointee = byte
                at += 1
            default:
                at[0] = 0x5C
                at[1] = 0x78
                at[2] = TraceBytes.hexDigit(byte >> 4)
                at[3] = TraceBytes.hexDigit(byte & 0xF)
                at += 4
            }
        }
        at.pointee = 0x22
        at += 1
        if truncated {
            at[0] = 0x2E
            at[1] = 0x2E
            at[2] = 0x2E
            at += 3
        }
        count = at - base
    }

    /// Seconds with six decimals from nanoseconds: `0.000021`.
    mutating func seconds(_ nanoseconds: UInt64) {
        let micro = (nanoseconds &+ 500) / 1000
        decimal(micro / 1_000_000)
        append(0x2E)
        let fraction = micro % 1_000_000
        var scale: UInt64 = 100_000
        while scale > 1 && fraction < scale {
            append(0x30)
            scale /= 10
        }
        decimal(fraction)
    }

    /// Bytes `[start, count)` as a JSON string body: `"` `\` and control characters escaped
    /// (`\n`, `\r`, `\t`, else `\u00hh`); other bytes, UTF-8 included, as they are.
    mutating func jsonEscape(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count &* 6)
        var at = base + count
        for byte in bytes {
            switch byte {
            case 0x22, 0x5C:
                at[0] = 0x5C
                at[1] = byte
                at += 2
            case 0x0A, 0x0D, 0x09:
                at[0] = 0x5C
                at[1] = byte == 0x0A ? 0x6E : byte == 0x0D ? 0x72 : 0x74
                at += 2
            case 0..<0x20:
                at[0] = 0x5C
                at[1] = 0x75
                at[2] = 0x30
                at[3] = 0x30
                at[4] = TraceBytes.hexDigit(byte >> 4)
                at[5] = TraceBytes.hexDigit(byte & 0xF)
                at += 6
            default:
                at.pointee = byte
                at += 1
            }
        }
        count = at - base
    }

    /// Turns the text written since `start` into a JSON value: kept as it is when it is a
    /// plain decimal number of fewer than 20 digits, else quoted and escaped as a string.
    /// `scratch` is working space.
    mutating func makeJSONValue(from start: Int, scratch: inout TraceBytes) {
        guard start >= 0 && start <= count else { return }
        let length = count - start
        if length > 0 && length < 20 {
            var digits = true
            for index in start..<count where base[index] < 0x30 || base[index] > 0x39 {
                digits = false
                break
            }
            if digits { return }
        }
        scratch.removeAll()
        copy(start, count, into: &scratch)
        count = start
        append(0x22)
        scratch.withBytes { jsonEscape(UnsafeRawBufferPointer($0)) }
        append(0x22)
    }

    // MARK: reading

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The bytes as a String (the lines are UTF-8: every byte outside ASCII that did not come
    /// from a String is written as an escape).
    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    var array: [UInt8] { withBytes { Array($0) } }
}
