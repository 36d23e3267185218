// The wasi_snapshot_preview1 host: one entry point, `call`, that the VM binds every import to.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmCore

/// How a WASI call ended: an errno for the guest, or proc_exit.
public enum WASIResult: Equatable, Sendable {
    case errno(WASIErrno)
    case exit(UInt32)

    /// The i32 the import returns (nil for proc_exit, which does not return).
    public var returnValue: UInt64? {
        if case .errno(let code) = self { return UInt64(code.rawValue) }
        return nil
    }
}

/// Something that watches host calls (trace, summary, fault injection). See `WASIMonitor`.
public protocol WASICallObserver: AnyObject {
    func call(_ function: WASIFunction, _ args: [UInt64], _ memory: GuestMemory, host: WASIHost)
        -> WASIResult
    /// The same with the parameters in place (the VM's own slots), so nothing is copied.
    func call(_ function: WASIFunction, arguments: UnsafeBufferPointer<UInt64>, _ memory: GuestMemory,
              host: WASIHost) -> WASIResult
    /// Whether `call` does anything for this function. The host asks first, so a call no filter
    /// selects runs without copying its arguments for the observer.
    func observes(_ function: WASIFunction) -> Bool
}

extension WASICallObserver {
    public func observes(_ function: WASIFunction) -> Bool { true }

    public func call(_ function: WASIFunction, arguments: UnsafeBufferPointer<UInt64>, _ memory: GuestMemory,
                     host: WASIHost) -> WASIResult {
        call(function, Array(arguments), memory, host: host)
    }
}

public final class WASIHost {
    /// The imports to register: every function of `WASIFunction.moduleName`.
    public static var imports: [(name: String, type: FuncType)] {
        WASIFunction.allCases.map { ($0.name, $0.funcType) }
    }

    let configuration: WASIConfiguration
    // The host serves one guest on one thread, and its calls never nest (no WASI function runs
    // guest code), so accesses to the table cannot overlap: `unchecked` spares a runtime
    // exclusivity check on every fd lookup of every call and of every trace line.
    @exclusivity(unchecked) var table = DescriptorTable()
    let argumentBytes: [[UInt8]]
    let environmentBytes: [[UInt8]]

    /// Tracing, summary and fault injection; nil means the host-call path does nothing extra.
    public var observer: WASICallObserver?

    /// Opens the preopened directories and registers stdio and listeners.
    /// Guest fds: 0–2 stdio, then the directories in order, then the listening sockets.
    public init(configuration: WASIConfiguration) throws(WASIHostError) {
        self.configuration = configuration
        argumentBytes = configuration.arguments.map { Array($0.utf8) + [0] }
        environmentBytes = configuration.environment.map { Array($0.utf8) + [0] }
        let stdio = [(configuration.stdin, "stdin"), (configuration.stdout, "stdout"),
                     (configuration.stderr, "stderr")]
        for (fd, name) in stdio {
            let type = (try? POSIX.fstat(fd)).map { POSIX.fileType(mode: $0.st_mode) } ?? .unknown
            var rights = WASIRights.regularFile
            if type != .regularFile { rights.subtract([.fdSeek, .fdTell]) }
            // A pipe reports UNKNOWN; sockets given as stdio still behave as streams.
            let shown: WASIFileType = type == .socketStream || type == .characterDevice
                || type == .regularFile ? type : .unknown
            table.set(UInt32(table.slots.count), Descriptor(
                hostFD: fd, kind: .stdio, fileType: shown, rightsBase: rights,
                rightsInheriting: [], label: name, ownsHostFD: false))
        }
        for preopen in configuration.preopens {
            let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                close()
                throw WASIHostError("cannot open directory '\(preopen.hostPath)': \(String(cString: strerror(errno)))")
            }
            var base = WASIRights.directory
            var inheriting = WASIRights.directory.union(.regularFile)
            if preopen.readOnly {
                base.subtract(.mutating)
                inheriting.subtract(.mutating)
            }
            _ = try? table.insert(Descriptor(
                hostFD: fd, kind: .directory, fileType: .directory, rightsBase: base,
                rightsInheriting: inheriting, label: preopen.guestPath, preopenName: preopen.guestPath))
        }
        for listener in configuration.listeners {
            _ = try? table.insert(Descriptor(
                hostFD: listener.hostFD, kind: .listener, fileType: .socketStream,
                rightsBase: [.sockAccept, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite],
                rightsInheriting: .socket, label: listener.label))
        }
    }

    deinit { close() }

    /// Closes every host descriptor the host owns (the preopens, the listeners and everything
    /// the guest opened; stdio is the embedder's) and empties the table, so later calls get
    /// EBADF. `proc_exit` does this by itself; call it when `_start` returns. Safe to call more
    /// than once.
    public func close() {
        for index in table.slots.indices {
            table.slots[index]?.closeHost()
        }
        table = DescriptorTable()
    }

    /// The trace label of a guest fd (`/data`, `stdout`), if it is open.
    public func label(ofFD fd: UInt32) -> String? { table.lookup(fd)?.label }

    /// Argument and environment strings (the trace shows args_get's results from them).
    public var arguments: [String] { configuration.arguments }
    public var environment: [String] { configuration.environment }

    /// Runs one WASI call. `args` holds the raw parameter values in import order.
    @inline(__always)
    public func call(_ function: WASIFunction, _ args: [UInt64], memory: GuestMemory) -> WASIResult {
        if let observer { return observer.call(function, args, memory, host: self) }
        return args.withUnsafeBufferPointer { perform(function, $0, memory) }
    }

    /// The same, reading the parameters in place (e.g. from the VM's value stack), so the
    /// untraced path allocates nothing.
    @inline(__always)
    public func call(_ function: WASIFunction, arguments: UnsafeBufferPointer<UInt64>,
                     memory: GuestMemory) -> WASIResult {
        if let observer, observer.observes(function) {
            return observer.call(function, arguments: arguments, memory, host: self)
        }
        return perform(function, arguments, memory)
    }

    /// Runs the call without observers.
    public func perform(_ function: WASIFunction, _ args: [UInt64], _ memory: GuestMemory) -> WASIResult {
        args.withUnsafeBufferPointer { perform(function, $0, memory) }
    }

    func perform(_ function: WASIFunction, _ args: UnsafeBufferPointer<UInt64>, _ memory: GuestMemory)
        -> WASIResult {
        guard args.count == WASIHost.parameterCounts[function.rawValue] else { return .errno(.inval) }
        return perform(function, args, view: GuestView(memory))
    }

    /// The same on a view of memory already fetched for this call (the trace decodes the call
    /// from the view the call then runs on: memory cannot change size during a WASI call).
    func perform(_ function: WASIFunction, _ args: UnsafeBufferPointer<UInt64>, view m: GuestView) -> WASIResult {
        guard args.count == WASIHost.parameterCounts[function.rawValue] else { return .errno(.inval) }
        let a = Arguments(raw: args)
        do throws(WASIErrno) {
            switch function {
            case .proc_exit:
                // The guest is gone: nothing it opened may stay open until the host goes away
                // (a debugger keeps the host until the next run).
                close()
                return .exit(a.u32(0))
            case .args_get: try stringsGet(argumentBytes, m, a)
            case .args_sizes_get: try stringsSizes(argumentBytes, m, a)
            case .environ_get: try stringsGet(environmentBytes, m, a)
            case .environ_sizes_get: try stringsSizes(environmentBytes, m, a)
            case .clock_res_get: try clockResGet(m, a)
            case .clock_time_get: try clockTimeGet(m, a)
            case .fd_advise: try fdAdvise(a)
            case .fd_allocate: try fdAllocate(a)
            case .fd_close: try fdClose(a)
            case .fd_datasync: try fdSync(a, data: true)
            case .fd_sync: try fdSync(a, data: false)
            case .fd_fdstat_get: try fdFdstatGet(m, a)
            case .fd_fdstat_set_flags: try fdFdstatSetFlags(a)
            case .fd_fdstat_set_rights: try fdFdstatSetRights(a)
            case .fd_filestat_get: try fdFilestatGet(m, a)
            case .fd_filestat_set_size: try fdFilestatSetSize(a)
            case .fd_filestat_set_times: try fdFilestatSetTimes(a)
            case .fd_pread: try fdRead(m, a, positioned: true)
            case .fd_read: try fdRead(m, a, positioned: false)
            case .fd_pwrite: try fdWrite(m, a, positioned: true)
            case .fd_write: try fdWrite(m, a, positioned: false)
            case .fd_prestat_get: try fdPrestatGet(m, a)
            case .fd_prestat_dir_name: try fdPrestatDirName(m, a)
            case .fd_readdir: try fdReaddir(m, a)
            case .fd_renumber: try fdRenumber(a)
            case .fd_seek: try fdSeek(m, a)
            case .fd_tell: try fdTell(m, a)
            case .path_create_directory: try pathCreateDirectory(m, a)
            case .path_filestat_get: try pathFilestatGet(m, a)
            case .path_filestat_set_times: try pathFilestatSetTimes(m, a)
            case .path_link: try pathLink(m, a)
            case .path_open: try pathOpen(m, a)
            case .path_readlink: try pathReadlink(m, a)
            case .path_remove_directory: try pathRemove(m, a, directory: true)
            case .path_unlink_file: try pathRemove(m, a, directory: false)
            case .path_rename: try pathRename(m, a)
            case .path_symlink: try pathSymlink(m, a)
            case .poll_oneoff: try pollOneoff(m, a)
            case .proc_raise: throw .nosys
            case .sched_yield: sched_yield()
            case .random_get: try randomGet(m, a)
            case .sock_accept: try sockAccept(m, a)
            case .sock_recv: try sockRecv(m, a)
            case .sock_send: try sockSend(m, a)
            case .sock_shutdown: try sockShutdown(a)
            }
            return .errno(.success)
        } catch {
            return .errno(error)
        }
    }

    static let parameterCounts: [Int] = WASIFunction.allCases.map { $0.params.count }
}

/// Typed views of the raw parameter slots (the VM passes i32 zero- or sign-extended; only the
/// low 32 bits are read for i32 parameters).
struct Arguments {
    // Parameter slots of this call; `perform` checked the count against the signature.
    let raw: UnsafeBufferPointer<UInt64>
    @inline(__always) func u32(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: raw[i]) }
    @inline(__always) func u16(_ i: Int) -> UInt16 { UInt16(truncatingIfNeeded: raw[i]) }
    @inline(__always) func u8(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: raw[i]) }
    @inline(__always) func u64(_ i: Int) -> UInt64 { raw[i] }
    @inline(__always) func s64(_ i: Int) -> Int64 { Int64(bitPattern: raw[i]) }
}
