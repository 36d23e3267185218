/// Types in the binary format (the inverse of BinaryDecoder+Types.swift): the one-byte
/// shorthands where they exist, `0x63`/`0x64` + heap type otherwise.
extension ByteWriter {
    mutating func valueType(_ type: ValueType) {
        switch type {
        case .ref(let r): refType(r)
        default: byte(type.shortByte ?? 0x40)
        }
    }

    mutating func refType(_ type: RefType) {
        if type.isNullable, case .abstract(let a) = type.heapType {
            byte(a.rawValue)
            return
        }
        byte(type.isNullable ? 0x63 : 0x64)
        heapType(type.heapType)
    }

    mutating func heapType(_ type: HeapType) {
        switch type {
        case .abstract(let a): byte(a.rawValue)
        case .concrete(let index): s64(Int64(index))
        }
    }

    mutating func subType(_ type: SubType) {
        if !type.isPlain {
            byte(type.isFinal ? 0x4F : 0x50)
            u32(UInt32(type.supertypes.count))
            for s in type.supertypes { u32(s) }
        }
        switch type.composite {
        case .function(let f):
            byte(0x60)
            u32(UInt32(f.params.count))
            for t in f.params { valueType(t) }
            u32(UInt32(f.results.count))
            for t in f.results { valueType(t) }
        case .structure(let fields):
            byte(0x5F)
            u32(UInt32(fields.count))
            for f in fields { fieldType(f) }
        case .array(let element):
            byte(0x5E)
            fieldType(element)
        }
    }

    mutating func fieldType(_ field: FieldType) {
        switch field.storage {
        case .i8: byte(0x78)
        case .i16: byte(0x77)
        case .value(let t): valueType(t)
        }
        byte(field.isMutable ? 1 : 0)
    }
}
