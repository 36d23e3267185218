/// Variables: a function's parameters and the locals in scope at an address, and globals.
extension DebugInfo {
    /// Parameters (in order), then the locals of the function and of the lexical blocks that
    /// cover the address, outer scopes first; a name declared again in an inner scope hides the
    /// outer one. Variables of inlined calls are not included (see `variables(in:at:)` for an
    /// `InlinedFrame`).
    public func variables(in function: FunctionInfo, at fileOffset: UInt32) -> [Variable] {
        guard let root = entry(for: function.handle) else { return [] }
        return scopeVariables(root: root, frameBase: function.frameBase?.bytes, at: fileOffset)
    }

    /// The parameters and locals of an inlined call (names come from its abstract origin).
    public func variables(in frame: InlinedFrame, at fileOffset: UInt32) -> [Variable] {
        guard let root = entry(for: frame.handle) else { return [] }
        return scopeVariables(root: root, frameBase: function(containing: fileOffset)?.frameBase?.bytes, at: fileOffset)
    }

    private func scopeVariables(root: DIERef, frameBase: [UInt8]?, at fileOffset: UInt32) -> [Variable] {
        let address = codeAddress(ofFileOffset: fileOffset)
        var parameters: [Variable] = []
        var scopes: [[Variable]] = []
        var scope: DIERef? = root
        // Descend through the blocks covering the address; each level is one step down a finite tree.
        while let current = scope {
            scope = nil
            var locals: [Variable] = []
            for child in current.children {
                switch child.tag {
                case Tag.formalParameter where current.index == root.index:
                    if let v = variable(child, isParameter: true, frameBase: frameBase, address: address) { parameters.append(v) }
                case Tag.variable:
                    if let v = variable(child, isParameter: false, frameBase: frameBase, address: address) { locals.append(v) }
                case Tag.lexicalBlock where scope == nil:
                    let ranges = codeRanges(of: child)
                    if let address, ranges.contains(where: { $0.contains(address) }) { scope = child }
                    else if ranges.isEmpty && !child.has(Attribute.lowPC) && !child.has(Attribute.ranges) { scope = child }
                default:
                    break
                }
            }
            scopes.append(locals)
        }
        var result: [Variable] = []
        var seen: Set<String> = []
        for locals in scopes.reversed() {
            for v in locals.reversed() where seen.insert(v.name).inserted { result.append(v) }
        }
        let visibleLocals = Array(result.reversed())
        let visibleParameters = parameters.filter { !seen.contains($0.name) }
        return visibleParameters + visibleLocals
    }

    func variable(_ ref: DIERef, isParameter: Bool, frameBase: [UInt8]?, address: UInt64?) -> Variable? {
        guard let name = name(of: ref) else { return nil }
        var location: LocationExpression?
        if let value = ref.attribute(Attribute.location) {
            if let bytes = locationBytes(value, at: address, in: ref.unit), !bytes.isEmpty {
                location = LocationExpression(bytes: bytes, frameBase: frameBase, unitIndex: ref.unit.index)
            }
        } else if let constant = ref.attribute(Attribute.constValue) {
            location = constantExpression(constant, in: ref.unit).map { LocationExpression(bytes: $0, frameBase: nil, unitIndex: ref.unit.index) }
        }
        let declOwner = declaringEntry(for: ref, having: Attribute.declFile)
        return Variable(
            name: name, isParameter: isParameter, type: type(of: ref), location: location,
            declFile: declOwner.flatMap { filePath($0.attribute(Attribute.declFile), in: $0.unit) },
            declLine: attribute(Attribute.declLine, following: ref)?.unsignedValue.map { Int($0) },
            qualifiedName: qualifiedName(of: ref) ?? name)
    }

    /// `DW_AT_const_value` as an expression: the bytes as an implicit value.
    private func constantExpression(_ value: FormValue, in unit: Unit) -> [UInt8]? {
        var bytes: [UInt8]
        switch value {
        case .block(let offset, let length): bytes = Array(sections.info[offset..<offset + length])
        case .signed(let v): bytes = littleEndian(UInt64(bitPattern: v))
        case .unsigned(let v): bytes = littleEndian(v)
        default:
            guard let text = string(value, in: unit) else { return nil }
            bytes = Array(text.utf8) + [0]
        }
        var encoded: [UInt8] = [0x9e]
        var length = UInt64(bytes.count)
        repeat {
            var byte = UInt8(length & 0x7f)
            length >>= 7
            if length != 0 { byte |= 0x80 }
            encoded.append(byte)
        } while length != 0
        return encoded + bytes
    }

    /// Globals and statics (variables at a fixed address: `DW_OP_addr`/`DW_OP_addrx`), by name or
    /// qualified name ("describe::describe_calls" for a function's static); all when `name` is nil.
    public func globalVariables(named query: String?) -> [Variable] {
        var result: [Variable] = []
        for unit in units {
            guard let tree = tree(of: unit) else { continue }
            for (i, die) in tree.dies.enumerated() where UInt64(die.tag) == Tag.variable {
                let ref = DIERef(unit: unit, index: i)
                guard case .block(let offset, let length)? = ref.attribute(Attribute.location), length > 0,
                      [0x03, 0xa1].contains(sections.info[offset]) else { continue }
                // wasm-ld writes a tombstone address for data it removed (an unused global).
                if let address = staticAddress(Array(sections.info[offset..<offset + length]), in: unit), address >= 0xffff_fffe { continue }
                guard let v = variable(ref, isParameter: false, frameBase: nil, address: nil) else { continue }
                if let query, v.name != query, !qualifiedNameMatches(v.qualifiedName, query: query) { continue }
                result.append(v)
            }
        }
        return result
    }

    /// The address a `DW_OP_addr`/`DW_OP_addrx` expression starts with.
    func staticAddress(_ bytes: [UInt8], in unit: Unit) -> UInt64? {
        var cursor = ByteCursor(bytes: bytes, section: ".debug_info")
        guard let op = try? cursor.u8() else { return nil }
        if op == 0x03 { return try? cursor.fixed(unit.addressSize) }
        if op == 0xa1, let index = try? cursor.uleb() { return indexedAddress(index, in: unit) }
        return nil
    }
}
