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
    /// The real directories from the capability root down to `parent` (symlinks already
    /// expanded, `..` already applied): where a symlink created here sits.
    let directoryNames: [String]
    /// How many directories below the capability root `parent` is.
    var depth: Int { directoryNames.count }
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
    /// - Parameter followTrailingSlash: expand a final symlink when the path ends in `/` (what
    ///   open and stat do; rename never follows its final components).
    static func resolve(root: Int32, path: String, followFinal: Bool,
                        followTrailingSlash: Bool = true) throws(WASIErrno) -> ResolvedPath {
        if path.isEmpty { throw .noent }
        if path.hasPrefix("/") { throw .notcapable }
        var pending = Array(components(path).reversed())  // next component at the end
        var trailingSlash = path.hasSuffix("/") || path.hasSuffix("/.")
        var stack: [Int32] = []  // directories opened below root; root itself is not in it
        var names: [String] = []  // the name of each directory in `stack`
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
                    names.removeLast()
                    _ = close(last)
                    continue
                }
                let isLast = pending.isEmpty
                if isLast {
                    if followFinal || (trailingSlash && followTrailingSlash), let info = try? POSIX.lstat(at: top(), component),
                       info.st_mode & S_IFMT == S_IFLNK {
                        try splice(component)
                        continue
                    }
                    let parent = top()
                    _ = stack.popLast()
                    closeAll()
                    return ResolvedPath(parent: parent, owned: parent != root, name: component,
                                        directoryNames: names, trailingSlash: trailingSlash)
                }
                let fd = openat(top(), component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if fd >= 0 {
                    stack.append(fd)
                    names.append(component)
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
        _ = stack.popLast()
        closeAll()
        return ResolvedPath(parent: parent, owned: parent != root, name: ".", directoryNames: names,
                            trailingSlash: true)
    }
}
