/// A concrete subprogram of a unit (one with code).
struct FunctionEntry {
    var index: Int
    var ranges: [Range<UInt64>]
    var size: UInt64 { ranges.reduce(0) { $0 + UInt64($1.count) } }
}

/// Every function of the module, built when a question needs names across all units.
struct NameIndex {
    var functions: [FunctionInfo] = []
    /// Name, linkage name and last qualified component without template arguments -> indices
    /// in `functions` (a query is only matched in full against these candidates).
    var byKey: [String: [Int]] = [:]

    mutating func addKeys() {
        for (i, f) in functions.enumerated() {
            var keys: Set<String> = [f.name, stripTemplateArguments(f.name)]
            if let linkage = f.linkageName { keys.insert(linkage) }
            if let last = splitQualified(f.qualifiedName).last { keys.insert(stripTemplateArguments(last)) }
            for key in keys { byKey[key, default: []].append(i) }
        }
    }
}

extension DebugInfo {
    /// The unit's functions with code, found on first use.
    func functionEntries(of unit: Unit) -> [FunctionEntry] {
        if let functions = unit.functions { return functions }
        guard let tree = tree(of: unit) else { unit.functions = []; return [] }
        var result: [FunctionEntry] = []
        for (index, die) in tree.dies.enumerated() where UInt64(die.tag) == Tag.subprogram {
            let ranges = codeRanges(of: DIERef(unit: unit, index: index))
            if !ranges.isEmpty { result.append(FunctionEntry(index: index, ranges: ranges)) }
        }
        unit.functions = result
        return result
    }

    func codeRanges(of ref: DIERef) -> [Range<UInt64>] {
        codeRanges(low: ref.attribute(Attribute.lowPC), high: ref.attribute(Attribute.highPC),
                   ranges: ref.attribute(Attribute.ranges), in: ref.unit)
    }

    func fileRanges(_ ranges: [Range<UInt64>]) -> [Range<UInt32>] {
        ranges.compactMap { r in
            guard let low = fileOffset(ofCodeAddress: r.lowerBound), let high = fileOffset(ofCodeAddress: r.upperBound) else { return nil }
            return low..<high
        }
    }

    /// The innermost concrete (not inlined) subprogram whose code contains a file offset.
    public func function(containing fileOffset: UInt32) -> FunctionInfo? {
        guard let address = codeAddress(ofFileOffset: fileOffset) else { return nil }
        var best: (unit: Unit, entry: FunctionEntry)?
        for unit in units(covering: address) {
            for entry in functionEntries(of: unit) where entry.ranges.contains(where: { $0.contains(address) }) {
                if entry.size < best?.entry.size ?? UInt64.max { best = (unit, entry) }
            }
        }
        guard let best else { return nil }
        return functionInfo(DIERef(unit: best.unit, index: best.entry.index), ranges: best.entry.ranges)
    }

    func functionInfo(_ ref: DIERef, ranges: [Range<UInt64>]) -> FunctionInfo? {
        let key = ListKey(offset: ref.offset, unit: ref.unit.index)
        if let cached = functionInfoCache[key] { return cached }
        let info = makeFunctionInfo(ref, ranges: ranges)
        functionInfoCache[key] = .some(info)
        return info
    }

    private func makeFunctionInfo(_ ref: DIERef, ranges: [Range<UInt64>]) -> FunctionInfo? {
        let fileRanges = fileRanges(ranges)
        guard let low = fileRanges.map(\.lowerBound).min(), let high = fileRanges.map(\.upperBound).max(),
              let entryRange = ranges.min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
        let name = name(of: ref) ?? linkageName(of: ref) ?? "<unnamed>"
        var frameBase: LocationExpression?
        if case .block(let offset, let length)? = ref.attribute(Attribute.frameBase) {
            frameBase = LocationExpression(bytes: Array(sections.info[offset..<offset + length]), frameBase: nil, unitIndex: ref.unit.index)
        }
        let declLine = attribute(Attribute.declLine, following: ref)?.unsignedValue.map { Int($0) }
        let declOwner = declaringEntry(for: ref, having: Attribute.declFile)
        return FunctionInfo(
            name: name, qualifiedName: qualifiedName(of: ref) ?? name, linkageName: linkageName(of: ref),
            lowPC: low, highPC: high, ranges: fileRanges,
            declFile: declOwner.flatMap { filePath($0.attribute(Attribute.declFile), in: $0.unit) },
            declLine: declLine,
            prologueEnd: prologueEnd(unit: ref.unit, entry: entryRange),
            frameBase: frameBase,
            handle: FunctionHandle(unitIndex: ref.unit.index, dieOffset: ref.offset))
    }

    /// Where gdb would put a breakpoint on the function: the first row marked prologue_end, else
    /// the first statement row after the entry on a line other than the opening row's.
    func prologueEnd(unit: Unit, entry range: Range<UInt64>) -> UInt32 {
        let fallback = fileOffset(ofCodeAddress: range.lowerBound) ?? 0
        guard let table = lineTable(of: unit),
              let sequence = table.sequences.first(where: { $0.range.contains(range.lowerBound) }) else { return fallback }
        let rows = sequence.rows.filter { range.contains($0.address) && !$0.endSequence }
        guard let first = rows.first else { return fallback }
        if let marked = rows.first(where: { $0.prologueEnd }) {
            return fileOffset(ofCodeAddress: marked.address) ?? fallback
        }
        if let next = rows.first(where: { $0.address > range.lowerBound && $0.isStatement && $0.line != 0 && $0.line != first.line }) {
            return fileOffset(ofCodeAddress: next.address) ?? fallback
        }
        return fallback
    }

    var nameIndex: NameIndex {
        if let nameIndexStorage { return nameIndexStorage }
        var index = NameIndex()
        for unit in units {
            for entry in functionEntries(of: unit) {
                if let info = functionInfo(DIERef(unit: unit, index: entry.index), ranges: entry.ranges) {
                    index.functions.append(info)
                }
            }
        }
        index.functions.sort { $0.lowPC < $1.lowPC }
        index.addKeys()
        nameIndexStorage = index
        return index
    }

    /// Functions by `DW_AT_name`, qualified name (or a "::" suffix of it: "Rect::area",
    /// "panic::find") or linkage name.
    public func functions(named query: String) -> [FunctionInfo] {
        let index = nameIndex
        var candidates = Set(index.byKey[query] ?? [])
        if let last = splitQualified(query).last { candidates.formUnion(index.byKey[stripTemplateArguments(last)] ?? []) }
        return candidates.sorted().map { index.functions[$0] }.filter {
            $0.name == query || $0.linkageName == query || qualifiedNameMatches($0.qualifiedName, query: query)
        }
    }

    /// Every function with code (concrete subprograms), by address.
    public var allFunctions: [FunctionInfo] { nameIndex.functions }

    /// Qualified names of all functions with code, sorted, without duplicates.
    public var allFunctionNames: [String] {
        Array(Set(nameIndex.functions.map(\.qualifiedName))).sorted()
    }

    /// The DIE a handle names.
    func entry(for handle: FunctionHandle) -> DIERef? {
        guard handle.unitIndex >= 0 && handle.unitIndex < units.count else { return nil }
        let unit = units[handle.unitIndex]
        guard let tree = tree(of: unit), let index = tree.index(ofOffset: handle.dieOffset) else { return nil }
        return DIERef(unit: unit, index: index)
    }

    /// The inlined calls active at an address, innermost first (empty when none; the function
    /// that contains them is `function(containing:)`).
    public func inlinedChain(at fileOffset: UInt32) -> [InlinedFrame] {
        guard let function = function(containing: fileOffset), let address = codeAddress(ofFileOffset: fileOffset),
              let root = entry(for: function.handle) else { return [] }
        var chain: [InlinedFrame] = []
        var scope = root
        // Each step goes one level deeper in a finite tree, so this ends.
        descending: while true {
            var pending = scope.children
            var visited = 0
            while let child = pending.popLast() {
                visited += 1
                if visited > 1_000_000 { break descending }
                if child.tag == Tag.lexicalBlock {
                    let ranges = codeRanges(of: child)
                    if ranges.isEmpty || ranges.contains(where: { $0.contains(address) }) { pending += child.children }
                } else if child.tag == Tag.inlinedSubroutine {
                    let ranges = codeRanges(of: child)
                    if ranges.contains(where: { $0.contains(address) }) {
                        let name = name(of: child) ?? "<inlined>"
                        chain.append(InlinedFrame(
                            name: name, qualifiedName: qualifiedName(of: child) ?? name,
                            callFile: filePath(child.attribute(Attribute.callFile), in: child.unit),
                            callLine: child.attribute(Attribute.callLine)?.unsignedValue.map { Int($0) },
                            callColumn: child.attribute(Attribute.callColumn)?.unsignedValue.map { Int($0) },
                            ranges: fileRanges(ranges),
                            handle: FunctionHandle(unitIndex: child.unit.index, dieOffset: child.offset)))
                        scope = child
                        continue descending
                    }
                }
            }
            break
        }
        return chain.reversed()
    }
}
