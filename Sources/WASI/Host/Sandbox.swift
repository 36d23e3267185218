// Path resolution inside a directory capability.
//
// A guest path is walked one component at a time with openat(O_NOFOLLOW|O_DIRECTORY) relative
// to the directory descriptor the guest named, never by building a host path string. `..` pops
// the stack of opened directories and fails with ENOTCAPABLE when it would leave the starting
// directory; symlinks are read with readlinkat and their targets spliced into the remaining
// components, so a link can only lead to places the guest could name itself. Absolute paths and
// absolute link targets are ENOTCAPABLE. The final component is returned as (parent fd, name) so
// the operation itself is one *at call on a single name with NOFOLLOW semantics.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of resolving a path: a directory descriptor and one final name in it.
struct ResolvedPath {
    /// Directory holding the final component. Borrowed from the capability when `owned` is false.
    let parent: Int32
    let owned: Bool
    /// The final component: a single name, or "." for the directory itself.
    let name: String
    /// How many directories below the capability root `parent` is.
    let depth: Int
    /// The path ended in `/`: the target must be a directory.
    let trailingSlash: Bool

    func release() {
        if owned { _ = close(parent) }
    }
}

enum Sandbox {
    /// How many symlinks one resolution may expand before ELOOP (Linux allows 40).
    static let symlinkLimit = 40

    /// Splits a path into its meaningful components ("" and "." dropped).
    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true)
            .map(String.init).filter { $0 != "." }
    }

    /// Resolves `path` relative to the directory descriptor `root`.
    /// - Parameter followFinal: expand a symlink in the final position too.
    static func resolve(root: Int32, path: String, followFinal: Bool) throws(WASIErrno) -> ResolvedPath {
        if path.isEmpty { throw .noent }
        if path.hasPrefix("/") { throw .notcapable }
        var pending = Array(components(path).reversed())  // next component at the end
        var trailingSlash = path.hasSuffix("/") || path.hasSuffix("/.")
        var stack: [Int32] = []  // directories opened below root; root itself is not in it
        var expansions = 0
        func top() -> Int32 { stack.last ?? root }
        func closeAll() { for fd in stack { _ = close(fd) } }

        func splice(_ name: String) throws(WASIErrno) {
            expansions += 1
            if expansions > symlinkLimit { throw .loop }
            let target = try POSIX.readlink(at: top(), name)
            guard let text = String(validating: target, as: UTF8.self), !text.isEmpty else {
                throw .noent
            }
            if text.hasPrefix("/") { throw .notcapable }
            if pending.isEmpty && (text.hasSuffix("/") || text.hasSuffix("/.")) { trailingSlash = true }
            pending.append(contentsOf: components(text).reversed())
        }

        do throws(WASIErrno) {
            while let component = pending.popLast() {
                if component == ".." {
                    guard let last = stack.popLast() else { throw .notcapable }
                    _ = close(last)
                    continue
                }
                let isLast = pending.isEmpty
                if isLast {
                    if followFinal || trailingSlash, let info = try? POSIX.lstat(at: top(), component),
                       info.st_mode & S_IFMT == S_IFLNK {
                        try splice(component)
                        continue
                    }
                    let parent = top()
                    let owned = stack.popLast() != nil
                    closeAll()
                    return ResolvedPath(parent: parent, owned: owned, name: component,
                                        depth: stack.count + (owned ? 1 : 0), trailingSlash: trailingSlash)
                }
                let fd = openat(top(), component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if fd >= 0 {
                    stack.append(fd)
                    continue
                }
                let failure = errno
                if failure == ELOOP || failure == ENOTDIR || failure == EMLINK,
                   let info = try? POSIX.lstat(at: top(), component), info.st_mode & S_IFMT == S_IFLNK {
                    try splice(component)
                    continue
                }
                throw WASIErrno(host: failure)
            }
        } catch {
            closeAll()
            throw error
        }
        // Every component was consumed by "." or "..": the target is the current directory.
        let parent = top()
        let owned = stack.popLast() != nil
        closeAll()
        return ResolvedPath(parent: parent, owned: owned, name: ".", depth: stack.count + (owned ? 1 : 0),
                            trailingSlash: true)
    }

    /// Whether a symlink target written into a directory `depth` levels below the capability root
    /// stays inside it when read lexically. Used to refuse creating links that point out.
    static func targetStaysInside(_ target: String, depth: Int) -> Bool {
        if target.isEmpty || target.hasPrefix("/") { return false }
        var level = depth
        for component in components(target) {
            if component == ".." {
                level -= 1
                if level < 0 { return false }
            } else {
                level += 1
            }
        }
        return true
    }
}
