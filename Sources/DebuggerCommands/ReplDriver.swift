import FoundationEssentials
import Glibc
import WasmCore
import LineEditor

/// How a session starts: the command-line choices of `wdb [FILE] [-x FILE] [-ex CMD]...`.
public struct ReplOptions: Equatable {
    /// A `-x FILE` or an `-ex CMD`, in command-line order.
    public enum ScriptStep: Equatable {
        case file(String)
        case command(String)
    }

    public var file: String?
    public var steps: [ScriptStep] = []
    public var batch = false
    public var skipInitFile = false
    /// nil: `~/.wdb_history`.
    public var historyFile: String?
    public var quiet = false
    public var verbose = false
    public var guestArguments: [String] = []
    public var environment: [String] = []
    public var directories: [String] = []
    /// The language modules are read in (`--features 2.0`; default 3.0).
    public var features: Features = .default

    public init() {}
}

/// Runs a session: init file, the module, `-x`/`-ex` steps, then the prompt (on a terminal)
/// or the commands on stdin (batch mode).
public enum ReplDriver {
    static let prompt = "(wdb) "

    /// The last session run, kept after `run` returns: the process ends right after, and freeing
    /// a big module's decoded code object by object took a tenth of a batch run on a 100 MB
    /// module (Docs/performance.md). The system takes the memory back at exit anyway.
    nonisolated(unsafe) private static var lastSession: ReplSession?

    public static func run(_ options: ReplOptions) -> Int32 {
        let stdinIsTerminal = isatty(0) == 1
        let batch = options.batch || !options.steps.isEmpty || !stdinIsTerminal
        let console = ReplConsole(useColor: !batch && ReplConsole.colorWanted())
        let session = ReplSession(console: console)
        lastSession = session
        session.echoCommands = batch && options.verbose
        session.guestArguments = options.guestArguments
        session.directories = options.directories
        session.features = options.features
        for entry in options.environment {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            session.environment.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
        }
        Interrupt.installHandler()

        if !batch && !options.quiet {
            console.line(ReplSession.versionLine)
            console.line("Type \"help\" for a list of commands.")
        }
        if !options.skipInitFile, let initFile = homeFile(".wdbinit"),
           FileManager.default.fileExists(atPath: initFile) {
            runScriptFile(initFile, in: session)
        }
        if let file = options.file {
            do { try session.load(path: file) } catch let error as ReplError { session.fail(error.message) } catch {}
        }
        for step in options.steps where !session.quitRequested {
            switch step {
            case .file(let path): runScriptFile(path, in: session)
            case .command(let text): session.execute(text)
            }
        }
        if batch {
            if options.steps.isEmpty && !stdinIsTerminal && !session.quitRequested {
                session.commandsComeFromStdin = true
                readCommands(from: LineEditor(options: editorOptions(for: session, historyFile: nil), interactive: false),
                             session: session)
            }
            if session.exitCode != 0 || session.guestExited { return session.exitCode }
            return session.failureCount > 0 ? 1 : 0
        }
        if !session.quitRequested {
            let historyFile = options.historyFile ?? homeFile(".wdb_history")
            let editor = LineEditor(options: editorOptions(for: session, historyFile: historyFile))
            session.isInteractive = editor.isInteractive
            session.askQuestion = { [unowned editor] prompt in editor.ask(prompt) }
            readCommands(from: editor, session: session)
            editor.saveHistory()
        }
        return session.exitCode
    }

    private static func editorOptions(for session: ReplSession, historyFile: String?) -> LineEditor.Options {
        LineEditor.Options(
            prompt: prompt, continuationPrompt: "  ", historyPath: historyFile,
            continuation: ReplSession.needsContinuation,
            completer: { [unowned session] request in session.completionCandidates(request) })
    }

    private static func readCommands(from editor: LineEditor, session: ReplSession) {
        session.history = editor.history
        while !session.quitRequested {
            // gdb's ">" while a `commands` list is typed.
            let prompt = session.commandListDraft == nil ? Self.prompt : ">"
            if editor.options.prompt != prompt { editor.options.prompt = prompt }
            switch editor.read() {
            case .line(let text): session.execute(text)
            case .interrupted: continue
            case .endOfInput:
                session.dropUnfinishedCommandList()
                // Ctrl-D on an empty line is `quit`, asking first when a guest is live.
                if session.isInteractive { session.console.line("quit") }
                if session.confirmQuit() { return }
            }
        }
    }

    private static func runScriptFile(_ path: String, in session: ReplSession) {
        do {
            session.runScript(try session.readScript(path))
        } catch let error as ReplError {
            session.fail(error.message)
        } catch {
            session.fail("\(path): \(error)")
        }
    }

    private static func homeFile(_ name: String) -> String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return (home.hasSuffix("/") ? home : home + "/") + name
    }
}
