/// The `name` custom section (spec appendix 7.4, plus the extended-name subsections 3-9 that
/// wabt writes). A malformed name section does not make the module malformed: `decode`
/// returns nil and the section stays in `customSections` verbatim.
enum NameSectionDecoder {
    enum Subsection: UInt8 {
        case module = 0, function, local, label, type, table, memory, global, element, data, field, tag
    }

    static func decode(_ payload: [UInt8]) -> NameSection? {
        payload.withUnsafeBufferPointer { buffer in
            var reader = ByteReader(buffer)
            return try? decode(&reader)
        }
    }

    private static func decode(_ reader: inout ByteReader) throws(DecodeError) -> NameSection {
        var names = NameSection()
        var lastID = -1
        while !reader.isAtEnd {
            let idOffset = reader.position
            let id = try reader.byte()
            let size = Int(try reader.u32())
            guard size <= reader.remaining else { throw DecodeError("length out of bounds", at: idOffset) }
            let end = reader.position + size
            // Subsections come at most once each, in increasing order of id.
            guard Int(id) > lastID else { throw DecodeError("name subsection out of order", at: idOffset) }
            lastID = Int(id)
            var sub = ByteReader(reader.bytes, from: reader.position, end: end)
            if let kind = Subsection(rawValue: id) {
                switch kind {
                case .module: names.moduleName = try sub.name()
                case .function: names.functionNames = try nameMap(&sub)
                case .local: names.localNames = try indirectNameMap(&sub)
                case .label: names.labelNames = try indirectNameMap(&sub)
                case .type: names.typeNames = try nameMap(&sub)
                case .table: names.tableNames = try nameMap(&sub)
                case .memory: names.memoryNames = try nameMap(&sub)
                case .global: names.globalNames = try nameMap(&sub)
                case .element: names.elementNames = try nameMap(&sub)
                case .data: names.dataNames = try nameMap(&sub)
                case .field: names.fieldNames = try indirectNameMap(&sub)
                case .tag: names.tagNames = try nameMap(&sub)
                }
                guard sub.isAtEnd else { throw DecodeError("section size mismatch", at: sub.position) }
            }
            // Unknown subsections (from later proposals) are skipped.
            reader.position = end
        }
        return names
    }

    private static func nameMap(_ reader: inout ByteReader) throws(DecodeError) -> [UInt32: String] {
        let count = try reader.u32()
        var map: [UInt32: String] = [:]
        map.reserveCapacity(Swift.min(Int(count), reader.remaining))
        for _ in 0..<count {
            let index = try reader.u32()
            map[index] = try reader.name()
        }
        return map
    }

    private static func indirectNameMap(_ reader: inout ByteReader) throws(DecodeError) -> [UInt32: [UInt32: String]] {
        let count = try reader.u32()
        var map: [UInt32: [UInt32: String]] = [:]
        map.reserveCapacity(Swift.min(Int(count), reader.remaining))
        for _ in 0..<count {
            let index = try reader.u32()
            map[index] = try nameMap(&reader)
        }
        return map
    }
}
