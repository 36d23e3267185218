/// One debugging information entry of a parsed unit. DIEs are stored in DWARF order (preorder),
/// so the children of `dies[i]` are the entries in `i+1 ..< subtreeEnd` reached by jumping from
/// one child's `subtreeEnd` to the next; attributes live in one flat array per unit.
struct DIE {
    var offset: UInt32
    var tag: UInt16
    var attributeCount: UInt16
    var attributeStart: Int32
    var parent: Int32
    var subtreeEnd: Int32
}

struct AttributeEntry {
    var name: UInt16
    var value: FormValue
}

/// The parsed entries of one unit.
struct DIETree {
    var dies: [DIE] = []
    var attributes: [AttributeEntry] = []

    func attribute(_ name: UInt64, of index: Int) -> FormValue? {
        guard index >= 0 && index < dies.count else { return nil }
        let die = dies[index]
        let start = Int(die.attributeStart)
        for i in start..<start + Int(die.attributeCount) where UInt64(attributes[i].name) == name {
            return attributes[i].value
        }
        return nil
    }

    func has(_ name: UInt64, _ index: Int) -> Bool { attribute(name, of: index) != nil }

    func children(of index: Int) -> ChildSequence { ChildSequence(tree: self, parent: index) }

    /// The index of the DIE at a `.debug_info` offset (binary search; entries are in offset order).
    func index(ofOffset offset: UInt64) -> Int? {
        var low = 0, high = dies.count
        while low < high {
            let mid = (low + high) / 2
            let value = UInt64(dies[mid].offset)
            if value == offset { return mid }
            if value < offset { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

struct ChildSequence: Sequence, IteratorProtocol {
    let tree: DIETree
    let parent: Int
    private var position: Int
    private let end: Int

    init(tree: DIETree, parent: Int) {
        self.tree = tree
        self.parent = parent
        let valid = parent >= 0 && parent < tree.dies.count
        position = parent + 1
        end = valid ? Int(tree.dies[parent].subtreeEnd) : 0
    }

    mutating func next() -> Int? {
        guard position < end && position < tree.dies.count else { return nil }
        let current = position
        // Always moves forward, so this terminates whatever subtreeEnd says.
        position = Swift.max(current + 1, Int(tree.dies[current].subtreeEnd))
        return current
    }
}

/// A compilation (or partial) unit of `.debug_info`: its header is read when the units are
/// listed; its unit DIE when the address index is built; all its DIEs only when a question needs
/// them (`DebugInfo.tree(of:)`).
final class Unit {
    let index: Int
    /// Section offsets: the header, the first DIE and the end of the unit.
    let offset: Int
    let firstEntryOffset: Int
    let end: Int
    let version: UInt16
    let unitType: UInt8
    let addressSize: Int
    let abbreviationOffset: UInt64

    // From the unit DIE (valid once `rootRead`).
    var rootRead = false
    var rootTag: UInt64 = 0
    var name: String?
    var compilationDirectory: String?
    var producer: String?
    var language: UInt64 = 0
    /// DW_AT_low_pc: the base address of range and location list entries.
    var baseAddress: UInt64 = 0
    var statementList: UInt64?
    var stringOffsetsBase: UInt64 = 0
    var addressBase: UInt64 = 0
    var rangeListsBase: UInt64 = 0
    var locationListsBase: UInt64 = 0
    /// Code (DWARF) address ranges the unit covers, dead ones removed.
    var ranges: [Range<UInt64>] = []

    var tree: DIETree?
    var lineTable: LineTable?
    var lineTableRead = false
    /// Function entries of this unit (built with the tree).
    var functions: [FunctionEntry]?

    init(index: Int, offset: Int, firstEntryOffset: Int, end: Int, version: UInt16, unitType: UInt8,
         addressSize: Int, abbreviationOffset: UInt64) {
        self.index = index
        self.offset = offset
        self.firstEntryOffset = firstEntryOffset
        self.end = end
        self.version = version
        self.unitType = unitType
        self.addressSize = addressSize
        self.abbreviationOffset = abbreviationOffset
    }

    var formContext: FormContext { FormContext(version: version, addressSize: addressSize, unitOffset: offset) }
    var isRust: Bool { Language.isRust(language) }
    var isCPlusPlus: Bool { Language.isCPlusPlus(language) }
}
