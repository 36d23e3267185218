import Foundation
import LineEditor
import Testing
@testable import DebuggerCommands

/// The command table's lookup (gdb's names, aliases, unique prefixes), help for every command,
/// and the session's dispatch, without a terminal or a process.
@Suite struct REPLCommandTableTests {
    let table = CommandCatalog.table

    func resolved(_ line: String) -> String? {
        if case .success(let invocation) = table.resolve(line) { return invocation.name }
        return nil
    }

    func failure(_ line: String) -> String? {
        if case .failure(let error) = table.resolve(line) { return error.message }
        return nil
    }

    @Test(arguments: [
        ("b main", "break"), ("br main", "break"), ("c", "continue"), ("s", "step"), ("n", "next"),
        ("si", "stepi"), ("ni", "nexti"), ("bt", "backtrace"), ("where", "backtrace"), ("p 1", "print"),
        ("l", "list"), ("q", "quit"), ("load x.wasm", "file"), ("disas", "disassemble"), ("r", "run"),
        ("d 1", "delete"), ("f 1", "frame"), ("fin", "finish"), ("u", "until"), ("call f", "invoke"),
        ("i b", "info breakpoints"), ("info break", "info breakpoints"), ("i f", "info frame"),
        ("h", "help"), ("dir .", "dir"), ("directory src", "directory"), ("set var $x = 1", "set var"), ("show environment", "show env"),
    ])
    func aliasesResolve(_ line: String, _ command: String) {
        #expect(resolved(line) == command)
    }

    @Test(arguments: [
        ("back", "backtrace"), ("disp", "display"), ("fil", "file"), ("hist", "history"), ("apr", "apropos"),
        ("info fun", "info functions"), ("info mod", "info module"), ("i ex", "info exports"),
        ("wat", "watch"), ("tb", "tbreak"), ("cond 1", "condition"), ("sh args", "show args"),
    ])
    func uniquePrefixesResolve(_ line: String, _ command: String) {
        #expect(resolved(line) == command)
    }

    @Test func ambiguousPrefixesListTheCandidates() {
        #expect(failure("st") == "Ambiguous command \"st\": start, starti, step, stepi.")
        #expect(failure("di") == "Ambiguous command \"di\": dir, directory, disable, disassemble, display.")
        #expect(failure("info w") == "Ambiguous info command \"w\": wasi-summary, watchpoints.")
    }

    @Test func unknownCommandsSayWhatToTry() {
        #expect(failure("fo") == "Undefined command: \"fo\". Try \"help\".")
        #expect(failure("info foo") == "Undefined info command: \"foo\". Try \"help info\".")
        #expect(failure("set nothing") == "Undefined set command: \"nothing\". Try \"help set\".")
    }

    @Test func formatsAndArgumentsAreSplitOff() throws {
        guard case .success(let x) = table.resolve("x/8xw  0x100 ") else { Issue.record("x"); return }
        #expect(x.name == "x" && x.format == "8xw" && x.arguments == "0x100")
        guard case .success(let p) = table.resolve("p/x $a + 1") else { Issue.record("p"); return }
        #expect(p.name == "print" && p.format == "x" && p.arguments == "$a + 1")
        guard case .success(let info) = table.resolve("  info   functions  ^f.*  ") else { Issue.record("info"); return }
        #expect(info.path == ["info", "functions"] && info.arguments == "^f.*")
        #expect(info.words == ["^f.*"])
    }

    /// Every command and subcommand: a usage line starting with its name, a summary, an example
    /// that resolves back to the same command, and no name or alias used twice in one table.
    @Test func everyCommandHasHelpAndAWorkingExample() {
        func check(_ table: CommandTable, path: [String]) {
            let names = table.commands.flatMap(\.allNames)
            #expect(Set(names).count == names.count, "duplicate name in \(path)")
            for spec in table.commands {
                let full = (path + [spec.name]).joined(separator: " ")
                #expect(spec.usage.hasPrefix(full), "usage of \(full)")
                #expect(!spec.summary.isEmpty, "summary of \(full)")
                // A command with subcommands shows one of them in its example.
                let target = resolved(spec.example) ?? ""
                #expect(target == full || (spec.subcommands != nil && target.hasPrefix(full + " ")),
                        "example of \(full): \(spec.example)")
                if let subcommands = spec.subcommands { check(subcommands, path: path + [spec.name]) }
            }
        }
        check(table, path: [])
    }

    @Test func helpPrintsForEveryCommand() {
        let session = ReplSession(console: .capturing())
        var count = 0
        func visit(_ table: CommandTable, path: [String]) {
            for spec in table.commands {
                let name = (path + [spec.name]).joined(separator: " ")
                let before = session.console.captured ?? ""
                #expect(session.execute("help " + name), "help \(name)")
                let text = String((session.console.captured ?? "").dropFirst(before.count))
                #expect(text.hasPrefix("Usage: \(spec.usage)\n"), "help \(name)")
                #expect(text.contains("Example: \(spec.example)\n"), "help \(name)")
                count += 1
                if let subcommands = spec.subcommands { visit(subcommands, path: path + [spec.name]) }
            }
        }
        visit(table, path: [])
        #expect(count > 60)
        #expect(session.failureCount == 0)
    }
}

@Suite struct REPLSessionTests {
    func session(interactive: Bool = false) -> ReplSession {
        let session = ReplSession(console: .capturing())
        session.isInteractive = interactive
        return session
    }

    @Test func unknownCommandsFailWithGdbsMessage() {
        let s = session()
        #expect(!s.execute("fo"))
        #expect(s.console.captured == "Undefined command: \"fo\". Try \"help\".\n")
        #expect(s.failureCount == 1)
    }

    @Test func commandsThatNeedAProgramSaySo() {
        let s = session()
        #expect(!s.execute("bt"))
        #expect(s.console.captured == "No stack: the program is not being run.\n")
    }

    @Test func enterRepeatsOnlySteppingAndExamining() {
        let s = session(interactive: true)
        s.execute("stepi")
        s.execute("")
        s.execute("   ")
        #expect(s.failureCount == 3)  // stepi three times, each "not being run"
        s.execute("show dirs")
        s.execute("")
        #expect(s.failureCount == 3)
        #expect(s.console.captured?.hasSuffix("No directories are preopened.\n") == true)
    }

    @Test func emptyLinesDoNotRepeatInBatchMode() {
        let s = session(interactive: false)
        s.execute("next")
        s.execute("")
        #expect(s.failureCount == 1)
    }

    @Test func watAndCommandsReachTheDebugger() {
        let s = session(interactive: true)
        #expect(s.execute("(module (func $main))"))
        #expect(s.execute("b $main"))
        #expect(!s.execute("break"))
        #expect(s.execute("i32.const 2 i32.const 3 i32.add"))
        #expect(s.execute("show args"))
        let output = s.console.captured ?? ""
        #expect(output.contains("Loaded <input> (WAT, 1 function, 0 exports).\nBreakpoint 1 at $main"), "\(output)")
        #expect(output.contains("break needs a location"), "\(output)")
        #expect(output.contains("i32:5"), "\(output)")
    }

    @Test func scriptsJoinWatLinesAndGoOnAfterFailures() {
        let s = session()
        let ok = s.runScript("(module\n  (func $f)\n)\nfo\nbreak $f\n")
        #expect(!ok)
        let output = s.console.captured ?? ""
        #expect(output.contains("Loaded <input>"))
        #expect(output.contains("Undefined command: \"fo\""))
        #expect(output.contains("Breakpoint 1 at $f"), "\(output)")
    }

    @Test func sourceRefusesEndlessNesting() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let script = directory.appendingPathComponent("self.wdb")
        try "source \(script.path)\n".write(to: script, atomically: true, encoding: .utf8)
        let s = session()
        s.execute("source \(script.path)")
        // The innermost `source` fails; the scripts around it finish.
        #expect(s.failureCount == 1)
        #expect(s.console.captured?.contains("nested more than 16 deep") == true)
    }

    @Test func ctrlCStopsARunningScript() {
        let s = session()
        var pending = [false, true]  // Ctrl-C arrives after the first line
        s.takeInterrupt = { pending.isEmpty ? false : pending.removeFirst() }
        #expect(!s.runScript("echo one\\n\necho two\\n\n"))
        #expect(s.console.captured == "one\nInterrupted.\n")
    }

    @Test func endlessScriptsAreRefused() {
        let s = session()
        #expect(!s.execute("source /dev/zero"))
        #expect(s.console.captured == "/dev/zero: error: script larger than 16 MiB\n")
    }

    @Test func argumentsSplitLikeAShell() throws {
        #expect(try ReplSession.splitArguments(#"a "b c" 'd e' f\ g "h\"i""#) == ["a", "b c", "d e", "f g", "h\"i"])
        #expect(try ReplSession.splitArguments("") == [])
        #expect(try ReplSession.splitArguments(#""""#) == [""])
        #expect(throws: ReplError.self) { try ReplSession.splitArguments(#"a "b"#) }
    }

    @Test func badModulesLeaveTheCurrentOneLoaded() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let good = directory.appendingPathComponent("good.wasm")
        try Data(WdbTestSupport.tinyModule).write(to: good)
        let bad = directory.appendingPathComponent("bad.wasm")
        try Data(WdbTestSupport.tinyModule.prefix(12)).write(to: bad)
        let s = session()
        #expect(s.execute("file \(good.path)"))
        #expect(!s.execute("file \(bad.path)"))
        #expect(s.module?.path == good.path)
        #expect(s.console.captured?.contains("\(bad.path): error: ") == true)
    }
}

@Suite struct REPLCompletionTests {
    func candidates(_ text: String, session: ReplSession = ReplSession(console: .capturing())) -> [String] {
        let request = CompletionRequest(textBeforeCursor: text)
        return session.completionCandidates(request).filter { $0.hasPrefix(request.word) }.sorted()
    }

    @Test func completesCommandNames() {
        #expect(candidates("bac") == ["backtrace"])
        #expect(candidates("ste") == ["step", "stepi"])
        #expect(candidates("").contains("info"))
    }

    @Test func completesSubcommands() {
        #expect(candidates("info fu") == ["functions"])
        #expect(candidates("i m") == ["memory", "module"])
        #expect(candidates("show ") == ["args", "dirs", "env", "substitute-path", "version"])
        #expect(candidates("catch w") == ["wasi"])
    }

    @Test func helpCompletesCommandWords() {
        #expect(candidates("help bac") == ["backtrace"])
        #expect(candidates("help info fu") == ["functions"])
        #expect(candidates("help break ") == [])
    }

    @Test func completesNamesTheDebuggerKnows() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute("(module (func $fact) (func $fact_rec) (func $main))"))
        #expect(s.execute("break $fact") && s.execute("break $main"))
        #expect(candidates("break $f", session: s) == ["$fact", "$fact_rec"])
        #expect(candidates("delete ", session: s) == ["1", "2"])
        #expect(candidates("info functions $m", session: s) == ["$main"])
    }

    @Test func completesFunctionNamesOfTheLoadedModule() throws {
        let s = ReplSession(console: .capturing())
        let names = REPLTestSupport.wasmFixtures.appendingPathComponent("names.wasm")
        #expect(s.execute("file \(names.path)"))
        #expect(candidates("break $", session: s) == ["$main", "$print", "$sum"])
        #expect(candidates("invoke m", session: s) == ["main"])
    }

    @Test func completesWasiCalls() {
        #expect(candidates("catch wasi fd_w") == ["fd_write"])
        #expect(candidates("trace wasi file") == ["filesystem"])
    }

    @Test func completesPathsForFileSourceAndDir() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data().write(to: directory.appendingPathComponent("prog.wasm"))
        try Data().write(to: directory.appendingPathComponent("prog.wat"))
        try Data().write(to: directory.appendingPathComponent(".hidden"))
        let base = directory.path + "/"
        #expect(candidates("file " + base + "pro") == [base + "prog.wasm", base + "prog.wat"])
        #expect(candidates("source " + base) == [base + "prog.wasm", base + "prog.wat", base + "sub/"])
        #expect(candidates("dir " + base) == [base + "sub/"])
        #expect(candidates("file " + base + ".h") == [base + ".hidden"])
        #expect(candidates("file " + base + "nothing") == [])
    }

    @Test func noCandidatesAfterCommandsWithoutArguments() {
        #expect(candidates("kill ") == [])
        #expect(candidates("nosuch ") == [])
    }
}

/// Docs/commands.md documents every command and subcommand under its own heading, marked
/// "(not available yet)" exactly when the REPL says so.
@Suite struct REPLDocumentationTests {
    @Test func theReferenceHasASectionForEveryCommand() throws {
        let url = WdbTestSupport.packageRoot.appendingPathComponent("Docs/commands.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let headings = Set(text.split(separator: "\n").filter { $0.hasPrefix("###") }.map {
            String($0.drop(while: { $0 == "#" }).dropFirst())
        })
        var checked = 0
        func visit(_ table: CommandTable, path: [String]) {
            // Hidden maintenance commands are documented in prose, not under headings.
            for spec in table.commands where !spec.isHidden {
                let name = (path + [spec.name]).joined(separator: " ")
                let expected = name
                #expect(headings.contains(expected), "Docs/commands.md has no heading \"\(expected)\"")
                #expect(text.contains("(wdb) " + spec.example + "\n"), "example of \(name)")
                checked += 1
                if let subcommands = spec.subcommands { visit(subcommands, path: path + [spec.name]) }
            }
        }
        visit(CommandCatalog.table, path: [])
        #expect(checked == headings.count)
    }

    /// Every command the reference documents is listed by `help` (or `help PARENT`) and
    /// completes with TAB from its first letters; and each runs its handler (no command is
    /// listed but unknown when typed: a handler is a required field of every catalog entry).
    @Test func everyDocumentedCommandIsInHelpAndCompletes() throws {
        let url = WdbTestSupport.packageRoot.appendingPathComponent("Docs/commands.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let documented = text.split(separator: "\n").filter { $0.hasPrefix("###") }.map {
            String($0.drop(while: { $0 == "#" }).dropFirst()).split(separator: " ").map(String.init)
        }
        #expect(documented.count > 60)
        for path in documented {
            let session = ReplSession(console: .capturing())
            #expect(session.execute(path.count == 1 ? "help" : "help \(path[0])"))
            #expect(session.console.captured?.contains("\(path.joined(separator: " ")) ") == true
                        || session.console.captured?.contains("\(path.last!) ") == true, "help lacks \(path)")
            let typed = (path.dropLast() + [String(path.last!.prefix(2))]).joined(separator: " ")
            let request = CompletionRequest(textBeforeCursor: typed)
            let offered = ReplSession(console: .capturing()).completionCandidates(request)
            #expect(offered.contains(path.last!), "TAB after \"\(typed)\" does not offer \(path.last!)")
            // The command resolves to a catalog entry (whose handler the table requires).
            #expect((try? CommandCatalog.table.resolve(path.joined(separator: " ") + " x").get()) != nil
                        || (try? CommandCatalog.table.resolve(path.joined(separator: " ")).get()) != nil, "\(path)")
        }
    }
}
