/// One attribute value as read from `.debug_info`, before any indirection is resolved: strings,
/// indexed addresses and list indices need the unit's bases, which are attributes of the unit
/// DIE itself, so they are resolved on use (`UnitContext`). The enum holds no heap storage
/// (strings and blocks are offsets into their sections), which keeps parsing a unit cheap.
enum FormValue: Equatable {
    case address(UInt64)
    case addressIndex(UInt64)
    case unsigned(UInt64)
    case signed(Int64)
    case flag(Bool)
    /// A block or exprloc: offset and length of its bytes in `.debug_info`.
    case block(offset: Int, length: Int)
    /// An inline `DW_FORM_string`: offset of its first byte in `.debug_info`.
    case inlineString(Int)
    case strp(UInt64)
    case lineStrp(UInt64)
    case strIndex(UInt64)
    /// A reference already turned into an absolute `.debug_info` offset.
    case reference(UInt64)
    case sectionOffset(UInt64)
    case loclistIndex(UInt64)
    case rnglistIndex(UInt64)
    /// Forms that are read past but not interpreted (type signatures, supplementary files, data16).
    case unsupported(form: UInt64)

    /// The value as an unsigned constant (data forms, flags, signed values' bit patterns).
    var unsignedValue: UInt64? {
        switch self {
        case .unsigned(let v): return v
        case .signed(let v): return UInt64(bitPattern: v)
        case .flag(let f): return f ? 1 : 0
        default: return nil
        }
    }

    var signedValue: Int64? {
        switch self {
        case .signed(let v): return v
        case .unsigned(let v): return Int64(bitPattern: v)
        case .flag(let f): return f ? 1 : 0
        default: return nil
        }
    }
}

/// What reading a form needs to know about the unit it is in.
struct FormContext {
    var version: UInt16
    var addressSize: Int
    /// Section offset of the unit header (unit-relative references are added to it).
    var unitOffset: Int
}

extension ByteCursor {
    /// Reads one attribute value of `form`. `implicitConst` is the value stored in the
    /// abbreviation for `DW_FORM_implicit_const`.
    mutating func formValue(_ form: UInt64, implicitConst: Int64, context: FormContext, depth: Int = 0) throws(DwarfError) -> FormValue {
        let start = offset
        switch form {
        case Form.addr: return .address(try fixed(context.addressSize))
        case Form.addrx: return .addressIndex(try uleb())
        case Form.addrx1: return .addressIndex(try fixed(1))
        case Form.addrx2: return .addressIndex(try fixed(2))
        case Form.addrx3: return .addressIndex(try fixed(3))
        case Form.addrx4: return .addressIndex(try fixed(4))
        case Form.data1: return .unsigned(try fixed(1))
        case Form.data2: return .unsigned(try fixed(2))
        case Form.data4: return .unsigned(try fixed(4))
        case Form.data8: return .unsigned(try fixed(8))
        case Form.data16: try skip(16); return .unsupported(form: form)
        case Form.udata: return .unsigned(try uleb())
        case Form.sdata: return .signed(try sleb())
        case Form.implicitConst: return .signed(implicitConst)
        case Form.flag: return .flag(try u8() != 0)
        case Form.flagPresent: return .flag(true)
        case Form.block1: return try blockValue(length: Int(try fixed(1)))
        case Form.block2: return try blockValue(length: Int(try fixed(2)))
        case Form.block4: return try blockValue(length: Int(try fixed(4)))
        case Form.block, Form.exprloc: return try blockValue(length: try ulebCount())
        case Form.string:
            _ = try cString()
            return .inlineString(start)
        case Form.strp: return .strp(try fixed(4))
        case Form.lineStrp: return .lineStrp(try fixed(4))
        case Form.strx: return .strIndex(try uleb())
        case Form.strx1: return .strIndex(try fixed(1))
        case Form.strx2: return .strIndex(try fixed(2))
        case Form.strx3: return .strIndex(try fixed(3))
        case Form.strx4: return .strIndex(try fixed(4))
        case Form.ref1: return .reference(UInt64(context.unitOffset) + (try fixed(1)))
        case Form.ref2: return .reference(UInt64(context.unitOffset) + (try fixed(2)))
        case Form.ref4: return .reference(UInt64(context.unitOffset) + (try fixed(4)))
        case Form.ref8: return .reference(UInt64(context.unitOffset) &+ (try fixed(8)))
        case Form.refUdata: return .reference(UInt64(context.unitOffset) &+ (try uleb()))
        // DWARF 2 wrote ref_addr with the address size; later versions with the offset size.
        case Form.refAddr: return .reference(try fixed(context.version <= 2 ? context.addressSize : 4))
        case Form.secOffset: return .sectionOffset(try fixed(4))
        case Form.loclistx: return .loclistIndex(try uleb())
        case Form.rnglistx: return .rnglistIndex(try uleb())
        case Form.refSig8: try skip(8); return .unsupported(form: form)
        case Form.refSup4, Form.strpSup: try skip(4); return .unsupported(form: form)
        case Form.refSup8: try skip(8); return .unsupported(form: form)
        case Form.indirect:
            let actual = try uleb()
            // An indirect form naming itself again and again is a loop in the input.
            guard depth < 4, actual != Form.implicitConst else { throw error("bad indirect form 0x\(hex(actual))", at: start) }
            return try formValue(actual, implicitConst: implicitConst, context: context, depth: depth + 1)
        default:
            throw error("unknown form 0x\(hex(form))", at: start)
        }
    }

    private mutating func blockValue(length: Int) throws(DwarfError) -> FormValue {
        let start = offset
        try skip(length)
        return .block(offset: start, length: length)
    }
}
