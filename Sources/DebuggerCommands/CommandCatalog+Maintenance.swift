import Debugger

// Hidden maintenance commands (Docs/commands.md, Maintenance commands): aids for working on
// wdb itself. They run when typed by their full name but are not in `help`, `apropos` or
// completion, and a prefix never resolves to them, so they change nothing for users.

extension CommandCatalog {
    static let maintenance: [CommandSpec] = [
        CommandSpec(
            name: "maint", category: .support,
            usage: "maint print code FN", summary: "Maintenance commands for working on wdb",
            example: "maint print code $fact", availability: .builtin, isHidden: true,
            subcommands: CommandTable(maintSubcommands),
            handler: { session, _ in session.listSubcommands(of: "maint") }),
    ]

    static let maintSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "print", category: .support,
            usage: "maint print code FN", summary: "Print internal state of the debugger",
            example: "maint print code $fact", availability: .builtin,
            subcommands: CommandTable(maintPrintSubcommands),
            handler: { session, _ in session.listSubcommands(of: "maint") }),
    ]

    static let maintPrintSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "code", category: .support,
            usage: "maint print code FN", summary: "Print the engine's internal code of a function",
            details: """
                Lists the internal code the engine compiled FN to, one instruction a line: its \
                code index, its operation and its words (Docs/architecture.md, Internal operations).
                """,
            example: "maint print code $fact", argument: .function,
            handler: { try $0.adapter.maintPrintCode($1.arguments, in: $0) }),
    ]
}

extension DebuggerAdapter {
    /// `maint print code FN`.
    func maintPrintCode(_ args: String, in session: ReplSession) throws {
        guard !args.isEmpty else { throw ReplError("Usage: maint print code FN") }
        guard debugger.module != nil, let debuggee = debugger.debuggee else {
            throw ReplError("No module loaded. Use \"file FILE\" first.")
        }
        guard let index = try debugger.resolveFunction(args) else { throw ReplError("No function named \"\(args)\".") }
        switch debuggee.internalCodeListing(functionIndex: index) {
        case .success(let lines):
            session.console.line("Internal code of \(functionName(index)) (func \(index)):")
            for line in lines { session.console.line(line) }
        case .failure(.imported):
            throw ReplError("\(functionName(index)) is imported: it has no code here.")
        case .failure(.unknownFunction):
            throw ReplError("No function \(index) in this module.")
        case .failure(.notCompiled(let message)):
            throw ReplError("\(functionName(index)) does not compile: \(message)")
        }
    }
}
