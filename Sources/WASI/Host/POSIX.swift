// Thin helpers over the host C library: errno mapping, stat conversion, retrying on EINTR.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension WASIErrno {
    /// Maps a host (POSIX) errno to the WASI one. Unknown values become EIO.
    init(host code: Int32) {
        switch code {
        case E2BIG: self = .toobig
        case EACCES: self = .acces
        case EADDRINUSE: self = .addrinuse
        case EADDRNOTAVAIL: self = .addrnotavail
        case EAFNOSUPPORT: self = .afnosupport
        case EAGAIN: self = .again
        case EALREADY: self = .already
        case EBADF: self = .badf
        case EBADMSG: self = .badmsg
        case EBUSY: self = .busy
        case ECANCELED: self = .canceled
        case ECHILD: self = .child
        case ECONNABORTED: self = .connaborted
        case ECONNREFUSED: self = .connrefused
        case ECONNRESET: self = .connreset
        case EDEADLK: self = .deadlk
        case EDESTADDRREQ: self = .destaddrreq
        case EDOM: self = .dom
        case EDQUOT: self = .dquot
        case EEXIST: self = .exist
        case EFAULT: self = .fault
        case EFBIG: self = .fbig
        case EHOSTUNREACH: self = .hostunreach
        case EIDRM: self = .idrm
        case EILSEQ: self = .ilseq
        case EINPROGRESS: self = .inprogress
        case EINTR: self = .intr
        case EINVAL: self = .inval
        case EIO: self = .io
        case EISCONN: self = .isconn
        case EISDIR: self = .isdir
        case ELOOP: self = .loop
        case EMFILE: self = .mfile
        case EMLINK: self = .mlink
        case EMSGSIZE: self = .msgsize
        case EMULTIHOP: self = .multihop
        case ENAMETOOLONG: self = .nametoolong
        case ENETDOWN: self = .netdown
        case ENETRESET: self = .netreset
        case ENETUNREACH: self = .netunreach
        case ENFILE: self = .nfile
        case ENOBUFS: self = .nobufs
        case ENODEV: self = .nodev
        case ENOENT: self = .noent
        case ENOEXEC: self = .noexec
        case ENOLCK: self = .nolck
        case ENOLINK: self = .nolink
        case ENOMEM: self = .nomem
        case ENOMSG: self = .nomsg
        case ENOPROTOOPT: self = .noprotoopt
        case ENOSPC: self = .nospc
        case ENOSYS: self = .nosys
        case ENOTCONN: self = .notconn
        case ENOTDIR: self = .notdir
        case ENOTEMPTY: self = .notempty
        case ENOTRECOVERABLE: self = .notrecoverable
        case ENOTSOCK: self = .notsock
        case EOPNOTSUPP: self = .notsup
        case ENOTTY: self = .notty
        case ENXIO: self = .nxio
        case EOVERFLOW: self = .overflow
        case EOWNERDEAD: self = .ownerdead
        case EPERM: self = .perm
        case EPIPE: self = .pipe
        case EPROTO: self = .proto
        case EPROTONOSUPPORT: self = .protonosupport
        case EPROTOTYPE: self = .prototype
        case ERANGE: self = .range
        case EROFS: self = .rofs
        case ESPIPE: self = .spipe
        case ESRCH: self = .srch
        case ESTALE: self = .stale
        case ETIMEDOUT: self = .timedout
        case ETXTBSY: self = .txtbsy
        case EXDEV: self = .xdev
        default: self = .io
        }
    }

    /// The current host errno, mapped.
    static var last: WASIErrno { WASIErrno(host: errno) }
}

enum POSIX {
    /// Runs a system call, retrying on EINTR; a negative result throws the mapped errno.
    @discardableResult
    static func check<T: BinaryInteger>(_ body: () -> T) throws(WASIErrno) -> T {
        while true {
            let result = body()
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw WASIErrno.last
        }
    }

    static func fileType(mode: mode_t) -> WASIFileType {
        switch mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFSOCK: return .socketStream
        default: return .unknown
        }
    }

    static func nanoseconds(_ time: timespec) -> UInt64 {
        UInt64(truncatingIfNeeded: Int64(time.tv_sec)) &* 1_000_000_000
            &+ UInt64(truncatingIfNeeded: Int64(time.tv_nsec))
    }

    static func fstat(_ fd: Int32) throws(WASIErrno) -> stat {
        var info = stat()
        try check { Glibc.fstat(fd, &info) }
        return info
    }

    /// lstat relative to a directory descriptor (never follows a final symlink).
    static func lstat(at dir: Int32, _ name: String) throws(WASIErrno) -> stat {
        var info = stat()
        try check { fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) }
        return info
    }

    static func readlink(at dir: Int32, _ name: String) throws(WASIErrno) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = try check {
            buffer.withUnsafeMutableBufferPointer { storage -> Int in
                guard let base = storage.baseAddress else { return -1 }
                return readlinkat(dir, name, base, storage.count)
            }
        }
        return Array(buffer[0..<count])
    }

    static func monotonicNow() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return nanoseconds(time)
    }

    /// A timespec for utimensat/futimens from WASI times and fstflags.
    static func timespecs(atim: UInt64, mtim: UInt64, flags: UInt16) throws(WASIErrno) -> [timespec] {
        let set = WASIFstFlags(rawValue: flags)
        if set.contains(.atim) && set.contains(.atimNow) { throw .inval }
        if set.contains(.mtim) && set.contains(.mtimNow) { throw .inval }
        if flags & ~0xF != 0 { throw .inval }
        // Linux's UTIME_NOW / UTIME_OMIT (macros Swift does not import).
        let utimeNow = (1 << 30) - 1, utimeOmit = (1 << 30) - 2
        func spec(_ value: UInt64, _ explicit: Bool, _ now: Bool) -> timespec {
            if now { return timespec(tv_sec: 0, tv_nsec: utimeNow) }
            if !explicit { return timespec(tv_sec: 0, tv_nsec: utimeOmit) }
            return timespec(tv_sec: Int(value / 1_000_000_000), tv_nsec: Int(value % 1_000_000_000))
        }
        return [spec(atim, set.contains(.atim), set.contains(.atimNow)),
                spec(mtim, set.contains(.mtim), set.contains(.mtimNow))]
    }
}
