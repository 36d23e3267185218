// The guest memory a trace line is decoded from.

/// The bytes of one call's guest memory, read with the same bounds checks as `GuestView`
/// (every failure is EFAULT) but without its reference to the memory object: the renderer
/// only reads, and holding nothing reference counted makes building and dropping a renderer
/// free (it was a retain, a release and a generic destroy on every traced call).
struct TraceMemory {
    let bytes: UnsafeMutableRawBufferPointer

    init(_ bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

    /// The start offset of `[offset, offset+count)` if it lies inside memory.
    @inline(__always)
    func range(_ offset: UInt32, _ count: Int) throws(WASIErrno) -> Int {
        let start = Int(offset)
        guard count >= 0, start <= bytes.count, count <= bytes.count - start else { throw .fault }
        return start
    }

    func u8(_ offset: UInt32) throws(WASIErrno) -> UInt8 {
        bytes[try range(offset, 1)]
    }
    func u16(_ offset: UInt32) throws(WASIErrno) -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: try range(offset, 2), as: UInt16.self))
    }
    func u32(_ offset: UInt32) throws(WASIErrno) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: try range(offset, 4), as: UInt32.self))
    }
    func u64(_ offset: UInt32) throws(WASIErrno) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: try range(offset, 8), as: UInt64.self))
    }
}
