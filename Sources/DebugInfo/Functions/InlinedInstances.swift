/// Inlined copies of a function, for `break NAME` on a function the compiler inlined (a
/// `static inline` helper, or anything at -O2): gdb sets the breakpoint at every copy.
extension DebugInfo {
    /// Every inlined copy of the functions called `query` (as `functions(named:)` matches
    /// names), with its code ranges as file offsets; a copy's entry is its lowest address.
    public func inlinedInstances(named query: String) -> [InlinedFrame] {
        var result: [InlinedFrame] = []
        for unit in units {
            guard let tree = tree(of: unit) else { continue }
            for (index, die) in tree.dies.enumerated() where UInt64(die.tag) == Tag.inlinedSubroutine {
                let ref = DIERef(unit: unit, index: index)
                guard let name = name(of: ref) else { continue }
                let qualified = qualifiedName(of: ref) ?? name
                guard name == query || qualifiedNameMatches(qualified, query: query) else { continue }
                let ranges = fileRanges(codeRanges(of: ref))
                guard !ranges.isEmpty else { continue }
                result.append(InlinedFrame(
                    name: name, qualifiedName: qualified,
                    callFile: filePath(ref.attribute(Attribute.callFile), in: unit),
                    callLine: ref.attribute(Attribute.callLine)?.unsignedValue.map { Int($0) },
                    callColumn: ref.attribute(Attribute.callColumn)?.unsignedValue.map { Int($0) },
                    ranges: ranges,
                    handle: FunctionHandle(unitIndex: unit.index, dieOffset: ref.offset)))
            }
        }
        return result
    }
}
