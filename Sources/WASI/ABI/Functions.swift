// Per-function metadata of wasi_snapshot_preview1: name, group, parameters with what they mean.
// The host derives the import signatures from it, the trace decodes arguments with it.

import WasmCore

/// Groups for trace filters (the scopes wazero uses, plus args and environ).
public enum WASIGroup: String, CaseIterable, Sendable {
    case args, environ, clock, filesystem, poll, proc, random, sock
}

/// Flag-set types that parameters can carry.
public enum WASIFlagsKind: Sendable, Equatable {
    case rights, fdflags, oflags, lookupflags, fstflags, riflags, siflags, sdflags

    public var names: [WASIFlagName] {
        switch self {
        case .rights: return WASIRights.names
        case .fdflags: return WASIFDFlags.names
        case .oflags: return WASIOFlags.names
        case .lookupflags: return WASILookupFlags.names
        case .fstflags: return WASIFstFlags.names
        case .riflags: return WASIMiscFlags.riflagsNames
        case .siflags: return []
        case .sdflags: return WASIMiscFlags.sdflagsNames
        }
    }
}

/// What an out-pointer receives when the call succeeds.
public enum WASIOutKind: Sendable, Equatable {
    case size  // u32
    case u64
    case fd
    case fdstat, filestat, prestat
    case stringList  // argv / environ pointer arrays
    case roflags  // u16
}

/// The meaning of one parameter (wasm type follows from it).
public enum WASIParamKind: Sendable, Equatable {
    case fd
    case u32  // sizes, counts, exit codes
    case u64  // offsets, lengths
    case s64  // signed file delta
    case timestamp  // u64 nanoseconds
    case pointer  // an address with no decoded contents
    case string  // address of a string; the next parameter is its length
    case length  // the length of the preceding string or buffer: folded into it in the trace
    case ciovecs  // list of buffers the guest provides (written out); next parameter = count
    case iovecs  // list of buffers the host fills; next parameter = count
    case flags(WASIFlagsKind)
    case whence, clockID, advice, signal
    case outBuffer  // bytes the host fills (length: the next parameter)
    case dirents  // fd_readdir buffer (length: next parameter)
    case subscriptions  // poll_oneoff input (count: a later parameter)
    case events  // poll_oneoff output
    case out(WASIOutKind)

    /// The wasm value type carrying this parameter.
    public var valueType: ValueType {
        switch self {
        case .u64, .s64, .timestamp, .flags(.rights): return .i64
        default: return .i32
        }
    }
}

public struct WASIParam: Sendable {
    public let name: String
    public let kind: WASIParamKind
}

/// Every function of wasi_snapshot_preview1.
public enum WASIFunction: Int, CaseIterable, Sendable {
    case args_get, args_sizes_get, environ_get, environ_sizes_get, clock_res_get, clock_time_get
    case fd_advise, fd_allocate, fd_close, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags
    case fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times
    case fd_pread, fd_prestat_get, fd_prestat_dir_name, fd_pwrite, fd_read, fd_readdir
    case fd_renumber, fd_seek, fd_sync, fd_tell, fd_write
    case path_create_directory, path_filestat_get, path_filestat_set_times, path_link, path_open
    case path_readlink, path_remove_directory, path_rename, path_symlink, path_unlink_file
    case poll_oneoff, proc_exit, proc_raise, sched_yield, random_get
    case sock_accept, sock_recv, sock_send, sock_shutdown

    /// The import module name all of them live in.
    public static let moduleName = "wasi_snapshot_preview1"

    /// The import name. A table rather than `String(describing:)`, which reflects on the enum
    /// at every call: naming the 46 imports that way was a fifth of a WASI hello world's
    /// start-up (callgrind). ABITests checks the table against the case names.
    public var name: String { WASIFunction.names[rawValue] }

    static let names: [String] = [
        "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
        "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
        "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times",
        "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir",
        "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write", "path_create_directory",
        "path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
        "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "poll_oneoff",
        "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept", "sock_recv", "sock_send",
        "sock_shutdown"
    ]

    public init?(name: String) {
        guard let match = WASIFunction.byName[name] else { return nil }
        self = match
    }

    private static let byName: [String: WASIFunction] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.name, $0) })

    public var group: WASIGroup {
        switch self {
        case .args_get, .args_sizes_get: return .args
        case .environ_get, .environ_sizes_get: return .environ
        case .clock_res_get, .clock_time_get: return .clock
        case .poll_oneoff: return .poll
        case .proc_exit, .proc_raise, .sched_yield: return .proc
        case .random_get: return .random
        case .sock_accept, .sock_recv, .sock_send, .sock_shutdown: return .sock
        default: return .filesystem
        }
    }

    public var params: [WASIParam] { WASIFunction.paramTable[rawValue] }

    /// Import signature: parameter and result value types.
    public var parameterTypes: [ValueType] { params.map(\.kind.valueType) }
    public var resultTypes: [ValueType] { self == .proc_exit ? [] : [.i32] }
    public var funcType: FuncType { FuncType(params: parameterTypes, results: resultTypes) }

    private static let paramTable: [[WASIParam]] = allCases.map { $0.makeParams() }

    private func makeParams() -> [WASIParam] {
        func p(_ name: String, _ kind: WASIParamKind) -> WASIParam { WASIParam(name: name, kind: kind) }
        let fd = p("fd", .fd)
        func path(_ prefix: String = "") -> [WASIParam] {
            [p(prefix + "path", .string), p(prefix + "path_len", .length)]
        }
        switch self {
        case .args_get: return [p("argv", .out(.stringList)), p("argv_buf", .pointer)]
        case .args_sizes_get: return [p("argc", .out(.size)), p("argv_buf_size", .out(.size))]
        case .environ_get: return [p("environ", .out(.stringList)), p("environ_buf", .pointer)]
        case .environ_sizes_get:
            return [p("environc", .out(.size)), p("environ_buf_size", .out(.size))]
        case .clock_res_get: return [p("id", .clockID), p("resolution", .out(.u64))]
        case .clock_time_get:
            return [p("id", .clockID), p("precision", .timestamp), p("time", .out(.u64))]
        case .fd_advise: return [fd, p("offset", .u64), p("len", .u64), p("advice", .advice)]
        case .fd_allocate: return [fd, p("offset", .u64), p("len", .u64)]
        case .fd_close, .fd_datasync, .fd_sync: return [fd]
        case .fd_fdstat_get: return [fd, p("stat", .out(.fdstat))]
        case .fd_fdstat_set_flags: return [fd, p("flags", .flags(.fdflags))]
        case .fd_fdstat_set_rights:
            return [fd, p("fs_rights_base", .flags(.rights)),
                    p("fs_rights_inheriting", .flags(.rights))]
        case .fd_filestat_get: return [fd, p("buf", .out(.filestat))]
        case .fd_filestat_set_size: return [fd, p("size", .u64)]
        case .fd_filestat_set_times:
            return [fd, p("atim", .timestamp), p("mtim", .timestamp), p("fst_flags", .flags(.fstflags))]
        case .fd_pread:
            return [fd, p("iovs", .iovecs), p("iovs_len", .u32), p("offset", .u64),
                    p("nread", .out(.size))]
        case .fd_prestat_get: return [fd, p("buf", .out(.prestat))]
        case .fd_prestat_dir_name: return [fd, p("path", .outBuffer), p("path_len", .u32)]
        case .fd_pwrite:
            return [fd, p("iovs", .ciovecs), p("iovs_len", .u32), p("offset", .u64),
                    p("nwritten", .out(.size))]
        case .fd_read:
            return [fd, p("iovs", .iovecs), p("iovs_len", .u32), p("nread", .out(.size))]
        case .fd_readdir:
            return [fd, p("buf", .dirents), p("buf_len", .u32), p("cookie", .u64),
                    p("bufused", .out(.size))]
        case .fd_renumber: return [fd, p("to", .fd)]
        case .fd_seek:
            return [fd, p("offset", .s64), p("whence", .whence), p("newoffset", .out(.u64))]
        case .fd_tell: return [fd, p("offset", .out(.u64))]
        case .fd_write:
            return [fd, p("iovs", .ciovecs), p("iovs_len", .u32), p("nwritten", .out(.size))]
        case .path_create_directory, .path_remove_directory, .path_unlink_file:
            return [fd] + path()
        case .path_filestat_get:
            return [fd, p("flags", .flags(.lookupflags))] + path() + [p("buf", .out(.filestat))]
        case .path_filestat_set_times:
            return [fd, p("flags", .flags(.lookupflags))] + path()
                + [p("atim", .timestamp), p("mtim", .timestamp), p("fst_flags", .flags(.fstflags))]
        case .path_link:
            return [p("old_fd", .fd), p("old_flags", .flags(.lookupflags))] + path("old_")
                + [p("new_fd", .fd)] + path("new_")
        case .path_open:
            return [fd, p("dirflags", .flags(.lookupflags))] + path()
                + [p("oflags", .flags(.oflags)), p("fs_rights_base", .flags(.rights)),
                   p("fs_rights_inheriting", .flags(.rights)), p("fdflags", .flags(.fdflags)),
                   p("opened_fd", .out(.fd))]
        case .path_readlink:
            return [fd] + path() + [p("buf", .outBuffer), p("buf_len", .u32), p("bufused", .out(.size))]
        case .path_rename:
            return [fd] + path("old_") + [p("new_fd", .fd)] + path("new_")
        case .path_symlink:
            return path("old_") + [fd] + path("new_")
        case .poll_oneoff:
            return [p("in", .subscriptions), p("out", .events), p("nsubscriptions", .u32),
                    p("nevents", .out(.size))]
        case .proc_exit: return [p("rval", .u32)]
        case .proc_raise: return [p("sig", .signal)]
        case .sched_yield: return []
        case .random_get: return [p("buf", .outBuffer), p("buf_len", .u32)]
        case .sock_accept: return [fd, p("flags", .flags(.fdflags)), p("accepted_fd", .out(.fd))]
        case .sock_recv:
            return [fd, p("ri_data", .iovecs), p("ri_data_len", .u32), p("ri_flags", .flags(.riflags)),
                    p("ro_datalen", .out(.size)), p("ro_flags", .out(.roflags))]
        case .sock_send:
            return [fd, p("si_data", .ciovecs), p("si_data_len", .u32),
                    p("si_flags", .flags(.siflags)), p("so_datalen", .out(.size))]
        case .sock_shutdown: return [fd, p("how", .flags(.sdflags))]
        }
    }
}
