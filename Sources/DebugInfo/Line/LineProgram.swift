/// A unit's line program (`.debug_line`, versions 2 to 5) run into rows, grouped in sequences.
struct LineTable {
    struct Row {
        var address: UInt64
        var file: UInt32
        var line: UInt32
        var column: UInt32
        var isStatement: Bool
        var prologueEnd: Bool
        var epilogueBegin: Bool
        var endSequence: Bool
    }

    /// One contiguous run of code; `rows` ascend by address and the last one ends the sequence.
    struct Sequence {
        var rows: [Row]
        var range: Range<UInt64> { (rows.first?.address ?? 0)..<(rows.last?.address ?? 0) }
    }

    /// A file entry of the header, joined into a path only when asked: a table is often read
    /// for its addresses alone (the address index reads the tables of units without ranges),
    /// and joining every entry's directory and name was a quarter of reading wasi-libc's tables.
    enum FileEntry {
        /// DWARF 4's unused entry 0.
        case unused
        /// A name under a directory (already joined with the compilation directory).
        case inDirectory(String?, String)
        /// A name given whole (`DW_LNE_define_file`).
        case whole(String)

        var path: String {
            switch self {
            case .unused: return ""
            case .inDirectory(let directory, let name): return joinPath(directory, name)
            case .whole(let name): return normalizePath(name)
            }
        }
    }

    /// The file entries by the program's file numbers (DWARF 4 numbers from 1; 0 is unused).
    var fileEntries: [FileEntry] = []
    var sequences: [Sequence] = []

    /// Every file's full path by file number ("" for an unused number).
    var files: [String] { fileEntries.map(\.path) }

    func path(ofFile index: UInt32) -> String? {
        guard Int(index) < fileEntries.count else { return nil }
        let path = fileEntries[Int(index)].path
        return path.isEmpty ? nil : path
    }
}

/// Joins a directory and a name as the line program means them, dropping "." and empty
/// components ("./" prefixes, "a//b") but keeping ".." (a symbolic link may make it matter).
func joinPath(_ directory: String?, _ name: String) -> String {
    guard let directory, !directory.isEmpty, !name.hasPrefix("/") else { return normalizePath(name) }
    return normalizePath(directory + "/" + name)
}

func normalizePath(_ path: String) -> String {
    // Most paths of a line table are already normal; splitting and joining each of them was a
    // third of the cost of reading wasi-libc's line tables (the first breakpoint of a session).
    if isNormalPath(path) { return path }
    // On the UTF-8 bytes: splitting the String compares Characters (grapheme breaking), about
    // 20 K instructions for one of wasi-libc's directory paths.
    let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
    let bytes = Array(path.utf8)
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    if bytes.first == slash { result.append(slash) }
    var start = 0
    while start <= bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != slash { end += 1 }
        let length = end - start
        if length > 0 && !(length == 1 && bytes[start] == dot) {
            if let last = result.last, last != slash { result.append(slash) }
            result.append(contentsOf: bytes[start..<end])
        }
        start = end + 1
    }
    if result.isEmpty { return "." }
    return String(decoding: result, as: UTF8.self)
}

/// Whether `normalizePath` would return `path` unchanged: no empty component (`//`, a trailing
/// `/`) and no `.` component, and not empty.
private func isNormalPath(_ path: String) -> Bool {
    let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
    var length = 0          // of the current component
    var onlyDot = false     // the current component is "."
    var first = true
    for byte in path.utf8 {
        if byte == slash {
            // An empty component is allowed only as the root of an absolute path.
            if (length == 0 && !first) || onlyDot { return false }
            length = 0
            onlyDot = false
        } else {
            onlyDot = length == 0 && byte == dot
            length += 1
        }
        first = false
    }
    return length > 0 && !onlyDot
}

extension DebugInfo {
    /// The unit's line table, read on first use (nil when it has none or it cannot be read).
    func lineTable(of unit: Unit) -> LineTable? {
        if unit.lineTableRead { return unit.lineTable }
        unit.lineTableRead = true
        readRoot(of: unit)
        guard let offset = unit.statementList else { return nil }
        do {
            unit.lineTable = try parseLineProgram(at: offset, unit: unit)
        } catch {
            warn(error)
        }
        return unit.lineTable
    }

    private func lineString(_ value: FormValue, unit: Unit) -> String? {
        if case .inlineString(let offset) = value {
            var cursor = ByteCursor(bytes: sections.line, section: ".debug_line", offset: offset)
            return try? cursor.cString()
        }
        return string(value, in: unit)
    }

    func parseLineProgram(at offset: UInt64, unit: Unit) throws(DwarfError) -> LineTable {
        guard offset < UInt64(sections.line.count) else {
            throw DwarfError(section: ".debug_line", offset: Int(clamping: offset), message: "line program offset past the end")
        }
        var cursor = ByteCursor(bytes: sections.line, section: ".debug_line", offset: Int(offset))
        let start = cursor.offset
        let length = try cursor.unitLength()
        let end = cursor.offset + length
        guard end <= sections.line.count else { throw cursor.error("line program length 0x\(hex(length)) runs past the end", at: start) }
        cursor.limit = end
        let version = try cursor.u16()
        guard (2...5).contains(version) else { throw cursor.error("unsupported line table version \(version)", at: start + 4) }
        var addressSize = unit.addressSize
        if version >= 5 {
            addressSize = Int(try cursor.u8())
            _ = try cursor.u8()                                      // segment selector size
        }
        let headerLength = Int(try cursor.u32())
        let programStart = cursor.offset + headerLength
        guard programStart <= end else { throw cursor.error("header length 0x\(hex(headerLength)) runs past the program") }
        let minimumInstructionLength = UInt64(try cursor.u8())
        if version >= 4 { _ = try cursor.u8() }                      // maximum operations per instruction (VLIW only)
        let defaultIsStatement = try cursor.u8() != 0
        let lineBase = Int64(Int8(bitPattern: try cursor.u8()))
        let lineRange = UInt64(try cursor.u8())
        let opcodeBase = try cursor.u8()
        guard lineRange != 0 else { throw cursor.error("line_range is 0") }
        guard opcodeBase >= 1 else { throw cursor.error("opcode_base is 0") }
        var standardLengths: [UInt8] = [0]
        for _ in 1..<Int(opcodeBase) { standardLengths.append(try cursor.u8()) }

        var table = LineTable()
        let compDir = unit.compilationDirectory
        if version >= 5 {
            let context = FormContext(version: 5, addressSize: addressSize, unitOffset: 0)
            let directories = try readEntryList(&cursor, context: context, unit: unit)
            var dirs: [String] = []
            for (i, entry) in directories.enumerated() {
                let name = entry.path ?? ""
                dirs.append(i == 0 ? joinPath(compDir, name) : joinPath(dirs.first, name))
            }
            for entry in try readEntryList(&cursor, context: context, unit: unit) {
                let index = Int(entry.directory)
                table.fileEntries.append(.inDirectory(index < dirs.count ? dirs[index] : nil, entry.path ?? ""))
            }
        } else {
            var dirs: [String] = [compDir ?? ""]
            while true {
                let directory = try cursor.cString()
                if directory.isEmpty { break }
                dirs.append(joinPath(compDir, directory))
            }
            table.fileEntries.append(.unused)
            while true {
                let name = try cursor.cString()
                if name.isEmpty { break }
                let index = Int(try cursor.uleb())
                _ = try cursor.uleb(); _ = try cursor.uleb()          // modification time, length
                table.fileEntries.append(.inDirectory(index < dirs.count ? dirs[index] : nil, name))
            }
        }
        cursor.offset = programStart
        try runLineProgram(&cursor, into: &table, version: version, addressSize: addressSize,
                           minimumInstructionLength: minimumInstructionLength, defaultIsStatement: defaultIsStatement,
                           lineBase: lineBase, lineRange: lineRange, opcodeBase: opcodeBase, standardLengths: standardLengths)
        table.sequences.sort { $0.range.lowerBound < $1.range.lowerBound }
        return table
    }

    private struct EntryFormatResult {
        var path: String?
        var directory: UInt64 = 0
    }

    /// A DWARF 5 directory or file name table: its entry format, then the entries.
    private func readEntryList(_ cursor: inout ByteCursor, context: FormContext, unit: Unit) throws(DwarfError) -> [EntryFormatResult] {
        let formatCount = Int(try cursor.u8())
        var format: [(content: UInt64, form: UInt64)] = []
        for _ in 0..<formatCount { format.append((try cursor.uleb(), try cursor.uleb())) }
        let count = try cursor.ulebCount()
        var result: [EntryFormatResult] = []
        for _ in 0..<count {
            var entry = EntryFormatResult()
            for (content, form) in format {
                let value = try cursor.formValue(form, implicitConst: 0, context: context)
                switch content {
                case 1: entry.path = lineString(value, unit: unit)           // DW_LNCT_path
                case 2: entry.directory = value.unsignedValue ?? 0           // DW_LNCT_directory_index
                default: break                                               // timestamp, size, MD5
                }
            }
            result.append(entry)
        }
        return result
    }

    private func runLineProgram(_ cursor: inout ByteCursor, into table: inout LineTable, version: UInt16, addressSize: Int,
                                minimumInstructionLength: UInt64, defaultIsStatement: Bool, lineBase: Int64,
                                lineRange: UInt64, opcodeBase: UInt8, standardLengths: [UInt8]) throws(DwarfError) {
        let initial = LineTable.Row(address: 0, file: 1, line: 1, column: 0, isStatement: defaultIsStatement,
                                    prologueEnd: false, epilogueBegin: false, endSequence: false)
        var state = initial
        var rows: [LineTable.Row] = []
        func emit() {
            rows.append(state)
            state.prologueEnd = false
            state.epilogueBegin = false
        }
        func advanceLine(_ delta: Int64) {
            state.line = UInt32(truncatingIfNeeded: Int64(state.line) &+ delta)
        }
        while !cursor.isAtEnd {
            let opcodeOffset = cursor.offset
            let opcode = try cursor.u8()
            if opcode >= opcodeBase {
                let adjusted = UInt64(opcode - opcodeBase)
                state.address &+= minimumInstructionLength &* (adjusted / lineRange)
                advanceLine(lineBase + Int64(adjusted % lineRange))
                emit()
                continue
            }
            switch opcode {
            case 0:
                let length = try cursor.ulebCount()
                guard length > 0 else { continue }
                let bodyEnd = cursor.offset + length
                let sub = try cursor.u8()
                switch sub {
                case 1:                                                               // end_sequence
                    state.endSequence = true
                    emit()
                    finishSequence(rows, into: &table)
                    rows.removeAll(keepingCapacity: true)
                    state = initial
                case 2: state.address = try cursor.fixed(min(max(length - 1, 1), 8))  // set_address
                case 3:                                                               // define_file (DWARF <= 4)
                    let name = try cursor.cString()
                    _ = try cursor.uleb(); _ = try cursor.uleb(); _ = try cursor.uleb()
                    table.fileEntries.append(.whole(name))
                default: break                                                        // set_discriminator, vendor
                }
                guard bodyEnd <= cursor.limit else { throw cursor.error("extended opcode runs past the program", at: opcodeOffset) }
                cursor.offset = bodyEnd
            case 1: emit()                                                            // copy
            case 2: state.address &+= minimumInstructionLength &* (try cursor.uleb()) // advance_pc
            case 3: advanceLine(try cursor.sleb())                                    // advance_line
            case 4: state.file = UInt32(truncatingIfNeeded: try cursor.uleb())        // set_file
            case 5: state.column = UInt32(truncatingIfNeeded: try cursor.uleb())      // set_column
            case 6: state.isStatement.toggle()                                        // negate_stmt
            case 7: break                                                             // set_basic_block
            case 8: state.address &+= minimumInstructionLength &* ((255 - UInt64(opcodeBase)) / lineRange)
            case 9: state.address &+= UInt64(try cursor.u16())                        // fixed_advance_pc
            case 10: state.prologueEnd = true
            case 11: state.epilogueBegin = true
            default:                                                                  // set_isa and unknown ones
                for _ in 0..<Int(standardLengths[Int(opcode)]) { _ = try cursor.uleb() }
            }
        }
        // A program that stops without end_sequence loses its last rows (llvm-dwarfdump warns too).
        if !rows.isEmpty {
            throw cursor.error("line program ends without DW_LNE_end_sequence")
        }
    }

    private func finishSequence(_ rows: [LineTable.Row], into table: inout LineTable) {
        guard let first = rows.first, !isDeadAddress(first.address), rows.count >= 2 else { return }
        var sorted = rows
        // Producers write ascending addresses; keep lookups correct if one did not.
        if zip(rows, rows.dropFirst()).contains(where: { $0.address > $1.address }) {
            sorted = rows.enumerated().sorted { ($0.element.address, $0.offset) < ($1.element.address, $1.offset) }.map(\.element)
        }
        table.sequences.append(LineTable.Sequence(rows: sorted))
    }
}
