// What a WASI guest is given: argv, environment, preopened directories and sockets, stdio,
// clocks and randomness. Nothing else on the host is reachable.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A host directory made visible to the guest (`--dir HOST[::GUEST]`, `--dir-ro`).
public struct WASIPreopen: Sendable, Equatable {
    public var hostPath: String
    public var guestPath: String
    public var readOnly: Bool

    public init(hostPath: String, guestPath: String? = nil, readOnly: Bool = false) {
        self.hostPath = hostPath
        self.guestPath = guestPath ?? hostPath
        self.readOnly = readOnly
    }

    /// Parses the `HOST[::GUEST]` form of `--dir`.
    public init(parsing spec: String, readOnly: Bool = false) {
        let characters = Array(spec)
        if let split = characters.indices.dropLast().first(where: { characters[$0] == ":" && characters[$0 + 1] == ":" }) {
            self.init(hostPath: String(characters[..<split]),
                      guestPath: String(characters[(split + 2)...]), readOnly: readOnly)
        } else {
            self.init(hostPath: spec, readOnly: readOnly)
        }
    }
}

/// A listening socket the embedder created (see `WASIConfiguration.tcpListen`). The host owns
/// it once constructed and closes it in `close()`.
public struct WASIListener: Sendable {
    public var hostFD: Int32
    public var label: String
    public init(hostFD: Int32, label: String) {
        self.hostFD = hostFD
        self.label = label
    }
}

/// Clocks the guest reads. Times are nanoseconds; nil means the clock is not supported (EINVAL).
public protocol WASIClock: AnyObject {
    func now(_ id: WASIClockID) -> UInt64?
    func resolution(_ id: WASIClockID) -> UInt64?
}

/// The host's clocks.
public final class SystemClock: WASIClock {
    public init() {}
    private func hostID(_ id: WASIClockID) -> clockid_t {
        switch id {
        case .realtime: return CLOCK_REALTIME
        case .monotonic: return CLOCK_MONOTONIC
        case .processCPUTime: return CLOCK_PROCESS_CPUTIME_ID
        case .threadCPUTime: return CLOCK_THREAD_CPUTIME_ID
        }
    }
    public func now(_ id: WASIClockID) -> UInt64? {
        var time = timespec()
        guard clock_gettime(hostID(id), &time) == 0 else { return nil }
        return POSIX.nanoseconds(time)
    }
    public func resolution(_ id: WASIClockID) -> UInt64? {
        var time = timespec()
        guard clock_getres(hostID(id), &time) == 0 else { return nil }
        return POSIX.nanoseconds(time)
    }
}

/// Fills buffers for random_get.
public protocol WASIRandomSource: AnyObject {
    func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

/// Cryptographic randomness from the host (the system generator).
public final class SystemRandomSource: WASIRandomSource {
    public init() {}
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var generator = SystemRandomNumberGenerator()
        var index = 0
        while index < buffer.count {
            var word = generator.next()
            for _ in 0..<8 where index < buffer.count {
                buffer[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }
}

/// A reproducible byte stream (SplitMix64) for tests and repeatable runs.
public final class SeededRandomSource: WASIRandomSource {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var index = 0
        while index < buffer.count {
            var word = next()
            for _ in 0..<8 where index < buffer.count {
                buffer[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }
}

/// Everything a guest may see.
public struct WASIConfiguration {
    public var arguments: [String] = []
    /// `NAME=VALUE` entries, in order.
    public var environment: [String] = []
    public var preopens: [WASIPreopen] = []
    public var listeners: [WASIListener] = []
    /// Host descriptors behind guest fds 0, 1, 2 (not closed by the host).
    public var stdin: Int32 = 0
    public var stdout: Int32 = 1
    public var stderr: Int32 = 2
    public var clock: WASIClock = SystemClock()
    public var random: WASIRandomSource = SystemRandomSource()

    public init(arguments: [String] = [], environment: [String] = [], preopens: [WASIPreopen] = []) {
        self.arguments = arguments
        self.environment = environment
        self.preopens = preopens
    }

    /// Creates a listening TCP socket for `--tcplisten HOST:PORT` (IPv4 dotted address or
    /// `localhost`); port 0 picks a free port. Returns the listener and the bound port.
    public static func tcpListen(_ spec: String) throws(WASIHostError) -> (WASIListener, UInt16) {
        guard let colon = spec.lastIndex(of: ":"), let port = UInt16(spec[spec.index(after: colon)...])
        else { throw WASIHostError("--tcplisten expects HOST:PORT, got '\(spec)'") }
        var host = String(spec[..<colon])
        if host == "localhost" { host = "127.0.0.1" }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw WASIHostError("--tcplisten: '\(host)' is not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw WASIHostError("--tcplisten: socket failed (errno \(errno))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw WASIHostError("--tcplisten \(spec): bind/listen failed (errno \(code))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let actualPort = UInt16(bigEndian: actual.sin_port)
        return (WASIListener(hostFD: fd, label: "tcp:\(host):\(actualPort)"), actualPort)
    }
}

/// A configuration problem found before the guest runs (bad --dir, --tcplisten, …).
public struct WASIHostError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
