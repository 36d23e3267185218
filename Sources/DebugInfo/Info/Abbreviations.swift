/// One abbreviation declaration of `.debug_abbrev`: the tag, whether the DIE has children, and
/// the attribute/form pairs its DIEs carry in order.
struct Abbreviation {
    struct Spec {
        var attribute: UInt64
        var form: UInt64
        var implicitConst: Int64
    }
    var code: UInt64
    var tag: UInt64
    var hasChildren: Bool
    var specs: [Spec]
}

/// The abbreviation table that starts at one offset of `.debug_abbrev` (several units may share it).
struct AbbreviationTable {
    /// Codes are usually 1...n; those are kept in an array, any others in a dictionary.
    private var dense: [Abbreviation?] = []
    private var sparse: [UInt64: Abbreviation] = [:]

    subscript(code: UInt64) -> Abbreviation? {
        if code < UInt64(dense.count) { return dense[Int(code)] }
        return sparse[code]
    }

    static func parse(_ bytes: [UInt8], at offset: UInt64) throws(DwarfError) -> AbbreviationTable {
        guard offset < UInt64(bytes.count) else {
            throw DwarfError(section: ".debug_abbrev", offset: Int(clamping: offset), message: "abbreviation table offset past the end")
        }
        var cursor = ByteCursor(bytes: bytes, section: ".debug_abbrev", offset: Int(offset))
        var table = AbbreviationTable()
        while true {
            let codeOffset = cursor.offset
            let code = try cursor.uleb()
            if code == 0 { break }
            let tag = try cursor.uleb()
            let children = try cursor.u8()
            guard children <= 1 else { throw cursor.error("bad children flag \(children)", at: cursor.offset - 1) }
            var specs: [Abbreviation.Spec] = []
            while true {
                let attribute = try cursor.uleb()
                let form = try cursor.uleb()
                if attribute == 0 && form == 0 { break }
                let implicit = form == Form.implicitConst ? try cursor.sleb() : 0
                specs.append(.init(attribute: attribute, form: form, implicitConst: implicit))
            }
            if table[code] != nil { throw cursor.error("duplicate abbreviation code \(code)", at: codeOffset) }
            let abbreviation = Abbreviation(code: code, tag: tag, hasChildren: children == 1, specs: specs)
            if code < 4096 {
                if Int(code) >= table.dense.count { table.dense += Array(repeating: nil, count: Int(code) + 1 - table.dense.count) }
                table.dense[Int(code)] = abbreviation
            } else {
                table.sparse[code] = abbreviation
            }
        }
        return table
    }
}
