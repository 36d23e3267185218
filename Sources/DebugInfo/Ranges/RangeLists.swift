/// Address range lists (`.debug_ranges` for DWARF 4, `.debug_rnglists` for 5) and the code
/// ranges of a DIE from `DW_AT_low_pc`/`DW_AT_high_pc` or `DW_AT_ranges`.
extension DebugInfo {
    /// Upper bound on entries read from one list: a list in a corrupt section has no terminator
    /// we can trust, and the section size already bounds it; this keeps answers small too.
    static let maximumListEntries = 1 << 16

    /// The live code ranges of a DIE (DWARF addresses), from its low/high pc or its range list.
    func codeRanges(low: FormValue?, high: FormValue?, ranges: FormValue?, in unit: Unit, keepZeroStart: Bool = false) -> [Range<UInt64>] {
        var result: [Range<UInt64>] = []
        if let low, let start = address(low, in: unit) {
            var end: UInt64?
            switch high {
            case .address?, .addressIndex?: end = high.flatMap { address($0, in: unit) }
            case let value?: end = value.unsignedValue.map { start &+ $0 }
            case nil: end = start &+ 1
            }
            if let end, end > start { result.append(start..<end) }
        } else if let ranges {
            result = rangeList(ranges, in: unit)
        }
        return result.filter { !isDeadAddress($0.lowerBound) && $0.upperBound < 0x1_0000_0000 }
    }

    /// Reads the range list an attribute names (offset or index form).
    func rangeList(_ value: FormValue, in unit: Unit) -> [Range<UInt64>] {
        let key: ListKey
        switch value {
        case .rnglistIndex(let index): key = ListKey(offset: index | (1 << 63), unit: unit.index)
        case .sectionOffset(let v), .unsigned(let v): key = ListKey(offset: v, unit: unit.index)
        default: return []
        }
        if let cached = rangeListCache[key] { return cached }
        let result = readRangeList(value, in: unit)
        rangeListCache[key] = result
        return result
    }

    private func readRangeList(_ value: FormValue, in unit: Unit) -> [Range<UInt64>] {
        if unit.version >= 5 {
            let offset: UInt64
            switch value {
            case .rnglistIndex(let index):
                guard let resolved = listOffset(index: index, base: unit.rangeListsBase, bytes: sections.rnglists, section: ".debug_rnglists") else { return [] }
                offset = resolved
            case .sectionOffset(let v), .unsigned(let v): offset = v
            default: return []
            }
            return readRangeListV5(at: offset, unit: unit)
        }
        guard let offset = sectionOffset(value) else { return [] }
        return readRangeListV4(at: offset, unit: unit)
    }

    /// DWARF 5 `DW_FORM_rnglistx`/`loclistx`: the offset table after the list header, entries
    /// relative to the base.
    func listOffset(index: UInt64, base: UInt64, bytes: [UInt8], section: String) -> UInt64? {
        let position = base &+ index &* 4
        guard position &+ 4 <= UInt64(bytes.count) else {
            warn(section: section, offset: Int(clamping: position), "list index \(index) past the end")
            return nil
        }
        var cursor = ByteCursor(bytes: bytes, section: section, offset: Int(position))
        guard let relative = try? cursor.u32() else { return nil }
        return base &+ UInt64(relative)
    }

    private func readRangeListV4(at offset: UInt64, unit: Unit) -> [Range<UInt64>] {
        guard offset < UInt64(sections.ranges.count) else {
            warn(section: ".debug_ranges", offset: Int(clamping: offset), "range list offset past the end")
            return []
        }
        var cursor = ByteCursor(bytes: sections.ranges, section: ".debug_ranges", offset: Int(offset))
        let size = unit.addressSize
        let selection: UInt64 = size == 8 ? UInt64.max : (UInt64(1) << UInt64(size * 8)) - 1
        var base = unit.baseAddress
        var result: [Range<UInt64>] = []
        do {
            for _ in 0..<DebugInfo.maximumListEntries {
                let start = try cursor.fixed(size)
                let end = try cursor.fixed(size)
                if start == 0 && end == 0 { break }
                if start == selection { base = end; continue }
                if base >= 0xffff_fffe && base != selection { continue }
                if isDeadAddress(start) && start != 0 { continue }
                if end > start { result.append((base &+ start)..<(base &+ end)) }
            }
        } catch { warn(error) }
        return result
    }

    private func readRangeListV5(at offset: UInt64, unit: Unit) -> [Range<UInt64>] {
        guard offset < UInt64(sections.rnglists.count) else {
            warn(section: ".debug_rnglists", offset: Int(clamping: offset), "range list offset past the end")
            return []
        }
        var cursor = ByteCursor(bytes: sections.rnglists, section: ".debug_rnglists", offset: Int(offset))
        var base = unit.baseAddress
        var result: [Range<UInt64>] = []
        func add(_ start: UInt64?, _ end: UInt64?) {
            guard let start, let end, end > start, !isDeadAddress(start) else { return }
            result.append(start..<end)
        }
        do {
            entries: for _ in 0..<DebugInfo.maximumListEntries {
                let kindOffset = cursor.offset
                let kind = try cursor.u8()
                switch kind {
                case 0x00: break entries                                                   // end_of_list
                case 0x01: base = indexedAddress(try cursor.uleb(), in: unit) ?? 0xffff_ffff  // base_addressx
                case 0x02:                                                                 // startx_endx
                    let start = indexedAddress(try cursor.uleb(), in: unit)
                    add(start, indexedAddress(try cursor.uleb(), in: unit))
                case 0x03:                                                                 // startx_length
                    let start = indexedAddress(try cursor.uleb(), in: unit)
                    let length = try cursor.uleb()
                    add(start, start.map { $0 &+ length })
                case 0x04:                                                                 // offset_pair
                    let start = try cursor.uleb(), end = try cursor.uleb()
                    if base < 0xffff_fffe { add(base &+ start, base &+ end) }
                case 0x05: base = try cursor.fixed(unit.addressSize)                       // base_address
                case 0x06:                                                                 // start_end
                    let start = try cursor.fixed(unit.addressSize)
                    add(start, try cursor.fixed(unit.addressSize))
                case 0x07:                                                                 // start_length
                    let start = try cursor.fixed(unit.addressSize)
                    add(start, start &+ (try cursor.uleb()))
                default:
                    throw cursor.error("unknown range list entry kind 0x\(hex(kind))", at: kindOffset)
                }
            }
        } catch { warn(error) }
        return result
    }
}
