// Where trace lines go: a host file descriptor (buffered) or memory (tests, the debugger).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public protocol WASITraceSink: AnyObject {
    /// One line, without its newline.
    func write(_ line: String)
    /// One line as UTF-8 bytes, without its newline (how the monitor hands lines over).
    func write(utf8 line: UnsafeBufferPointer<UInt8>)
    func flush()
}

extension WASITraceSink {
    public func write(utf8 line: UnsafeBufferPointer<UInt8>) { write(String(decoding: line, as: UTF8.self)) }
}

/// Writes to a host descriptor through a 64 KiB buffer, so tracing to a file costs one write(2)
/// per many calls. Line-buffered, each line is written at once: on a terminal shared with the
/// guest's own output, trace lines then appear in order with it, as strace's do.
public final class FileTraceSink: WASITraceSink {
    private let fd: Int32
    private let ownsFD: Bool
    let lineBuffered: Bool
    private let capacity = 1 << 16
    // Lines not written yet. One sink serves one monitor on one thread: see WASIMonitor's
    // state for why unchecked.
    @exclusivity(unchecked) private var buffer: TraceBytes

    public init(fd: Int32, ownsFD: Bool = false, lineBuffered: Bool = false) {
        self.fd = fd
        self.ownsFD = ownsFD
        self.lineBuffered = lineBuffered
        buffer = TraceBytes(capacity: capacity + 4096)
    }

    /// Opens (creates, truncates) a file for `--trace-output`. A terminal gets each line at
    /// once, like stderr, so the trace stays in order with the guest's output on it.
    public convenience init(path: String) throws(WASIHostError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WASIHostError("cannot open trace output '\(path)': \(String(cString: strerror(errno)))")
        }
        self.init(fd: fd, ownsFD: true, lineBuffered: isatty(fd) == 1)
    }

    deinit {
        flush()
        if ownsFD { close(fd) }
    }

    public func write(_ line: String) {
        var line = line
        line.withUTF8 { write(utf8: $0) }
    }

    public func write(utf8 line: UnsafeBufferPointer<UInt8>) {
        buffer.append(UnsafeRawBufferPointer(line))
        buffer.append(0x0A)
        flushIfDue()
    }

    /// Writes the buffer out when it is full, or after every line when line-buffered.
    @inline(__always)
    func flushIfDue() {
        if lineBuffered || buffer.count >= capacity { flush() }
    }

    /// Whole lines, newlines included, collected by the monitor: written after what is
    /// buffered.
    func write(lines: UnsafeBufferPointer<UInt8>) {
        flush()
        writeAll(lines)
    }

    public func flush() {
        buffer.withBytes { writeAll($0) }
        buffer.removeAll()
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, base + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }  // the trace is best effort; never fail the guest for it
            offset += written
        }
    }
}

/// Keeps lines in memory.
public final class MemoryTraceSink: WASITraceSink {
    public private(set) var lines: [String] = []
    public init() {}
    public func write(_ line: String) { lines.append(line) }
    public func flush() {}
}
