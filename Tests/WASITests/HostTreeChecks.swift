// Checks of the host tree as another program on the machine sees it: where each symlink really
// leads, and a full record of a folder (names, types, modes, contents, link texts) to compare
// before and after a guest ran.

import Foundation
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

enum HostTree {
    /// Where a host process ends up when it follows the absolute `path`, resolved as the kernel
    /// does: one component at a time, `..` applied to the real directory reached so far,
    /// symlinks expanded. Once a component does not exist the rest is applied as text (the link
    /// cannot be followed today; this says where it would lead if the missing names appeared as
    /// plain directories). Nil after 40 expansions (a loop: nobody can follow it).
    static func physicalTarget(_ path: String) -> String? {
        var current: [String] = []
        var pending = Array(path.split(separator: "/").map(String.init).reversed())
        var missing = false
        var expansions = 0
        while let component = pending.popLast() {
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                if !current.isEmpty { current.removeLast() }
                continue
            }
            let candidate = "/" + (current + [component]).joined(separator: "/")
            var info = stat()
            if missing || lstat(candidate, &info) != 0 {
                missing = true
                current.append(component)
                continue
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                expansions += 1
                if expansions > 40 { return nil }
                guard let text = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) else { return nil }
                if text.hasPrefix("/") { current = [] }
                pending.append(contentsOf: text.split(separator: "/").map(String.init).reversed())
                continue
            }
            current.append(component)
        }
        return "/" + current.joined(separator: "/")
    }

    /// The canonical form of an existing directory (the temp folder may itself sit behind a link).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Every symlink below `root` (not descending into links), as paths relative to `root`.
    static func symlinks(under root: String) -> [String] {
        var result: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let directory = relative.isEmpty ? root : root + "/" + relative
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + child, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFLNK: result.append(child)
                case S_IFDIR: pending.append(child)
                default: break
                }
            }
        }
        return result.sorted()
    }

    /// The symlinks below `root` that lead outside it, with where they lead, both by the walk
    /// above (dangling links included) and by realpath(3) for those that resolve. `except`
    /// names links the test itself placed there as traps.
    static func escapingLinks(under root: String, except: Set<String> = []) -> [String] {
        guard let base = realPath(root) else { return ["cannot resolve \(root)"] }
        func inside(_ path: String) -> Bool { path == base || path.hasPrefix(base + "/") }
        var escaping: [String] = []
        for link in symlinks(under: root) where !except.contains(link) {
            let full = base + "/" + link
            let target = physicalTarget(full)
            if let target, !inside(target) { escaping.append("\(link) -> \(target)") }
            if let real = realPath(full), !inside(real) { escaping.append("\(link) realpath \(real)") }
        }
        return escaping
    }

    /// Names, types, modes, sizes, contents of files and texts of links below `root`.
    static func record(_ root: String) -> [String: String] {
        var result: [String: String] = [:]
        var pending = [""]
        while let relative = pending.popLast() {
            let directory = relative.isEmpty ? root : root + "/" + relative
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                let child = relative.isEmpty ? name : relative + "/" + name
                let full = root + "/" + child
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                var entry = "mode \(String(info.st_mode, radix: 8)) size \(info.st_size) mtime \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    entry += " -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?")
                case S_IFDIR:
                    pending.append(child)
                case S_IFREG:
                    entry += " " + (FileManager.default.contents(atPath: full).map { $0.base64EncodedString() } ?? "?")
                default:
                    break
                }
                result[child] = entry
            }
        }
        return result
    }

    /// This process's open descriptors that refer to something below `root`.
    static func openDescriptors(under root: String) -> [String] {
        guard let base = realPath(root) else { return [] }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd) else { return nil }
            return target == base || target.hasPrefix(base + "/") ? "\(fd) -> \(target)" : nil
        }
    }

    /// How many descriptors this process has open.
    static func openDescriptorCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
    }
}
