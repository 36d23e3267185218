import WasmCore
import WasmText
import WasmVM

// Locations (Docs/commands.md, Locations): `$name`, `name`, `#3`, `$name+0x12`, `*0x86`, `loop.wat:14`.

extension DebugSession {
    /// A function by name-section name (`$name`), export name or index (`#3`, `3`).
    public func resolveFunction(_ text: String) throws -> UInt32? {
        guard let module else { throw DebuggerError("no module loaded; use file F") }
        if text.hasPrefix("#") || text.allSatisfy(\.isNumber) {
            let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
            guard let n = UInt32(digits), Int(n) < module.functionCount else {
                throw DebuggerError("no function \(text); the module has \(module.functionCount)")
            }
            return n
        }
        if text.hasPrefix("$") {
            let name = String(text.dropFirst())
            if let (index, _) = module.names.functionNames.first(where: { $0.value == name }) { return index }
        }
        let bare = text.hasPrefix("$") ? String(text.dropFirst()) : text
        if let e = module.exports.first(where: { $0.kind == .function && $0.name == bare }) { return e.index }
        if !text.hasPrefix("$"), let (index, _) = module.names.functionNames.first(where: { $0.value == text }) { return index }
        throw DebuggerError("No function named \"\(text)\".\(NameSuggestions.hint(for: text, in: functionNames()))")
    }

    /// Every name a function answers to: `$name` from the name section, and export names.
    public func functionNames() -> [String] {
        guard let module else { return [] }
        return module.names.functionNames.values.map { "$" + $0 }
            + module.exports.filter { $0.kind == .function }.map(\.name)
    }

    /// The user's view of a code location: `$f+0x3 (func 1, offset 0x40) at f.wat:7`.
    /// `instruction`: the executing instruction's own position (see
    /// `Debuggee.instructionPosition`), for trap sites and watchpoint accessors.
    func resolved(_ location: CodeLocation, requested: UInt32? = nil, instruction: Bool = false) -> ResolvedPosition? {
        guard let debuggee, let module,
              let position = instruction ? debuggee.instructionPosition(of: location) : debuggee.position(of: location)
        else { return nil }
        var text = describe(position)
        let line = sourceMap?.location(forFileOffset: position.fileOffset)
        if let line { text += " at \(DebugSession.baseName(line.file)):\(line.line)" }
        // The source line of the instruction asked for when the stop point begins a folded run
        // earlier (optimized code often starts a run on compiler glue of line 0).
        let source = sourceMap == nil
            ? sourcePosition(atFileOffset: position.fileOffset) ?? requested.flatMap { sourcePosition(atFileOffset: $0) }
                ?? sourcePositionInRun(of: location, from: position.fileOffset) : nil
        if let source { text += " at \(source.fileAndLine)" }
        return ResolvedPosition(location: location, position: position, description: text, line: line?.line ?? source?.line,
                                requestedOffset: requested.flatMap { $0 == position.fileOffset ? nil : $0 },
                                source: source)
    }

    /// The last component of a path (`primes.c` of `src/primes.c`), as reports name files.
    public static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Where the innermost frame of the current call is.
    public var currentPosition: ResolvedPosition? {
        guard let current, let debuggee, let (location, _) = debuggee.current(current.invocation) else { return nil }
        return resolved(location)
    }

    /// Resolves a location to a stop point, sliding forward to the next stop point of the
    /// same function when the requested offset has none (a folded instruction). A source
    /// location in several places resolves to the first; `resolveLocations` gives them all.
    public func resolveLocation(_ spec: String) throws -> ResolvedPosition {
        guard let first = try resolveLocations(spec).first else { throw DebuggerError("no location \"\(spec)\"") }
        return first
    }

    /// Every place a location names: one for Wasm forms, one per function or inlined copy for
    /// a source line or a source function name (DWARF).
    public func resolveLocations(_ spec: String) throws -> [ResolvedPosition] {
        guard module != nil else { throw DebuggerError("no module loaded; use file F") }
        let text = spec.trimmingCharacters(in: .whitespaces)
        let hasSource = sourceMap != nil || debugInfo != nil
        // `break 16`: a line of the current file when there is line information (as gdb).
        if hasSource, !text.isEmpty, text.allSatisfy(\.isNumber), let line = Int(text) {
            if let map = sourceMap { return [try resolveWatLine(file: map.file, line: line, map: map)] }
            guard let file = currentSourceFile else { throw DebuggerError("No default source file: use FILE:LINE.") }
            return try sourceLineLocations(file: file, line: line)
        }
        if let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].allSatisfy(\.isNumber),
           let line = Int(text[text.index(after: colon)...]) {
            let file = String(text[..<colon])
            if let map = sourceMap, DebugSession.baseName(file) == DebugSession.baseName(map.file) {
                return [try resolveWatLine(file: file, line: line, map: map)]
            }
            if debugInfo != nil { return try sourceLineLocations(file: file, line: line) }
            guard let map = sourceMap else { throw DebuggerError("no source map: \(fileName) was not assembled from WAT and has no DWARF") }
            throw DebuggerError("no source file \"\(file)\"; the module came from \(DebugSession.baseName(map.file))")
        }
        // A bare source name (`main`, `Rect::area`) is DWARF's first; `$name`, `#3` and
        // `name+0x12` are always the Wasm view's.
        if debugInfo != nil, !text.hasPrefix("$"), !text.hasPrefix("#"), !text.hasPrefix("*"), !text.contains("+") {
            let found = sourceFunctionLocations(text)
            if !found.isEmpty { return found }
        }
        return [try resolveWasmLocation(text)]
    }

    /// The first WAT line at or after `line` that has instructions.
    private func resolveWatLine(file: String, line: Int, map: SourceMap) throws -> ResolvedPosition {
        let lastLine = map.maxLine
        var l = max(line, 1)
        while l <= lastLine {
            if let offset = map.fileOffsets(forLine: l).first { return try landing(atFileOffset: offset) }
            l += 1
        }
        throw DebuggerError("line \(line) of \(file) has no code after it")
    }

    /// `*0x86`, `$name`, `name`, `#3`, `$name+0x12`.
    private func resolveWasmLocation(_ text: String) throws -> ResolvedPosition {
        guard let module, let debuggee else { throw DebuggerError("no module loaded; use file F") }
        if text.hasPrefix("*") {
            guard let offset = DebugSession.parseNumber(String(text.dropFirst())) else {
                throw DebuggerError("bad file offset \"\(text)\"; use *0x86")
            }
            return try landing(atFileOffset: offset)
        }
        var name = text
        var delta: UInt32?
        if let plus = text.firstIndex(of: "+") {
            name = String(text[..<plus])
            guard let d = DebugSession.parseNumber(String(text[text.index(after: plus)...])) else {
                throw DebuggerError("bad offset in \"\(text)\"; use $name+0x12")
            }
            delta = d
        }
        guard let index = try resolveFunction(name) else { throw DebuggerError("no function \"\(name)\"") }
        guard let function = module.definedFunction(index), let address = debuggee.functionAddress(ofIndex: index) else {
            throw DebuggerError("\(module.displayName(ofFunction: index)) is imported: it has no code to stop in (use catch call)")
        }
        guard let delta else {
            guard let first = debuggee.entryStopPoint(ofFunction: address),
                  let p = resolved(CodeLocation(function: address, codeIndex: first.codeIndex)) else {
                throw DebuggerError("\(name) has no instructions")
            }
            return p
        }
        let (offset, overflow) = function.bodyOffset.addingReportingOverflow(delta)
        guard !overflow, delta < function.bodySize else {
            throw DebuggerError("\(name)+0x\(String(delta, radix: 16)) is outside the function (its body is 0x\(String(function.bodySize, radix: 16)) bytes)")
        }
        return try landing(atFileOffset: offset)
    }

    /// The stop point whose run executes the instruction at `offset` (it stops before that run),
    /// else the first one after it (for instructions that compile to nothing), in the function
    /// whose body contains it.
    func landing(atFileOffset offset: UInt32) throws -> ResolvedPosition {
        guard let module, let debuggee else { throw DebuggerError("no module loaded") }
        for (k, f) in module.functions.enumerated() where offset >= f.bodyOffset && offset < f.bodyOffset &+ f.bodySize {
            let index = UInt32(module.importedFunctionCount + k)
            guard let address = debuggee.functionAddress(ofIndex: index) else { break }
            let stops = debuggee.stopPoints(ofFunction: address)
            guard let stop = stops.first(where: { $0.covers(offset) }) ?? stops.first(where: { $0.fileOffset >= offset }),
                  let p = resolved(CodeLocation(function: address, codeIndex: stop.codeIndex), requested: offset) else {
                throw DebuggerError("no instruction at or after offset 0x\(String(offset, radix: 16)) in \(module.displayName(ofFunction: index))")
            }
            return p
        }
        throw DebuggerError("offset 0x\(String(offset, radix: 16)) is not inside a function body")
    }

    static func parseNumber(_ text: String) -> UInt32? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt32(t.dropFirst(2), radix: 16) }
        return UInt32(t)
    }

    /// The WAT line of a location, when known.
    func line(of location: CodeLocation) -> SourceLineKey? {
        guard let position = debuggee?.position(of: location) else { return nil }
        if let line = sourceLine(atFileOffset: position.fileOffset) { return line }
        // A run that begins on line-0 glue belongs to the first line inside it.
        return sourcePositionInRun(of: location, from: position.fileOffset).map { SourceLineKey(file: $0.file, line: $0.line) }
    }
}

extension SourceMap {
    /// The last line that has an instruction.
    var maxLine: Int {
        var best = 0
        for f in 0..<functionCount {
            for l in locations(function: firstFunctionIndex + UInt32(f)) { best = Swift.max(best, l.line) }
        }
        return best
    }
}

extension String {
    func trimmingCharacters(in _: WhitespaceSet) -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}

enum WhitespaceSet { case whitespaces }
