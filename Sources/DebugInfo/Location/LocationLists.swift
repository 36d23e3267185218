/// Location lists (`.debug_loc` for DWARF 4, `.debug_loclists` for 5): which expression holds
/// for which code range. Entries of code wasm-ld removed (tombstone addresses) are dropped.
struct LocationListEntry {
    /// DWARF code addresses; nil for a DWARF 5 default location.
    var range: Range<UInt64>?
    var expression: [UInt8]
}

extension DebugInfo {
    /// The entries of the list an attribute names (offset or index form).
    func locationList(_ value: FormValue, in unit: Unit) -> [LocationListEntry] {
        let key: ListKey
        switch value {
        case .loclistIndex(let index): key = ListKey(offset: index | (1 << 63), unit: unit.index)
        case .sectionOffset(let v), .unsigned(let v): key = ListKey(offset: v, unit: unit.index)
        default: return []
        }
        if let cached = locationListCache[key] { return cached }
        let result = readLocationList(value, in: unit)
        locationListCache[key] = result
        return result
    }

    private func readLocationList(_ value: FormValue, in unit: Unit) -> [LocationListEntry] {
        if unit.version >= 5 {
            let offset: UInt64
            switch value {
            case .loclistIndex(let index):
                guard let resolved = listOffset(index: index, base: unit.locationListsBase, bytes: sections.loclists, section: ".debug_loclists") else { return [] }
                offset = resolved
            case .sectionOffset(let v), .unsigned(let v): offset = v
            default: return []
            }
            return readLocationListV5(at: offset, unit: unit)
        }
        guard let offset = sectionOffset(value) else { return [] }
        return readLocationListV4(at: offset, unit: unit)
    }

    private func readLocationListV4(at offset: UInt64, unit: Unit) -> [LocationListEntry] {
        guard offset < UInt64(sections.loc.count) else {
            warn(section: ".debug_loc", offset: Int(clamping: offset), "location list offset past the end")
            return []
        }
        var cursor = ByteCursor(bytes: sections.loc, section: ".debug_loc", offset: Int(offset))
        let size = unit.addressSize
        let selection: UInt64 = size == 8 ? UInt64.max : (UInt64(1) << UInt64(size * 8)) - 1
        var base = unit.baseAddress
        var result: [LocationListEntry] = []
        do {
            for _ in 0..<DebugInfo.maximumListEntries {
                let start = try cursor.fixed(size)
                let end = try cursor.fixed(size)
                if start == 0 && end == 0 { break }
                if start == selection { base = end; continue }
                let length = Int(try cursor.u16())
                let expression = try cursor.take(length)
                guard base < 0xffff_fffe, !(isDeadAddress(start) && start != 0), end > start else { continue }
                result.append(LocationListEntry(range: (base &+ start)..<(base &+ end), expression: expression))
            }
        } catch { warn(error) }
        return result
    }

    private func readLocationListV5(at offset: UInt64, unit: Unit) -> [LocationListEntry] {
        guard offset < UInt64(sections.loclists.count) else {
            warn(section: ".debug_loclists", offset: Int(clamping: offset), "location list offset past the end")
            return []
        }
        var cursor = ByteCursor(bytes: sections.loclists, section: ".debug_loclists", offset: Int(offset))
        var base = unit.baseAddress
        var result: [LocationListEntry] = []
        func add(_ start: UInt64?, _ end: UInt64?, _ expression: [UInt8]) {
            guard let start, let end, end > start, !isDeadAddress(start) else { return }
            result.append(LocationListEntry(range: start..<end, expression: expression))
        }
        do {
            entries: for _ in 0..<DebugInfo.maximumListEntries {
                let kindOffset = cursor.offset
                let kind = try cursor.u8()
                switch kind {
                case 0x00: break entries                                                     // end_of_list
                case 0x01: base = indexedAddress(try cursor.uleb(), in: unit) ?? 0xffff_ffff // base_addressx
                case 0x06: base = try cursor.fixed(unit.addressSize)                         // base_address
                case 0x02:                                                                   // startx_endx
                    let start = indexedAddress(try cursor.uleb(), in: unit), end = indexedAddress(try cursor.uleb(), in: unit)
                    add(start, end, try cursor.take(try cursor.ulebCount()))
                case 0x03:                                                                   // startx_length
                    let start = indexedAddress(try cursor.uleb(), in: unit), length = try cursor.uleb()
                    add(start, start.map { $0 &+ length }, try cursor.take(try cursor.ulebCount()))
                case 0x04:                                                                   // offset_pair
                    let start = try cursor.uleb(), end = try cursor.uleb()
                    let expression = try cursor.take(try cursor.ulebCount())
                    if base < 0xffff_fffe { add(base &+ start, base &+ end, expression) }
                case 0x05:                                                                   // default_location
                    result.append(LocationListEntry(range: nil, expression: try cursor.take(try cursor.ulebCount())))
                case 0x07:                                                                   // start_end
                    let start = try cursor.fixed(unit.addressSize), end = try cursor.fixed(unit.addressSize)
                    add(start, end, try cursor.take(try cursor.ulebCount()))
                case 0x08:                                                                   // start_length
                    let start = try cursor.fixed(unit.addressSize), length = try cursor.uleb()
                    add(start, start &+ length, try cursor.take(try cursor.ulebCount()))
                default:
                    throw cursor.error("unknown location list entry kind 0x\(hex(kind))", at: kindOffset)
                }
            }
        } catch { warn(error) }
        return result
    }

    /// The expression of a `DW_AT_location` (block or list) that holds at a DWARF address;
    /// nil when none does (optimized out there).
    func locationBytes(_ value: FormValue, at address: UInt64?, in unit: Unit) -> [UInt8]? {
        if case .block(let offset, let length) = value { return Array(sections.info[offset..<offset + length]) }
        let entries = locationList(value, in: unit)
        if let address, let hit = entries.first(where: { $0.range?.contains(address) ?? false }) { return hit.expression }
        return entries.first(where: { $0.range == nil })?.expression
    }
}
