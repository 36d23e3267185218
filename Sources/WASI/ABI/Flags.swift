// Bit sets and enumerations of wasi_snapshot_preview1, with the bit positions and widths of the
// witx definitions, and the names the trace prints for them.

/// A named bit of a WASI flag set, for printing (`O_CREAT|O_TRUNC`).
public struct WASIFlagName: Sendable {
    public let bit: UInt64
    public let name: String
}

/// Renders `value` as `NAME|NAME`, `0` when empty, and leftover unknown bits as hex.
public func formatFlags(_ value: UInt64, _ names: [WASIFlagName]) -> String {
    let table = FlagTable(names)
    defer { table.deallocate() }
    var text = TraceBytes(capacity: 64)
    text.flags(value, table)
    return text.string
}

/// Renders a rights set as the trace does: compactly (`RIGHTS_ALL&~(FD_SEEK|FD_WRITE)`, see
/// `WASITraceRights`) or, with `.full`, as the list of every right.
public func formatRights(_ value: UInt64, _ form: WASITraceRights = .compact) -> String {
    let table = FlagTable(WASIRights.names)
    defer { table.deallocate() }
    var text = TraceBytes(capacity: 64)
    if form == .compact { text.compactRights(value, table) } else { text.flags(value, table) }
    return text.string
}

private func bits(_ names: [String]) -> [WASIFlagName] {
    names.enumerated().map { WASIFlagName(bit: 1 << UInt64($0.offset), name: $0.element) }
}

/// `rights` (u64): what an fd may be used for.
public struct WASIRights: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let names = bits([
        "FD_DATASYNC", "FD_READ", "FD_SEEK", "FD_FDSTAT_SET_FLAGS", "FD_SYNC", "FD_TELL", "FD_WRITE",
        "FD_ADVISE", "FD_ALLOCATE", "PATH_CREATE_DIRECTORY", "PATH_CREATE_FILE", "PATH_LINK_SOURCE",
        "PATH_LINK_TARGET", "PATH_OPEN", "FD_READDIR", "PATH_READLINK", "PATH_RENAME_SOURCE",
        "PATH_RENAME_TARGET", "PATH_FILESTAT_GET", "PATH_FILESTAT_SET_SIZE",
        "PATH_FILESTAT_SET_TIMES", "FD_FILESTAT_GET", "FD_FILESTAT_SET_SIZE",
        "FD_FILESTAT_SET_TIMES", "PATH_SYMLINK", "PATH_REMOVE_DIRECTORY", "PATH_UNLINK_FILE",
        "POLL_FD_READWRITE", "SOCK_SHUTDOWN", "SOCK_ACCEPT",
    ])

    public static let fdDatasync = WASIRights(rawValue: 1 << 0)
    public static let fdRead = WASIRights(rawValue: 1 << 1)
    public static let fdSeek = WASIRights(rawValue: 1 << 2)
    public static let fdFdstatSetFlags = WASIRights(rawValue: 1 << 3)
    public static let fdSync = WASIRights(rawValue: 1 << 4)
    public static let fdTell = WASIRights(rawValue: 1 << 5)
    public static let fdWrite = WASIRights(rawValue: 1 << 6)
    public static let fdAdvise = WASIRights(rawValue: 1 << 7)
    public static let fdAllocate = WASIRights(rawValue: 1 << 8)
    public static let pathCreateDirectory = WASIRights(rawValue: 1 << 9)
    public static let pathCreateFile = WASIRights(rawValue: 1 << 10)
    public static let pathLinkSource = WASIRights(rawValue: 1 << 11)
    public static let pathLinkTarget = WASIRights(rawValue: 1 << 12)
    public static let pathOpen = WASIRights(rawValue: 1 << 13)
    public static let fdReaddir = WASIRights(rawValue: 1 << 14)
    public static let pathReadlink = WASIRights(rawValue: 1 << 15)
    public static let pathRenameSource = WASIRights(rawValue: 1 << 16)
    public static let pathRenameTarget = WASIRights(rawValue: 1 << 17)
    public static let pathFilestatGet = WASIRights(rawValue: 1 << 18)
    public static let pathFilestatSetSize = WASIRights(rawValue: 1 << 19)
    public static let pathFilestatSetTimes = WASIRights(rawValue: 1 << 20)
    public static let fdFilestatGet = WASIRights(rawValue: 1 << 21)
    public static let fdFilestatSetSize = WASIRights(rawValue: 1 << 22)
    public static let fdFilestatSetTimes = WASIRights(rawValue: 1 << 23)
    public static let pathSymlink = WASIRights(rawValue: 1 << 24)
    public static let pathRemoveDirectory = WASIRights(rawValue: 1 << 25)
    public static let pathUnlinkFile = WASIRights(rawValue: 1 << 26)
    public static let pollFdReadwrite = WASIRights(rawValue: 1 << 27)
    public static let sockShutdown = WASIRights(rawValue: 1 << 28)
    public static let sockAccept = WASIRights(rawValue: 1 << 29)

    /// Every defined right.
    public static let all = WASIRights(rawValue: (1 << 30) - 1)

    /// Rights that make sense on a regular file (or a character device, pipe).
    public static let regularFile: WASIRights = [
        .fdDatasync, .fdRead, .fdSeek, .fdFdstatSetFlags, .fdSync, .fdTell, .fdWrite, .fdAdvise,
        .fdAllocate, .fdFilestatGet, .fdFilestatSetSize, .fdFilestatSetTimes, .pollFdReadwrite,
    ]

    /// Rights that make sense on a directory.
    public static let directory: WASIRights = [
        .fdDatasync, .fdFdstatSetFlags, .fdSync, .pathCreateDirectory, .pathCreateFile,
        .pathLinkSource, .pathLinkTarget, .pathOpen, .fdReaddir, .pathReadlink, .pathRenameSource,
        .pathRenameTarget, .pathFilestatGet, .pathFilestatSetSize, .pathFilestatSetTimes,
        .fdFilestatGet, .fdFilestatSetTimes, .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
    ]

    /// Rights that change the file system: removed from everything under a `--dir-ro` preopen.
    public static let mutating: WASIRights = [
        .fdWrite, .fdAllocate, .fdFilestatSetSize, .fdFilestatSetTimes, .pathCreateDirectory,
        .pathCreateFile, .pathLinkSource, .pathLinkTarget, .pathRenameSource, .pathRenameTarget,
        .pathFilestatSetSize, .pathFilestatSetTimes, .pathSymlink, .pathRemoveDirectory,
        .pathUnlinkFile,
    ]

    /// Rights of an accepted or listening socket.
    public static let socket: WASIRights = [
        .fdRead, .fdWrite, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite, .sockShutdown,
        .sockAccept,
    ]
}

/// `fdflags` (u16).
public struct WASIFDFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let append = WASIFDFlags(rawValue: 1 << 0)
    public static let dsync = WASIFDFlags(rawValue: 1 << 1)
    public static let nonblock = WASIFDFlags(rawValue: 1 << 2)
    public static let rsync = WASIFDFlags(rawValue: 1 << 3)
    public static let sync = WASIFDFlags(rawValue: 1 << 4)
    public static let names = bits(["APPEND", "DSYNC", "NONBLOCK", "RSYNC", "SYNC"])
}

/// `oflags` (u16) of path_open.
public struct WASIOFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let creat = WASIOFlags(rawValue: 1 << 0)
    public static let directory = WASIOFlags(rawValue: 1 << 1)
    public static let excl = WASIOFlags(rawValue: 1 << 2)
    public static let trunc = WASIOFlags(rawValue: 1 << 3)
    public static let names = bits(["O_CREAT", "O_DIRECTORY", "O_EXCL", "O_TRUNC"])
}

/// `lookupflags` (u32).
public struct WASILookupFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let symlinkFollow = WASILookupFlags(rawValue: 1 << 0)
    public static let names = bits(["SYMLINK_FOLLOW"])
}

/// `fstflags` (u16) of the set_times calls.
public struct WASIFstFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let atim = WASIFstFlags(rawValue: 1 << 0)
    public static let atimNow = WASIFstFlags(rawValue: 1 << 1)
    public static let mtim = WASIFstFlags(rawValue: 1 << 2)
    public static let mtimNow = WASIFstFlags(rawValue: 1 << 3)
    public static let names = bits(["ATIM", "ATIM_NOW", "MTIM", "MTIM_NOW"])
}

/// `subclockflags` (u16), `riflags` (u16), `roflags` (u16), `sdflags` (u8), `eventrwflags` (u16).
public enum WASIMiscFlags {
    public static let subclockAbstime: UInt16 = 1
    public static let subclockNames = bits(["ABSTIME"])
    public static let recvPeek: UInt16 = 1
    public static let recvWaitall: UInt16 = 2
    public static let riflagsNames = bits(["RECV_PEEK", "RECV_WAITALL"])
    public static let recvDataTruncated: UInt16 = 1
    public static let roflagsNames = bits(["RECV_DATA_TRUNCATED"])
    public static let shutRd: UInt8 = 1
    public static let shutWr: UInt8 = 2
    public static let sdflagsNames = bits(["SHUT_RD", "SHUT_WR"])
    public static let eventHangup: UInt16 = 1
    public static let eventrwNames = bits(["HANGUP"])
}

/// `whence` (u8).
public enum WASIWhence: UInt8, CaseIterable, Sendable {
    case set = 0, cur, end
    public var name: String { ["SEEK_SET", "SEEK_CUR", "SEEK_END"][Int(rawValue)] }
}

/// `clockid` (u32).
public enum WASIClockID: UInt32, CaseIterable, Sendable {
    case realtime = 0, monotonic, processCPUTime, threadCPUTime
    public var name: String {
        ["CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID"][
            Int(rawValue)]
    }
}

/// `filetype` (u8).
public enum WASIFileType: UInt8, CaseIterable, Sendable {
    case unknown = 0, blockDevice, characterDevice, directory, regularFile, socketDgram
    case socketStream, symbolicLink
    public var name: String {
        ["UNKNOWN", "BLOCK_DEVICE", "CHARACTER_DEVICE", "DIRECTORY", "REGULAR_FILE",
         "SOCKET_DGRAM", "SOCKET_STREAM", "SYMBOLIC_LINK"][Int(rawValue)]
    }
}

/// `advice` (u8) of fd_advise.
public enum WASIAdvice: UInt8, CaseIterable, Sendable {
    case normal = 0, sequential, random, willneed, dontneed, noreuse
    public var name: String {
        "POSIX_FADV_" + ["NORMAL", "SEQUENTIAL", "RANDOM", "WILLNEED", "DONTNEED", "NOREUSE"][
            Int(rawValue)]
    }
}

/// `eventtype` (u8) of subscriptions and events.
public enum WASIEventType: UInt8, CaseIterable, Sendable {
    case clock = 0, fdRead, fdWrite
    public var name: String { ["CLOCK", "FD_READ", "FD_WRITE"][Int(rawValue)] }
}

/// `preopentype` (u8).
public enum WASIPreopenType: UInt8, Sendable {
    case dir = 0
}

/// `signal` (u8) of proc_raise; 0 is "no signal".
public enum WASISignal {
    public static let names = [
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGCHLD",
        "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
        "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGPOLL", "SIGPWR", "SIGSYS",
    ]
}
