#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and reads the source files DWARF names, as gdb does: the recorded path first (after
/// `set substitute-path` rewrites), then each `directory` searched for the path's tail and for
/// its base name. Files are read once and kept; a file that cannot be found is remembered too,
/// so a script is told once, not at every stop.
public final class SourceFiles {
    /// `directory DIR`: searched in order after the recorded path.
    public private(set) var directories: [String] = []
    /// `set substitute-path FROM TO`: a recorded path starting with FROM (at a component
    /// boundary) is read from TO instead.
    public private(set) var substitutions: [(from: String, to: String)] = []
    private var cache: [String: SourceText?] = [:]

    public struct SourceText {
        /// Where the file was found.
        public var path: String
        public var lines: [Substring]
    }

    public init() {}

    public func addDirectory(_ directory: String) {
        directories.removeAll { $0 == directory }
        directories.insert(directory, at: 0)  // gdb puts a new directory first
        cache.removeAll()
    }

    public func resetDirectories() {
        directories.removeAll()
        cache.removeAll()
    }

    public func substitute(_ from: String, _ to: String) {
        substitutions.removeAll { $0.from == from }
        substitutions.append((from, to))
        cache.removeAll()
    }

    public func removeSubstitution(_ from: String?) {
        if let from { substitutions.removeAll { $0.from == from } } else { substitutions.removeAll() }
        cache.removeAll()
    }

    /// The text of the file DWARF calls `recorded`, or nil when it is found nowhere.
    public func text(of recorded: String) -> SourceText? {
        if let known = cache[recorded] { return known }
        var found: SourceText?
        for candidate in candidates(for: recorded) {
            if let lines = Self.read(candidate) {
                found = SourceText(path: candidate, lines: lines)
                break
            }
        }
        cache[recorded] = found
        return found
    }

    /// The places `recorded` may be, in the order they are tried.
    func candidates(for recorded: String) -> [String] {
        var paths: [String] = []
        var rewritten = recorded
        for (from, to) in substitutions where Self.hasPathPrefix(recorded, from) {
            rewritten = to + recorded.dropFirst(from.count)
            break
        }
        paths.append(rewritten)
        let parts = rewritten.split(separator: "/").map(String.init)
        for directory in directories {
            // Each tail of the path, longest first (src/x.c, then x.c).
            for start in parts.indices {
                paths.append(directory + "/" + parts[start...].joined(separator: "/"))
            }
        }
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    static func hasPathPrefix(_ path: String, _ prefix: String) -> Bool {
        guard path.hasPrefix(prefix) else { return false }
        return path.count == prefix.count || prefix.hasSuffix("/") || path.dropFirst(prefix.count).hasPrefix("/")
    }

    /// A regular file's lines (a device or FIFO is not a source file).
    static func read(_ path: String) -> [Substring]? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size < 64 << 20 else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
