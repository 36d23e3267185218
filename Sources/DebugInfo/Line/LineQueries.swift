/// Questions answered from line tables: address -> source, source -> addresses, files.
extension DebugInfo {
    /// The line table row covering a file offset (nil outside any sequence or on a line-0 row).
    public func location(at fileOffset: UInt32) -> SourceLocation? {
        guard let address = codeAddress(ofFileOffset: fileOffset) else { return nil }
        var candidates = units(covering: address)
        if candidates.isEmpty { candidates = units }
        for unit in candidates {
            guard let table = lineTable(of: unit), let row = row(covering: address, in: table) else { continue }
            guard row.line != 0, let file = table.path(ofFile: row.file) else { return nil }
            return SourceLocation(file: file, line: Int(row.line), column: Int(row.column), isStatement: row.isStatement)
        }
        return nil
    }

    /// The row whose range holds `address`: the last row at the greatest address not above it,
    /// preferring a statement row among those at that same address.
    func row(covering address: UInt64, in table: LineTable) -> LineTable.Row? {
        guard let sequence = table.sequences.first(where: { $0.range.contains(address) }) else { return nil }
        let rows = sequence.rows
        var low = 0, high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if rows[mid].address <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let last = low - 1
        let at = rows[last].address
        var i = last
        while i >= 0 && rows[i].address == at {
            if rows[i].isStatement && !rows[i].endSequence { return rows[i] }
            i -= 1
        }
        return rows[last].endSequence ? nil : rows[last]
    }

    /// The rows of the function containing a file offset, in address order, each with the end
    /// of its range (for line stepping).
    public func lineTableRows(inFunctionAt fileOffset: UInt32) -> [LineRow] {
        guard let function = function(containing: fileOffset), let ref = entry(for: function.handle),
              let table = lineTable(of: ref.unit) else { return [] }
        let ranges = codeRanges(of: ref)
        var result: [LineRow] = []
        for sequence in table.sequences where ranges.contains(where: { $0.overlaps(sequence.range) }) {
            let rows = sequence.rows
            for (i, row) in rows.enumerated() where !row.endSequence && ranges.contains(where: { $0.contains(row.address) }) {
                let end = i + 1 < rows.count ? rows[i + 1].address : row.address
                guard let start = self.fileOffset(ofCodeAddress: row.address), let stop = self.fileOffset(ofCodeAddress: end) else { continue }
                result.append(LineRow(fileOffset: start, endFileOffset: stop, file: table.path(ofFile: row.file) ?? "",
                                      line: Int(row.line), column: Int(row.column), isStatement: row.isStatement,
                                      prologueEnd: row.prologueEnd, epilogueBegin: row.epilogueBegin))
            }
        }
        return result.sorted { $0.fileOffset < $1.fileOffset }
    }

    /// Where the code for `line` of files ending in `fileSuffix` is: the line itself or, when it
    /// has no code, the next line that has (as gdb does); one match per function or inlined copy
    /// (the lowest statement address of each); a function's opening line maps past the prologue.
    public func addresses(forFile fileSuffix: String, line: Int) -> [LineMatch] {
        struct Candidate { var unit: Unit; var file: String; var line: Int; var address: UInt64 }
        var candidates: [Candidate] = []
        for unit in units {
            guard let table = lineTable(of: unit) else { continue }
            let files = table.files
            let matching = Set(files.indices.filter { !files[$0].isEmpty && pathMatches(files[$0], suffix: fileSuffix) })
            if matching.isEmpty { continue }
            for sequence in table.sequences {
                for row in sequence.rows where !row.endSequence && row.isStatement && row.line != 0
                    && Int(row.line) >= line && matching.contains(Int(row.file)) {
                    candidates.append(Candidate(unit: unit, file: files[Int(row.file)], line: Int(row.line), address: row.address))
                }
            }
        }
        guard let best = candidates.map(\.line).min() else { return [] }
        var byScope: [String: (candidate: Candidate, function: FunctionInfo?)] = [:]
        for candidate in candidates where candidate.line == best {
            guard let offset = fileOffset(ofCodeAddress: candidate.address) else { continue }
            let function = function(containing: offset)
            let inlined = inlinedChain(at: offset).first
            let key: String
            if let inlined { key = "i\(inlined.handle.dieOffset)" }
            else if let function { key = "f\(function.handle.dieOffset)" }
            else { key = "a\(candidate.address)" }
            if let existing = byScope[key], existing.candidate.address <= candidate.address { continue }
            byScope[key] = (candidate, function)
        }
        var result: [LineMatch] = []
        for (candidate, function) in byScope.values {
            guard var offset = fileOffset(ofCodeAddress: candidate.address) else { continue }
            if let function, offset == function.lowPC { offset = function.prologueEnd }
            result.append(LineMatch(file: candidate.file, line: candidate.line, fileOffset: offset, functionName: function?.qualifiedName))
        }
        return result.sorted { $0.fileOffset < $1.fileOffset }
    }

    /// Every file named in the line tables (full paths, first appearance order, no duplicates).
    public var sourceFiles: [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for unit in units {
            guard let table = lineTable(of: unit) else { continue }
            for file in table.files where !file.isEmpty && seen.insert(file).inserted { result.append(file) }
        }
        return result
    }
}
