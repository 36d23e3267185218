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

    /// The declaration of `code` in the table at `offset`, read without building the table: the
    /// address index reads the root entry of every unit (whose code is usually the table's
    /// first), and most units' tables are never needed whole. Nil if the table ends first. A
    /// fault later in the table is found when the whole table is parsed.
    static func find(_ code: UInt64, in bytes: [UInt8], at offset: UInt64) throws(DwarfError) -> Abbreviation? {
        guard offset < UInt64(bytes.count) else {
            throw DwarfError(section: ".debug_abbrev", offset: Int(clamping: offset), message: "abbreviation table offset past the end")
        }
        var cursor = ByteCursor(bytes: bytes, section: ".debug_abbrev", offset: Int(offset))
        while true {
            guard let (found, abbreviation) = try readDeclaration(&cursor, keep: { $0 == code }) else { return nil }
            if found { return abbreviation }
        }
    }

    /// Reads one declaration at the cursor: nil at the table's end (code 0); else whether `keep`
    /// wanted its code, with the declaration built only then.
    private static func readDeclaration(_ cursor: inout ByteCursor, keep: (UInt64) -> Bool) throws(DwarfError) -> (Bool, Abbreviation?)? {
        let code = try cursor.uleb()
        if code == 0 { return nil }
        let tag = try cursor.uleb()
        let children = try cursor.u8()
        guard children <= 1 else { throw cursor.error("bad children flag \(children)", at: cursor.offset - 1) }
        let wanted = keep(code)
        var specs: [Abbreviation.Spec] = []
        while true {
            let attribute = try cursor.uleb()
            let form = try cursor.uleb()
            if attribute == 0 && form == 0 { break }
            let implicit = form == Form.implicitConst ? try cursor.sleb() : 0
            if wanted { specs.append(.init(attribute: attribute, form: form, implicitConst: implicit)) }
        }
        return (wanted, wanted ? Abbreviation(code: code, tag: tag, hasChildren: children == 1, specs: specs) : nil)
    }

    static func parse(_ bytes: [UInt8], at offset: UInt64) throws(DwarfError) -> AbbreviationTable {
        guard offset < UInt64(bytes.count) else {
            throw DwarfError(section: ".debug_abbrev", offset: Int(clamping: offset), message: "abbreviation table offset past the end")
        }
        var cursor = ByteCursor(bytes: bytes, section: ".debug_abbrev", offset: Int(offset))
        var table = AbbreviationTable()
        while true {
            let codeOffset = cursor.offset
            guard let (_, declaration) = try readDeclaration(&cursor, keep: { _ in true }),
                  let abbreviation = declaration else { break }
            let code = abbreviation.code
            if table[code] != nil { throw cursor.error("duplicate abbreviation code \(code)", at: codeOffset) }
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
