import DebugInfo
import Debugger
import FoundationEssentials
import WasmCore

/// The source view of modules compiled with -g: source lines at stops, `list`, `info source`,
/// `info line`, `directory` and `set substitute-path`. Files are found through the session's
/// `SourceFiles`; a file that cannot be found is a one-line note (once per file), never an
/// error that stops a script.
extension DebuggerAdapter {
    /// `16\t    if (n % d == 0)` for a position DWARF covers, or gdb's note when the file is
    /// not found. False when the position has no source line.
    func printSourceLine(_ position: ResolvedPosition, in session: ReplSession) -> Bool {
        guard let source = position.source else { return false }
        printSourceText(file: source.file, line: source.line, in: session)
        return true
    }

    func printSourceText(file: String, line: Int, in session: ReplSession) {
        if let text = debugger.sourceFiles.text(of: file), line >= 1, line <= text.lines.count {
            session.console.line("\(line)\t\(text.lines[line - 1])")
        } else {
            session.console.line("\(line)\tin \(file)")
            noteMissingSource(file, in: session)
        }
        lastListed = (file, line)
    }

    /// `primes.c: No such file or directory.` once per file, with what would help.
    func noteMissingSource(_ file: String, in session: ReplSession) {
        guard !missingSourceNoted.contains(file) else { return }
        missingSourceNoted.insert(file)
        session.console.line("(\(file): source file not found; `directory DIR` or `set substitute-path FROM TO` tells where it is)")
    }

    // MARK: frames in the source view

    /// `#1  count_primes (limit=30) at primes.c:23` for a frame DWARF describes (an inlined
    /// call is a frame of its own), else the Wasm notation `#1 $f+0x3 (func 1, offset 0x40)`.
    func frameLine(_ frame: FrameInfo) -> String {
        guard let source = frame.source else { return frame.description }
        return "#\(frame.level)  \(sourceFrameText(source, frame: frame))"
    }

    /// `is_prime (n=7) at primes.c:14`.
    func sourceFrameText(_ source: FrameSource, frame: FrameInfo) -> String {
        "\(source.function) (\(frameArgumentsText(frame))) at \(source.fileAndLine)"
    }

    /// Where a stop is: the innermost source frame in gdb's words when DWARF covers it, else
    /// the Wasm notation. Remembers the function for the next step's report.
    func stopLocationText(_ position: ResolvedPosition?) -> String {
        guard let position else { return "?" }
        // One backtrace per report: it resolves every frame's source position.
        let frames = position.source != nil ? debugger.backtrace() : []
        guard let frame = frames.first, let source = frame.source else {
            lastStepFunction = nil
            return position.description
        }
        lastStepFunction = (source.function, frames.count)
        return sourceFrameText(source, frame: frame)
    }

    /// After a source step: still in the function the last report named, at the same depth.
    func stepStayedInFunction(_ position: ResolvedPosition) -> Bool {
        guard position.source != nil, let last = lastStepFunction else { return false }
        let frames = debugger.backtrace()
        guard let source = frames.first?.source else { return false }
        return source.function == last.function && frames.count == last.depth
    }

    // MARK: list

    /// `list` over DWARF sources: around the stop, `list FUNC`, `list FILE:LINE`, `list LINE`,
    /// and `list` again goes on after the last line shown.
    func listSource(_ args: String, repeated: Bool, in session: ReplSession) throws {
        var file: String
        var first: Int
        if !args.isEmpty {
            let (f, line) = try listTarget(args)
            file = f
            first = max(1, line - 5)
        } else if let last = lastListed, repeated || listedSinceStop {
            (file, first) = (last.file, last.line + 1)
        } else if let source = debugger.currentPosition?.source {
            (file, first) = (source.file, max(1, source.line - 5))
        } else if let last = lastListed {
            (file, first) = (last.file, last.line + 1)
        } else {
            let (f, line) = try listTarget("main")
            (file, first) = (f, max(1, line - 5))
        }
        guard let text = debugger.sourceFiles.text(of: file) else {
            noteMissingSource(file, in: session)
            throw ReplError("\(DebugSession.baseName(file)): No such file or directory.")
        }
        guard first <= text.lines.count else {
            throw ReplError("Line number \(first) out of range; \"\(DebugSession.baseName(file))\" has \(text.lines.count) lines.")
        }
        let last = min(text.lines.count, first + 9)
        for n in first...last { session.console.line("\(n)\t\(text.lines[n - 1])") }
        lastListed = (file, last)
        listedSinceStop = true
    }

    /// The file and line a `list` argument names: FILE:LINE, LINE (the current file), or a
    /// function (its first line after the prologue).
    private func listTarget(_ args: String) throws -> (String, Int) {
        guard let info = debugger.debugInfo else { throw ReplError("No line information: the module has no DWARF.") }
        let text = args.trimmed
        if let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]) {
            let suffix = String(text[..<colon])
            guard let file = info.sourceFiles.first(where: { $0 == suffix || $0.hasSuffix("/" + suffix) }) else {
                throw ReplError("No source file named \(suffix).")
            }
            return (file, line)
        }
        if let line = Int(text) {
            guard let file = lastListed?.file ?? debugger.currentPosition?.source?.file
                    ?? info.functions(named: "main").first?.declFile else {
                throw ReplError("No default source file: use list FILE:LINE.")
            }
            return (file, line)
        }
        let position = try debugger.resolveLocation(text)
        guard let source = position.source else { throw ReplError("No source line for \(text).") }
        return (source.file, source.line)
    }

    // MARK: info source, info line

    func infoSource(in session: ReplSession) throws {
        guard let file = debugger.currentPosition?.source?.file ?? lastListed?.file else {
            if debugger.debugInfo == nil {
                session.console.line("No current source file: \(debugger.fileName) has no DWARF line information.")
            } else {
                session.console.line("No current source file (stop somewhere, or list a file).")
            }
            return
        }
        session.console.line("Current source file is \(file)")
        if let text = debugger.sourceFiles.text(of: file) {
            session.console.line("Located in \(absolute(text.path))")
            session.console.line("Contains \(text.lines.count) lines.")
        } else {
            session.console.line("The file was not found (see `directory` and `set substitute-path`).")
        }
        if let info = debugger.debugInfo, let offset = debugger.currentPosition?.position.fileOffset,
           let function = info.function(containing: offset) {
            session.console.line("Function \(function.qualifiedName) at line \(function.declLine.map(String.init) ?? "?").")
        }
    }

    func infoLine(_ args: String, in session: ReplSession) throws {
        let positions: [ResolvedPosition]
        if args.isEmpty {
            guard let here = debugger.currentPosition else { throw ReplError("info line needs a location: info line primes.c:16") }
            positions = [here]
        } else {
            positions = try debugger.resolveLocations(args)
        }
        let query: SourceLineQuery = args.isEmpty || args.hasPrefix("*") ? .containingOffset
            : args.contains(":") || Int(args) != nil ? .line : .functionEntry
        for position in positions {
            guard let range = debugger.sourceLineRange(of: position, query: query) else {
                session.console.line("No line number information available for \(position.description).")
                continue
            }
            session.console.line("Line \(range.line) of \"\(DebugSession.baseName(range.file))\" starts at file offset 0x\(String(range.start, radix: 16)) "
                                 + "<\(range.startLabel)> and ends at 0x\(String(range.end, radix: 16)) <\(range.endLabel)>.")
        }
    }

    private func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    // MARK: directory, substitute-path

    func directoryCommand(_ args: String, in session: ReplSession) {
        let files = debugger.sourceFiles
        if args.isEmpty {
            session.console.line("Source directories searched: " + (files.directories + ["$cdir", "$cwd"]).joined(separator: ":"))
            return
        }
        for directory in args.split(separator: ":").reversed() where !directory.isEmpty {
            files.addDirectory(String(directory))
        }
        missingSourceNoted.removeAll()
        session.console.line("Source directories searched: " + (files.directories + ["$cdir", "$cwd"]).joined(separator: ":"))
    }

    func substitutePathCommand(_ words: [String], in session: ReplSession) throws {
        guard words.count == 2 else { throw ReplError("usage: set substitute-path FROM TO") }
        debugger.sourceFiles.substitute(words[0], words[1])
        missingSourceNoted.removeAll()
    }

    func showSubstitutePath(in session: ReplSession) {
        let rules = debugger.sourceFiles.substitutions
        if rules.isEmpty { session.console.line("List of all source path substitution rules: (none)") }
        else {
            session.console.line("List of all source path substitution rules:")
            for rule in rules { session.console.line("  `\(rule.from)' -> `\(rule.to)'.") }
        }
    }
}

