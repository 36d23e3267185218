import DebugInfo
import WasmCore
import WasmVM

/// Where a position is in the source a compiler's DWARF describes: the function as the
/// source names it (demangled, qualified: `Rect::area`, `panic::find`), the file and line.
/// Frames without DWARF (libc built without -g, runtime glue) have none and keep the Wasm view.
public struct SourcePosition: Hashable, Sendable {
    /// The innermost source function at the position: an inlined function's name when the
    /// code was inlined (gdb shows inlined calls as frames of their own).
    public var function: String
    /// The full path as the compiler recorded it, and the line (1-based) and column (0: none).
    public var file: String
    public var line: Int
    public var column: Int
    /// Inlined calls active at the position, innermost first (empty when none).
    public var inlined: [InlinedFrame]

    /// `primes.c:16`, as gdb shows it.
    public var fileAndLine: String { "\(DebugSession.baseName(file)):\(line)" }
}

/// A line of source as stepping sees it: by file and line (WAT source maps and DWARF alike).
struct SourceLineKey: Hashable {
    var file: String
    var line: Int
}

extension DebugSession {
    /// A function's name as every report shows it: the name section's `$name`, else an export
    /// name, else `#3`; a mangled C++ or Rust name is shown demangled (`panic::find`, no `$`).
    public func shownName(ofFunction index: UInt32) -> String {
        if let known = shownFunctionNames[index] { return known }
        guard let module else { return "#\(index)" }
        var name = module.displayName(ofFunction: index)
        let raw = name.hasPrefix("$") ? String(name.dropFirst()) : name
        if raw.hasPrefix("_Z") || raw.hasPrefix("_R"), let demangled = Demangler.demangle(raw) { name = demangled }
        shownFunctionNames[index] = name
        return name
    }

    /// `$name+0x12 (func 3, offset 0x86)` with the shown name.
    func describe(_ position: CodePosition) -> String {
        guard let module else { return "offset 0x\(String(position.fileOffset, radix: 16))" }
        let start = module.definedFunction(position.functionIndex)?.bodyOffset ?? position.fileOffset
        let delta = position.fileOffset >= start ? position.fileOffset - start : 0
        return "\(shownName(ofFunction: position.functionIndex))+0x\(String(delta, radix: 16)) "
            + "(func \(position.functionIndex), offset 0x\(String(position.fileOffset, radix: 16)))"
    }

    /// The source view of a module file offset, when DWARF covers it.
    func sourcePosition(atFileOffset offset: UInt32) -> SourcePosition? {
        guard let info = debugInfo, let location = info.location(at: offset) else { return nil }
        let inlined = info.inlinedChain(at: offset)
        let function = inlined.first?.qualifiedName ?? info.function(containing: offset)?.qualifiedName ?? "??"
        return SourcePosition(function: function, file: location.file, line: location.line,
                              column: location.column, inlined: inlined)
    }

    /// The first source line inside a stop point's folded run, for a run that begins on code
    /// without a line (line 0: what optimized code often starts a run with).
    func sourcePositionInRun(of location: CodeLocation, from offset: UInt32) -> SourcePosition? {
        guard let info = debugInfo, let debuggee,
              let stop = debuggee.stopPoint(at: location),
              stop.runEnd > offset else { return nil }
        let row = info.lineTableRows(inFunctionAt: offset).first { $0.fileOffset > offset && $0.fileOffset <= stop.runEnd && $0.line > 0 }
        return row.flatMap { sourcePosition(atFileOffset: $0.fileOffset) }
    }

    /// The source line of an offset for stepping: the WAT line when the module came from WAT,
    /// else the DWARF line (nil: no line there, e.g. compiler-generated code on line 0).
    func sourceLine(atFileOffset offset: UInt32) -> SourceLineKey? {
        if let map = sourceMap {
            return map.location(forFileOffset: offset).map { SourceLineKey(file: map.file, line: $0.line) }
        }
        guard let location = debugInfo?.location(at: offset) else { return nil }
        return SourceLineKey(file: location.file, line: location.line)
    }

    /// Whether stepping goes by source line here: a WAT source map, or DWARF for this function.
    func hasLineInfo(atFileOffset offset: UInt32) -> Bool {
        if sourceMap != nil { return true }
        guard let info = debugInfo else { return false }
        // The function is described (a line-0 instruction inside it still steps by line).
        return info.function(containing: offset) != nil
    }

    /// Where `break FILE:LINE` lands in a module with DWARF: one position per function or
    /// inlined copy that has code for the line (or the next line that has code, as gdb).
    func sourceLineLocations(file: String, line: Int) throws -> [ResolvedPosition] {
        guard let info = debugInfo else {
            throw DebuggerError("no source map or DWARF: \(fileName) has no line information for \(file)")
        }
        let matches = info.addresses(forFile: file, line: line)
        guard !matches.isEmpty else {
            let known = info.sourceFiles
            if !known.contains(where: { DebugSession.pathMatches($0, suffix: file) }) {
                throw DebuggerError("No source file named \(file)." + NameSuggestions.hint(for: DebugSession.baseName(file),
                                                                                             in: known.map(DebugSession.baseName)))
            }
            throw DebuggerError("Line \(line) of \"\(file)\" has no code (nor any line after it in that file).")
        }
        var positions: [ResolvedPosition] = []
        for match in matches {
            if let p = try? landing(atFileOffset: match.fileOffset), !positions.contains(where: { $0.location == p.location }) {
                positions.append(p)
            }
        }
        guard !positions.isEmpty else { throw DebuggerError("Line \(line) of \"\(file)\" has no instruction to stop at.") }
        return positions
    }

    /// Where `break NAME` lands for a source function name (`main`, `Rect::area`,
    /// `panic::find`, a linkage name): after each matching function's prologue, as gdb.
    func sourceFunctionLocations(_ name: String) -> [ResolvedPosition] {
        guard let info = debugInfo else { return [] }
        var positions: [ResolvedPosition] = []
        for function in info.functions(named: name) {
            if let p = try? landing(atFileOffset: function.prologueEnd), !positions.contains(where: { $0.location == p.location }) {
                positions.append(p)
            }
        }
        // Inlined copies (a `static inline` helper, anything at -O2), at each copy's entry.
        for copy in info.inlinedInstances(named: name) {
            guard let entry = copy.ranges.map(\.lowerBound).min() else { continue }
            if let p = try? landing(atFileOffset: entry), !positions.contains(where: { $0.location == p.location }) {
                positions.append(p)
            }
        }
        return positions
    }

    /// Where a source function name lands (empty without DWARF or without such a function).
    public func resolveSourceFunction(_ name: String) -> [ResolvedPosition] { sourceFunctionLocations(name) }

    /// The source file of the current stop (for a bare `break LINE`).
    var currentSourceFile: String? {
        guard let offset = currentPosition?.position.fileOffset else { return defaultSourceFile }
        return sourcePosition(atFileOffset: offset)?.file ?? defaultSourceFile
    }

    /// Before the program runs, a bare line is in the file of `main`, as gdb's default.
    var defaultSourceFile: String? {
        guard let info = debugInfo else { return nil }
        return info.functions(named: "main").first?.declFile
    }

    /// A path ends with `suffix` at a component boundary (`src/x.c` matches `/a/src/x.c`).
    static func pathMatches(_ path: String, suffix: String) -> Bool {
        path == suffix || path.hasSuffix("/" + suffix)
    }
}

/// `info line`'s answer: one line-table row's stretch of code.
public struct SourceLineRange: Equatable, Sendable {
    public var file: String
    public var line: Int
    public var start: UInt32
    public var end: UInt32
    /// `$name+0x25`: the function and the offset into its body (the name alone at its start).
    public var startLabel: String
    public var endLabel: String
}

/// Which row `info line` reports for a position.
public enum SourceLineQuery: Sendable {
    /// `info line FILE:LINE`: the line's lowest stretch in the function.
    case line
    /// `info line FUNC`: the function's first instruction, on its opening line (not where
    /// `break FUNC` lands, after the prologue).
    case functionEntry
    /// `info line` and `info line *ADDR`: the stretch holding that very offset.
    case containingOffset
}

extension DebugSession {
    /// The code of a position's line as gdb's `info line` gives it: one row of the line
    /// table, from its address to the next row's (rows without code are passed over).
    public func sourceLineRange(of position: ResolvedPosition, query: SourceLineQuery) -> SourceLineRange? {
        guard let info = debugInfo, let source = position.source else { return nil }
        let offset = position.position.fileOffset
        let rows = info.lineTableRows(inFunctionAt: offset)
            .filter { $0.endFileOffset > $0.fileOffset && $0.line > 0 }
            .sorted { $0.fileOffset < $1.fileOffset }
        let row: LineRow?
        switch query {
        case .line: row = rows.first { $0.line == source.line && $0.file == source.file }
        case .functionEntry: row = rows.first
        case .containingOffset: row = rows.last { $0.fileOffset <= offset && offset < $0.endFileOffset }
        }
        guard let row else { return nil }
        let function = position.position.functionIndex
        return SourceLineRange(file: row.file, line: row.line, start: row.fileOffset, end: row.endFileOffset,
                               startLabel: codeLabel(row.fileOffset, function: function),
                               endLabel: codeLabel(row.endFileOffset, function: function))
    }

    /// `$name+0x12` for an offset in a function's body (`$name` at its first byte).
    private func codeLabel(_ offset: UInt32, function: UInt32) -> String {
        let start = module?.definedFunction(function)?.bodyOffset ?? offset
        let delta = offset >= start ? offset - start : 0
        return shownName(ofFunction: function) + (delta == 0 ? "" : "+0x" + String(delta, radix: 16))
    }
}
