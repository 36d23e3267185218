@testable import DebugInfo

/// Builds small DWARF 4 sections by hand for the malformed-input tests.
struct DwarfBuilder {
    struct AbbreviationSpec {
        var code: UInt64
        var tag: UInt64
        var children: Bool
        var attributes: [(attribute: UInt64, form: UInt64)]
    }

    static func uleb(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7f)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }

    static func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

    static func abbreviations(_ specs: [AbbreviationSpec]) -> [UInt8] {
        var out: [UInt8] = []
        for spec in specs {
            out += uleb(spec.code) + uleb(spec.tag) + [spec.children ? 1 : 0]
            for (attribute, form) in spec.attributes { out += uleb(attribute) + uleb(form) }
            out += [0, 0]
        }
        return out + [0]
    }

    /// A DWARF 4 unit (32-bit format, address size 4) around `body`.
    static func unit(body: [UInt8], version: UInt16 = 4, abbreviationOffset: UInt32 = 0) -> [UInt8] {
        let header: [UInt8] = [UInt8(version & 0xff), UInt8(version >> 8)] + u32(abbreviationOffset) + [4]
        return u32(UInt32(header.count + body.count)) + header + body
    }

    /// The unit header size: DIE offsets of a body start here.
    static let headerSize = 11

    /// Codes of the abbreviations `standardAbbreviations` declares.
    enum Code {
        static let compileUnit: UInt64 = 1      // children; name (string)
        static let pointer: UInt64 = 2          // type (ref4)
        static let baseType: UInt64 = 3         // name (string), encoding (data1), byte_size (data1)
        static let variable: UInt64 = 4         // name (string), type (ref4), location (exprloc)
        static let typedef: UInt64 = 5          // name (string), type (ref4)
        static let subprogram: UInt64 = 6       // children; name (string), low_pc (addr), high_pc (data4)
        static let lexicalBlock: UInt64 = 7     // children
        static let structure: UInt64 = 8        // children; name (string), byte_size (data1)
        static let member: UInt64 = 9           // name (string), type (ref4), data_member_location (data1)
    }

    static let standardAbbreviations = abbreviations([
        .init(code: Code.compileUnit, tag: Tag.compileUnit, children: true, attributes: [(Attribute.name, Form.string)]),
        .init(code: Code.pointer, tag: Tag.pointerType, children: false, attributes: [(Attribute.type, Form.ref4)]),
        .init(code: Code.baseType, tag: Tag.baseType, children: false,
              attributes: [(Attribute.name, Form.string), (Attribute.encoding, Form.data1), (Attribute.byteSize, Form.data1)]),
        .init(code: Code.variable, tag: Tag.variable, children: false,
              attributes: [(Attribute.name, Form.string), (Attribute.type, Form.ref4), (Attribute.location, Form.exprloc)]),
        .init(code: Code.typedef, tag: Tag.typedef, children: false, attributes: [(Attribute.name, Form.string), (Attribute.type, Form.ref4)]),
        .init(code: Code.subprogram, tag: Tag.subprogram, children: true,
              attributes: [(Attribute.name, Form.string), (Attribute.lowPC, Form.addr), (Attribute.highPC, Form.data4)]),
        .init(code: Code.lexicalBlock, tag: Tag.lexicalBlock, children: true, attributes: []),
        .init(code: Code.structure, tag: Tag.structureType, children: true, attributes: [(Attribute.name, Form.string), (Attribute.byteSize, Form.data1)]),
        .init(code: Code.member, tag: Tag.member, children: false,
              attributes: [(Attribute.name, Form.string), (Attribute.type, Form.ref4), (Attribute.dataMemberLocation, Form.data1)]),
    ])

    /// A global variable DIE at a fixed address.
    static func global(_ name: String, type: UInt32, address: UInt32) -> [UInt8] {
        uleb(Code.variable) + cString(name) + u32(type) + [5, 0x03] + u32(address)
    }

    static func info(units: [[UInt8]], abbreviations: [UInt8] = standardAbbreviations) -> DebugInfo {
        DebugInfo(sections: [".debug_info": units.flatMap { $0 }, ".debug_abbrev": abbreviations], codeSectionPayloadOffset: 0x100)
    }
}
