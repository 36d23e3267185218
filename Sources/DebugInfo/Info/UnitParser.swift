/// Reading `.debug_info`: unit headers, unit DIEs and whole DIE trees.
extension DebugInfo {
    /// Deepest DIE nesting accepted; real programs stay far below (namespaces, classes, blocks).
    static let maximumNesting = 256

    func scanUnitHeaders() -> [Unit] {
        var result: [Unit] = []
        var cursor = ByteCursor(bytes: sections.info, section: ".debug_info")
        while !cursor.isAtEnd {
            let start = cursor.offset
            do {
                let length = try cursor.unitLength()
                let end = cursor.offset + length
                guard end <= sections.info.count else {
                    throw cursor.error("unit length 0x\(hex(length)) runs past the end of the section", at: start)
                }
                cursor.limit = end
                let version = try cursor.u16()
                guard (2...5).contains(version) else { throw cursor.error("unsupported DWARF version \(version)", at: start + 4) }
                var unitType: UInt8 = 0x01
                var addressSize: Int
                let abbreviationOffset: UInt64
                if version >= 5 {
                    unitType = try cursor.u8()
                    addressSize = Int(try cursor.u8())
                    abbreviationOffset = UInt64(try cursor.u32())
                    switch unitType {
                    case 0x01, 0x03: break                                  // compile, partial
                    case 0x02, 0x06: try cursor.skip(12)                    // type units: signature, type offset
                    case 0x04, 0x05: try cursor.skip(8)                     // skeleton, split: dwo id
                    default: throw cursor.error("unknown unit type 0x\(hex(unitType))", at: start + 6)
                    }
                } else {
                    abbreviationOffset = UInt64(try cursor.u32())
                    addressSize = Int(try cursor.u8())
                }
                guard [1, 2, 4, 8].contains(addressSize) else {
                    throw cursor.error("unsupported address size \(addressSize)", at: start)
                }
                let unit = Unit(index: result.count, offset: start, firstEntryOffset: cursor.offset, end: end,
                                version: version, unitType: unitType, addressSize: addressSize,
                                abbreviationOffset: abbreviationOffset)
                if unitType == 0x01 || unitType == 0x03 { result.append(unit) }
                else { warn(section: ".debug_info", offset: start, "unit type 0x\(hex(unitType)) (type or split unit) is not supported") }
                cursor.limit = sections.info.count
                cursor.offset = end
            } catch {
                warn(error)
                break
            }
        }
        return result
    }

    func abbreviations(at offset: UInt64) -> AbbreviationTable? {
        if let table = abbreviationTables[offset] { return table }
        if badAbbreviationTables.contains(offset) { return nil }
        do {
            let table = try AbbreviationTable.parse(sections.abbrev, at: offset)
            abbreviationTables[offset] = table
            return table
        } catch {
            warn(error)
            badAbbreviationTables.insert(offset)
            return nil
        }
    }

    /// Reads one DIE's attributes at the cursor into `attributes`; nil for a null entry.
    private func readEntry(_ cursor: inout ByteCursor, table: AbbreviationTable, unit: Unit,
                           attributes: inout [AttributeEntry]) throws(DwarfError) -> Abbreviation? {
        let start = cursor.offset
        let code = try cursor.uleb()
        if code == 0 { return nil }
        guard let abbreviation = table[code] else { throw cursor.error("unknown abbreviation code \(code)", at: start) }
        try readAttributes(&cursor, of: abbreviation, unit: unit, into: &attributes)
        return abbreviation
    }

    private func readAttributes(_ cursor: inout ByteCursor, of abbreviation: Abbreviation, unit: Unit,
                                into attributes: inout [AttributeEntry]) throws(DwarfError) {
        let context = unit.formContext
        for spec in abbreviation.specs {
            let value = try cursor.formValue(spec.form, implicitConst: spec.implicitConst, context: context)
            attributes.append(AttributeEntry(name: UInt16(truncatingIfNeeded: spec.attribute), value: value))
        }
    }

    /// Reads the unit DIE only (for the address index, bases and the line program offset).
    func readRoot(of unit: Unit) {
        if unit.rootRead { return }
        unit.rootRead = true
        let offset = unit.abbreviationOffset
        if badAbbreviationTables.contains(offset) { return }
        var cursor = ByteCursor(bytes: sections.info, section: ".debug_info", offset: unit.firstEntryOffset, limit: unit.end)
        var attributes: [AttributeEntry] = []
        do {
            let start = cursor.offset
            let code = try cursor.uleb()
            if code == 0 { return }
            // The one declaration the root needs, unless the table is already parsed: the
            // address index reads every unit's root, and most tables are never needed whole.
            let declaration: Abbreviation?
            if let table = abbreviationTables[offset] {
                declaration = table[code]
            } else {
                do {
                    declaration = try AbbreviationTable.find(code, in: sections.abbrev, at: offset)
                } catch {
                    badAbbreviationTables.insert(offset)
                    throw error
                }
            }
            guard let abbreviation = declaration else { throw cursor.error("unknown abbreviation code \(code)", at: start) }
            try readAttributes(&cursor, of: abbreviation, unit: unit, into: &attributes)
            unit.rootTag = abbreviation.tag
            var tree = DIETree()
            tree.dies = [DIE(offset: UInt32(unit.firstEntryOffset), tag: UInt16(truncatingIfNeeded: abbreviation.tag),
                             attributeCount: UInt16(truncatingIfNeeded: attributes.count), attributeStart: 0, parent: -1, subtreeEnd: 1)]
            tree.attributes = attributes
            applyRoot(tree, to: unit)
        } catch {
            warn(error)
        }
    }

    /// Takes the unit-wide facts from the unit DIE (index 0 of `tree`).
    private func applyRoot(_ tree: DIETree, to unit: Unit) {
        func value(_ name: UInt64) -> FormValue? { tree.attribute(name, of: 0) }
        unit.language = value(Attribute.language)?.unsignedValue ?? 0
        if case .sectionOffset(let base)? = value(Attribute.strOffsetsBase) { unit.stringOffsetsBase = base }
        else if let base = value(Attribute.strOffsetsBase)?.unsignedValue { unit.stringOffsetsBase = base }
        if let base = value(Attribute.addrBase).flatMap(sectionOffset) { unit.addressBase = base }
        if let base = value(Attribute.rnglistsBase).flatMap(sectionOffset) { unit.rangeListsBase = base }
        if let base = value(Attribute.loclistsBase).flatMap(sectionOffset) { unit.locationListsBase = base }
        if let low = value(Attribute.lowPC) { unit.baseAddress = address(low, in: unit) ?? 0 }
        if let list = value(Attribute.stmtList).flatMap(sectionOffset) { unit.statementList = list }
        unit.name = value(Attribute.name).flatMap { string($0, in: unit) }
        unit.compilationDirectory = value(Attribute.compDir).flatMap { string($0, in: unit) }
        unit.producer = value(Attribute.producer).flatMap { string($0, in: unit) }
        unit.ranges = codeRanges(low: value(Attribute.lowPC), high: value(Attribute.highPC),
                                 ranges: value(Attribute.ranges), in: unit, keepZeroStart: true)
    }

    func sectionOffset(_ value: FormValue) -> UInt64? {
        switch value {
        case .sectionOffset(let v), .unsigned(let v): return v
        default: return nil
        }
    }

    /// Parses every DIE of the unit (iteratively: nesting is tracked with an explicit stack).
    func parseTree(of unit: Unit) -> DIETree? {
        guard let table = abbreviations(at: unit.abbreviationOffset) else { return nil }
        var tree = DIETree()
        var cursor = ByteCursor(bytes: sections.info, section: ".debug_info", offset: unit.firstEntryOffset, limit: unit.end)
        var open: [Int] = []
        do {
            while !cursor.isAtEnd {
                let entryOffset = cursor.offset
                let attributeStart = tree.attributes.count
                guard let abbreviation = try readEntry(&cursor, table: table, unit: unit, attributes: &tree.attributes) else {
                    // A null entry ends the current sibling list; after the unit DIE closes,
                    // the rest is padding.
                    guard let parent = open.popLast() else { continue }
                    tree.dies[parent].subtreeEnd = Int32(tree.dies.count)
                    if open.isEmpty { break }
                    continue
                }
                let index = tree.dies.count
                let count = tree.attributes.count - attributeStart
                guard count <= Int(UInt16.max) else { throw cursor.error("too many attributes", at: entryOffset) }
                tree.dies.append(DIE(offset: UInt32(entryOffset), tag: UInt16(truncatingIfNeeded: abbreviation.tag),
                                     attributeCount: UInt16(count), attributeStart: Int32(attributeStart),
                                     parent: Int32(open.last ?? -1), subtreeEnd: Int32(index + 1)))
                if abbreviation.hasChildren {
                    guard open.count < DebugInfo.maximumNesting else {
                        throw cursor.error("DIEs nested deeper than \(DebugInfo.maximumNesting)", at: entryOffset)
                    }
                    open.append(index)
                } else if open.isEmpty {
                    break
                }
            }
            if !open.isEmpty { throw cursor.error("unit ends inside an open list of children") }
        } catch {
            warn(error)
        }
        for parent in open { tree.dies[parent].subtreeEnd = Int32(tree.dies.count) }
        guard !tree.dies.isEmpty else { return nil }
        if !unit.rootRead {
            unit.rootRead = true
            unit.rootTag = UInt64(tree.dies[0].tag)
            applyRoot(tree, to: unit)
        }
        return tree
    }

    // MARK: resolving values

    func string(_ value: FormValue, in unit: Unit) -> String? {
        let key: StringKey
        switch value {
        case .inlineString(let offset): key = StringKey(form: 0, offset: UInt64(offset), unit: -1)
        case .strp(let offset): key = StringKey(form: 1, offset: offset, unit: -1)
        case .lineStrp(let offset): key = StringKey(form: 2, offset: offset, unit: -1)
        case .strIndex(let index): key = StringKey(form: 3, offset: index, unit: unit.index)
        default: return nil
        }
        if let cached = stringCache[key] { return cached }
        let result = resolveString(value, in: unit)
        stringCache[key] = .some(result)
        return result
    }

    private func resolveString(_ value: FormValue, in unit: Unit) -> String? {
        do {
            switch value {
            case .inlineString(let offset):
                var cursor = ByteCursor(bytes: sections.info, section: ".debug_info", offset: offset, limit: unit.end)
                return try cursor.cString()
            case .strp(let offset):
                return try readString(in: sections.str, section: ".debug_str", at: offset)
            case .lineStrp(let offset):
                return try readString(in: sections.lineStr, section: ".debug_line_str", at: offset)
            case .strIndex(let index):
                let position = unit.stringOffsetsBase &+ index &* 4
                guard position < UInt64(sections.strOffsets.count) else {
                    throw DwarfError(section: ".debug_str_offsets", offset: Int(clamping: position), message: "string index \(index) past the end")
                }
                var cursor = ByteCursor(bytes: sections.strOffsets, section: ".debug_str_offsets", offset: Int(position))
                return try readString(in: sections.str, section: ".debug_str", at: UInt64(try cursor.u32()))
            default:
                return nil
            }
        } catch {
            warn(error)
            return nil
        }
    }

    /// The `.debug_addr` entry `index` of the unit's table.
    func indexedAddress(_ index: UInt64, in unit: Unit) -> UInt64? {
        let position = unit.addressBase &+ index &* UInt64(unit.addressSize)
        guard position < UInt64(sections.addr.count) else {
            warn(section: ".debug_addr", offset: Int(clamping: position), "address index \(index) past the end")
            return nil
        }
        var cursor = ByteCursor(bytes: sections.addr, section: ".debug_addr", offset: Int(position))
        do { return try cursor.fixed(unit.addressSize) } catch { warn(error); return nil }
    }

    func address(_ value: FormValue, in unit: Unit) -> UInt64? {
        switch value {
        case .address(let a): return a
        case .addressIndex(let i): return indexedAddress(i, in: unit)
        default: return nil
        }
    }
}
