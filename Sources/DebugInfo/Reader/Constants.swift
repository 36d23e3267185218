/// The DWARF 4/5 constants the reader uses (values from the DWARF 5 specification, section 7).
enum Tag {
    static let arrayType: UInt64 = 0x01
    static let classType: UInt64 = 0x02
    static let enumerationType: UInt64 = 0x04
    static let formalParameter: UInt64 = 0x05
    static let lexicalBlock: UInt64 = 0x0b
    static let member: UInt64 = 0x0d
    static let pointerType: UInt64 = 0x0f
    static let referenceType: UInt64 = 0x10
    static let compileUnit: UInt64 = 0x11
    static let structureType: UInt64 = 0x13
    static let subroutineType: UInt64 = 0x15
    static let typedef: UInt64 = 0x16
    static let unionType: UInt64 = 0x17
    static let unspecifiedParameters: UInt64 = 0x18
    static let variant: UInt64 = 0x19
    static let inheritance: UInt64 = 0x1c
    static let inlinedSubroutine: UInt64 = 0x1d
    static let ptrToMemberType: UInt64 = 0x1f
    static let subrangeType: UInt64 = 0x21
    static let baseType: UInt64 = 0x24
    static let constType: UInt64 = 0x26
    static let enumerator: UInt64 = 0x28
    static let subprogram: UInt64 = 0x2e
    static let templateTypeParameter: UInt64 = 0x2f
    static let templateValueParameter: UInt64 = 0x30
    static let variantPart: UInt64 = 0x33
    static let variable: UInt64 = 0x34
    static let volatileType: UInt64 = 0x35
    static let restrictType: UInt64 = 0x37
    static let namespace: UInt64 = 0x39
    static let unspecifiedType: UInt64 = 0x3b
    static let partialUnit: UInt64 = 0x3c
    static let rvalueReferenceType: UInt64 = 0x42
    static let atomicType: UInt64 = 0x47
    static let skeletonUnit: UInt64 = 0x4a
}

enum Attribute {
    static let sibling: UInt64 = 0x01
    static let location: UInt64 = 0x02
    static let name: UInt64 = 0x03
    static let byteSize: UInt64 = 0x0b
    static let bitOffset: UInt64 = 0x0c
    static let bitSize: UInt64 = 0x0d
    static let stmtList: UInt64 = 0x10
    static let lowPC: UInt64 = 0x11
    static let highPC: UInt64 = 0x12
    static let language: UInt64 = 0x13
    static let compDir: UInt64 = 0x1b
    static let constValue: UInt64 = 0x1c
    static let inline: UInt64 = 0x20
    static let lowerBound: UInt64 = 0x22
    static let producer: UInt64 = 0x25
    static let prototyped: UInt64 = 0x27
    static let count: UInt64 = 0x37
    static let upperBound: UInt64 = 0x2f
    static let abstractOrigin: UInt64 = 0x31
    static let accessibility: UInt64 = 0x32
    static let artificial: UInt64 = 0x34
    static let dataMemberLocation: UInt64 = 0x38
    static let declColumn: UInt64 = 0x39
    static let declFile: UInt64 = 0x3a
    static let declLine: UInt64 = 0x3b
    static let declaration: UInt64 = 0x3c
    static let encoding: UInt64 = 0x3e
    static let external: UInt64 = 0x3f
    static let frameBase: UInt64 = 0x40
    static let specification: UInt64 = 0x47
    static let type: UInt64 = 0x49
    static let ranges: UInt64 = 0x55
    static let dataBitOffset: UInt64 = 0x6b
    static let discr: UInt64 = 0x15
    static let discrValue: UInt64 = 0x16
    static let callColumn: UInt64 = 0x57
    static let callFile: UInt64 = 0x58
    static let callLine: UInt64 = 0x59
    static let linkageName: UInt64 = 0x6e
    static let mipsLinkageName: UInt64 = 0x2007
    static let strOffsetsBase: UInt64 = 0x72
    static let addrBase: UInt64 = 0x73
    static let rnglistsBase: UInt64 = 0x74
    static let enumClass: UInt64 = 0x6d
    static let loclistsBase: UInt64 = 0x8c
}

enum Form {
    static let addr: UInt64 = 0x01
    static let block2: UInt64 = 0x03
    static let block4: UInt64 = 0x04
    static let data2: UInt64 = 0x05
    static let data4: UInt64 = 0x06
    static let data8: UInt64 = 0x07
    static let string: UInt64 = 0x08
    static let block: UInt64 = 0x09
    static let block1: UInt64 = 0x0a
    static let data1: UInt64 = 0x0b
    static let flag: UInt64 = 0x0c
    static let sdata: UInt64 = 0x0d
    static let strp: UInt64 = 0x0e
    static let udata: UInt64 = 0x0f
    static let refAddr: UInt64 = 0x10
    static let ref1: UInt64 = 0x11
    static let ref2: UInt64 = 0x12
    static let ref4: UInt64 = 0x13
    static let ref8: UInt64 = 0x14
    static let refUdata: UInt64 = 0x15
    static let indirect: UInt64 = 0x16
    static let secOffset: UInt64 = 0x17
    static let exprloc: UInt64 = 0x18
    static let flagPresent: UInt64 = 0x19
    static let strx: UInt64 = 0x1a
    static let addrx: UInt64 = 0x1b
    static let refSup4: UInt64 = 0x1c
    static let strpSup: UInt64 = 0x1d
    static let data16: UInt64 = 0x1e
    static let lineStrp: UInt64 = 0x1f
    static let refSig8: UInt64 = 0x20
    static let implicitConst: UInt64 = 0x21
    static let loclistx: UInt64 = 0x22
    static let rnglistx: UInt64 = 0x23
    static let refSup8: UInt64 = 0x24
    static let strx1: UInt64 = 0x25
    static let strx2: UInt64 = 0x26
    static let strx3: UInt64 = 0x27
    static let strx4: UInt64 = 0x28
    static let addrx1: UInt64 = 0x29
    static let addrx2: UInt64 = 0x2a
    static let addrx3: UInt64 = 0x2b
    static let addrx4: UInt64 = 0x2c
}

/// Base type encodings (DW_ATE_*).
public enum BaseEncoding: UInt64, Sendable {
    case address = 0x01, boolean = 0x02, complexFloat = 0x03, float = 0x04, signed = 0x05
    case signedChar = 0x06, unsigned = 0x07, unsignedChar = 0x08, utf = 0x10
    case unknown = 0
}

/// Source languages that change how names and types are spelled (DW_LANG_*).
enum Language {
    static func isCPlusPlus(_ code: UInt64) -> Bool { [0x04, 0x1a, 0x21, 0x2b].contains(code) }
    static func isRust(_ code: UInt64) -> Bool { code == 0x1c }
}

/// Wasm-ld writes these as the address of code it removed (LLVM's "tombstone" values); 0 is
/// never a function start either (the Code section payload starts with the function count).
func isDeadAddress(_ address: UInt64) -> Bool {
    address == 0 || address >= 0xffff_fffe
}
