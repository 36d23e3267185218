/// The DWARF sections the reader knows, by their custom section names. Holding the arrays is
/// O(1) (copy on write), so constructing `DebugInfo` reads nothing.
struct Sections {
    var info: [UInt8] = []
    var abbrev: [UInt8] = []
    var line: [UInt8] = []
    var str: [UInt8] = []
    var lineStr: [UInt8] = []
    var strOffsets: [UInt8] = []
    var addr: [UInt8] = []
    var ranges: [UInt8] = []
    var rnglists: [UInt8] = []
    var loc: [UInt8] = []
    var loclists: [UInt8] = []
    var aranges: [UInt8] = []

    static let names = [".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_line_str",
                        ".debug_str_offsets", ".debug_addr", ".debug_ranges", ".debug_rnglists",
                        ".debug_loc", ".debug_loclists", ".debug_aranges"]

    init(_ named: [String: [UInt8]]) {
        info = named[".debug_info"] ?? []
        abbrev = named[".debug_abbrev"] ?? []
        line = named[".debug_line"] ?? []
        str = named[".debug_str"] ?? []
        lineStr = named[".debug_line_str"] ?? []
        strOffsets = named[".debug_str_offsets"] ?? []
        addr = named[".debug_addr"] ?? []
        ranges = named[".debug_ranges"] ?? []
        rnglists = named[".debug_rnglists"] ?? []
        loc = named[".debug_loc"] ?? []
        loclists = named[".debug_loclists"] ?? []
        aranges = named[".debug_aranges"] ?? []
    }
}
