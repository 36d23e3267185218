import DebugInfo
import Debugger
import FoundationEssentials
import Glibc
import WASI
import WasmCore
import WasmText
import WasmVM
import WastScripts

/// Plugs the Debugger library's `DebugSession` into the REPL: runs the gdb-style commands and
/// prints their results per Docs/commands.md (stop reports, tables, values in the notation of Docs/architecture.md, Notation: values).
///
/// End of a run: `[Inferior 1 exited with code N]` (gdb's wording); a returning `_start` prints
/// `[Inferior 1 exited normally]`, an `invoke` prints `add(i32:2, i32:3) => i32:5`.
final class DebuggerAdapter {
    let debugger = DebugSession()
    /// `display` expressions: number → (format, expression).
    var displays: [(number: Int, format: String?, expression: String)] = []
    var nextDisplayNumber = 1
    /// The calls `invoke` started (nested while stopped), to print `name(args) => results`
    /// when each returns.
    var pendingInvocations: [String] = []
    /// The last line `list` showed (continuing listings).
    var lastListedLine: Int?
    /// The same for DWARF sources: the file and the last line shown; whether `list` ran since
    /// the last stop (then a bare `list` goes on rather than re-centring on the stop).
    var lastListed: (file: String, line: Int)?
    var listedSinceStop = false
    /// The source function and stack depth of the last stop reported (a step within it shows
    /// only the new line).
    var lastStepFunction: (function: String, depth: Int)?
    /// `until LOC` and `advance LOC` stop at a location, not at the end of a step: gdb names
    /// the frame even when it is the same function.
    var nextStopIsALocation = false
    /// Source files already reported missing (told once each).
    var missingSourceNoted: Set<String> = []
    /// The WAT source of the loaded module, when it came from text.
    var source: [Substring] = []

    /// Why the last module could not be prepared for running (an unsatisfiable import).
    var loadError: String?
    /// The guest's stdin when it is not wdb's own (`run < FILE`, or /dev/null in batch mode).
    var openedStdin: Int32?
    /// `trace wasi on` options (nil: off), its `--output` file, `wasi inject` rules, and the
    /// monitor of the current run (for `info wasi-summary`).
    var traceOptions: WASITraceOptions?
    var traceOutput: String?
    var injections: [WASIInjection] = []
    var monitor: WASIMonitor?
    /// The last stop reported (`continue N` ignores its breakpoint N - 1 more times).
    var lastStop: Stop?
    /// Where Enter after `x` goes on (and in which memory: multi-memory).
    var nextExamineAddress: UInt64?
    var nextExamineMemory: UInt32 = 0

    /// WAST at the prompt: the runner whose checks it uses, modules registered by
    /// `(register …)`, modules typed as `(module $name …)`, and the name of the current one.
    var promptRunner: WastRunner?
    var registeredModules: [String: Instance] = [:]
    var namedModules: [String: Instance] = [:]
    var promptModuleName: String?
    /// `commands` lists by breakpoint number, the `printf` arguments of dprintf breakpoints,
    /// and the list the last stop queued.
    var breakpointCommands: [Int: [String]] = [:]
    var dprintfFormats: [Int: String] = [:]
    var pendingStopCommands: [String]?
    /// The values `print` showed ($1, $2, …), and the address of the last unit `x` showed ($_).
    var valueHistory: [Value] = []
    /// History numbers of source aggregates (a struct printed as `$3`): numbered, not usable.
    var aggregateHistory: Set<Int> = []
    /// The source function `finish` is running out of (its return value prints in C).
    var finishing: FunctionInfo?
    /// Where that function returns its struct when it returns one through memory.
    var finishingReturnAddress: UInt64?
    /// Watchpoints set on source lvalues: the expression and the C type their bytes print in.
    var sourceWatches: [Int: (expression: String, type: DebugType)] = [:]
    /// Watches on a frame's locals: the frame's function and depth from the outermost frame.
    var scopedWatches: [Int: (function: String, depthFromOutermost: Int)] = [:]
    var lastExaminedAddress: UInt64?

    init() {
        // Registered modules and `spectest` link by bridging; other function imports (not
        // WASI) get a stub that traps when called, so a module importing e.g. env.print can
        // still be inspected and its other functions invoked.
        debugger.importProvider = { [weak self] _, runtime, module in
            self?.importsForDebugger(module, runtime: runtime) ?? Imports()
        }
    }

    // MARK: the module

    func moduleDidLoad(_ module: LoadedModule, in session: ReplSession) {
        // The instance the load makes is the one `run` starts with while nothing has changed
        // (DebugSession.pristine), so it gets the run's settings now.
        applyGuestSettings(session)
        do {
            // The loader decoded (or assembled) and validated it once; the debugger takes it as is.
            // A start function runs now: under Ctrl-C's watch, as it may never end.
            if module.module.start != nil {
                try DebuggerInterruptWatcher.run(debugger) { try debugger.load(module) }
            } else {
                try debugger.load(module)
            }
            source = module.source.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
            loadError = nil
            reportDroppedBreakpoints(in: session)
        } catch is GuestCallInterrupted {
            loadError = "cannot run \(module.path): its start function was interrupted (Ctrl-C); load it again to retry"
            session.console.line("Interrupted: the start function was abandoned; \(module.path) is loaded but has no instance.")
        } catch {
            // Reported when a command needs the engine; inspecting the module still works.
            loadError = "cannot run \(module.path): \(error)"
        }
        loadedBytes = module.bytes
        // `(module $name …)` typed at the prompt: WAST actions may name it later.
        promptModuleName = nil
        if module.path == "<input>", let text = module.source {
            let words = text.dropFirst("(module".count).split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" })
            if let first = words.first, first.hasPrefix("$"), let instance = debugger.instance {
                // Kept without the `$`, as the WAST parser gives names.
                promptModuleName = String(first.dropFirst())
                namedModules[String(first.dropFirst())] = instance
                debugger.instanceChanged()
            }
        }
        lastListedLine = nil
        pendingInvocations.removeAll()
    }

    /// gdb keeps breakpoints when the program is read again; those the new module has no place
    /// for are deleted, each with one line saying why.
    func reportDroppedBreakpoints(in session: ReplSession) {
        for dropped in debugger.droppedBreakpoints {
            breakpointCommands[dropped.number] = nil
            dprintfFormats[dropped.number] = nil
            let reason = dropped.reason.hasSuffix(".") ? String(dropped.reason.dropLast()) : dropped.reason
            session.console.line("Breakpoint \(dropped.number) (\(dropped.location)) deleted: \(reason).")
        }
    }

    func evaluate(text: String, in session: ReplSession) throws -> Bool {
        // `(invoke $module "name" …)` names an earlier module: the WAST path below.
        if text.hasPrefix("(invoke"), !text.dropFirst("(invoke".count).drop(while: \.isWhitespace).hasPrefix("$") {
            let call = try Self.parseWastInvoke(text)
            try DebuggerInterruptWatcher.run(debugger) { try invoke([call.name] + call.arguments, in: session) }
            return true
        }
        if let keyword = WatModuleText.keyword(of: text), Self.wastKeywords.contains(keyword) || keyword == "invoke" {
            // Under Ctrl-C's watch: an action on the current module runs in the debugger.
            try DebuggerInterruptWatcher.run(debugger) { try evaluateWast(text, in: session) }
            return true
        }
        guard !text.hasPrefix("("), !text.hasPrefix(")") else { return false }
        try evaluateInstructions(text, in: session)
        return true
    }

    var hasLiveGuest: Bool { debugger.isRunning }

    /// `print` and everything that takes an expression.
    func evaluateExpression(_ text: String) throws -> Value {
        try debugger.evaluate(try substituteHistory(text))
    }

    func completions(for source: CompletionSource) -> [String] {
        guard let module = debugger.module else { return [] }
        switch source {
        case .functions:
            // `break fib` works as well as `break $fib`, so both spellings complete.
            let names = module.names.functionNames.values
            // With DWARF, the source names too (`break Rect::area`), and file names for FILE:LINE.
            let source = debugger.debugInfo.map { info in
                info.allFunctionNames + Set(info.sourceFiles.map { DebugSession.baseName($0) + ":" }).sorted()
            } ?? []
            return (names.map { "$" + $0 } + names + source).sorted()
        case .exports:
            return module.exports.map(\.name)
        case .breakpoints:
            return debugger.breakpoints.map { String($0.number) }
        case .wasiCalls:
            return WASIFunction.allCases.map { "\($0)" }
        case .variables:
            let locals = (try? debugger.frame())?.locals.map(\.name) ?? []
            return (locals + debugger.globals().map(\.name)).filter { $0.hasPrefix("$") }
        }
    }

    /// Runs a resolved command's handler: refused while the module could not be prepared
    /// (for commands that need it), under Ctrl-C's watch when it lets the guest run, with the
    /// debugger's errors turned into the REPL's.
    func perform(_ invocation: CommandInvocation, in session: ReplSession) throws {
        do {
            if let loadError, invocation.spec.availability == .engine {
                throw ReplError(loadError)
            }
            if invocation.spec.runsGuest {
                try DebuggerInterruptWatcher.run(debugger) { try invocation.spec.handler(session, invocation) }
            } else {
                try invocation.spec.handler(session, invocation)
            }
        } catch let error as DebuggerError {
            throw ReplError(error.message)
        } catch let error as ReplError {
            throw error
        } catch {
            throw ReplError("\(error)")
        }
    }

    // MARK: command handlers (the catalog names them)

    /// `run`, `start`, `starti`.
    func handleRun(_ invocation: CommandInvocation, in session: ReplSession) throws {
        guard session.confirmRestart() else { throw ReplError("Program not restarted.") }
        // `start` with DWARF is gdb's: a temporary breakpoint on main, then run (C's main is
        // `__original_main` in the Wasm view; `_start` is libc's).
        if invocation.path == ["start"], !debugger.resolveSourceFunction("main").isEmpty {
            try prepareWorld(invocation, in: session)
            try breakCommand("main", temporary: true, in: session)
            report(try startProgram(runFreely: true), in: session)
            return
        }
        try prepareWorld(invocation, in: session)
        report(try startProgram(runFreely: invocation.path[0] == "run"), in: session)
    }

    /// `restart`.
    func handleRestart(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try prepareWorld(invocation, in: session)
        debugger.kill()
        report(try startProgram(runFreely: true), in: session)
    }

    /// `trace wasi`.
    func handleTraceWasi(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try traceCommand(invocation.words, in: session)
    }

    /// `wasi inject`.
    func handleWasiInject(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try injectCommand(args, in: session)
    }

    /// `info wasi-summary`.
    func handleInfoWasiSummary(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try summaryCommand(in: session)
    }

    /// `kill`.
    func handleKill(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try requireRunning()
        debugger.kill()
        pendingInvocations.removeAll()
        session.console.line("[Inferior 1 killed]")
    }

    /// `invoke`.
    func handleInvoke(_ invocation: CommandInvocation, in session: ReplSession) throws {
        // `call add(1, 2)` in a source frame is gdb's `call`: a C expression whose function
        // calls run in the guest (a void result prints nothing).
        let text = invocation.arguments
        if text.contains("("), debugger.isRunning, usesSourceView(text) {
            try printSourceExpression(try substituteHistory(text, forSource: true), format: invocation.format,
                                      record: true, omitVoid: true, in: session)
            return
        }
        try invoke(invocation.words, in: session)
    }

    /// `continue`.
    func handleContinue(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        let n = try count(args)
        // gdb's words before the guest runs again.
        if n > 1, let number = lastStop?.reason.breakpointNumber {
            session.console.line("Will ignore next \(n - 1) crossings of breakpoint \(number).  Continuing.")
        } else {
            session.console.line("Continuing.")
        }
        report(try debugger.continueExecution(n, from: lastStop), in: session)
    }

    /// `step`.
    func handleStep(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        report(try debugger.step(try count(args)), in: session)
    }

    /// `next`.
    func handleNext(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        report(try debugger.next(try count(args)), in: session)
    }

    /// `stepi`.
    func handleStepi(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        report(try debugger.stepInstruction(try count(args)), in: session)
    }

    /// `nexti`.
    func handleNexti(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        report(try debugger.nextInstruction(try count(args)), in: session)
    }

    /// `finish`.
    func handleFinish(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try requireRunning()
        if let frame = try? debugger.frame() {
            session.console.line("Run till exit from \(frameLine(frame))")
            // With DWARF the returned value prints in the function's C type.
            // An inlined frame has no value to show (gdb neither).
            finishing = frame.source?.isInlined == true ? nil
                : frame.source.flatMap { _ in frame.position.flatMap { debugger.debugInfo?.function(containing: $0.position.fileOffset) } }
            finishingReturnAddress = finishing.flatMap { debugger.sourceReturnAddress(of: $0) }
        }
        defer { finishing = nil; finishingReturnAddress = nil }
        report(try debugger.finish(), in: session)
    }

    /// `until`.
    func handleUntil(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        let stop = try debugger.until(args.isEmpty ? nil : args)
        nextStopIsALocation = !args.isEmpty
        defer { nextStopIsALocation = false }
        report(stop, in: session)
    }

    /// `advance`.
    func handleAdvance(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try requireRunning()
        guard !args.isEmpty else { throw ReplError("advance needs a location: advance LOC") }
        let stop = try debugger.advance(args)
        nextStopIsALocation = true
        defer { nextStopIsALocation = false }
        report(stop, in: session)
    }

    /// `break`, `tbreak`.
    func handleBreak(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try breakCommand(args, temporary: invocation.path == ["tbreak"], in: session)
    }

    /// `condition`.
    func handleCondition(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        let words = invocation.words
        guard let first = words.first, let n = Int(first) else { throw ReplError("usage: condition N [EXPR]") }
        let rest = String(args.dropFirst(first.count)).trimmed
        try debugger.setCondition(n, rest.isEmpty ? nil : rest)
        session.console.line(rest.isEmpty ? "Breakpoint \(n) now unconditional." : "Breakpoint \(n) stops only if \(rest).")
    }

    /// `ignore`.
    func handleIgnore(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let words = invocation.words
        guard words.count == 2, let n = Int(words[0]), let c = Int(words[1]), c >= 0 else {
            throw ReplError("usage: ignore N COUNT (COUNT a number >= 0)")
        }
        try debugger.ignore(n, count: c)
        session.console.line("Will ignore next \(c) crossings of breakpoint \(n).")
    }

    /// `delete`.
    func handleDelete(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let targets = try numbers(invocation.words)
        try debugger.delete(targets)
        for n in targets.isEmpty ? Array(breakpointCommands.keys) : targets {
            breakpointCommands[n] = nil
            dprintfFormats[n] = nil
        }
    }

    /// `commands`.
    func handleCommands(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try commandsCommand(args, in: session)
    }

    /// `dprintf`.
    func handleDprintf(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try dprintfCommand(args, in: session)
    }

    /// `printf`.
    func handlePrintf(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try printfCommand(args, in: session)
    }

    /// `disable`.
    func handleDisable(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try debugger.disable(try numbers(invocation.words))
    }

    /// `enable`.
    func handleEnable(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try debugger.enable(try numbers(invocation.words))
    }

    /// `watch`, `rwatch`, `awatch`.
    func handleWatch(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        try watchCommand(args, kind: invocation.path[0], in: session)
    }

    /// `catch *`.
    func handleCatch(_ invocation: CommandInvocation, in session: ReplSession) throws {
        try catchCommand(invocation, in: session)
    }

    /// `info breakpoints`.
    func handleInfoBreakpoints(_ invocation: CommandInvocation, in session: ReplSession) throws {
        printBreakpoints(debugger.breakpoints, in: session)
    }

    /// `info watchpoints`.
    func handleInfoWatchpoints(_ invocation: CommandInvocation, in session: ReplSession) throws {
        printBreakpoints(debugger.breakpoints.filter { if case .watch = $0.kind { true } else { false } }, in: session)
    }

    /// `info lastwrite`.
    func handleInfoLastwrite(_ invocation: CommandInvocation, in session: ReplSession) throws {
        let args = invocation.arguments
        guard let address = parseNumber(args) else { throw ReplError("usage: info lastwrite ADDR (a number such as 0x64)") }
        if let who = debugger.lastWrite(address) {
            session.console.line("Last write to 0x\(String(address, radix: 16)): \(who)")
        } else {
            session.console.line("No watched write to 0x\(String(address, radix: 16)) recorded.")
        }
    }


    // MARK: running

    /// `run ARGS`, `set args`, `set env`, `dir`: the WASI world of the next instance.
    private func prepareWorld(_ invocation: CommandInvocation, in session: ReplSession) throws {
        guard debugger.module != nil else { throw ReplError("No module loaded. Use \"file FILE\" first.") }
        var words = try ReplSession.splitArguments(invocation.arguments)
        // `run ARGS < FILE`: FILE becomes the guest's stdin for this run.
        var input: String?
        if let redirect = words.firstIndex(of: "<") {
            guard redirect + 1 < words.count else { throw ReplError("\"<\" needs a file: run ARGS < FILE") }
            input = words[redirect + 1]
            words.removeSubrange(redirect...(redirect + 1))
        }
        if !words.isEmpty || input == nil && !invocation.arguments.isEmpty {
            session.guestArguments = words
        }
        applyGuestSettings(session)
        if let input {
            let fd = open(input, O_RDONLY)
            guard fd >= 0 else { throw ReplError("cannot open \(input) as the program's input: \(String(cString: strerror(errno)))") }
            replaceGuestStdin(fd)
        } else if session.commandsComeFromStdin {
            // The commands come from stdin, so the guest reads /dev/null.
            let fd = open("/dev/null", O_RDONLY)
            if fd >= 0 { replaceGuestStdin(fd) }
        }
        pendingInvocations.removeAll()
    }

    /// `run`/`start`: a fresh instance; with tracing or injections its WASI monitor is
    /// installed before `_start` runs (then `run` starts from a stop at `_start`, so a
    /// breakpoint on `_start`'s very first instruction is passed).
    private func startProgram(runFreely: Bool) throws -> Stop {
        monitor = nil
        guard needsMonitor else { return runFreely ? try debugger.run() : try debugger.start() }
        let first = try debugger.start()
        try installMonitor()
        return runFreely ? try debugger.continueExecution() : first
    }

    /// `set args`, `set env` and `dir` as the next instance will see them.
    private func applyGuestSettings(_ session: ReplSession) {
        debugger.arguments = session.guestArguments
        debugger.environment = session.environment.map { "\($0.name)=\($0.value)" }
        debugger.directories = session.directories
    }

    /// A descriptor this adapter opened for the guest's stdin (closed when replaced).
    private func replaceGuestStdin(_ fd: Int32) {
        if let previous = openedStdin { close(previous) }
        openedStdin = fd
        debugger.stdinFD = fd
    }

    private func requireRunning() throws {
        guard debugger.isRunning else { throw ReplError("The program is not being run.") }
    }

    private func count(_ text: String) throws -> Int {
        if text.isEmpty { return 1 }
        guard let n = Int(text), n > 0 else { throw ReplError("expected a positive count, not \"\(text)\"") }
        return n
    }

    private func numbers(_ words: [String]) throws -> [Int] {
        try words.map {
            guard let n = Int($0) else { throw ReplError("\"\($0)\" is not a breakpoint number") }
            return n
        }
    }

    private func invoke(_ words: [String], in session: ReplSession) throws {
        guard let name = words.first else { throw ReplError("usage: invoke FN ARGS... (e.g. invoke add i32:2 i32:3)") }
        guard debugger.module != nil else { throw ReplError("No module loaded. Use \"file FILE\" first.") }
        let values = try debugger.parseArguments(Array(words.dropFirst()), for: name)
        pendingInvocations.append("\(name)(\(values.map(\.description).joined(separator: ", ")))")
        let stop: Stop
        do {
            if debugger.instance != nil && debugger.wasiHost?.observer == nil { try installMonitor() }
            stop = try debugger.invoke(name, values)
        } catch {
            pendingInvocations.removeLast()
            throw error
        }
        report(stop, in: session)
    }

    /// Prints a stop: the reason line, the position and its instruction, then the displays.
    func report(_ stop: Stop, in session: ReplSession) {
        lastStop = stop
        reportEndedWatchScopes(in: session)
        if queueStopCommands(for: stop) { return }  // `silent`
        let console = session.console
        let position = stop.position
        switch stop.reason {
        case .breakpoint(let n):
            // A temporary breakpoint is deleted by its hit.
            let temporary = debugger.breakpoint(n)?.temporary ?? true
            console.line("\(temporary ? "Temporary breakpoint" : "Breakpoint") \(n), \(stopLocationText(position))")
        case .watchpoint(let n, let old, let new, let accessor):
            // The watched local's frame returned and its bytes were reused: the watch ends
            // here instead of reporting another function's write.
            if scopedWatches[n] != nil, endWatchesOutOfScope(in: session) {
                if let position { console.line(stopLocationText(position)) }
                printSourceOrInstruction(position, in: session)
                return
            }
            let kind = debugger.breakpoint(n).map { bp -> String in
                if case .watch(_, let k, let e) = bp.kind {
                    let shown = sourceWatches[n]?.expression ?? e
                    return (k == .write ? "Hardware watchpoint" : k == .read ? "Hardware read watchpoint" : "Hardware access (read/write) watchpoint") + " \(n): \(shown)"
                }
                return "Watchpoint \(n)"
            } ?? "Watchpoint \(n)"
            console.line(kind)
            console.line("")
            // An access that left the value as it was (a read under `awatch`) shows one value, as gdb.
            let newText = watchValueText(new, watchpoint: n)
            let oldText = old.map { watchValueText($0, watchpoint: n) }.flatMap { $0 == newText ? nil : $0 }
            if let oldText { console.line("Old value = \(oldText)") }
            console.line((oldText == nil ? "Value = " : "New value = ") + newText)
            console.line("Accessed by \(accessor)")
        case .catchpoint(let n, let call, let arguments, let results, let decoded):
            let args = arguments.map(\.description).joined(separator: ", ")
            if let decoded {
                // A WASI call, decoded as the trace prints it.
                console.line("Catchpoint \(n) (\(results == nil ? "call to" : "returned from") \(decoded))")
            } else if let results {
                console.line("Catchpoint \(n) (returned from \(call)(\(args)) => \(results.map(\.description).joined(separator: ", ")))")
            } else {
                console.line("Catchpoint \(n) (call to \(call)(\(args)))")
            }
        case .trapCaught(let n, let trap):
            console.line("Catchpoint \(n) (trap: \(trap.message))")
        case .watchScopeEnded:
            if let position { console.line(stopLocationText(position)) }
        case .exception(let n, let caught, let exception):
            console.line("Catchpoint \(n) (exception \(caught ? "caught" : "thrown"), \(exceptionText(exception)))")
        case .stepDone, .interrupted:
            if case .interrupted = stop.reason { console.line("Program received SIGINT, interrupted.") }
            // A source step within the same function shows only the new line, as gdb.
            if let position, !(stop.reason == .stepDone && !nextStopIsALocation && stepStayedInFunction(position)) {
                console.line(stopLocationText(position))
            }
        case .finished(let values):
            if let position { console.line(stopLocationText(position)) }
            printSourceOrInstruction(position, in: session)
            if let function = finishing,
               let value = debugger.sourceReturnValue(of: function, results: values, returnAddress: finishingReturnAddress) {
                console.line("Value returned is $\(recordSourceInHistory(value)) = \(debugger.formatSourceValue(value))")
            } else if !values.isEmpty {
                // Into the value history, as gdb does: `Value returned is $1 = i32:1`.
                console.line("Value returned is " + values.map { "$\(recordInHistory($0)) = \($0)" }.joined(separator: ", "))
            }
            showDisplays(in: session)
            return
        case .trapped(let trap):
            session.fail("error: trap: \(trap.message)" + (position.map { " at \($0.description)" } ?? ""))
            pendingInvocations.removeAll()
            return
        case .exited(let code):
            _ = endWatchesOutOfScope(in: session)
            console.line(code == 0 ? "[Inferior 1 exited normally]" : "[Inferior 1 exited with code \(code)]")
            session.exitCode = code
            session.guestExited = true
            pendingInvocations.removeAll()
            return
        case .returned(let values):
            if let call = pendingInvocations.popLast() {
                let results = values.isEmpty ? "[]" : values.map(\.description).joined(separator: ", ")
                console.line("\(call) => \(results)")
            } else {
                console.line("[Inferior 1 exited normally]")
            }
            return
        }
        printSourceOrInstruction(position, in: session)
        showDisplays(in: session)
    }

    /// The WAT source line when it is known, else the instruction, gdb-style.
    func printSourceOrInstruction(_ position: ResolvedPosition?, in session: ReplSession) {
        guard let position else { return }
        listedSinceStop = false
        if position.source != nil, printSourceLine(position, in: session) { return }
        if let line = position.line, line >= 1, line <= source.count {
            session.console.line("\(line)\t\(String(source[line - 1]).trimmed)")
            lastListedLine = line
        } else if let text = instructionText(at: position) {
            session.console.line("=> 0x\(String(position.position.fileOffset, radix: 16)): \(text)")
        }
    }

    func instructionText(at position: ResolvedPosition) -> String? {
        guard let module = debugger.module, let bytes = loadedBytes else { return nil }
        let lines = Objdump.disassemble(function: position.position.functionIndex, module: module, bytes: bytes,
                                        names: ObjdumpNames(module))
        return lines.first { $0.offset == position.position.fileOffset }?.text
    }

    /// The module's binary as the REPL loaded it (for disassembly offsets).
    var loadedBytes: [UInt8]?

    // MARK: breakpoints

    private func breakCommand(_ args: String, temporary: Bool, in session: ReplSession) throws {
        var location = args
        var condition: String?
        if let range = args.firstRange(of: " if ") {
            location = String(args[..<range.lowerBound]).trimmed
            condition = String(args[range.upperBound...]).trimmed
        }
        if location.isEmpty {
            guard let here = debugger.currentPosition else { throw ReplError("break needs a location: break LOC [if EXPR] (e.g. break $main)") }
            location = "*0x" + String(here.position.fileOffset, radix: 16)
        }
        let bp = try debugger.setBreakpoint(location, condition: condition, temporary: temporary)
        session.console.line(breakpointSetMessage(bp))
    }

    /// `Breakpoint 1 at $f+0x3 (func 1, offset 0x40) at f.wat:7`; with DWARF as gdb words it,
    /// `Breakpoint 1 at is_prime+0xd0 (func 2, offset 0x18a): file primes.c, line 14.`, and
    /// `(N locations)` when the location is in several places.
    func breakpointSetMessage(_ bp: Breakpoint) -> String {
        let title = bp.temporary ? "Temporary breakpoint" : "Breakpoint"
        let places = bp.codeLocations
        guard let first = places.first else { return "\(title) \(bp.number)" }
        guard let source = first.source else {
            return "\(title) \(bp.number) at \(first.description)" + (places.count > 1 ? " (\(places.count) locations)" : "")
        }
        let wasm = first.description.components(separatedBy: " at ").first ?? first.description
        if places.count > 1 { return "\(title) \(bp.number) at \(wasm): \(source.fileAndLine). (\(places.count) locations)" }
        return "\(title) \(bp.number) at \(wasm): file \(DebugSession.baseName(source.file)), line \(source.line)."
    }

    private func watchCommand(_ args: String, kind word: String, in session: ReplSession) throws {
        guard !args.isEmpty else { throw ReplError("\(word) needs an expression: \(word) mem.i32[0x64] | \(word) $counter") }
        var expression = args
        var condition: String?
        if let range = args.firstRange(of: " if ") {
            expression = String(args[..<range.lowerBound]).trimmed
            condition = String(args[range.upperBound...]).trimmed
        }
        let kind: WatchKind = word == "rwatch" ? .read : word == "awatch" ? .access : .write
        let bp = usesSourceView(expression)
            ? try watchSource(expression, kind: kind, condition: condition, in: session)
            : try debugger.watch(expression, kind: kind, condition: condition)
        let title = kind == .write ? "Hardware watchpoint" : kind == .read ? "Hardware read watchpoint" : "Hardware access (read/write) watchpoint"
        session.console.line("\(title) \(bp.number): \(expression)")
    }

    private func catchCommand(_ invocation: CommandInvocation, in session: ReplSession) throws {
        switch invocation.path[1] {
        case "trap":
            let bp = debugger.catchTraps()
            session.console.line("Catchpoint \(bp.number) (trap)")
        case "throw", "catch":
            try catchExceptionCommand(invocation, in: session)
        default:
            var text = invocation.arguments
            var condition: String?
            if let range = (text.hasPrefix("if ") ? text.firstRange(of: "if ") : nil) ?? text.firstRange(of: " if ") {
                condition = String(text[range.upperBound...]).trimmed
                text = String(text[..<range.lowerBound])
            }
            var names = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
            // `catch wasi fd_write after`: stop once the call returned, with its result.
            let after = names.last == "after"
            if after { names.removeLast() }
            if invocation.path[1] == "call" && names.isEmpty {
                throw ReplError("catch call needs an import name: catch call fd_write")
            }
            if invocation.path[1] == "wasi" && !names.isEmpty {
                // The names and groups `trace wasi` accepts; an unknown one is a typo.
                do { _ = try WASICallFilter(parsing: names.joined(separator: ",")) } catch { throw ReplError("\(error)") }
            }
            let bp = try debugger.catchHostCalls(names, after: after, condition: condition)
            let what = names.isEmpty ? "any host call" : names.joined(separator: ", ")
            session.console.line("Catchpoint \(bp.number) (\(invocation.path[1]) \(what)\(after ? ", after the call" : ""))")
        }
    }

    private func printBreakpoints(_ list: [Breakpoint], in session: ReplSession) {
        let console = session.console
        guard !list.isEmpty else {
            console.line("No breakpoints, watchpoints or catchpoints.")
            return
        }
        console.line("Num     Type            Disp Enb What")
        for bp in list {
            let type: String
            let what: String
            switch bp.kind {
            case .code(let p):
                type = "breakpoint"
                what = p.description
            case .watch(_, let kind, let expression):
                type = kind == .write ? "hw watchpoint" : kind == .read ? "read watchpoint" : "acc watchpoint"
                what = sourceWatches[bp.number]?.expression ?? expression
            case .catchpoint(.trap):
                type = "catchpoint"
                what = "trap"
            case .catchpoint(.exception(let tags, let atCatch)):
                type = "catchpoint"
                what = (atCatch ? "exception caught" : "exception thrown")
                    + (tags.isEmpty ? "" : " " + tags.sorted().map { "$" + $0 }.joined(separator: ", "))
            case .catchpoint(.hostCall(let names, let groups, let after)):
                type = "catchpoint"
                let all = (names.sorted() + groups.sorted())
                what = (all.isEmpty ? "host call (any)" : "host call " + all.joined(separator: ", "))
                    + (after ? " (after)" : "")
            }
            let columns = [pad(String(bp.number), 8), pad(dprintfFormats[bp.number] == nil ? type : "dprintf", 16),
                           pad(bp.temporary ? "del" : "keep", 5),
                           pad(bp.enabled ? "y" : "n", 4), what]
            console.line(columns.joined())
            if let condition = bp.condition { console.line("\tstop only if \(condition)") }
            if bp.hitCount > 0 {
                console.line("\tbreakpoint already hit \(bp.hitCount) time\(bp.hitCount == 1 ? "" : "s")")
            }
            if bp.ignoreCount > 0 { console.line("\tWill ignore next \(bp.ignoreCount) crossings of breakpoint.") }
            for line in commandLines(of: bp.number) { console.line(line) }
        }
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    func parseNumber(_ text: String) -> UInt64? {
        let t = text.trimmed
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
        return UInt64(t)
    }
}
