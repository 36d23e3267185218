#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor with no prompt, no escape codes and no history file:
/// the reader for pipes and scripts. Its own read loop (not `readLine()`): the stdlib retries
/// on a stale EINTR at EOF forever (see the libedit research note), and this one never does.
public final class PlainLineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    public init(fileDescriptor: Int32 = 0) {
        self.fd = fileDescriptor
    }

    /// The next line without its `\n` (or `\r\n`), or nil at the end of the input. A last
    /// line without a newline is still returned. Invalid UTF-8 is replaced, never fatal.
    public func nextLine() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                compact()
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                compact()
                return line
            }
            fill()
        }
    }

    private func fill() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return
            }
            if count < 0 && errno == EINTR { continue }  // a signal; the caller polls Interrupt
            atEnd = true
            return
        }
    }

    /// Drops consumed bytes once they make up most of the buffer, so memory stays bounded.
    private func compact() {
        if start > 4096 && start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }
}
