// The guest's linear memory as the host sees it during one call. The VM adapts its memory to
// `GuestMemory`; the host fetches `bytes` once per call (memory cannot grow while a WASI call
// runs, since no WASI function re-enters the guest) and checks every access against its size.

/// Linear memory provider. `bytes` must describe the whole current memory.
public protocol GuestMemory: AnyObject {
    /// The current memory; valid for the duration of one host call.
    var bytes: UnsafeMutableRawBufferPointer { get }
    /// Called after the host stored `count` bytes at `offset` (watchpoints hook in here).
    func didWrite(offset: Int, count: Int)
}

extension GuestMemory {
    public func didWrite(offset: Int, count: Int) {}
}

/// Bounds-checked little-endian access to guest memory; every failure is EFAULT, as wasmtime
/// reports a guest pointer out of bounds.
struct GuestView {
    let memory: GuestMemory
    // Raw view of the guest memory for this call; every access below goes through `range`.
    let bytes: UnsafeMutableRawBufferPointer

    init(_ memory: GuestMemory) {
        self.memory = memory
        self.bytes = memory.bytes
    }

    /// A view whose bytes the caller already fetched from `memory` for this call (the trace
    /// decodes the call from them first).
    init(_ memory: GuestMemory, bytes: UnsafeMutableRawBufferPointer) {
        self.memory = memory
        self.bytes = bytes
    }

    var size: Int { bytes.count }

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

    func store8(_ value: UInt8, _ offset: UInt32) throws(WASIErrno) {
        let start = try range(offset, 1)
        bytes[start] = value
        memory.didWrite(offset: start, count: 1)
    }
    func store16(_ value: UInt16, _ offset: UInt32) throws(WASIErrno) {
        let start = try range(offset, 2)
        bytes.storeBytes(of: value.littleEndian, toByteOffset: start, as: UInt16.self)
        memory.didWrite(offset: start, count: 2)
    }
    func store32(_ value: UInt32, _ offset: UInt32) throws(WASIErrno) {
        let start = try range(offset, 4)
        bytes.storeBytes(of: value.littleEndian, toByteOffset: start, as: UInt32.self)
        memory.didWrite(offset: start, count: 4)
    }
    func store64(_ value: UInt64, _ offset: UInt32) throws(WASIErrno) {
        let start = try range(offset, 8)
        bytes.storeBytes(of: value.littleEndian, toByteOffset: start, as: UInt64.self)
        memory.didWrite(offset: start, count: 8)
    }

    /// A writable window `[offset, offset+count)` of guest memory.
    func slice(_ offset: UInt32, _ count: UInt32) throws(WASIErrno) -> UnsafeMutableRawBufferPointer {
        let start = try range(offset, Int(count))
        return UnsafeMutableRawBufferPointer(rebasing: bytes[start..<start + Int(count)])
    }

    /// Copies bytes into guest memory.
    func write<C: Collection>(_ data: C, at offset: UInt32) throws(WASIErrno) where C.Element == UInt8 {
        let start = try range(offset, data.count)
        var index = start
        for byte in data {
            bytes[index] = byte
            index += 1
        }
        memory.didWrite(offset: start, count: data.count)
    }

    func readBytes(_ offset: UInt32, _ count: UInt32) throws(WASIErrno) -> [UInt8] {
        let start = try range(offset, Int(count))
        return Array(bytes[start..<start + Int(count)])
    }

    /// A path or other string argument: UTF-8 (EILSEQ otherwise), no NUL byte (EINVAL),
    /// since a NUL would silently cut the path the host passes to the kernel.
    ///
    /// Every string argument of preview1 is a path or a symlink's contents, which the kernel
    /// refuses beyond PATH_MAX (4096 bytes, NUL included): refused here before it is read, so a
    /// guest cannot make the host hold a copy of a 64 MiB "path" split into millions of parts.
    func string(_ offset: UInt32, _ count: UInt32) throws(WASIErrno) -> String {
        if count >= GuestMemoryLimits.pathMax { _ = try range(offset, Int(count)); throw .nametoolong }
        let raw = try readBytes(offset, count)
        if raw.contains(0) { throw .inval }
        guard let text = String(validating: raw, as: UTF8.self) else { throw .ilseq }
        return text
    }

    /// The (buf, len) pairs of an iovec array.
    func iovecs(_ offset: UInt32, _ count: UInt32) throws(WASIErrno) -> [(buf: UInt32, len: UInt32)] {
        let total = Int(count) * WASILayout.IOVec.size
        _ = try range(offset, total)
        var list: [(buf: UInt32, len: UInt32)] = []
        list.reserveCapacity(Int(count))
        for i in 0..<count {
            let entry = offset &+ i &* UInt32(WASILayout.IOVec.size)
            let buf = try u32(entry &+ UInt32(WASILayout.IOVec.buf))
            let len = try u32(entry &+ UInt32(WASILayout.IOVec.bufLen))
            _ = try range(buf, Int(len))
            list.append((buf, len))
        }
        return list
    }
}

enum GuestMemoryLimits {
    /// Linux's PATH_MAX, which counts the terminating NUL.
    static let pathMax: UInt32 = 4096
}
