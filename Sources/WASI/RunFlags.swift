// Checking the text of the run flags before anything runs: each bad value gets one line that
// names the flag, the value and what is wrong (`--env NOEQ: expected NAME=VALUE`), instead of
// being accepted and misbehaving later (an environment entry without `=`, a preopen with an
// empty guest name, a directory as standard input). Also the module file itself: a device, a
// FIFO or an unreadable special file gets a plain reason, not a Foundation error code.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension WASIPreopen {
    /// Parses `HOST[::GUEST]` of `--dir` (or `--dir-ro` when `readOnly`), refusing an empty
    /// HOST or GUEST.
    public static func parse(_ spec: String, readOnly: Bool = false) throws(WASIHostError) -> WASIPreopen {
        let flag = readOnly ? "--dir-ro" : "--dir"
        let preopen = WASIPreopen(parsing: spec, readOnly: readOnly)
        if preopen.hostPath.isEmpty {
            throw WASIHostError("\(flag) \(spec): expected HOST[::GUEST], and HOST is empty")
        }
        if preopen.guestPath.isEmpty {
            throw WASIHostError("\(flag) \(spec): expected HOST[::GUEST], and GUEST after '::' is empty")
        }
        return preopen
    }
}

extension WASIRunOptions {
    /// Checks one `--env NAME=VALUE`: there must be a `=`, and a NAME before it.
    public static func checkEnvironment(_ spec: String) throws(WASIHostError) {
        guard let equals = spec.firstIndex(of: "=") else {
            throw WASIHostError("--env \(spec): expected NAME=VALUE")
        }
        if equals == spec.startIndex {
            throw WASIHostError("--env \(spec): expected NAME=VALUE, and NAME is empty")
        }
    }

    /// Splits one `--preload NAME=FILE`, refusing an empty NAME or FILE.
    public static func parsePreload(_ spec: String) throws(WASIHostError) -> (name: String, file: String) {
        guard let equals = spec.firstIndex(of: "=") else {
            throw WASIHostError("--preload \(spec): expected NAME=FILE")
        }
        let name = String(spec[..<equals]), file = String(spec[spec.index(after: equals)...])
        if name.isEmpty { throw WASIHostError("--preload \(spec): expected NAME=FILE, and NAME is empty") }
        if file.isEmpty { throw WASIHostError("--preload \(spec): expected NAME=FILE, and FILE is empty") }
        return (name, file)
    }

    /// Checks every flag whose text can be wrong on its own (`--env`, `--dir`, `--dir-ro`,
    /// `--tcplisten`'s form, the trace flags), so a front end can report them before loading
    /// anything. `makeHost` checks the same.
    public func validate() throws {
        for spec in env { try Self.checkEnvironment(spec) }
        for spec in dirs { _ = try WASIPreopen.parse(spec) }
        for spec in readOnlyDirs { _ = try WASIPreopen.parse(spec, readOnly: true) }
        for spec in tcpListen {
            guard let colon = spec.lastIndex(of: ":"), colon != spec.startIndex,
                  UInt16(spec[spec.index(after: colon)...]) != nil else {
                throw WASIHostError("--tcplisten \(spec): expected HOST:PORT")
            }
        }
        if needsMonitor { _ = try traceOptions() }
    }

    /// Opens `--stdin FILE` for reading. A directory is refused (every read would be EISDIR);
    /// a FIFO is fine and, as in a shell, the open waits for a writer.
    public static func openStdin(_ path: String) throws(WASIHostError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WASIHostError("--stdin \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw WASIHostError("--stdin \(path): is a directory, not a file")
        }
        return fd
    }
}

/// Why a module file cannot be used: `reason` alone ("not a regular file (a FIFO)", "cannot
/// read: Input/output error") for front ends that print the path their own way; the
/// description is `PATH: REASON`.
