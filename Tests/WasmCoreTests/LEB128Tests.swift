import Testing
@testable import WasmCore

/// LEB128 reading and writing at the edges of each width (spec §5.2.2).
@Suite struct LEB128Tests {
    enum Width { case u32, s32, s33, s64 }

    /// The value read from `bytes`, or the error's message and offset.
    func read(_ bytes: [UInt8], as width: Width) -> Result<Int64, DecodeError> {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = ByteReader(buffer)
            do throws(DecodeError) {
                let value: Int64 = switch width {
                case .u32: Int64(try reader.u32())
                case .s32: Int64(try reader.s32())
                case .s33: try reader.s33()
                case .s64: try reader.s64()
                }
                guard reader.position == bytes.count else {
                    return .failure(DecodeError("left \(bytes.count - reader.position) bytes", at: reader.position))
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
    }

    func expectValue(_ bytes: [UInt8], _ width: Width, _ expected: Int64, sourceLocation: SourceLocation = #_sourceLocation) {
        switch read(bytes, as: width) {
        case .success(let v): #expect(v == expected, sourceLocation: sourceLocation)
        case .failure(let e): Issue.record("\(e), expected \(expected)", sourceLocation: sourceLocation)
        }
    }

    func written(_ write: (inout ByteWriter) -> Void) -> [UInt8] {
        var w = ByteWriter()
        write(&w)
        return w.bytes
    }

    func expectError(_ bytes: [UInt8], _ width: Width, _ message: String, at offset: Int,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        switch read(bytes, as: width) {
        case .success(let v): Issue.record("read \(v), expected \(message)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.message.hasPrefix(message), sourceLocation: sourceLocation)
            #expect(error.offset == offset, sourceLocation: sourceLocation)
        }
    }

    @Test func unsigned32() {
        expectValue([0x00], .u32, 0)
        expectValue([0x7F], .u32, 127)
        expectValue([0x80, 0x01], .u32, 128)
        expectValue([0xE5, 0x8E, 0x26], .u32, 624_485)
        expectValue([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .u32, Int64(UInt32.max))
        // Overlong but within five bytes: allowed.
        expectValue([0x80, 0x80, 0x80, 0x80, 0x00], .u32, 0)
        expectValue([0x83, 0x80, 0x00], .u32, 3)
        // Fifth byte with bits above 2^32 set.
        expectError([0xFF, 0xFF, 0xFF, 0xFF, 0x1F], .u32, "integer too large", at: 4)
        expectError([0x80, 0x80, 0x80, 0x80, 0x70], .u32, "integer too large", at: 4)
        // A sixth byte.
        expectError([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], .u32, "integer representation too long", at: 5)
        expectError([0x80], .u32, "unexpected end", at: 1)
        expectError([], .u32, "unexpected end", at: 0)
    }

    @Test func signed32() {
        expectValue([0x7F], .s32, -1)
        expectValue([0x3F], .s32, 63)
        expectValue([0x40], .s32, -64)
        expectValue([0xC0, 0x00], .s32, 64)
        expectValue([0x80, 0x7F], .s32, -128)
        expectValue([0xFF, 0xFF, 0xFF, 0xFF, 0x07], .s32, Int64(Int32.max))
        expectValue([0x80, 0x80, 0x80, 0x80, 0x78], .s32, Int64(Int32.min))
        // Overlong negative with sign-extended padding.
        expectValue([0xFF, 0xFF, 0xFF, 0xFF, 0x7F], .s32, -1)
        // Unused bits must copy the sign bit.
        expectError([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .s32, "integer too large", at: 4)
        expectError([0x80, 0x80, 0x80, 0x80, 0x70], .s32, "integer too large", at: 4)
        expectError([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], .s32, "integer representation too long", at: 5)
    }

    @Test func signed33BlockTypes() {
        expectValue([0x40], .s33, -64)
        expectValue([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], .s33, Int64(UInt32.max))
        expectValue([0x80, 0x80, 0x80, 0x80, 0x70], .s33, -(1 << 32))
        expectError([0x80, 0x80, 0x80, 0x80, 0x20], .s33, "integer too large", at: 4)
    }

    @Test func signed64() {
        expectValue([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00], .s64, Int64.max)
        expectValue([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F], .s64, Int64.min)
        expectValue([0x7F], .s64, -1)
        expectError([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], .s64, "integer too large", at: 9)
        expectError([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7E], .s64, "integer too large", at: 9)
        expectError([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], .s64,
                    "integer representation too long", at: 10)
    }

    @Test func nonCanonicalEncodingsAreNoticed() {
        func noticed(_ bytes: [UInt8], _ width: Width) -> Bool {
            bytes.withUnsafeBufferPointer { buffer in
                var reader = ByteReader(buffer)
                switch width {
                case .u32: _ = try? reader.u32()
                default: _ = try? reader.s64()
                }
                return reader.sawNonCanonicalInteger
            }
        }
        #expect(noticed([0x80, 0x00], .u32))
        #expect(!noticed([0x80, 0x01], .u32))
        #expect(noticed([0xFF, 0x7F], .s64))      // -1 in two bytes
        #expect(!noticed([0xFF, 0x00], .s64))     // 127 needs two bytes
        #expect(!noticed([0x80, 0x7F], .s64))     // -128 needs two bytes
        #expect(noticed([0x80, 0x00], .s64))
    }

    /// The writer is canonical, and what it writes reads back.
    @Test func writerRoundTrips() {
        let unsigned: [UInt32] = [0, 1, 63, 64, 127, 128, 255, 16_384, 0x0FFF_FFFF, 0x1000_0000, .max]
        for v in unsigned {
            var w = ByteWriter()
            w.u32(v)
            expectValue(w.bytes, .u32, Int64(v))
            #expect(w.bytes.last.map { $0 != 0 || w.bytes.count == 1 } == true, "\(v) not canonical")
        }
        let signed: [Int64] = [0, 1, -1, 63, 64, -64, -65, 127, -128, Int64(Int32.max), Int64(Int32.min), .max, .min]
        for v in signed {
            var w = ByteWriter()
            w.s64(v)
            expectValue(w.bytes, .s64, v)
            var fresh = ByteWriter()
            fresh.s64(v)
            fresh.bytes.withUnsafeBufferPointer { buffer in
                var reader = ByteReader(buffer)
                _ = try? reader.s64()
                #expect(!reader.sawNonCanonicalInteger, "\(v) written non-canonically")
            }
        }
        #expect(written { $0.s64(-1) } == [0x7F])
        #expect(written { $0.s64(64) } == [0xC0, 0x00])
        #expect(written { $0.u32(624_485) } == [0xE5, 0x8E, 0x26])
    }

    /// The two-byte fast paths of u32 and s32 give what the general loop gives, value, length
    /// and the redundant-encoding flag, for every two-byte encoding (and a third byte after it
    /// is left alone).
    @Test func twoByteFastPathsAgreeWithTheGeneralDecoder() {
        for first in UInt8(0x80)...UInt8(0xFF) {
            for second in UInt8(0)...UInt8(0x7F) {
                let bytes: [UInt8] = [first, second, 0x55]
                bytes.withUnsafeBufferPointer { buffer in
                    var fast = ByteReader(buffer), slow = ByteReader(buffer)
                    let u = try? fast.u32(), v = try? slow.unsignedSlow(bits: 32)
                    #expect(u.map(UInt64.init) == v && fast.position == 2 && slow.position == 2)
                    #expect(fast.sawNonCanonicalInteger == slow.sawNonCanonicalInteger)
                    var fastS = ByteReader(buffer), slowS = ByteReader(buffer)
                    let s = try? fastS.s32(), t = try? slowS.signedSlow(bits: 32)
                    #expect(s.map(Int64.init) == t && fastS.position == 2 && slowS.position == 2)
                    #expect(fastS.sawNonCanonicalInteger == slowS.sawNonCanonicalInteger, "\(first) \(second)")
                }
            }
        }
        // A two-byte encoding cut short by the end of the input still fails as before.
        expectError([0x80], .u32, "unexpected end", at: 1)
        expectError([0xFF], .s32, "unexpected end", at: 1)
    }
}
