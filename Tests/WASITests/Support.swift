// Test harness: an in-memory guest memory, a bump allocator for arguments, and temp folders.

import Foundation
@testable import WASI

/// Guest memory backed by a fixed host allocation; records host writes like a watchpoint would.
final class TestMemory: GuestMemory {
    let storage: UnsafeMutableRawBufferPointer
    var writes: [(offset: Int, count: Int)] = []
    /// How often the host fetched the memory (once per call it handles or renders).
    var fetches = 0

    var bytes: UnsafeMutableRawBufferPointer {
        fetches += 1
        return storage
    }

    init(size: Int = 1 << 20) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
    }
    deinit { storage.deallocate() }

    func didWrite(offset: Int, count: Int) { writes.append((offset, count)) }
}

/// Drives a host the way a guest would: puts arguments into memory, calls, reads results.
final class Guest {
    let host: WASIHost
    let memory: TestMemory
    private var heap: UInt32 = 0x1000

    init(_ configuration: WASIConfiguration, memorySize: Int = 1 << 20) throws {
        host = try WASIHost(configuration: configuration)
        memory = TestMemory(size: memorySize)
    }

    /// Reserves `count` bytes (8-aligned) and returns their address.
    func alloc(_ count: Int) -> UInt32 {
        let address = heap
        heap += UInt32((count + 7) & ~7)
        precondition(Int(heap) < memory.bytes.count, "test heap exhausted")
        return address
    }

    /// Places bytes in memory; returns (address, length).
    func put(_ data: [UInt8]) -> (UInt32, UInt32) {
        let address = alloc(max(data.count, 1))
        for (index, byte) in data.enumerated() { memory.bytes[Int(address) + index] = byte }
        return (address, UInt32(data.count))
    }
    func put(_ text: String) -> (UInt32, UInt32) { put(Array(text.utf8)) }

    @discardableResult
    func call(_ function: WASIFunction, _ args: UInt64...) -> WASIResult {
        host.call(function, args, memory: memory)
    }

    func errno(_ function: WASIFunction, _ args: UInt64...) -> WASIErrno {
        switch host.call(function, args, memory: memory) {
        case .errno(let code): return code
        case .exit: return .success
        }
    }

    func u8(_ at: UInt32) -> UInt8 { memory.bytes[Int(at)] }
    func u16(_ at: UInt32) -> UInt16 { UInt16(u8(at)) | UInt16(u8(at + 1)) << 8 }
    func u32(_ at: UInt32) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(u8(at + $1)) << (8 * $1) } }
    func u64(_ at: UInt32) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(u8(at + UInt32($1))) << (8 * UInt64($1)) } }
    func bytes(_ at: UInt32, _ count: Int) -> [UInt8] { (0..<count).map { u8(at + UInt32($0)) } }
    func string(_ at: UInt32, _ count: Int) -> String { String(decoding: bytes(at, count), as: UTF8.self) }
    func setU32(_ value: UInt32, _ at: UInt32) {
        for i in 0..<4 { memory.bytes[Int(at) + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }
    func setU64(_ value: UInt64, _ at: UInt32) {
        for i in 0..<8 { memory.bytes[Int(at) + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    /// path_open; returns the errno and the new fd.
    func open(_ dir: UInt32, _ path: String, oflags: WASIOFlags = [], rights: WASIRights = .regularFile,
              inheriting: WASIRights = [], fdflags: WASIFDFlags = [], follow: Bool = true) -> (WASIErrno, UInt32) {
        let (p, n) = put(path)
        let out = alloc(4)
        let code = errno(.path_open, UInt64(dir), follow ? 1 : 0, UInt64(p), UInt64(n), UInt64(oflags.rawValue),
                         rights.rawValue, inheriting.rawValue, UInt64(fdflags.rawValue), UInt64(out))
        return (code, code == .success ? u32(out) : UInt32.max)
    }

    /// Calls a function whose parameters are (fd, path, path_len) plus `extra`.
    func pathCall(_ function: WASIFunction, _ dir: UInt32, _ path: String) -> WASIErrno {
        let (p, n) = put(path)
        return host.call(function, [UInt64(dir), UInt64(p), UInt64(n)], memory: memory).errnoValue
    }

    /// fd_write of one buffer; returns errno and nwritten.
    func write(_ fd: UInt32, _ text: String) -> (WASIErrno, UInt32) {
        let (p, n) = put(text)
        let iov = alloc(8)
        setU32(p, iov)
        setU32(n, iov + 4)
        let out = alloc(4)
        let code = errno(.fd_write, UInt64(fd), UInt64(iov), 1, UInt64(out))
        return (code, u32(out))
    }

    /// fd_read into one buffer of `count` bytes; returns errno and the bytes read.
    func read(_ fd: UInt32, _ count: Int) -> (WASIErrno, String) {
        let buffer = alloc(count)
        let iov = alloc(8)
        setU32(buffer, iov)
        setU32(UInt32(count), iov + 4)
        let out = alloc(4)
        let code = errno(.fd_read, UInt64(fd), UInt64(iov), 1, UInt64(out))
        return (code, code == .success ? string(buffer, Int(u32(out))) : "")
    }
}

extension WASIResult {
    var errnoValue: WASIErrno {
        if case .errno(let code) = self { return code }
        return .success
    }
}

/// A fresh temporary folder, removed when the value goes away.
final class TempTree {
    let root: URL
    init() {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("wdb-wasi-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: root) }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func mkdir(_ relative: String) {
        try? FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }
    /// Writes a file, creating the folders above it.
    func write(_ relative: String, _ text: String) {
        let parent = (relative as NSString).deletingLastPathComponent
        if !parent.isEmpty { mkdir(parent) }
        _ = FileManager.default.createFile(atPath: path(relative), contents: Data(text.utf8))
    }
    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }
    func symlink(_ relative: String, to target: String) {
        try? FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
    }
    func exists(_ relative: String) -> Bool {
        var info = stat()
        return lstat(path(relative), &info) == 0
    }

    /// Every entry under `relative` with its type, size and modification time, for before/after
    /// comparisons.
    func snapshot(_ relative: String = "") -> [String: String] {
        var result: [String: String] = [:]
        let base = path(relative)
        guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
        while let item = walker.nextObject() as? String {
            var info = stat()
            lstat(base + "/" + item, &info)
            result[item] = "\(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_nlink)"
        }
        return result
    }
}

/// A clock that returns fixed, settable times (for deterministic traces and tests).
final class FixedClock: WASIClock {
    var time: UInt64
    init(_ time: UInt64) { self.time = time }
    func now(_ id: WASIClockID) -> UInt64? { id == .threadCPUTime ? nil : time }
    func resolution(_ id: WASIClockID) -> UInt64? { id == .threadCPUTime ? nil : 1000 }
}
