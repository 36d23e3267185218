import CEditLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One read from the user.
public enum LineInput: Hashable, Sendable {
    /// A line (or, with continuation, several joined by `\n`), without the final newline.
    case line(String)
    /// Ctrl-C at the prompt: the typed text was discarded.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// libedit's editor on the terminal: emacs key bindings, history recall, TAB completion
/// through a callback, and Ctrl-C/Ctrl-D told apart.
final class TerminalLineReader {
    /// libedit's `EditLine *`.
    private let editLine: OpaquePointer
    /// Where libedit draws: stdout, or stderr when stdout is redirected (so `wdb | tee log`
    /// still has a working prompt while command output goes to the pipe).
    private let output: UnsafeMutablePointer<FILE>
    /// The current prompt, kept alive for libedit's prompt callback.
    private var promptText: UnsafeMutablePointer<CChar>?
    let history: HistoryStore
    var completer: ((CompletionRequest) -> [String])?

    init?(programName: String, history: HistoryStore, drawOnStderr: Bool) {
        let output = drawOnStderr ? ce_stderr() : ce_stdout()
        guard let output, let editLine = ce_el_init(programName, ce_stdin(), output, ce_stderr()) else {
            return nil
        }
        self.editLine = editLine
        self.output = output
        self.history = history
        promptText = strdup("")
        ce_set_editor(editLine, "emacs")
        // libedit restores the terminal and re-sends the signal on Ctrl-C, Ctrl-Z and window
        // size changes; our SIGINT handler (installed without SA_RESTART) turns it into EINTR.
        ce_set_signal(editLine, 1)
        ce_set_hist(editLine, history.handle)
        ce_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        ce_set_prompt(editLine) { editLine in
            guard let editLine, let data = ce_get_clientdata(editLine) else { return nil }
            return Unmanaged<TerminalLineReader>.fromOpaque(data).takeUnretainedValue().promptText
        }
        ce_addfn(editLine, "wdb-complete", "Complete the word under the cursor") { editLine, _ in
            guard let editLine, let data = ce_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
            return Unmanaged<TerminalLineReader>.fromOpaque(data).takeUnretainedValue().complete()
        }
        ce_bind(editLine, "^I", "wdb-complete")
    }

    deinit {
        ce_el_end(editLine)
        free(promptText)
    }

    func read(prompt: String) -> LineInput {
        free(promptText)
        promptText = strdup(prompt)
        var count: Int32 = 0
        errno = 0
        guard let text = ce_el_gets(editLine, &count) else {
            if count == -1 && errno == EINTR {
                _ = Interrupt.consume()
                fputs("^C\n", output)
                fflush(output)
                return .interrupted
            }
            // Ctrl-D on an empty line (libedit echoes nothing after the prompt): end the line.
            fputs("\n", output)
            fflush(output)
            return .endOfInput
        }
        var line = String(cString: text)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// TAB: completes the word before the cursor, or lists the choices.
    private func complete() -> UInt8 {
        guard let completer, let info = ce_el_line(editLine) else { return UInt8(CC_ERROR) }
        let start = UnsafeRawPointer(info.pointee.buffer)
        let cursor = UnsafeRawPointer(info.pointee.cursor)
        guard let start, let cursor, cursor >= start else { return UInt8(CC_ERROR) }
        let before = String(decoding: UnsafeRawBufferPointer(start: start, count: cursor - start),
                            as: UTF8.self)
        let request = CompletionRequest(textBeforeCursor: before)
        switch Completion.outcome(word: request.word, candidates: completer(request)) {
        case .noMatch:
            return UInt8(CC_ERROR)
        case .insert(let text):
            return ce_el_insertstr(editLine, text) == 0 ? UInt8(CC_REFRESH) : UInt8(CC_ERROR)
        case .list(let matches):
            let width = Int(ce_terminal_width(fileno(output)))
            fputs("\n", output)
            for line in Completion.columns(matches, width: width > 0 ? width : 80) {
                fputs(line + "\n", output)
            }
            fflush(output)
            return UInt8(CC_REDISPLAY)
        }
    }
}
