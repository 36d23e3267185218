import ArgumentParser
import Foundation
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
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func standardOutput(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Writes `bytes` to `path`, or reports why it could not.
    static func write(_ bytes: [UInt8], to path: String) throws(CommandError) {
        if path == "-" {
            standardOutput(bytes)
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandError(file: path, "cannot write file: \(Output.reason(error))")
        }
    }

    /// The human part of a Foundation error ("Permission denied", …).
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain,
           let text = strerror(Int32(underlying.code)) {
            return String(cString: text)
        }
        return nsError.localizedDescription
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
