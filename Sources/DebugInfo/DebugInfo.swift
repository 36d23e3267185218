import WasmCore

/// Something the reader could not make sense of: the section, the offset in it, and why.
/// Queries that meet malformed DWARF return nil or an empty answer and record one of these.
public struct DebugInfoWarning: Hashable, Sendable, CustomStringConvertible {
    public var section: String
    public var offset: Int
    public var message: String

    public var description: String { "\(section)+0x\(hex(offset)): \(message)" }
}

/// A DWARF reader over the debug sections of one Wasm module (DWARF 4 and 5, 32-bit format).
///
/// Construction only keeps the section byte arrays. Unit headers are listed on the first query,
/// a unit's DIEs and its line program are parsed when a question needs that unit, and results
/// (trees, line tables, types by DIE offset) are cached. Not thread-safe: use it from one thread.
///
/// Addresses: DWARF code addresses in Wasm are offsets from the start of the Code section's
/// payload; the public API speaks module file offsets (`fileOffset(ofCodeAddress:)` converts)
/// unless a name says otherwise.
public final class DebugInfo {
    let sections: Sections
    /// File offset of the Code section's payload (after its id and size bytes).
    public let codeSectionPayloadOffset: UInt32

    public private(set) var warnings: [DebugInfoWarning] = []
    private var warningSet: Set<DebugInfoWarning> = []

    /// How many units have had their DIEs parsed (0 until a query needs one).
    public private(set) var parsedUnitCount = 0

    private var unitList: [Unit]?
    var abbreviationTables: [UInt64: AbbreviationTable] = [:]
    var badAbbreviationTables: Set<UInt64> = []
    var addressIndexStorage: [(range: Range<UInt64>, unit: Int)]?
    var nameIndexStorage: NameIndex?
    var typeNameIndexStorage: TypeNameIndex?
    /// Strings, range lists and location lists by where they are (failures too): names are
    /// asked for again and again, and a read that failed once fails the same way again.
    var stringCache: [StringKey: String?] = [:]
    var rangeListCache: [ListKey: [Range<UInt64>]] = [:]
    var locationListCache: [ListKey: [LocationListEntry]] = [:]
    var functionInfoCache: [ListKey: FunctionInfo?] = [:]
    lazy var typeResolver = TypeResolver(owner: self)

    public init(sections: [String: [UInt8]], codeSectionPayloadOffset: UInt32) {
        self.sections = Sections(sections)
        self.codeSectionPayloadOffset = codeSectionPayloadOffset
    }

    /// The module's custom debug sections; nil when it has no `.debug_info`.
    public convenience init?(module: Module) {
        var named: [String: [UInt8]] = [:]
        for section in module.customSections where section.name.hasPrefix(".debug_") {
            if named[section.name] == nil { named[section.name] = section.payload }
        }
        guard named[".debug_info"] != nil else { return nil }
        let code = module.sectionLocations.first { $0.id == .code }
        self.init(sections: named, codeSectionPayloadOffset: code?.payloadOffset ?? 0)
    }

    // MARK: addresses

    /// A DWARF code address (offset in the Code section payload) as a module file offset.
    public func fileOffset(ofCodeAddress address: UInt64) -> UInt32? {
        let value = address &+ UInt64(codeSectionPayloadOffset)
        return value <= UInt64(UInt32.max) && address <= UInt64(UInt32.max) ? UInt32(value) : nil
    }

    /// A module file offset as a DWARF code address; nil before the Code section's payload.
    public func codeAddress(ofFileOffset offset: UInt32) -> UInt64? {
        offset >= codeSectionPayloadOffset ? UInt64(offset - codeSectionPayloadOffset) : nil
    }

    // MARK: warnings

    func warn(_ error: any Error) {
        if let error = error as? DwarfError { warn(section: error.section, offset: error.offset, error.message) }
        else { warn(section: ".debug_info", offset: 0, "\(error)") }
    }

    func warn(section: String, offset: Int, _ message: String) {
        let warning = DebugInfoWarning(section: section, offset: offset, message: message)
        if warningSet.insert(warning).inserted { warnings.append(warning) }
    }

    // MARK: units

    /// The units of `.debug_info`, listed from their headers on first use.
    var units: [Unit] {
        if let unitList { return unitList }
        let list = scanUnitHeaders()
        unitList = list
        return list
    }

    /// The unit whose DIEs span a `.debug_info` offset.
    func unit(containingInfoOffset offset: UInt64) -> Unit? {
        let all = units
        var low = 0, high = all.count
        while low < high {
            let mid = (low + high) / 2
            if UInt64(all[mid].end) <= offset { low = mid + 1 } else { high = mid }
        }
        guard low < all.count, UInt64(all[low].firstEntryOffset) <= offset else { return nil }
        return all[low]
    }

    /// The unit's DIEs, parsed on first use (nil when the unit cannot be read at all).
    func tree(of unit: Unit) -> DIETree? {
        if let tree = unit.tree { return tree }
        guard let tree = parseTree(of: unit) else { return nil }
        parsedUnitCount += 1
        unit.tree = tree
        return tree
    }

    /// Locates the DIE at a `.debug_info` offset: its unit, tree and index.
    func entry(atInfoOffset offset: UInt64) -> DIERef? {
        guard let unit = unit(containingInfoOffset: offset), let tree = tree(of: unit),
              let index = tree.index(ofOffset: offset) else { return nil }
        return DIERef(unit: unit, index: index)
    }
}

struct StringKey: Hashable {
    var form: UInt8
    var offset: UInt64
    var unit: Int
}

struct ListKey: Hashable {
    var offset: UInt64
    var unit: Int
}

/// A DIE of a parsed unit.
struct DIERef {
    let unit: Unit
    let index: Int
    var tree: DIETree { unit.tree ?? DIETree() }
    var die: DIE { tree.dies[index] }
    var tag: UInt64 { UInt64(die.tag) }
    var offset: UInt64 { UInt64(die.offset) }
    func attribute(_ name: UInt64) -> FormValue? { tree.attribute(name, of: index) }
    func has(_ name: UInt64) -> Bool { tree.attribute(name, of: index) != nil }
    var parent: DIERef? {
        let p = Int(die.parent)
        return p >= 0 ? DIERef(unit: unit, index: p) : nil
    }
    var children: [DIERef] { tree.children(of: index).map { DIERef(unit: unit, index: $0) } }
}
