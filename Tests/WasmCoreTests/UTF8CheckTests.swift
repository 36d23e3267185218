import Testing
@testable import WasmCore

/// Names must be UTF-8 (spec §5.2.4): `UTF8Check` finds the first ill-formed sequence, with an
/// eight-bytes-at-a-time path for ASCII runs.
@Suite struct UTF8CheckTests {
    /// The index of the first ill-formed sequence, checked against the standard library's
    /// decoder: everything before it is valid, and no well-formed sequence starts at it.
    func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let found = bytes.withUnsafeBufferPointer { UTF8Check.firstInvalidIndex($0) }
        let valid = String(validating: bytes, as: UTF8.self) != nil
        guard let k = found else {
            #expect(valid, "\(bytes)", sourceLocation: sourceLocation)
            return
        }
        #expect(!valid, "\(bytes)", sourceLocation: sourceLocation)
        #expect(String(validating: bytes[..<k], as: UTF8.self) != nil, "\(bytes) at \(k)", sourceLocation: sourceLocation)
        for length in 1...4 where k + length <= bytes.count {
            #expect(String(validating: bytes[k..<(k + length)], as: UTF8.self) == nil, "\(bytes) at \(k)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func findsTheFirstIllFormedSequenceAfterAnyRunOfASCII() {
        let pieces: [[UInt8]] = [[0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80],
                                 [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            // ASCII runs of every length around the eight-byte step, between other pieces.
            for _ in 0..<Int.random(in: 1...5, using: &generator) {
                bytes += [UInt8](repeating: 0x61, count: Int.random(in: 0...19, using: &generator))
                bytes += pieces.randomElement(using: &generator)!
            }
            check(bytes)
        }
        check([])
        check([UInt8](repeating: 0x7A, count: 64))
        check([UInt8](repeating: 0x7A, count: 63) + [0x80])
        check([UInt8](repeating: 0x7A, count: 16) + [0xE2, 0x82, 0xAC] + [UInt8](repeating: 0x7A, count: 9))
    }
}
