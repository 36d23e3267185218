// Structured decisions from libFuzzer's raw bytes. A target that needs more than "the bytes are
// the input" (the WASI call sequences, the DWARF section sets) reads its choices from the front
// of the input with this reader; once the bytes run out every read answers zero, so any prefix
// of an input is itself a valid, shorter input and libFuzzer's length-reducing mutations work.

/// A cursor over one fuzz input.
public struct FuzzInput {
    public let bytes: [UInt8]
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Copies the input libFuzzer hands over (the pointer is only valid during the call).
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        self.bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    }

    public var isAtEnd: Bool { position >= bytes.count }
    public var remaining: Int { max(0, bytes.count - position) }

    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func u16() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }
    public mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    public mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

    /// A number in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        if n <= 256 { return Int(byte()) % n }
        return Int(u32() % UInt32(truncatingIfNeeded: n))
    }

    /// True with roughly `percent` % probability over random bytes.
    public mutating func chance(_ percent: Int) -> Bool { Int(byte()) * 100 < percent * 256 }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Up to `count` bytes (fewer at the end of the input).
    public mutating func take(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, position + max(0, count))
        guard position < end else { return [] }
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] { take(remaining) }
}
