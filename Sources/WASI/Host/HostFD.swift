// fd_* functions.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension WASIHost {
    /// Host iovecs pointing into guest memory; each guest range was bounds-checked.
    private func hostIOVecs(_ m: GuestView, _ list: [(buf: UInt32, len: UInt32)]) -> [iovec] {
        list.map { entry in
            iovec(iov_base: m.bytes.baseAddress.map { $0 + Int(entry.buf) }, iov_len: Int(entry.len))
        }
    }

    func fdRead(_ m: GuestView, _ a: Arguments, positioned: Bool) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(positioned ? [.fdRead, .fdSeek] : .fdRead)
        if d.kind == .directory { throw .isdir }
        let list = try m.iovecs(a.u32(1), a.u32(2))
        let out = a.u32(positioned ? 4 : 3)
        _ = try m.range(out, 4)
        if positioned && a.u64(3) > UInt64(Int64.max) { throw .inval }
        let vectors = hostIOVecs(m, list)
        let count = try POSIX.check {
            vectors.withUnsafeBufferPointer { buffer -> Int in
                positioned
                    ? preadv(d.hostFD, buffer.baseAddress, Int32(buffer.count), off_t(a.u64(3)))
                    : readv(d.hostFD, buffer.baseAddress, Int32(buffer.count))
            }
        }
        reportFilled(m, list, count)
        try m.store32(UInt32(truncatingIfNeeded: count), out)
    }

    /// Tells the memory observer which guest bytes a read filled.
    func reportFilled(_ m: GuestView, _ list: [(buf: UInt32, len: UInt32)], _ count: Int) {
        var remaining = count
        for entry in list where remaining > 0 {
            let filled = min(Int(entry.len), remaining)
            m.memory.didWrite(offset: Int(entry.buf), count: filled)
            remaining -= filled
        }
    }

    func fdWrite(_ m: GuestView, _ a: Arguments, positioned: Bool) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(positioned ? [.fdWrite, .fdSeek] : .fdWrite)
        let list = try m.iovecs(a.u32(1), a.u32(2))
        let out = a.u32(positioned ? 4 : 3)
        _ = try m.range(out, 4)
        if positioned && a.u64(3) > UInt64(Int64.max) { throw .inval }
        let vectors = hostIOVecs(m, list)
        let count = try POSIX.check {
            vectors.withUnsafeBufferPointer { buffer -> Int in
                if positioned {
                    return pwritev(d.hostFD, buffer.baseAddress, Int32(buffer.count), off_t(a.u64(3)))
                }
                if d.kind == .socket {
                    // MSG_NOSIGNAL: a peer that went away is EPIPE for the guest, not SIGPIPE for wdb.
                    var message = msghdr()
                    message.msg_iov = UnsafeMutablePointer(mutating: buffer.baseAddress)
                    message.msg_iovlen = buffer.count
                    return sendmsg(d.hostFD, &message, Int32(MSG_NOSIGNAL))
                }
                return writev(d.hostFD, buffer.baseAddress, Int32(buffer.count))
            }
        }
        try m.store32(UInt32(truncatingIfNeeded: count), out)
    }

    func fdSeek(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        let offset = a.s64(1)
        guard let whence = WASIWhence(rawValue: a.u8(2)), a.u32(2) <= 2 else { throw .inval }
        // A seek that only reports the position needs FD_TELL alone (witx note on fd_seek).
        try d.require(offset == 0 && whence == .cur ? .fdTell : .fdSeek)
        if d.kind == .directory { throw .badf }
        _ = try m.range(a.u32(3), 8)
        let host: Int32 = whence == .set ? SEEK_SET : whence == .cur ? SEEK_CUR : SEEK_END
        let position = try POSIX.check { lseek(d.hostFD, off_t(offset), host) }
        try m.store64(UInt64(position), a.u32(3))
    }

    func fdTell(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdTell)
        _ = try m.range(a.u32(1), 8)
        let position = try POSIX.check { lseek(d.hostFD, 0, SEEK_CUR) }
        try m.store64(UInt64(position), a.u32(1))
    }

    func fdClose(_ a: Arguments) throws(WASIErrno) {
        let d = try table.remove(a.u32(0))
        d.closeHost()
    }

    func fdSync(_ a: Arguments, data: Bool) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(data ? .fdDatasync : .fdSync)
        try POSIX.check { data ? fdatasync(d.hostFD) : fsync(d.hostFD) }
    }

    func fdAdvise(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdAdvise)
        guard a.u32(3) <= 5 else { throw .inval }
        guard a.u64(1) <= UInt64(Int64.max), a.u64(2) <= UInt64(Int64.max) else { throw .inval }
        if d.kind == .directory { throw .badf }
        // Advice is a hint; the host call's answer is kept only for real errors.
        let code = posix_fadvise(d.hostFD, off_t(a.u64(1)), off_t(a.u64(2)), Int32(a.u32(3)))
        if code != 0 && code != ESPIPE { throw WASIErrno(host: code) }
    }

    func fdAllocate(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdAllocate)
        guard a.u64(1) <= UInt64(Int64.max), a.u64(2) <= UInt64(Int64.max), a.u64(2) > 0 else {
            throw .inval
        }
        let code = posix_fallocate(d.hostFD, off_t(a.u64(1)), off_t(a.u64(2)))
        if code != 0 { throw WASIErrno(host: code) }
    }

    func fdFdstatGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        let out = a.u32(1)
        _ = try m.range(out, WASILayout.FDStat.size)
        try m.write(repeatElement(0, count: WASILayout.FDStat.size), at: out)
        try m.store8(d.fileType.rawValue, out &+ UInt32(WASILayout.FDStat.filetype))
        try m.store16(d.flags.rawValue, out &+ UInt32(WASILayout.FDStat.flags))
        try m.store64(d.rightsBase.rawValue, out &+ UInt32(WASILayout.FDStat.rightsBase))
        try m.store64(d.rightsInheriting.rawValue, out &+ UInt32(WASILayout.FDStat.rightsInheriting))
    }

    func fdFdstatSetFlags(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdFdstatSetFlags)
        guard a.u32(1) <= 0x1F else { throw .inval }
        let requested = WASIFDFlags(rawValue: a.u16(1))
        // Synchronous-I/O modes cannot be switched on an open host descriptor portably.
        if !requested.isDisjoint(with: [.dsync, .rsync, .sync]) { throw .notsup }
        let current = try POSIX.check { fcntl(d.hostFD, F_GETFL) }
        var updated = current & ~(O_APPEND | O_NONBLOCK)
        if requested.contains(.append) { updated |= O_APPEND }
        if requested.contains(.nonblock) { updated |= O_NONBLOCK }
        try POSIX.check { fcntl(d.hostFD, F_SETFL, updated) }
        d.flags = requested
    }

    func fdFdstatSetRights(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        let base = WASIRights(rawValue: a.u64(1))
        let inheriting = WASIRights(rawValue: a.u64(2))
        // Rights can only be dropped, never gained.
        guard d.rightsBase.isSuperset(of: base), d.rightsInheriting.isSuperset(of: inheriting) else {
            throw .notcapable
        }
        d.rightsBase = base
        d.rightsInheriting = inheriting
    }

    func fdFilestatGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdFilestatGet)
        _ = try m.range(a.u32(1), WASILayout.FileStat.size)
        let info = try POSIX.fstat(d.hostFD)
        try writeFilestat(m, info, at: a.u32(1))
    }

    func writeFilestat(_ m: GuestView, _ info: stat, at out: UInt32) throws(WASIErrno) {
        typealias L = WASILayout.FileStat
        try m.write(repeatElement(0, count: L.size), at: out)
        try m.store64(UInt64(info.st_dev), out &+ UInt32(L.dev))
        try m.store64(UInt64(info.st_ino), out &+ UInt32(L.ino))
        try m.store8(POSIX.fileType(mode: info.st_mode).rawValue, out &+ UInt32(L.filetype))
        try m.store64(UInt64(info.st_nlink), out &+ UInt32(L.nlink))
        try m.store64(UInt64(truncatingIfNeeded: info.st_size), out &+ UInt32(L.fileSize))
        try m.store64(POSIX.nanoseconds(info.st_atim), out &+ UInt32(L.atim))
        try m.store64(POSIX.nanoseconds(info.st_mtim), out &+ UInt32(L.mtim))
        try m.store64(POSIX.nanoseconds(info.st_ctim), out &+ UInt32(L.ctim))
    }

    func fdFilestatSetSize(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdFilestatSetSize)
        guard a.u64(1) <= UInt64(Int64.max) else { throw .inval }
        try POSIX.check { ftruncate(d.hostFD, off_t(a.u64(1))) }
    }

    func fdFilestatSetTimes(_ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdFilestatSetTimes)
        guard a.u32(3) <= 0xFFFF else { throw .inval }
        let times = try POSIX.timespecs(atim: a.u64(1), mtim: a.u64(2), flags: a.u16(3))
        try POSIX.check { times.withUnsafeBufferPointer { futimens(d.hostFD, $0.baseAddress) } }
    }

    func fdPrestatGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        guard let name = d.preopenName else { throw .badf }
        let out = a.u32(1)
        try m.write(repeatElement(0, count: WASILayout.Prestat.size), at: out)
        try m.store8(WASIPreopenType.dir.rawValue, out &+ UInt32(WASILayout.Prestat.tag))
        try m.store32(UInt32(name.utf8.count), out &+ UInt32(WASILayout.Prestat.nameLen))
    }

    func fdPrestatDirName(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        guard let name = d.preopenName else { throw .badf }
        let bytes = Array(name.utf8)
        if a.u32(2) < UInt32(bytes.count) { throw .nametoolong }
        try m.write(bytes, at: a.u32(1))
    }

    func fdRenumber(_ a: Arguments) throws(WASIErrno) {
        let from = a.u32(0), to = a.u32(1)
        let source = try table.get(from)
        let target = try table.get(to)
        if from == to { return }
        target.closeHost()
        table.set(to, source)
        try table.remove(from)
    }

    // MARK: fd_readdir

    func fdReaddir(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let d = try table.get(a.u32(0))
        try d.require(.fdReaddir)
        if d.kind != .directory { throw .notdir }
        let buf = a.u32(1), capacity = Int(a.u32(2)), cookie = a.u64(3), out = a.u32(4)
        _ = try m.range(buf, capacity)
        _ = try m.range(out, 4)
        if cookie == 0 || d.directoryListing == nil { d.directoryListing = try listDirectory(d.hostFD) }
        let entries = d.directoryListing ?? []
        var used = 0
        if cookie < UInt64(entries.count) {
            for index in Int(cookie)..<entries.count where used < capacity {
                let entry = entries[index]
                var record = [UInt8](repeating: 0, count: WASILayout.Dirent.size)
                func put(_ value: UInt64, _ offset: Int, _ width: Int) {
                    for byte in 0..<width { record[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
                }
                put(UInt64(index + 1), WASILayout.Dirent.next, 8)
                put(entry.inode, WASILayout.Dirent.ino, 8)
                put(UInt64(entry.name.count), WASILayout.Dirent.namlen, 4)
                record[WASILayout.Dirent.type] = entry.type.rawValue
                record += entry.name
                // A record that does not fit is cut; libc sees bufused == buf_len and retries
                // with a larger buffer from the same cookie.
                let fits = min(record.count, capacity - used)
                try m.write(record[0..<fits], at: buf &+ UInt32(used))
                used += fits
            }
        }
        try m.store32(UInt32(used), out)
    }

    /// The directory's entries: "." and ".." first, then the rest sorted by name bytes so that
    /// listings are deterministic.
    func listDirectory(_ fd: Int32) throws(WASIErrno) -> [DirectoryEntry] {
        let copy = try POSIX.check { openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(copy) else {
            let failure = WASIErrno.last
            _ = Glibc.close(copy)
            throw failure
        }
        defer { closedir(stream) }
        var dot: DirectoryEntry?, dotdot: DirectoryEntry?
        var rest: [DirectoryEntry] = []
        while let raw = readdir(stream) {
            let name: [UInt8] = withUnsafeBytes(of: raw.pointee.d_name) { bytes in
                Array(bytes.prefix(while: { $0 != 0 }))
            }
            var type: WASIFileType
            switch Int32(raw.pointee.d_type) {
            case Int32(DT_DIR): type = .directory
            case Int32(DT_REG): type = .regularFile
            case Int32(DT_LNK): type = .symbolicLink
            case Int32(DT_CHR): type = .characterDevice
            case Int32(DT_BLK): type = .blockDevice
            case Int32(DT_SOCK): type = .socketStream
            default: type = .unknown
            }
            let text = String(decoding: name, as: UTF8.self)
            if type == .unknown, let info = try? POSIX.lstat(at: fd, text) {
                type = POSIX.fileType(mode: info.st_mode)
            }
            let entry = DirectoryEntry(name: name, inode: UInt64(raw.pointee.d_ino), type: type)
            if name == [0x2E] { dot = entry } else if name == [0x2E, 0x2E] { dotdot = entry } else { rest.append(entry) }
        }
        rest.sort { $0.name.lexicographicallyPrecedes($1.name) }
        return [dot ?? DirectoryEntry(name: [0x2E], inode: 0, type: .directory),
                dotdot ?? DirectoryEntry(name: [0x2E, 0x2E], inode: 0, type: .directory)] + rest
    }
}
