/// Binary format encoder: Module -> bytes.
///
/// Writes canonical LEB128, the sections in their required order, custom sections back where
/// they were (`CustomSection.after`), element and data segments with their recorded flags
/// (or the shortest encoding), and empty sections only when the decoded binary had them
/// (`Module.sectionLocations`), so decode -> encode reproduces canonical input byte for byte.
public enum BinaryEncoder {
    public static func encode(_ module: Module) -> [UInt8] {
        var encoder = ModuleEncoder(module: module)
        return encoder.encode()
    }
}

struct ModuleEncoder {
    let module: Module
    var out = ByteWriter()
    let presentInSource: Set<SectionID>

    init(module: Module) {
        self.module = module
        presentInSource = Set(module.sectionLocations.map(\.id))
    }

    mutating func encode() -> [UInt8] {
        out.fixedU32(0x6D73_6100)
        out.fixedU32(1)
        writeCustomSections(after: nil)
        let order: [SectionID] = [.type, .import, .function, .table, .memory, .tag, .global, .export,
                                  .start, .element, .dataCount, .code, .data]
        for id in order {
            if let payload = payload(of: id) {
                writeSection(id, payload)
            }
            writeCustomSections(after: id)
        }
        if !module.names.isEmpty && !module.customSections.contains(where: { $0.name == "name" }) {
            var section = ByteWriter()
            section.name("name")
            section.append(NameSectionEncoder.encode(module.names))
            writeSection(.custom, section.bytes)
        }
        return out.bytes
    }

    mutating func writeSection(_ id: SectionID, _ payload: [UInt8]) {
        out.byte(id.rawValue)
        out.vector(payload)
    }

    mutating func writeCustomSections(after: SectionID?) {
        for custom in module.customSections {
            // A custom section recorded "after a custom section" has no better place than the start.
            let place = custom.after == .custom ? nil : custom.after
            guard place == after else { continue }
            var section = ByteWriter()
            section.name(custom.name)
            section.bytes.append(contentsOf: custom.contents)
            writeSection(.custom, section.bytes)
        }
    }

    /// The payload of a section, or nil when the section is left out.
    func payload(of id: SectionID) -> [UInt8]? {
        var w = ByteWriter()
        let keepEmpty = presentInSource.contains(id)
        switch id {
        case .custom:
            return nil
        case .type:
            guard !module.typeDefinitions.isEmpty || keepEmpty else { return nil }
            let groups = module.recursionGroupRanges
            let explicit = module.recursionGroups.count == groups.count ? module.recursionGroups.map(\.isExplicit) : []
            w.u32(UInt32(groups.count))
            for (g, range) in groups.enumerated() {
                if range.count != 1 || (g < explicit.count && explicit[g]) {
                    w.byte(0x4E)
                    w.u32(UInt32(range.count))
                }
                for index in range { w.subType(module.typeDefinitions[index]) }
            }
        case .import:
            guard !module.imports.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.imports.count))
            for imp in module.imports {
                w.name(imp.module)
                w.name(imp.name)
                w.byte(imp.descriptor.kind.rawValue)
                switch imp.descriptor {
                case .function(let typeIndex): w.u32(typeIndex)
                case .table(let table): Self.write(table, to: &w)
                case .memory(let memory): Self.write(memory.limits, to: &w)
                case .global(let global): Self.write(global, to: &w)
                case .tag(let tag):
                    w.byte(0)
                    w.u32(tag.typeIndex)
                }
            }
        case .function:
            guard !module.functions.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.functions.count))
            for f in module.functions { w.u32(f.typeIndex) }
        case .table:
            guard !module.tables.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.tables.count))
            for table in module.tables { Self.write(table, to: &w) }
        case .memory:
            guard !module.memories.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.memories.count))
            for memory in module.memories { Self.write(memory.limits, to: &w) }
        case .tag:
            guard !module.tags.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.tags.count))
            for tag in module.tags {
                w.byte(0)
                w.u32(tag.typeIndex)
            }
        case .global:
            guard !module.globals.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.globals.count))
            for global in module.globals {
                Self.write(global.type, to: &w)
                InstructionEncoder.write(global.initializer, to: &w)
            }
        case .export:
            guard !module.exports.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.exports.count))
            for export in module.exports {
                w.name(export.name)
                w.byte(export.kind.rawValue)
                w.u32(export.index)
            }
        case .start:
            guard let start = module.start else { return nil }
            w.u32(start)
        case .element:
            guard !module.elements.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.elements.count))
            for segment in module.elements { SegmentEncoder.write(segment, to: &w) }
        case .dataCount:
            guard module.dataCount != nil else { return nil }
            w.u32(UInt32(module.data.count))
        case .code:
            guard !module.functions.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.functions.count))
            for function in module.functions {
                var body = ByteWriter(capacity: Int(function.bodySize))
                body.u32(UInt32(function.locals.count))
                for run in function.locals {
                    body.u32(run.count)
                    body.valueType(run.type)
                }
                InstructionEncoder.write(function.body, to: &body)
                w.vector(body.bytes)
            }
        case .data:
            guard !module.data.isEmpty || keepEmpty else { return nil }
            w.u32(UInt32(module.data.count))
            for segment in module.data { SegmentEncoder.write(segment, to: &w) }
        }
        return w.bytes
    }

    static func write(_ limits: Limits, to w: inout ByteWriter) {
        let flags: UInt8 = (limits.max != nil ? 1 : 0) | (limits.isShared ? 2 : 0) | (limits.addressType == .i64 ? 4 : 0)
        w.byte(flags)
        w.u64(limits.min)
        if let max = limits.max { w.u64(max) }
    }

    static func write(_ table: TableType, to w: inout ByteWriter) {
        if table.initializer != nil {
            w.byte(0x40)
            w.byte(0)
        }
        w.refType(table.elementType)
        write(table.limits, to: &w)
        if let initializer = table.initializer { InstructionEncoder.write(initializer, to: &w) }
    }

    static func write(_ global: GlobalType, to w: inout ByteWriter) {
        w.valueType(global.valueType)
        w.byte(global.isMutable ? 1 : 0)
    }
}

/// Element and data segments, with their flag words.
enum SegmentEncoder {
    static func write(_ segment: ElementSegment, to w: inout ByteWriter) {
        let flags = flags(for: segment)
        w.u32(UInt32(flags))
        if case .active(let table, let offset) = segment.mode {
            if flags & 2 != 0 { w.u32(table) }
            InstructionEncoder.write(offset, to: &w)
        }
        if flags & 3 != 0 {
            if flags & 4 != 0 { w.refType(segment.type) } else { w.byte(0) }  // elemkind funcref
        }
        switch segment.items {
        case .functions(let indices):
            w.u32(UInt32(indices.count))
            for index in indices { w.u32(index) }
        case .expressions(let expressions):
            w.u32(UInt32(expressions.count))
            for e in expressions { InstructionEncoder.write(e, to: &w) }
        }
    }

    /// The recorded flags when they fit the segment, else the shortest encoding.
    static func flags(for segment: ElementSegment) -> UInt8 {
        let usesExpressions: Bool
        switch segment.items {
        case .functions: usesExpressions = false
        case .expressions: usesExpressions = true
        }
        // Function indices can only describe funcref segments.
        let expressionBit: UInt8 = usesExpressions ? 4 : 0
        // The short active form (no table index, no type) means funcref for expressions and
        // function indices ((ref func) with function references) for index lists.
        let implicitType = usesExpressions ? segment.type == .funcref
            : (segment.type == .funcref || segment.type == RefType(nullable: false, .abstract(.func)))
        if let recorded = segment.encodingFlags, recorded <= 7, recorded & 4 == expressionBit {
            let fits: Bool
            switch segment.mode {
            case .passive: fits = recorded & 3 == 1
            case .declarative: fits = recorded & 3 == 3
            case .active(let table, _):
                fits = recorded & 3 == 2 || (recorded & 3 == 0 && table == 0 && implicitType)
            }
            if fits { return recorded }
        }
        switch segment.mode {
        case .passive: return 1 | expressionBit
        case .declarative: return 3 | expressionBit
        case .active(let table, _):
            return (table == 0 && implicitType ? 0 : 2) | expressionBit
        }
    }

    static func write(_ segment: DataSegment, to w: inout ByteWriter) {
        switch segment.mode {
        case .passive:
            w.byte(1)
        case .active(let memory, let offset):
            let explicit = segment.encodingFlags == 2 || memory != 0
            w.byte(explicit ? 2 : 0)
            if explicit { w.u32(memory) }
            InstructionEncoder.write(offset, to: &w)
        }
        w.vector(segment.bytes)
    }
}
