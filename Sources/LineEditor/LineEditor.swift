import CEditLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The prompt of an interactive program: libedit on a terminal, a plain line reader otherwise.
///
/// On a terminal: emacs editing, history recall (loaded from and saved to `historyPath`),
/// TAB completion through `completer`, Ctrl-C discarding the line, Ctrl-D on an empty line
/// ending input, UTF-8 text. Without a terminal (a pipe or file on stdin): no prompt, no escape
/// codes, and the history stays in memory (no file is written).
public final class LineEditor {
    public struct Options {
        public var prompt: String
        /// Shown while `continuation` says the input is not finished.
        public var continuationPrompt: String
        /// The history file; nil keeps history in memory only.
        public var historyPath: String?
        public var historyLimit: Int
        /// Given the input so far (lines joined by `\n`), whether another line is needed.
        public var continuation: ((String) -> Bool)?
        /// The candidates for the word under the cursor.
        public var completer: ((CompletionRequest) -> [String])?
        public var programName: String

        public init(prompt: String = "> ", continuationPrompt: String = "  ",
                    historyPath: String? = nil, historyLimit: Int = 1000,
                    continuation: ((String) -> Bool)? = nil,
                    completer: ((CompletionRequest) -> [String])? = nil,
                    programName: String = "wdb") {
            self.prompt = prompt
            self.continuationPrompt = continuationPrompt
            self.historyPath = historyPath
            self.historyLimit = historyLimit
            self.continuation = continuation
            self.completer = completer
            self.programName = programName
        }
    }

    public var options: Options {
        didSet { terminal?.completer = options.completer }
    }
    /// True when libedit drives a terminal.
    public let isInteractive: Bool
    /// This session's history (with the file's earlier entries when interactive).
    public let history: HistoryStore?
    private let terminal: TerminalLineReader?
    private let plain: PlainLineReader?

    /// `interactive: nil` decides by whether stdin is a terminal. Installs the SIGINT handler
    /// and, on a terminal, a UTF-8 character locale (without one libedit drops non-ASCII).
    /// Without a terminal, lines come from `inputDescriptor` (stdin unless told otherwise).
    public init(options: Options, interactive: Bool? = nil, inputDescriptor: Int32 = 0) {
        self.options = options
        Interrupt.installHandler()
        let wantTerminal = interactive ?? (isatty(0) == 1)
        if wantTerminal, let history = HistoryStore(path: options.historyPath, limit: options.historyLimit) {
            LineEditor.selectCharacterLocale()
            let reader = TerminalLineReader(programName: options.programName, history: history,
                                            drawOnStderr: isatty(1) != 1)
            reader?.completer = options.completer
            terminal = reader
            self.history = history
        } else {
            terminal = nil
            history = HistoryStore(path: nil, limit: options.historyLimit)
        }
        isInteractive = terminal != nil
        plain = terminal == nil ? PlainLineReader(fileDescriptor: inputDescriptor) : nil
    }

    /// Reads one input: a line, or several while `continuation` asks for more. Non-blank input
    /// is added to the history (and the history file is rewritten when interactive).
    public func read() -> LineInput {
        let first = readPhysicalLine(prompt: options.prompt)
        guard case .line(var text) = first else { return first }
        var lines = [text]
        while let more = options.continuation, more(text) {
            switch readPhysicalLine(prompt: options.continuationPrompt) {
            case .line(let next):
                lines.append(next)
                text += "\n" + next
            case .interrupted:
                return .interrupted
            case .endOfInput:
                // Hand over what was typed; the caller reports the unfinished input.
                record(lines)
                return .line(text)
            }
        }
        record(lines)
        return .line(text)
    }

    /// Asks a question on a prompt of its own (`Quit anyway? (y or n) `) and returns the
    /// answer, not recorded in the history; nil at the end of input or on Ctrl-C.
    public func ask(_ prompt: String) -> String? {
        guard case .line(let answer) = readPhysicalLine(prompt: prompt) else { return nil }
        return answer
    }

    /// Writes the history file now (it is also written after every entry).
    public func saveHistory() {
        if isInteractive { history?.save() }
    }

    private func readPhysicalLine(prompt: String) -> LineInput {
        if let terminal { return terminal.read(prompt: prompt) }
        guard let line = plain?.nextLine() else { return .endOfInput }
        return .line(line)
    }

    /// One history entry per input: continued WAT lines are joined with spaces (WAT does not
    /// care), unless a `;;` comment would swallow the rest, then each line is its own entry.
    private func record(_ lines: [String]) {
        guard let history else { return }
        if lines.count > 1 && !lines.contains(where: { $0.contains(";;") }) {
            history.add(lines.joined(separator: " "))
        } else {
            for line in lines { history.add(line) }
        }
        saveHistory()
    }

    /// Picks the user's locale for character classes, falling back to C.UTF-8 when that gives
    /// plain ASCII, so `é` typed at the prompt reaches the program.
    static func selectCharacterLocale() {
        let chosen = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? "C"
        if chosen == "C" || chosen == "POSIX" {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }
}
