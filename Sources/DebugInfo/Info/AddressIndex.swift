/// Which units cover which code addresses: from `.debug_aranges` when present, else from each
/// unit DIE's `DW_AT_low_pc`/`DW_AT_high_pc`/`DW_AT_ranges`, else from its line table's
/// sequences. Building it reads unit DIEs only, never whole units.
extension DebugInfo {
    var addressIndex: [(range: Range<UInt64>, unit: Int)] {
        if let addressIndexStorage { return addressIndexStorage }
        var entries: [(range: Range<UInt64>, unit: Int)] = []
        let fromAranges = readAranges()
        for unit in units {
            if let ranges = fromAranges[unit.offset], !ranges.isEmpty {
                entries += ranges.map { ($0, unit.index) }
                continue
            }
            readRoot(of: unit)
            var ranges = unit.ranges
            if ranges.isEmpty, let table = lineTable(of: unit) {
                ranges = table.sequences.map(\.range).filter { !$0.isEmpty }
            }
            entries += ranges.map { ($0, unit.index) }
        }
        entries.sort { $0.range.lowerBound < $1.range.lowerBound }
        addressIndexStorage = entries
        return entries
    }

    /// The units whose ranges contain a DWARF address (usually one).
    func units(covering address: UInt64) -> [Unit] {
        let index = addressIndex
        var result: [Unit] = []
        // Ranges may overlap in odd input, so check every range that starts at or before.
        var low = 0, high = index.count
        while low < high {
            let mid = (low + high) / 2
            if index[mid].range.lowerBound <= address { low = mid + 1 } else { high = mid }
        }
        var i = low - 1
        while i >= 0 {
            if index[i].range.contains(address), !result.contains(where: { $0.index == index[i].unit }) {
                result.append(units[index[i].unit])
            }
            i -= 1
        }
        return result
    }

    /// `.debug_aranges`: unit header offset -> ranges. Malformed sets are skipped with a warning.
    private func readAranges() -> [Int: [Range<UInt64>]] {
        var result: [Int: [Range<UInt64>]] = [:]
        var cursor = ByteCursor(bytes: sections.aranges, section: ".debug_aranges")
        while !cursor.isAtEnd {
            let start = cursor.offset
            do {
                let length = try cursor.unitLength()
                let end = cursor.offset + length
                guard end <= sections.aranges.count else { throw cursor.error("set length runs past the end", at: start) }
                cursor.limit = end
                let version = try cursor.u16()
                guard version == 2 else { throw cursor.error("unsupported .debug_aranges version \(version)", at: start + 4) }
                let infoOffset = Int(try cursor.u32())
                let addressSize = Int(try cursor.u8())
                _ = try cursor.u8()
                guard [4, 8].contains(addressSize) else { throw cursor.error("unsupported address size \(addressSize)", at: start) }
                let tupleSize = 2 * addressSize
                let misalignment = (cursor.offset - start) % tupleSize
                if misalignment != 0 { try cursor.skip(tupleSize - misalignment) }
                var ranges: [Range<UInt64>] = []
                while cursor.remaining >= tupleSize {
                    let address = try cursor.fixed(addressSize), length = try cursor.fixed(addressSize)
                    if address == 0 && length == 0 { break }
                    if !isDeadAddress(address) && length > 0 && address &+ length > address { ranges.append(address..<(address + length)) }
                }
                result[infoOffset, default: []] += ranges
                cursor.limit = sections.aranges.count
                cursor.offset = end
            } catch {
                warn(error)
                break
            }
        }
        return result
    }
}
