import ArgumentParser
import FoundationEssentials
import Glibc
import WasmText

/// A failure a command reports to the user: the complete text for stderr (already in its final
/// form: `FILE: error: …`, or the WAT front end's `file:line:col: error:` with source line and
/// caret) and exit status 1.
struct CommandError: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }

    /// `FILE: error: MESSAGE`.
    init(file: String, _ message: String) {
        self.message = "\(file): error: \(message)"
    }
}

enum Output {
    static func standardError(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        writeAll(2, Array(line.utf8))
    }

    static func standardOutput(_ text: String) {
        writeAll(1, Array(text.utf8))
    }

    static func standardOutput(_ bytes: [UInt8]) {
        writeAll(1, bytes)
    }

    /// Writes `bytes` to `path`, or reports why it could not.
    static func write(_ bytes: [UInt8], to path: String) throws(CommandError) {
        if path == "-" {
            standardOutput(bytes)
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandError(file: path, "cannot write file: \(String(cString: strerror(errno)))")
        }
        let written = writeAll(descriptor, bytes)
        let closed = close(descriptor) == 0
        guard written, closed else {
            throw CommandError(file: path, "cannot write file: \(String(cString: strerror(errno)))")
        }
    }

    /// write(2) until every byte is out, retrying after a signal; false on an error (errno set).
    @discardableResult
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }
}

/// Runs a command body, turning a `CommandError` into its message on stderr and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CommandError {
        Output.standardError(error.message)
        throw ExitCode(1)
    } catch let error as ModuleLoadError {
        Output.standardError(error.message)
        throw ExitCode(1)
    }
}
