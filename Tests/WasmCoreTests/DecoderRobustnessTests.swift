import Testing
@testable import WasmCore

/// A small deterministic PRNG (SplitMix64), so failures reproduce from the seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Damaged input must give a result or a `DecodeError` with an offset inside the input,
/// never a crash. When damaged input still decodes, encoding and decoding again must agree.
@Suite struct DecoderRobustnessTests {
    /// Decodes and, on success, checks that the module survives an encode/decode round trip.
    /// Returns true when the bytes decoded.
    @discardableResult
    func exercise(_ bytes: [UInt8], _ label: @autoclosure () -> String) -> Bool {
        do {
            let module = try BinaryDecoder.decode(bytes)
            let encoded = BinaryEncoder.encode(module)
            do {
                let again = try BinaryDecoder.decode(encoded)
                #expect(positionFree(again) == positionFree(module), "\(label()): re-decoded module differs")
            } catch {
                Issue.record("\(label()): re-encoded module does not decode: \(error)")
            }
            return true
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count, "\(label()): offset \(error.offset) outside input")
            #expect(!error.message.isEmpty)
            return false
        }
    }

    /// Positions to damage in a fixture: all of them for small files, else the first 64 (the
    /// header and the early sections) and a seeded sample of the rest (a debug build decodes
    /// the large compiled fixture in milliseconds, so every position would take minutes).
    func positions(in count: Int, rng: inout SplitMix64) -> [Int] {
        guard count > 1024 else { return Array(0..<count) }
        return Array(0..<64) + (0..<64).map { _ in Int.random(in: 64..<count, using: &rng) }.sorted()
    }

    @Test func truncatedPrefixesOfEveryFixture() {
        var rng = SplitMix64(seed: 7)
        var cases = 0, accepted = 0
        for file in Fixtures.wasmFiles() {
            for length in positions(in: file.bytes.count, rng: &rng) {
                cases += 1
                if exercise(Array(file.bytes[..<length]), "\(file.name) cut at \(length)") { accepted += 1 }
            }
        }
        print("robustness: \(cases) truncated prefixes, \(accepted) still well-formed (cut at a section boundary)")
        #expect(cases > 1000)
    }

    @Test func singleBitFlipsOfEveryFixture() {
        var rng = SplitMix64(seed: 11)
        var cases = 0, accepted = 0
        for file in Fixtures.wasmFiles() {
            for index in positions(in: file.bytes.count, rng: &rng) {
                for bit in 0..<8 {
                    var bytes = file.bytes
                    bytes[index] ^= UInt8(1) << UInt8(bit)
                    cases += 1
                    if exercise(bytes, "\(file.name) bit \(bit) of byte \(index)") { accepted += 1 }
                }
            }
        }
        print("robustness: \(cases) single-bit flips, \(accepted) still well-formed")
        #expect(cases > 10_000)
    }

    @Test func randomBytesAndRandomMutations() {
        var rng = SplitMix64(seed: 0x5EED_0F_3A5D)
        let fixtures = Fixtures.wasmFiles().map(\.bytes)
        let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        var cases = 0, accepted = 0
        for round in 0..<6000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                // Pure noise, after a valid header half of the time.
                let length = Int.random(in: 0..<160, using: &rng)
                bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if Bool.random(using: &rng) { bytes = header + bytes }
            case 1:
                // A valid header and a sequence of plausible sections with random contents.
                bytes = header
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let size = Int.random(in: 0..<24, using: &rng)
                    bytes.append(UInt8.random(in: 0...12, using: &rng))
                    bytes.append(UInt8(size))
                    bytes += (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
                }
            default:
                // A fixture with a few random bytes overwritten, inserted or removed.
                bytes = fixtures.isEmpty ? header : fixtures[Int.random(in: 0..<fixtures.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                    default: bytes.remove(at: at)
                    }
                }
            }
            cases += 1
            if exercise(bytes, "random case \(round)") { accepted += 1 }
        }
        print("robustness: \(cases) random inputs, \(accepted) well-formed")
        #expect(cases == 6000)
    }

    /// Counts that promise far more entries than the bytes could hold must not allocate
    /// gigabytes or loop for long: they fail at the end of the input.
    @Test func hugeCountsFailQuickly() {
        let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        for id: UInt8 in [1, 2, 3, 4, 5, 6, 7, 9, 10, 11] {
            let bytes = header + [id, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
            #expect(throws: DecodeError.self) { try BinaryDecoder.decode(bytes) }
        }
        // A function body claiming 2^32-1 locals of one type is fine to decode (and cheap).
        let locals = header + [0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                               0x0A, 0x0A, 0x01, 0x08, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B]
        #expect(throws: Never.self) { try BinaryDecoder.decode(locals) }
    }
}
