import WasmText
import FoundationEssentials
import LineEditor
import WasmCore

/// The state of one interactive or batch session, and the dispatcher that runs a line.
public final class ReplSession {
    let console: ReplConsole
    /// Carries out the debugger's commands on its `DebugSession`.
    let adapter: DebuggerAdapter
    let commands: CommandTable
    /// The module `file` loaded, if any.
    var module: LoadedModule?
    /// The language modules are read in (`--features`).
    var features: Features = .default
    /// The module's WAT with the fields typed at the prompt since it was loaded (nil: none yet).
    var moduleEdits: WatModuleText?
    /// The WASI world of the next run (`set args`, `set env`, `dir`).
    var guestArguments: [String] = []
    var environment: [(name: String, value: String)] = []
    var directories: [String] = []
    /// This session's history (shown by `history`); set by the driver.
    var history: HistoryStore?
    /// True at a terminal prompt: Enter repeats, `quit` may ask.
    var isInteractive = false
    /// Reads the answer to a question at the terminal (nil: end of input or Ctrl-C).
    var askQuestion: ((String) -> String?)?
    /// True when the commands are read from stdin (a pipe or file), so the program must not
    /// read it: the debugger gives the guest /dev/null unless `run < FILE` or `--stdin` says so.
    var commandsComeFromStdin = false
    /// Batch mode with `-v`: print each command before running it.
    var echoCommands = false
    /// Commands that failed so far (batch mode's exit code).
    private(set) var failureCount = 0
    /// Set by `quit`; the driver stops reading.
    var quitRequested = false
    var exitCode: Int32 = 0
    /// Set when a guest ran to its exit (its code is then `exitCode`, even 0: batch mode
    /// returns it rather than the count of failed commands).
    var guestExited = false
    /// The last command that Enter repeats (step, next, stepi, nexti, x, list).
    private var repeatable: CommandInvocation?
    /// Whether Ctrl-C arrived (and forget it); scripts stop when it says so. Tests replace it.
    var takeInterrupt: () -> Bool = { Interrupt.consume() }
    /// Nesting of `source` (a script sourcing itself must stop somewhere).
    var sourceDepth = 0
    static let maxSourceDepth = 16
    /// The `commands` list being typed, if any (lines go to it until `end`).
    var commandListDraft: CommandListDraft?
    /// Set while breakpoint command lists run (they may stop again and queue another list).
    var runningCommandLists = false

    init(console: ReplConsole) {
        self.console = console
        self.adapter = DebuggerAdapter()
        self.commands = CommandCatalog.table
    }

    /// Runs one input (a line, or several joined WAT lines). Returns false if it failed.
    @discardableResult
    func execute(_ input: String) -> Bool {
        if collectCommandListLine(input) { return true }
        let text = input.trimmed
        if text.isEmpty {
            guard isInteractive, var again = repeatable else { return true }
            again.isRepeat = true
            let succeeded = run(again)
            runBreakpointCommandLists()
            return succeeded
        }
        if text.hasPrefix("#") { return true }  // a comment, as in gdb scripts
        if echoCommands { console.line(ReplDriver.prompt + text) }
        if text.hasPrefix("(") || text.hasPrefix(")") || startsWithInstruction(text) {
            repeatable = nil
            let succeeded = report { try evaluateWat(text) }
            runBreakpointCommandLists()
            return succeeded
        }
        switch commands.resolve(text) {
        case .success(let invocation):
            repeatable = invocation.spec.repeatsOnEnter ? invocation : nil
            let succeeded = run(invocation)
            runBreakpointCommandLists()
            return succeeded
        case .failure(let error):
            repeatable = nil
            return fail(error.message)
        }
    }

    private func run(_ invocation: CommandInvocation) -> Bool {
        report { try adapter.perform(invocation, in: self) }
    }

    /// Runs `body`, printing a thrown `ReplError` and counting it as a failure.
    private func report(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            return true
        } catch let error as ReplError {
            return fail(error.message)
        } catch {
            return fail("\(error)")
        }
    }

    @discardableResult
    func fail(_ message: String) -> Bool {
        failureCount += 1
        console.error(message)
        return false
    }

    /// A line such as `i32.const 2 i32.const 3 i32.add`: its first word is an instruction (not
    /// `if`, `return`, `call` or `br`, which are commands).
    private func startsWithInstruction(_ text: String) -> Bool {
        let first = text.prefix { !$0.isWhitespace }
        return first.contains(".") && Opcode.byMnemonic[String(first)] != nil
            || ["nop", "unreachable", "drop", "select", "block", "loop"].contains(String(first))
    }

    private func evaluateWat(_ text: String) throws {
        if try adapter.evaluate(text: text, in: self) { return }
        if ParenthesisBalance.openCount(text) != 0 {
            throw ReplError("Unbalanced parentheses in WAT input: \(ParenthesisBalance.openCount(text) > 0 ? "missing )" : "extra )").")
        }
        let keyword = WatModuleText.keyword(of: text) ?? ""
        if keyword == "module" {
            try loadWatModule(text: text, path: "<input>")
        } else if WatModuleText.fieldKeywords.contains(keyword) {
            try addField(text)
        } else {
            throw ReplError("Unknown form \"(\(keyword)\" at the prompt: expected (module …), a module field "
                            + "(\(WatModuleText.fieldKeywords.sorted().joined(separator: ", "))), (invoke …), (get …), "
                            + "(register …) or an assertion (assert_return, assert_trap, …).")
        }
    }
}
