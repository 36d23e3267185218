/// The subcommands of `info`, `set`, `show`, `unset`, `catch`, `trace` and `wasi`.
extension CommandCatalog {
    static let infoSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "breakpoints", aliases: ["b", "break"], category: .status,
            usage: "info breakpoints", summary: "List breakpoints, watchpoints and catchpoints",
            example: "info breakpoints",
            handler: { try $0.adapter.handleInfoBreakpoints($1, in: $0) }),
        CommandSpec(
            name: "watchpoints", category: .status,
            usage: "info watchpoints", summary: "List watchpoints", example: "info watchpoints",
            handler: { try $0.adapter.handleInfoWatchpoints($1, in: $0) }),
        CommandSpec(
            name: "lastwrite", category: .status,
            usage: "info lastwrite ADDR", summary: "Name the instruction or WASI call that last wrote a watched address",
            example: "info lastwrite 0x64", argument: .expression,
            handler: { try $0.adapter.handleInfoLastwrite($1, in: $0) }),
        CommandSpec(
            name: "frame", aliases: ["f"], category: .status,
            usage: "info frame", summary: "Describe the selected frame", example: "info frame",
            handler: { try $0.adapter.handleInfoFrame($1, in: $0) }),
        CommandSpec(
            name: "locals", category: .status,
            usage: "info locals", summary: "Locals of the selected frame with their names", example: "info locals",
            handler: { try $0.adapter.handleInfoLocals($1, in: $0) }),
        CommandSpec(
            name: "args", category: .status,
            usage: "info args", summary: "Parameters of the selected frame", example: "info args",
            handler: { try $0.adapter.handleInfoArgs($1, in: $0) }),
        CommandSpec(
            name: "globals", category: .status,
            usage: "info globals", summary: "Globals with their values", example: "info globals",
            handler: { try $0.adapter.handleInfoGlobals($1, in: $0) }),
        CommandSpec(
            name: "stack", aliases: ["s"], category: .status,
            usage: "info stack", summary: "The operand stack of the selected frame", example: "info stack",
            handler: { try $0.adapter.handleInfoStack($1, in: $0) }),
        CommandSpec(
            name: "registers", aliases: ["r"], category: .status,
            usage: "info registers", summary: "Locals and operand stack as raw slots", example: "info registers",
            handler: { try $0.adapter.handleInfoRegisters($1, in: $0) }),
        CommandSpec(
            name: "display", category: .status,
            usage: "info display", summary: "List the expressions shown at each stop", example: "info display",
            handler: { try $0.adapter.handleInfoDisplay($1, in: $0) }),
        CommandSpec(
            name: "module", category: .status,
            usage: "info module", summary: "Summary of the loaded module's sections",
            example: "info module", availability: .builtin,
            handler: { try $0.infoModule($1) }),
        CommandSpec(
            name: "exports", category: .status,
            usage: "info exports [REGEX]", summary: "The module's exports",
            example: "info exports", availability: .builtin,
            handler: { try $0.infoExports($1) }),
        CommandSpec(
            name: "imports", category: .status,
            usage: "info imports [REGEX]", summary: "The module's imports",
            example: "info imports", availability: .builtin,
            handler: { try $0.infoImports($1) }),
        CommandSpec(
            name: "functions", category: .status,
            usage: "info functions [REGEX]", summary: "Functions with their index, name and type",
            details: "With REGEX, only the functions whose name matches it.",
            example: "info functions ^fact", argument: .function, availability: .builtin,
            handler: { try $0.infoFunctions($1) }),
        CommandSpec(
            name: "memory", category: .status,
            usage: "info memory", summary: "Memories and their limits",
            example: "info memory", availability: .builtin,
            handler: { try $0.infoMemory($1) }),
        CommandSpec(
            name: "tables", category: .status,
            usage: "info tables", summary: "Tables, their element type and limits",
            example: "info tables", availability: .builtin,
            handler: { try $0.infoTables($1) }),
        CommandSpec(
            name: "data", category: .status,
            usage: "info data", summary: "Data segments: mode, offset, size and the first bytes",
            example: "info data", availability: .builtin,
            handler: { try $0.infoData($1) }),
        CommandSpec(
            name: "source", category: .status,
            usage: "info source", summary: "The current source file (DWARF) and where it was found",
            example: "info source", availability: .builtin,
            handler: { session, _ in try session.adapter.infoSource(in: session) }),
        CommandSpec(
            name: "line", category: .status,
            usage: "info line [LOC]", summary: "Where a source line's code is (file offsets)",
            example: "info line primes.c:16", argument: .location,
            handler: { try $0.adapter.infoLine($1.arguments, in: $0) }),
        CommandSpec(
            name: "wasi-summary", category: .status,
            usage: "info wasi-summary", summary: "WASI call counts and times, as --trace-summary",
            example: "info wasi-summary",
            handler: { try $0.adapter.handleInfoWasiSummary($1, in: $0) }),
    ]

    static let setSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "args", category: .status,
            usage: "set args [ARGS...]", summary: "The WASI arguments of the next run",
            details: "Words are split at spaces; quote with \"…\" or '…' to keep spaces.",
            example: "set args -n 3 input.txt", availability: .builtin,
            handler: { try $0.setArgs($1) }),
        CommandSpec(
            name: "env", aliases: ["environment"], category: .status,
            usage: "set env NAME=VALUE", summary: "Set a WASI environment variable of the next run",
            example: "set env HOME=/data", availability: .builtin,
            handler: { try $0.setEnv($1) }),
        CommandSpec(
            name: "substitute-path", category: .status,
            usage: "set substitute-path FROM TO", summary: "Read source files recorded under FROM from TO",
            details: "For sources that moved since the module was built: a recorded path starting with FROM (at a / boundary) is read from TO instead.",
            example: "set substitute-path /build/src /home/me/src", availability: .builtin,
            handler: { try $0.adapter.substitutePathCommand($1.words, in: $0) }),
        CommandSpec(
            name: "var", aliases: ["variable"], category: .status,
            usage: "set var LVALUE = VALUE", summary: "Change a local, global, operand-stack slot or memory",
            example: "set var $n = 10", argument: .expression,
            handler: { try $0.adapter.handleSetVar($1, in: $0) }),
    ]

    static let showSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "args", category: .status,
            usage: "show args", summary: "The WASI arguments of the next run",
            example: "show args", availability: .builtin,
            handler: { try $0.showArgs($1) }),
        CommandSpec(
            name: "env", aliases: ["environment"], category: .status,
            usage: "show env [NAME]", summary: "The WASI environment of the next run",
            example: "show env", availability: .builtin,
            handler: { try $0.showEnv($1) }),
        CommandSpec(
            name: "dirs", aliases: ["directories"], category: .status,
            usage: "show dirs", summary: "The preopened directories of the next run",
            example: "show dirs", availability: .builtin,
            handler: { try $0.showDirs($1) }),
        CommandSpec(
            name: "substitute-path", category: .status,
            usage: "show substitute-path", summary: "The source path substitution rules",
            example: "show substitute-path", availability: .builtin,
            handler: { session, _ in session.adapter.showSubstitutePath(in: session) }),
        CommandSpec(
            name: "version", category: .status,
            usage: "show version", summary: "wdb's version",
            example: "show version", availability: .builtin,
            handler: { session, _ in session.console.line(ReplSession.versionLine) }),
    ]

    static let unsetSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "env", aliases: ["environment"], category: .status,
            usage: "unset env [NAME]", summary: "Remove a WASI environment variable (all without NAME)",
            example: "unset env HOME", availability: .builtin,
            handler: { try $0.unsetEnv($1) }),
    ]

    static let catchSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "wasi", category: .breakpoints,
            usage: "catch wasi [NAME|GROUP...] [after] [if EXPR]", summary: "Stop before WASI calls, with decoded arguments",
            details: "Groups: filesystem, clock, random, proc, poll, sock, args, environ. With `after`, stop only once the call has returned (not before it), showing its result and out-values.",
            example: "catch wasi fd_write", argument: .wasiCall,
            handler: { try $0.adapter.handleCatch($1, in: $0) }),
        CommandSpec(
            name: "trap", category: .breakpoints,
            usage: "catch trap", summary: "Stop when the program traps", example: "catch trap",
            handler: { try $0.adapter.handleCatch($1, in: $0) }),
        CommandSpec(
            name: "call", category: .breakpoints,
            usage: "catch call IMPORT", summary: "Stop before a call to a host import",
            example: "catch call env.log", argument: .function,
            handler: { try $0.adapter.handleCatch($1, in: $0) }),
        CommandSpec(
            name: "throw", category: .breakpoints,
            usage: "catch throw [TAG...] [if EXPR]", summary: "Stop where an exception is thrown, showing its tag and payload",
            details: "Tags by name ($e or e, or the tag's export name); none: every exception. The stop is before the throw runs: `bt` shows the frames that will unwind.",
            example: "catch throw $cpp_exception",
            handler: { try $0.adapter.handleCatch($1, in: $0) }),
        CommandSpec(
            name: "catch", category: .breakpoints,
            usage: "catch catch [TAG...] [if EXPR]", summary: "Stop where an exception is caught, at its handler",
            details: "Tags as for `catch throw`. The stop is at the handler's first instruction, the payload (and exnref) delivered; the frames between throw and handler are gone.",
            example: "catch catch",
            handler: { try $0.adapter.handleCatch($1, in: $0) }),
    ]

    static let traceSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "wasi", category: .wasi,
            usage: "trace wasi [on|off] [FILTER] [--strsize N] [--time] [--output FILE] [--failed] [--rights=full]",
            summary: "Turn the WASI call trace on or off",
            details: "The same format as `wdb run --trace`: one line per call with decoded arguments and result. Rights sets print compactly (RIGHTS_ALL&~(FD_WRITE|FD_SEEK)); --rights=full spells out every flag, as --trace-rights=full.",
            example: "trace wasi filesystem --time", argument: .wasiCall,
            handler: { try $0.adapter.handleTraceWasi($1, in: $0) }),
    ]

    static let wasiSubcommands: [CommandSpec] = [
        CommandSpec(
            name: "inject", category: .wasi,
            usage: "wasi inject NAME:ERRNO[:when=N|N+|N..M] | wasi inject clear",
            summary: "Make a WASI call fail with ERRNO (all calls, the Nth, from the Nth, or a range)",
            example: "wasi inject fd_write:EIO:when=3", argument: .wasiCall,
            handler: { try $0.adapter.handleWasiInject($1, in: $0) }),
    ]
}
