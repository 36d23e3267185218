/// Every command of the REPL (Docs/commands.md): names, gdb's aliases, usage, help text
/// and an example, each with its handler (a command cannot be listed without one).
enum CommandCatalog {
    static let table = CommandTable(files + running + breakpoints + stepping + stack + data
                                     + wasi + status + support + maintenance)

    static let files: [CommandSpec] = [
        CommandSpec(
            name: "file", aliases: ["load"], category: .files,
            usage: "file FILE", summary: "Load a .wasm or .wat module to debug",
            details: """
                Reads FILE, decodes and validates it. A .wat file is assembled in-process. \
                Errors name the file and the position (an offset for binaries, line:column \
                for WAT). The loaded module replaces the previous one.
                """,
            example: "file Examples/loop.wat", argument: .file, availability: .builtin,
            handler: { try $0.fileCommand($1) }),
        CommandSpec(
            name: "reload", category: .files,
            usage: "reload", summary: "Load the current module's file again",
            details: """
                Reads the file given to the last `file` command again, e.g. after rebuilding it. \
                Breakpoints are kept: each is placed again (same function body: same place; else \
                its location is resolved again), and one that no longer resolves is deleted with \
                a line saying why. `file` does the same for another module.
                """,
            example: "reload", availability: .builtin,
            handler: { try $0.reloadCommand($1) }),
        CommandSpec(
            name: "list", aliases: ["l"], category: .files,
            usage: "list [LOC]", summary: "Show WAT source lines around a location",
            details: """
                Shows the WAT source of the module around LOC (a function, $name+0x12, *0x86 \
                or FILE:LINE), or the next lines after the previous listing.
                """,
            example: "list $main", argument: .location, repeatsOnEnter: true,
            handler: { try $0.adapter.handleList($1, in: $0) }),
        CommandSpec(
            name: "disassemble", aliases: ["disas"], category: .files,
            usage: "disassemble [FN]", summary: "Show a function's instructions with file offsets",
            details: """
                Prints the WAT text of FN (default: the current function) with the file offsets \
                wasm-objdump -d prints, and `=>` at the current instruction.
                """,
            example: "disassemble $fact", argument: .function,
            handler: { try $0.adapter.handleDisassemble($1, in: $0) }),
    ]

    static let running: [CommandSpec] = [
        CommandSpec(
            name: "run", aliases: ["r"], category: .running,
            usage: "run [ARGS...]", summary: "Run _start with WASI arguments",
            details: """
                Starts the program from _start; ARGS (or `set args`) become the WASI argv after the \
                file name. At a terminal, while the program is stopped in a call, it asks before \
                starting again.
                """,
            example: "run input.txt",
            runsGuest: true,
            handler: { try $0.adapter.handleRun($1, in: $0) }),
        CommandSpec(
            name: "start", category: .running,
            usage: "start [ARGS...]", summary: "Run and stop at the start of _start",
            example: "start",
            runsGuest: true,
            handler: { try $0.adapter.handleRun($1, in: $0) }),
        CommandSpec(
            name: "starti", category: .running,
            usage: "starti [ARGS...]", summary: "Run and stop at _start's first instruction",
            example: "starti",
            runsGuest: true,
            handler: { try $0.adapter.handleRun($1, in: $0) }),
        CommandSpec(
            name: "kill", category: .running,
            usage: "kill", summary: "Stop the running program", example: "kill",
            handler: { try $0.adapter.handleKill($1, in: $0) }),
        CommandSpec(
            name: "restart", category: .running,
            usage: "restart", summary: "Kill the program and run it again with the same arguments",
            example: "restart",
            runsGuest: true,
            handler: { try $0.adapter.handleRestart($1, in: $0) }),
        CommandSpec(
            name: "invoke", aliases: ["call"], category: .running,
            usage: "invoke FN [ARGS...]", summary: "Call an export or function with arguments",
            details: """
                Calls FN (an export name, $name or #index) with ARGS in value notation \
                (i32:2, 3, 1.5, (f64.const 1.5)) and prints add(i32:2, i32:3) => i32:5. \
                Breakpoints inside are honoured.
                """,
            example: "invoke add 2 3", argument: .function,
            runsGuest: true,
            handler: { try $0.adapter.handleInvoke($1, in: $0) }),
    ]

    static let breakpoints: [CommandSpec] = [
        CommandSpec(
            name: "break", aliases: ["b", "br"], category: .breakpoints,
            usage: "break LOC [if EXPR]", summary: "Set a breakpoint at a location",
            details: """
                LOC is a function ($name, an export name, #3), an offset in it ($name+0x12), a \
                file offset (*0x86) or a WAT line (loop.wat:14). The report says where it landed. \
                With `if EXPR` it stops only when EXPR is non-zero.
                """,
            example: "break $bump if $n > 3", argument: .location,
            handler: { try $0.adapter.handleBreak($1, in: $0) }),
        CommandSpec(
            name: "tbreak", category: .breakpoints,
            usage: "tbreak LOC", summary: "Set a breakpoint that is deleted when hit",
            example: "tbreak $main", argument: .location,
            handler: { try $0.adapter.handleBreak($1, in: $0) }),
        CommandSpec(
            name: "condition", category: .breakpoints,
            usage: "condition N [EXPR]", summary: "Stop at breakpoint N only when EXPR holds",
            details: "Without EXPR the condition is removed.",
            example: "condition 1 $i == 10", argument: .breakpoint,
            handler: { try $0.adapter.handleCondition($1, in: $0) }),
        CommandSpec(
            name: "ignore", category: .breakpoints,
            usage: "ignore N COUNT", summary: "Pass breakpoint N the next COUNT times",
            example: "ignore 1 5", argument: .breakpoint,
            handler: { try $0.adapter.handleIgnore($1, in: $0) }),
        CommandSpec(
            name: "delete", aliases: ["d"], category: .breakpoints,
            usage: "delete [N...]", summary: "Delete breakpoints (all without N)",
            example: "delete 2", argument: .breakpoint,
            handler: { try $0.adapter.handleDelete($1, in: $0) }),
        CommandSpec(
            name: "disable", category: .breakpoints,
            usage: "disable [N...]", summary: "Disable breakpoints (all without N)",
            example: "disable 1", argument: .breakpoint,
            handler: { try $0.adapter.handleDisable($1, in: $0) }),
        CommandSpec(
            name: "enable", category: .breakpoints,
            usage: "enable [N...]", summary: "Enable breakpoints (all without N)",
            example: "enable 1", argument: .breakpoint,
            handler: { try $0.adapter.handleEnable($1, in: $0) }),
        CommandSpec(
            name: "commands", category: .breakpoints,
            usage: "commands [N|N-M]...", summary: "Give commands to run when breakpoint N is hit",
            details: """
                The following lines, up to a line saying just `end`, run at each stop of \
                breakpoint N (default: the last one set); an empty list removes them. A first \
                line `silent` hides the stop report. A command that resumes the program \
                (continue, step, …) ends the list; the next stop runs its own list.
                """,
            example: "commands 1", argument: .breakpoint,
            handler: { try $0.adapter.handleCommands($1, in: $0) }),
        CommandSpec(
            name: "dprintf", category: .breakpoints,
            usage: "dprintf LOC,\"FORMAT\",ARGS...", summary: "Print a message at a location without stopping",
            details: """
                A breakpoint whose commands are `silent`, `printf "FORMAT",ARGS...` and \
                `continue`. The format and arguments are those of printf.
                """,
            example: "dprintf $bump,\"by=%d counter=%d\\n\",$by,$counter", argument: .location,
            handler: { try $0.adapter.handleDprintf($1, in: $0) }),
        CommandSpec(
            name: "watch", category: .breakpoints,
            usage: "watch EXPR [if COND]", summary: "Stop when a memory range or global changes",
            details: """
                EXPR is mem.i32[0x64], mem[0x64..0x68] or a global ($counter); memN.i32[A], \
                memN[A..B] or $name.i32[A] watch memory N or the memory named $name \
                (multi-memory). On a hit the old and new values and the instruction that wrote \
                are shown.
                """,
            example: "watch mem.i32[0x64]", argument: .expression,
            handler: { try $0.adapter.handleWatch($1, in: $0) }),
        CommandSpec(
            name: "rwatch", category: .breakpoints,
            usage: "rwatch EXPR", summary: "Stop when a memory range is read",
            example: "rwatch mem.i32[0x64]", argument: .expression,
            handler: { try $0.adapter.handleWatch($1, in: $0) }),
        CommandSpec(
            name: "awatch", category: .breakpoints,
            usage: "awatch EXPR", summary: "Stop when a memory range is read or written",
            example: "awatch mem[0x64..0x68]", argument: .expression,
            handler: { try $0.adapter.handleWatch($1, in: $0) }),
        CommandSpec(
            name: "catch", category: .breakpoints,
            usage: "catch wasi|trap|call|throw|catch ...", summary: "Stop at WASI calls, traps, host calls or exceptions",
            example: "catch wasi fd_write", subcommands: CommandTable(catchSubcommands),
            handler: { session, _ in session.listSubcommands(of: "catch") }),
    ]

    static let stepping: [CommandSpec] = [
        CommandSpec(
            name: "continue", aliases: ["c", "cont", "fg"], category: .stepping,
            usage: "continue [N]", summary: "Resume the program (passing the breakpoint, watchpoint or catchpoint that stopped it N-1 more times)",
            example: "continue",
            runsGuest: true,
            handler: { try $0.adapter.handleContinue($1, in: $0) }),
        CommandSpec(
            name: "step", aliases: ["s"], category: .stepping,
            usage: "step [N]", summary: "Step by source line (by instruction without a source map), into calls",
            example: "step 3", repeatsOnEnter: true,
            runsGuest: true,
            handler: { try $0.adapter.handleStep($1, in: $0) }),
        CommandSpec(
            name: "next", aliases: ["n"], category: .stepping,
            usage: "next [N]", summary: "Step by source line over calls",
            example: "next", repeatsOnEnter: true,
            runsGuest: true,
            handler: { try $0.adapter.handleNext($1, in: $0) }),
        CommandSpec(
            name: "stepi", aliases: ["si"], category: .stepping,
            usage: "stepi [N]", summary: "Step to the next stop point (instruction), into calls",
            details: "Folded instructions step together; the report shows their offsets.",
            example: "stepi", repeatsOnEnter: true,
            runsGuest: true,
            handler: { try $0.adapter.handleStepi($1, in: $0) }),
        CommandSpec(
            name: "nexti", aliases: ["ni"], category: .stepping,
            usage: "nexti [N]", summary: "Step one instruction over calls",
            example: "nexti", repeatsOnEnter: true,
            runsGuest: true,
            handler: { try $0.adapter.handleNexti($1, in: $0) }),
        CommandSpec(
            name: "finish", aliases: ["fin"], category: .stepping,
            usage: "finish", summary: "Run until the current function returns and print its results",
            example: "finish",
            runsGuest: true,
            handler: { try $0.adapter.handleFinish($1, in: $0) }),
        CommandSpec(
            name: "until", aliases: ["u"], category: .stepping,
            usage: "until [LOC]", summary: "Run until a location, or past the current loop",
            example: "until loop.wat:20", argument: .location,
            runsGuest: true,
            handler: { try $0.adapter.handleUntil($1, in: $0) }),
        CommandSpec(
            name: "advance", category: .stepping,
            usage: "advance LOC", summary: "Run until LOC (or the current function returns)",
            example: "advance $step", argument: .location,
            runsGuest: true,
            handler: { try $0.adapter.handleAdvance($1, in: $0) }),
    ]

    static let stack: [CommandSpec] = [
        CommandSpec(
            name: "backtrace", aliases: ["bt", "where"], category: .stack,
            usage: "backtrace [full] [N|-N]", summary: "Show the call stack, innermost first",
            details: """
                Frames print as #1 $_start+0x8 (func 2, offset 0x86) at loop.wat:14; `full` adds \
                locals. N shows the N innermost frames, -N the N outermost.
                """,
            example: "backtrace full",
            handler: { try $0.adapter.handleBacktrace($1, in: $0) }),
        CommandSpec(
            name: "frame", aliases: ["f"], category: .stack,
            usage: "frame [N]", summary: "Select frame N, or show the selected frame",
            example: "frame 1",
            handler: { try $0.adapter.handleFrame($1, in: $0) }),
        CommandSpec(
            name: "up", category: .stack,
            usage: "up [N]", summary: "Select the frame N levels out (the caller)", example: "up",
            handler: { try $0.adapter.handleUp($1, in: $0) }),
        CommandSpec(
            name: "down", category: .stack,
            usage: "down [N]", summary: "Select the frame N levels in (the callee)", example: "down",
            handler: { try $0.adapter.handleDown($1, in: $0) }),
    ]

    static let data: [CommandSpec] = [
        CommandSpec(
            name: "print", aliases: ["p", "inspect"], category: .data,
            usage: "print[/FMT] EXPR", summary: "Evaluate an expression and print its value",
            details: """
                EXPR uses $local, local[2], $global, global[0], stack[0] (top of the operand \
                stack), mem.u8[A], mem.i32[A], mem.f64[A] (memN.i32[A], $name.i32[A]: memory N, \
                the memory named $name), $pc (the file offset of the frame's \
                instruction), $sp (the __stack_pointer global), arithmetic and comparisons. A \
                bare integer takes the first type that holds it, as a C constant: i32, else i64 \
                (3000000000 is an i64; 0xFFFFFFFF too, the value of C's unsigned int). FMT is one \
                of x d u o t c a f s (c: the low byte as a C char, 300 is 44 ','; a: hex; f and s \
                leave a number as it is). Results are numbered $1, $2, … (the value history): \
                $N is result N, $ the last, $$ the one before, $$N the one N back from the last, \
                $_ the address of the last unit x examined. $ with digits is always the history \
                (reach a Wasm name made of digits as local[N] or global[N]); other $names are \
                locals and globals, and a local or global named $_ wins over x's address.
                """,
            example: "print/x $n + 1", argument: .expression,
            handler: { try $0.adapter.handlePrint($1, in: $0) }),
        CommandSpec(
            name: "output", category: .data,
            usage: "output EXPR", summary: "Print a value without a newline or history number",
            example: "output $n", argument: .expression,
            handler: { try $0.adapter.handlePrint($1, in: $0) }),
        CommandSpec(
            name: "printf", category: .data,
            usage: "printf \"FORMAT\", EXPR...", summary: "Print expressions through a C format",
            details: """
                Conversions %d %i %u %x %X %o %c %f %e %g and %%, with flags, width and \
                precision (%08x, %-6d, %.3f); length modifiers such as l and ll are accepted \
                and ignored, since the value's type decides. Escapes \\n \\t \\" \\\\. \
                No newline is added. %s is not supported (use x/s ADDR).
                """,
            example: "printf \"i=%d at 0x%x\\n\", $i, $i * 4", argument: .expression,
            handler: { try $0.adapter.handlePrintf($1, in: $0) }),
        CommandSpec(
            name: "x", category: .data,
            usage: "x/NFU ADDR", summary: "Examine linear memory",
            details: """
                N units of size U (b h w g) in format F (x d u o t c a f s i) from ADDR, as a hex \
                and ASCII dump of 16 bytes a row; x/Ns shows N NUL-terminated strings, one a \
                line; x/i disassembles at a code offset. memN:ADDR or $name:ADDR examines memory \
                N or the memory named $name (multi-memory); a 64-bit memory's addresses print \
                with 16 digits. Enter continues after the last address shown.
                """,
            example: "x/8xw 0x100", argument: .expression, repeatsOnEnter: true,
            handler: { try $0.adapter.handleX($1, in: $0) }),
        CommandSpec(
            name: "ptype", category: .data,
            usage: "ptype EXPR|TYPE", summary: "Show the type of an expression or a type name, in full (DWARF)",
            details: "As gdb: `type = struct point {\\n    int x;\\n    int y;\\n}`. TYPE: `struct point`, `int *`, a typedef or class name.",
            example: "ptype struct point", argument: .expression,
            handler: { session, invocation in
                guard !invocation.arguments.isEmpty else { throw ReplError("ptype needs an expression or a type: ptype s, ptype struct point") }
                session.console.line(try session.adapter.debugger.ptypeSource(invocation.arguments, inlineDepth: session.adapter.selectedInlineDepth))
            }),
        CommandSpec(
            name: "whatis", category: .data,
            usage: "whatis EXPR|TYPE", summary: "Show the type of an expression or a type name (DWARF)",
            example: "whatis s->corners", argument: .expression,
            handler: { session, invocation in
                guard !invocation.arguments.isEmpty else { throw ReplError("whatis needs an expression or a type: whatis s") }
                session.console.line(try session.adapter.debugger.whatisSource(invocation.arguments, inlineDepth: session.adapter.selectedInlineDepth))
            }),
        CommandSpec(
            name: "display", category: .data,
            usage: "display[/FMT] EXPR", summary: "Print EXPR at every stop",
            details: """
                The expression is checked when it is set (evaluated while the program is stopped, \
                parsed otherwise): one that cannot be evaluated is refused at once.
                """,
            example: "display $i", argument: .expression,
            handler: { try $0.adapter.handleDisplay($1, in: $0) }),
        CommandSpec(
            name: "undisplay", category: .data,
            usage: "undisplay [N...]", summary: "Stop displaying expressions (all without N)",
            example: "undisplay 1",
            handler: { try $0.adapter.handleUndisplay($1, in: $0) }),
    ]

    static let wasi: [CommandSpec] = [
        CommandSpec(
            name: "trace", category: .wasi,
            usage: "trace wasi [on|off] [FILTER] [OPTIONS]", summary: "Trace WASI calls during the session",
            example: "trace wasi fd_write,path_open", subcommands: CommandTable(traceSubcommands),
            handler: { session, _ in session.listSubcommands(of: "trace") }),
        CommandSpec(
            name: "wasi", category: .wasi,
            usage: "wasi inject NAME:ERRNO[:when=N|N+|N..M] | wasi inject clear",
            summary: "Inject WASI errors (fault injection)",
            example: "wasi inject fd_write:EIO:when=3", subcommands: CommandTable(wasiSubcommands),
            handler: { session, _ in session.listSubcommands(of: "wasi") }),
    ]

    static let status: [CommandSpec] = [
        CommandSpec(
            name: "info", aliases: ["i", "inf"], category: .status,
            usage: "info SUBCOMMAND", summary: "Show things about the module and the program",
            details: "Without a subcommand, lists the subcommands.",
            example: "info functions fact", availability: .builtin,
            subcommands: CommandTable(infoSubcommands),
            handler: { session, _ in session.listSubcommands(of: "info") }),
        CommandSpec(
            name: "set", category: .status,
            usage: "set args|env|var ...", summary: "Change a setting or a variable",
            example: "set args -v input.txt", availability: .builtin,
            subcommands: CommandTable(setSubcommands),
            handler: { session, _ in session.listSubcommands(of: "set") }),
        CommandSpec(
            name: "show", category: .status,
            usage: "show args|env|dirs|version", summary: "Show a setting",
            example: "show args", availability: .builtin,
            subcommands: CommandTable(showSubcommands),
            handler: { session, _ in session.listSubcommands(of: "show") }),
        CommandSpec(
            name: "unset", category: .status,
            usage: "unset env NAME", summary: "Remove a setting",
            example: "unset env HOME", availability: .builtin,
            subcommands: CommandTable(unsetSubcommands),
            handler: { session, _ in session.listSubcommands(of: "unset") }),
        CommandSpec(
            name: "dir", category: .status,
            usage: "dir HOST[::GUEST]", summary: "Preopen a host directory for the next run",
            details: """
                Like --dir: HOST is visible to the guest as GUEST (default: the same path). Without \
                an argument, lists them. (gdb's `directory`, the source search path, is spelled out.)
                """,
            example: "dir ./data::/data", argument: .directory, availability: .builtin,
            handler: { try $0.directoryCommand($1) }),
        CommandSpec(
            name: "directory", category: .status,
            usage: "directory [DIR[:DIR...]]", summary: "Add directories to search for source files",
            details: """
                As gdb's: source files DWARF names are looked for at their recorded path, then in \
                each DIR (newest first) by their path's tail and base name. Without an argument, \
                shows the search path.
                """,
            example: "directory src", argument: .directory, availability: .builtin,
            handler: { $0.adapter.directoryCommand($1.arguments, in: $0) }),
    ]

    static let support: [CommandSpec] = [
        CommandSpec(
            name: "help", aliases: ["h"], category: .support,
            usage: "help [COMMAND]", summary: "List commands, or describe one",
            example: "help break", argument: .command, availability: .builtin,
            handler: { try $0.helpCommand($1) }),
        CommandSpec(
            name: "apropos", category: .support,
            usage: "apropos WORD", summary: "Search the help texts for WORD",
            example: "apropos memory", availability: .builtin,
            handler: { try $0.aproposCommand($1) }),
        CommandSpec(
            name: "source", category: .support,
            usage: "source FILE", summary: "Run the commands in FILE",
            details: "Runs each line of FILE as a command; a failed command is reported and the script goes on.",
            example: "source breakpoints.wdb", argument: .file, availability: .builtin,
            handler: { try $0.sourceCommand($1) }),
        CommandSpec(
            name: "history", category: .support,
            usage: "history [N]", summary: "Show the command history (the last N entries)",
            example: "history 10", availability: .builtin,
            handler: { try $0.historyCommand($1) }),
        CommandSpec(
            name: "echo", category: .support,
            usage: "echo TEXT", summary: "Print TEXT (C escapes such as \\n are understood)",
            example: "echo hello\\n", availability: .builtin,
            handler: { $0.echoCommand($1) }),
        CommandSpec(
            name: "quit", aliases: ["q", "exit"], category: .support,
            usage: "quit [CODE]", summary: "Leave wdb",
            details: """
                Ends the session with exit code CODE (default 0 interactively; in batch mode, 1 if \
                a command failed). At a terminal it asks first while a guest is stopped in a call \
                (so does Ctrl-D); batch mode never asks.
                """,
            example: "quit", availability: .builtin,
            handler: { try $0.quitCommand($1) }),
    ]
}
