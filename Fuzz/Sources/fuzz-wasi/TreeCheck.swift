// What another program on the machine would see of the fuzz tree: records of folders to
// compare before and after, symlinks that lead out of the writable preopen, descriptors left
// open into the tree.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

enum TreeCheck {
    static func names(_ folder: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
    }

    /// Every entry below `root`: type, mode, size, times, file contents, link texts.
    static func record(_ root: String) -> [String: String] {
        var result: [String: String] = [:]
        var pending = [""]
        while let relative = pending.popLast() {
            for name in names(relative.isEmpty ? root : root + "/" + relative) {
                let child = relative.isEmpty ? name : relative + "/" + name
                let full = root + "/" + child
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                var entry = "\(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
                switch info.st_mode & S_IFMT {
                case S_IFLNK: entry += " -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?")
                case S_IFDIR: pending.append(child)
                case S_IFREG: entry += " " + (FileManager.default.contents(atPath: full).map { $0.base64EncodedString() } ?? "?")
                default: break
                }
                result[child] = entry
            }
        }
        return result
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Where following `path` leads, resolved one component at a time as the kernel does;
    /// past the first missing component the rest applies as text. Nil for a link loop.
    static func target(_ path: String) -> String? {
        var reached: [String] = []
        var todo = Array(path.split(separator: "/").map(String.init).reversed())
        var missing = false
        var links = 0
        while let part = todo.popLast() {
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                if !reached.isEmpty { reached.removeLast() }
                continue
            }
            let candidate = "/" + (reached + [part]).joined(separator: "/")
            var info = stat()
            if missing || lstat(candidate, &info) != 0 {
                missing = true
                reached.append(part)
            } else if info.st_mode & S_IFMT == S_IFLNK {
                links += 1
                guard links <= 40, let text = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) else { return nil }
                if text.hasPrefix("/") { reached = [] }
                todo += text.split(separator: "/").map(String.init).reversed()
            } else {
                reached.append(part)
            }
        }
        return "/" + reached.joined(separator: "/")
    }

    /// Symlinks below `root` that lead outside it.
    static func escapingLinks(under root: String) -> [String] {
        guard let base = realPath(root) else { return ["the scratch folder is gone"] }
        func inside(_ path: String) -> Bool { path == base || path.hasPrefix(base + "/") }
        var found: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            for name in names(relative.isEmpty ? base : base + "/" + relative) {
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(base + "/" + child, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR { pending.append(child) }
                guard info.st_mode & S_IFMT == S_IFLNK else { continue }
                if let leads = target(base + "/" + child), !inside(leads) { found.append("\(child) -> \(leads)") }
                if let real = realPath(base + "/" + child), !inside(real) { found.append("\(child) resolves to \(real)") }
            }
        }
        return found
    }

    /// This process's descriptors that refer to something below `root`.
    static func openDescriptors(under root: String) -> [String] {
        guard let base = realPath(root) else { return [] }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd) else { return nil }
            return target == base || target.hasPrefix(base + "/") ? "\(fd) -> \(target)" : nil
        }
    }
}
