// path_* functions. Every path goes through `Sandbox.resolve` relative to the directory fd.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension WASIHost {
    /// The directory descriptor a path call is relative to, with its rights checked.
    private func directory(_ fd: UInt32, _ rights: WASIRights) throws(WASIErrno) -> Descriptor {
        let d = try table.get(fd)
        guard d.kind == .directory else { throw .notdir }
        try d.require(rights)
        return d
    }

    private func resolve(_ d: Descriptor, _ m: GuestView, _ pointer: UInt32, _ length: UInt32,
                         follow: Bool) throws(WASIErrno) -> ResolvedPath {
        let path = try m.string(pointer, length)
        return try Sandbox.resolve(root: d.hostFD, path: path, followFinal: follow)
    }

    private static func follows(_ lookup: UInt32) throws(WASIErrno) -> Bool {
        guard lookup <= 1 else { throw .inval }
        return lookup & WASILookupFlags.symlinkFollow.rawValue != 0
    }

    func pathOpen(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        guard a.u32(4) <= 0xF, a.u32(7) <= 0x1F else { throw .inval }
        let oflags = WASIOFlags(rawValue: a.u16(4))
        let fdflags = WASIFDFlags(rawValue: a.u16(7))
        var needed: WASIRights = .pathOpen
        if oflags.contains(.creat) { needed.insert(.pathCreateFile) }
        if oflags.contains(.trunc) { needed.insert(.pathFilestatSetSize) }
        let dir = try directory(a.u32(0), needed)
        // O_CREAT makes regular files only: asking for a directory too is EINVAL (Linux, wasmtime).
        if oflags.contains(.creat) && oflags.contains(.directory) { throw .inval }
        // An opened fd never has more rights than its directory passes down. Asking for write
        // access the directory cannot give fails here; other extra rights are dropped, since
        // toolchains ask for more than they use (Rust's std requests FD_FILESTAT_SET_TIMES for
        // every file it opens, also for reading).
        let requested = WASIRights(rawValue: a.u64(5))
        let writeAccess: WASIRights = [.fdWrite, .fdAllocate, .fdFilestatSetSize]
        guard dir.rightsInheriting.isSuperset(of: requested.intersection(writeAccess)) else { throw .notcapable }
        let base = requested.intersection(dir.rightsInheriting)
        let inheriting = WASIRights(rawValue: a.u64(6)).intersection(dir.rightsInheriting)
        let out = a.u32(8)
        _ = try m.range(out, 4)
        let path = try m.string(a.u32(2), a.u32(3))
        let target = try Sandbox.resolve(root: dir.hostFD, path: path, followFinal: try Self.follows(a.u32(1)))
        defer { target.release() }
        // A name ending in `/` can only be a directory, which O_CREAT cannot make (open(2): EISDIR).
        if oflags.contains(.creat) && target.trailingSlash { throw .isdir }

        var flags = O_CLOEXEC | O_NOFOLLOW
        let writes = !base.isDisjoint(with: [.fdWrite, .fdAllocate, .fdFilestatSetSize])
        let reads = !base.isDisjoint(with: [.fdRead, .fdReaddir]) || !writes
        flags |= writes ? (reads ? O_RDWR : O_WRONLY) : O_RDONLY
        if oflags.contains(.directory) || target.trailingSlash { flags |= O_DIRECTORY }
        if oflags.contains(.creat) { flags |= O_CREAT }
        if oflags.contains(.excl) { flags |= O_EXCL }
        if oflags.contains(.trunc) { flags |= O_TRUNC }
        if fdflags.contains(.append) { flags |= O_APPEND }
        if fdflags.contains(.nonblock) { flags |= O_NONBLOCK }
        if fdflags.contains(.dsync) { flags |= O_DSYNC }
        if fdflags.contains(.sync) || fdflags.contains(.rsync) { flags |= O_SYNC }
        let hostFD = try POSIX.check { openat(target.parent, target.name, flags, 0o666) }
        let type: WASIFileType
        do throws(WASIErrno) {
            type = POSIX.fileType(mode: try POSIX.fstat(hostFD).st_mode)
        } catch {
            _ = Glibc.close(hostFD)
            throw error
        }
        let isDirectory = type == .directory
        let label = dir.label.hasSuffix("/") ? dir.label + path : dir.label + "/" + path
        let descriptor = Descriptor(
            hostFD: hostFD, kind: isDirectory ? .directory : .file, fileType: type,
            rightsBase: base.intersection(isDirectory ? .directory : .regularFile),
            rightsInheriting: inheriting, flags: fdflags.intersection([.append, .nonblock, .dsync, .rsync, .sync]),
            label: label)
        let fd: UInt32
        do throws(WASIErrno) {
            fd = try table.insert(descriptor)
        } catch {
            descriptor.closeHost()
            throw error
        }
        try m.store32(fd, out)
    }

    func pathCreateDirectory(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let dir = try directory(a.u32(0), .pathCreateDirectory)
        let target = try resolve(dir, m, a.u32(1), a.u32(2), follow: false)
        defer { target.release() }
        try POSIX.check { mkdirat(target.parent, target.name, 0o777) }
    }

    func pathRemove(_ m: GuestView, _ a: Arguments, directory removeDirectory: Bool) throws(WASIErrno) {
        let dir = try directory(a.u32(0), removeDirectory ? .pathRemoveDirectory : .pathUnlinkFile)
        let target = try resolve(dir, m, a.u32(1), a.u32(2), follow: false)
        defer { target.release() }
        if target.name == "." { throw removeDirectory ? .inval : .isdir }
        if !removeDirectory && target.trailingSlash {
            let info = try POSIX.lstat(at: target.parent, target.name)
            throw info.st_mode & S_IFMT == S_IFDIR ? .isdir : .notdir
        }
        try POSIX.check { unlinkat(target.parent, target.name, removeDirectory ? AT_REMOVEDIR : 0) }
    }

    func pathFilestatGet(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let dir = try directory(a.u32(0), .pathFilestatGet)
        let out = a.u32(4)
        _ = try m.range(out, WASILayout.FileStat.size)
        let target = try resolve(dir, m, a.u32(2), a.u32(3), follow: try Self.follows(a.u32(1)))
        defer { target.release() }
        let info = try POSIX.lstat(at: target.parent, target.name)
        if target.trailingSlash && info.st_mode & S_IFMT != S_IFDIR { throw .notdir }
        try writeFilestat(m, info, at: out)
    }

    func pathFilestatSetTimes(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let dir = try directory(a.u32(0), .pathFilestatSetTimes)
        guard a.u32(6) <= 0xFFFF else { throw .inval }
        let times = try POSIX.timespecs(atim: a.u64(4), mtim: a.u64(5), flags: a.u16(6))
        let target = try resolve(dir, m, a.u32(2), a.u32(3), follow: try Self.follows(a.u32(1)))
        defer { target.release() }
        try POSIX.check {
            times.withUnsafeBufferPointer {
                utimensat(target.parent, target.name, $0.baseAddress, AT_SYMLINK_NOFOLLOW)
            }
        }
    }

    func pathLink(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let oldDir = try directory(a.u32(0), .pathLinkSource)
        let newDir = try directory(a.u32(4), .pathLinkTarget)
        let source = try resolve(oldDir, m, a.u32(2), a.u32(3), follow: try Self.follows(a.u32(1)))
        defer { source.release() }
        let target = try resolve(newDir, m, a.u32(5), a.u32(6), follow: false)
        defer { target.release() }
        if source.name == "." { throw .perm }  // hard links to directories are not allowed
        let info = try POSIX.lstat(at: source.parent, source.name)
        let kind = info.st_mode & S_IFMT
        if source.trailingSlash { throw kind == S_IFDIR ? .perm : .notdir }
        try Self.checkNewName(target)
        // A hard link to a symlink is the same text under another name: it must hold there too.
        if kind == S_IFLNK {
            try LinkPlacement.checkMovedLink(parent: source.parent, name: source.name, root: newDir.hostFD,
                                             directory: target.directoryNames)
        }
        try POSIX.check { linkat(source.parent, source.name, target.parent, target.name, 0) }
    }

    /// A new name for path_link and path_symlink that ends in `/` (its final symlink already
    /// expanded) must name a directory, which then exists: ENOENT when nothing is there, EEXIST
    /// for a directory, ENOTDIR for anything else (as wasmtime answers).
    private static func checkNewName(_ target: ResolvedPath) throws(WASIErrno) {
        guard target.trailingSlash, target.name != "." else { return }
        let info = try POSIX.lstat(at: target.parent, target.name)
        throw info.st_mode & S_IFMT == S_IFDIR ? .exist : .notdir
    }

    func pathRename(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let oldDir = try directory(a.u32(0), .pathRenameSource)
        let newDir = try directory(a.u32(3), .pathRenameTarget)
        let oldPath = try m.string(a.u32(1), a.u32(2))
        let newPath = try m.string(a.u32(4), a.u32(5))
        // rename never follows its final components, not even before a trailing `/`.
        let source = try Sandbox.resolve(root: oldDir.hostFD, path: oldPath, followFinal: false,
                                         followTrailingSlash: false)
        defer { source.release() }
        let target = try Sandbox.resolve(root: newDir.hostFD, path: newPath, followFinal: false,
                                         followTrailingSlash: false)
        defer { target.release() }
        // `dir/.` names the directory's own entry in itself, which cannot move (rename(2): EBUSY).
        func endsInDot(_ path: String) -> Bool { path == "." || path.hasSuffix("/.") }
        if source.name == "." || target.name == "." || endsInDot(oldPath) || endsInDot(newPath) { throw .busy }
        let info = try POSIX.lstat(at: source.parent, source.name)
        let kind = info.st_mode & S_IFMT
        // A trailing `/` on either name asks for a directory (rename(2)); a symlink is not one.
        if source.trailingSlash || target.trailingSlash {
            if kind != S_IFDIR { throw .notdir }
            if target.trailingSlash, let existing = try? POSIX.lstat(at: target.parent, target.name),
               existing.st_mode & S_IFMT != S_IFDIR {
                throw .notdir
            }
        }
        // Relative links keep their text when they move: check them again at the new place.
        // (Also within one directory: a new name can complete the path of a dangling link.)
        if kind == S_IFLNK {
            try LinkPlacement.checkMovedLink(parent: source.parent, name: source.name, root: newDir.hostFD,
                                             directory: target.directoryNames)
        } else if kind == S_IFDIR {
            try LinkPlacement.checkMovedDirectory(parent: source.parent, name: source.name, root: newDir.hostFD,
                                                  newPlace: target.directoryNames + [target.name])
        }
        try POSIX.check { renameat(source.parent, source.name, target.parent, target.name) }
    }

    func pathSymlink(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let contents = try m.string(a.u32(0), a.u32(1))
        let dir = try directory(a.u32(2), .pathSymlink)
        let target = try resolve(dir, m, a.u32(3), a.u32(4), follow: false)
        defer { target.release() }
        try Self.checkNewName(target)
        // A link that leads out of the directory capability could never be followed by this
        // guest, but it would be a trap for other programs using the host directory: refuse it
        // (LinkPlacement says what "leads out" takes into account).
        try LinkPlacement.check(target: contents, root: dir.hostFD, directory: target.directoryNames)
        try POSIX.check { symlinkat(contents, target.parent, target.name) }
    }

    func pathReadlink(_ m: GuestView, _ a: Arguments) throws(WASIErrno) {
        let dir = try directory(a.u32(0), .pathReadlink)
        let buf = a.u32(3), capacity = a.u32(4), out = a.u32(5)
        _ = try m.range(buf, Int(capacity))
        _ = try m.range(out, 4)
        let target = try resolve(dir, m, a.u32(1), a.u32(2), follow: false)
        defer { target.release() }
        let contents = try POSIX.readlink(at: target.parent, target.name)
        // Like readlink(2), a too-small buffer receives a truncated target.
        let count = min(contents.count, Int(capacity))
        try m.write(contents[0..<count], at: buf)
        try m.store32(UInt32(count), out)
    }
}
