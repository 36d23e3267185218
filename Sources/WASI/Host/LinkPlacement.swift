// Where a symlink may be placed: the check behind the promise that every symlink the guest
// creates, renames or hard-links leads, for any host process that follows it, to a place inside
// the directory capability it was made through.
//
// A lexical check of the target is not enough, for two reasons. The kernel applies `..` to the
// real directory a link led to, not to the text before it: with `d -> .`, the target
// `d/../secret.txt` climbs out although it reads as staying in. And a tree changes after the
// check: a target `x/../f` is harmless while `x` is a directory, and leads out once the guest
// replaces `x` by `x -> .`. So a relative target must be *robust*: all its `..` come first and
// there are at most as many as the link's directory is deep below the capability (so the climb
// ends inside whatever happens later), and the names after them are resolved now through the
// links that exist, with the sandbox's own resolver, to catch links placed by others that lead
// out. Names that do not exist yet are fine: a link the guest creates there later is checked in
// turn, and so is a link the guest moves there. A relative link keeps its text when it moves, so
// a renamed or hard-linked symlink is checked again at its new place, and a renamed directory
// has every link below it checked at its new place. (Within one directory too: the new name may
// complete the path of a dangling link, and a link placed by others that leads out must not be
// given one.)

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum LinkPlacement {
    /// Throws unless a symlink whose text is `target`, placed in the directory `directory`
    /// (names from the capability root `root`, as `ResolvedPath.directoryNames`), leads to a
    /// place inside the capability. Absolute targets are EPERM (as wasmtime refuses them), an
    /// empty one ENOENT (as symlink(2)), any other refusal ENOTCAPABLE.
    static func check(target: String, root: Int32, directory: [String]) throws(WASIErrno) {
        if target.isEmpty { throw .noent }
        if target.hasPrefix("/") { throw .perm }
        let components = Sandbox.components(target)
        let climbs = components.prefix(while: { $0 == ".." }).count
        let names = components.dropFirst(climbs)
        // A `..` after a name depends on what that name is when the link is followed.
        if names.contains("..") { throw .notcapable }
        guard climbs <= directory.count else { throw .notcapable }
        if names.isEmpty { return }  // an ancestor of the link (or its own directory)
        let path = (directory.dropLast(climbs) + names).joined(separator: "/")
        do throws(WASIErrno) {
            try Sandbox.resolve(root: root, path: path, followFinal: true).release()
        } catch {
            switch error {
            case .noent, .notdir: return  // nothing there yet, or a file in the way: nowhere to go
            default: throw error  // ENOTCAPABLE, ELOOP, or not known for certain: refused
            }
        }
    }

    /// Checks the symlink `name` in `parent` for a new place, `directory`. Every refusal is
    /// ENOTCAPABLE here (an absolute link placed by others included): a move must not carry a
    /// way out to a new name.
    static func checkMovedLink(parent: Int32, name: String, root: Int32, directory: [String]) throws(WASIErrno) {
        let text = try POSIX.readlink(at: parent, name)
        guard let target = String(validating: text, as: UTF8.self) else { throw .ilseq }
        do throws(WASIErrno) {
            try check(target: target, root: root, directory: directory)
        } catch {
            throw error == .loop ? .loop : .notcapable
        }
    }

    /// Checks every symlink below the directory `name` in `parent` as if the directory were at
    /// `newPlace` (names from the capability root `root`, the directory's own new name last).
    /// Walks depth first, holding one descriptor per level; a level that cannot be opened or
    /// read refuses the move.
    static func checkMovedDirectory(parent: Int32, name: String, root: Int32, newPlace: [String]) throws(WASIErrno) {
        struct Level {
            let fd: Int32
            let names: [String]  // from the moved directory's new place down to this directory
            var subdirectories: [String]
        }
        var levels: [Level] = []
        defer { for level in levels { _ = close(level.fd) } }

        func enter(_ parentFD: Int32, _ child: String, names: [String]) throws(WASIErrno) {
            let fd = try POSIX.check { openat(parentFD, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            levels.append(Level(fd: fd, names: names, subdirectories: []))
            var subdirectories: [String] = []
            for (entry, isDirectory, isLink) in try entries(of: fd) {
                if isLink {
                    try checkMovedLink(parent: fd, name: entry, root: root, directory: names)
                } else if isDirectory {
                    subdirectories.append(entry)
                }
            }
            levels[levels.count - 1].subdirectories = subdirectories.reversed()
        }

        try enter(parent, name, names: newPlace)
        while let last = levels.last {
            if let child = last.subdirectories.last {
                levels[levels.count - 1].subdirectories.removeLast()
                try enter(last.fd, child, names: last.names + [child])
            } else {
                _ = close(last.fd)
                levels.removeLast()
            }
        }
    }

    /// The entries of a directory (without `.` and `..`): name, directory?, symlink?. A name that
    /// is not UTF-8 (only others can make one) cannot be checked, so it refuses the move.
    private static func entries(of fd: Int32) throws(WASIErrno) -> [(String, Bool, Bool)] {
        let copy = try POSIX.check { openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(copy) else {
            let failure = WASIErrno.last
            _ = close(copy)
            throw failure
        }
        defer { closedir(stream) }
        var result: [(String, Bool, Bool)] = []
        while let raw = readdir(stream) {
            let bytes: [UInt8] = withUnsafeBytes(of: raw.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else { throw .ilseq }
            var type = Int32(raw.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                let info = try POSIX.lstat(at: fd, name)
                type = info.st_mode & S_IFMT == S_IFDIR ? Int32(DT_DIR) : info.st_mode & S_IFMT == S_IFLNK ? Int32(DT_LNK) : 0
            }
            result.append((name, type == Int32(DT_DIR), type == Int32(DT_LNK)))
        }
        return result
    }

}
