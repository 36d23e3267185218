import FoundationEssentials
import Glibc

/// Where the REPL writes: results on stdout, errors on stderr, each write flushed so the two
/// interleave in order when they go to the same pipe (as in the golden tests).
final class ReplConsole {
    /// Colour is used only on a terminal and when `NO_COLOR` is unset.
    let useColor: Bool
    /// Everything written to stdout, when capturing (unit tests); nil writes to the process.
    private(set) var captured: String?

    init(useColor: Bool) {
        self.useColor = useColor
    }

    /// A console that keeps its output in memory (both streams, in order).
    static func capturing() -> ReplConsole {
        let console = ReplConsole(useColor: false)
        console.captured = ""
        return console
    }

    /// Whether stdout is a terminal and `NO_COLOR` is not set.
    static func colorWanted() -> Bool {
        isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    func line(_ text: String = "") {
        write(text + "\n", toError: false)
    }

    func error(_ text: String) {
        write(paint(text, code: "31") + "\n", toError: true)
    }

    func heading(_ text: String) -> String { paint(text, code: "1") }

    func write(_ text: String, toError: Bool) {
        if captured != nil {
            captured! += text
            return
        }
        let stream = toError ? stderr : stdout
        fputs(text, stream)
        fflush(stream)
    }

    private func paint(_ text: String, code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// A command's failure: the message is printed on stderr and the command counts as failed.
struct ReplError: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}
