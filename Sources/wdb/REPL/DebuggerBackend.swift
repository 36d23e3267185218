import WasmCore

/// The names TAB offers for arguments that only the debugger knows.
enum CompletionSource: Hashable, Sendable {
    case functions
    case exports
    case breakpoints
    case wasiCalls
    /// Locals and globals of the selected frame, for expressions.
    case variables
}

/// What the debugger engine plugs into the REPL. The REPL parses, completes and prints help;
/// the backend carries out every command whose `availability` is `.engine`, and WAT/WAST or
/// bare instructions typed at the prompt. A backend may also take over builtin commands.
protocol DebuggerBackend: AnyObject {
    /// Runs a command. Returns false if this backend does not implement it (the REPL then says
    /// "not available yet"); throws `ReplError` when the command failed.
    func execute(_ invocation: CommandInvocation, in session: ReplSession) throws -> Bool

    /// Input starting with `(` (a WAST command or module field) or a bare instruction sequence.
    /// Returns false if not supported.
    func evaluate(text: String, in session: ReplSession) throws -> Bool

    /// Names for completion (function names with `$`, export names, breakpoint numbers, …).
    func completions(for source: CompletionSource) -> [String]

    /// The user loaded a module (`file`, or `(module …)` at the prompt); the backend
    /// instantiates it for the next run. `LoadedModule` is the one of Support/ModuleLoader.
    func moduleDidLoad(_ module: LoadedModule, in session: ReplSession)

    /// Fields were added to the current module at the prompt: the backend re-instantiates it,
    /// keeping memory contents and global values where the layout allows.
    func moduleDidChange(_ module: LoadedModule, in session: ReplSession)

    /// Why `module` could not be instantiated here (an import nothing provides), checked before
    /// a field typed at the prompt replaces the current module; nil when it links.
    func linkProblem(_ module: Module) -> String?

    /// Whether a guest is stopped in the middle of a call (`quit` then asks on a terminal).
    var hasLiveGuest: Bool { get }

    /// The command list of the breakpoint the last command stopped at, once (nil: none).
    func takeStopCommands() -> [String]?

    /// Whether `execute` carries out this engine command (help marks the others
    /// "not available yet").
    func implements(_ spec: CommandSpec) -> Bool
}

extension DebuggerBackend {
    func linkProblem(_ module: Module) -> String? { nil }
    var hasLiveGuest: Bool { false }
    func takeStopCommands() -> [String]? { nil }
    func moduleDidChange(_ module: LoadedModule, in session: ReplSession) { moduleDidLoad(module, in: session) }
    func implements(_ spec: CommandSpec) -> Bool { true }
}
