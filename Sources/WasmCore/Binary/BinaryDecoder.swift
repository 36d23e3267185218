/// Binary format decoder (spec §5): bytes -> Module.
///
/// Error texts start with the reference interpreter's wording (what the spec tests'
/// `assert_malformed` expect) and may add detail after it. Like the reference interpreter,
/// the contents of a section are read against the end of the file and the section size is
/// checked afterwards ("section size mismatch"); that is what makes a truncated expression
/// report the opcode it runs into.
public enum BinaryDecoder {
    /// Decodes a module of the language `features` describes (WebAssembly 3.0 by default).
    public static func decode(_ bytes: [UInt8], features: Features = .default) throws(DecodeError) -> Module {
        try decodeWithDetails(bytes, features: features).module
    }

    /// The module and whether any LEB128 integer in the input was non-canonical (longer than
    /// needed), in which case re-encoding gives shorter bytes.
    static func decodeWithDetails(_ bytes: [UInt8], features: Features = .default) throws(DecodeError) -> (module: Module, sawNonCanonicalInteger: Bool) {
        guard bytes.count <= Int(UInt32.max) else {
            throw DecodeError("length out of bounds: module larger than 4 GiB", at: 0)
        }
        let result: Result<(Module, Bool), DecodeError> = bytes.withUnsafeBufferPointer { buffer in
            var decoder = ModuleDecoder(ByteReader(buffer), features: features)
            // Custom sections become slices of `bytes` (shared storage, nothing copied).
            decoder.source = bytes
            do throws(DecodeError) {
                try decoder.decodeModule()
                return .success((decoder.module, decoder.reader.sawNonCanonicalInteger))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// The state of one decoding run.
struct ModuleDecoder {
    var reader: ByteReader
    let features: Features
    /// The array `reader` reads, when there is one: custom sections are slices of it.
    var source: [UInt8]?
    var module = Module()
    /// Type indices from the function section, joined with the code section at the end.
    var declaredFunctionTypes: [UInt32] = []
    var codeBodies: [Function] = []
    /// Set by `memory.init` and `data.drop`, which need the data count section.
    var usesDataIndices = false
    /// End of the section, or function body, being read; contents are read against the file
    /// end (see `BinaryDecoder`), this only improves error messages.
    var containerEnd = Int.max
    /// The open-construct stack of `expression`, kept between calls for its capacity.
    var frameScratch: [UInt8] = []
    /// Added to reader positions to make file offsets: nonzero when the reader reads a slice
    /// of the file (one function body decoded on demand).
    var offsetBase = 0
    /// Instruction buffers for checking function bodies that are not kept (see
    /// `readCodeSection`): emptied after each body, so their capacity is the largest body's.
    var bodyScratch: [Instruction] = []
    var bodyOffsetScratch: [UInt32] = []
    /// Set by `decodeValidated`: function bodies are not decoded by `readCodeSection` but
    /// checked afterwards in one pass that decodes and validates them together, so the
    /// whole-module checks that depend on them (`usesDataIndices`) wait for that pass too.
    var deferBodies = false
    /// Derived once from the instruction table (not a second opcode list): immediate kind by
    /// `Opcode.rawValue`, and the opcode lookup tables, held locally to avoid global accessors
    /// in the instruction loop.
    let immediateKinds: [ImmediateKind] = InstructionTables.immediateKinds
    let byByte: [Opcode?] = Opcode.byByte
    let byFB: [Opcode?] = Opcode.byFBCode
    let byFC: [Opcode?] = Opcode.byFCCode
    let byFD: [Opcode?] = Opcode.byFDCode
    let affectsStructure: [Bool] = InstructionTables.affectsStructure

    init(_ reader: ByteReader, features: Features = .default) {
        self.reader = reader
        self.features = features
    }

    mutating func decodeModule() throws(DecodeError) {
        try readHeader()
        var lastID: SectionID? = nil
        while !reader.isAtEnd {
            let headerOffset = reader.position
            let idByte = try reader.byte()
            guard let id = SectionID(rawValue: idByte), id != .tag || features.contains(.exceptionHandling) else {
                throw DecodeError("malformed section id \(idByte)", at: headerOffset)
            }
            let sizeOffset = reader.position
            let size = Int(try headerU32())
            guard size <= reader.remaining else {
                throw DecodeError("length out of bounds: section size \(size) with \(reader.remaining) bytes left", at: sizeOffset)
            }
            let payloadStart = reader.position
            let payloadEnd = payloadStart + size
            var location = SectionLocation(id: id, headerOffset: UInt32(headerOffset),
                                           payloadOffset: UInt32(payloadStart), payloadSize: UInt32(size))
            if id == .custom {
                try readCustomSection(end: payloadEnd, after: lastID, location: &location)
                module.sectionLocations.append(location)
                continue
            }
            if let lastID, id.order <= lastID.order {
                let what = id == lastID ? "duplicate \(id) section" : "\(id) section after \(lastID) section"
                throw DecodeError("unexpected content after last section (\(what))", at: headerOffset)
            }
            lastID = id
            containerEnd = payloadEnd
            location.count = try readSection(id)
            guard reader.position == payloadEnd else {
                throw DecodeError("section size mismatch: \(id) section declared \(size) bytes, contents took \(reader.position - payloadStart)",
                                  at: payloadStart)
            }
            module.sectionLocations.append(location)
        }
        try finish()
    }

    /// Magic and version. A truncated header is "unexpected end" (no section yet).
    mutating func readHeader() throws(DecodeError) {
        guard reader.remaining >= 4 else { throw DecodeError("unexpected end", at: reader.remaining) }
        let magic = try reader.fixedU32()
        guard magic == 0x6D73_6100 else { throw DecodeError("magic header not detected", at: 0) }
        guard reader.remaining >= 4 else { throw DecodeError("unexpected end", at: reader.end) }
        let version = try reader.fixedU32()
        guard version == 1 else {
            throw DecodeError("unknown binary version 0x\(String(version, radix: 16))", at: 4)
        }
    }

    /// A section size: running out of bytes here is a plain "unexpected end".
    mutating func headerU32() throws(DecodeError) -> UInt32 {
        do {
            return try reader.u32()
        } catch {
            if error.message.hasPrefix("unexpected end") { throw DecodeError("unexpected end", at: error.offset) }
            throw error
        }
    }

    /// Reads one non-custom section; returns its entry count for vector sections.
    mutating func readSection(_ id: SectionID) throws(DecodeError) -> UInt32? {
        switch id {
        case .custom: return nil
        case .type: return try readTypeSection()
        case .import: return try readImportSection()
        case .function: return try readFunctionSection()
        case .table: return try readTableSection()
        case .memory: return try readMemorySection()
        case .global: return try readGlobalSection()
        case .export: return try readExportSection()
        case .start:
            module.start = try reader.u32()
            return nil
        case .element: return try readElementSection()
        case .dataCount:
            module.dataCount = try reader.u32()
            return nil
        case .code: return try readCodeSection()
        case .data: return try readDataSection()
        case .tag: return try readTagSection()
        }
    }

    /// Custom sections are read against their own end; the `name` section is also parsed.
    mutating func readCustomSection(end: Int, after: SectionID?, location: inout SectionLocation) throws(DecodeError) {
        var sub = ByteReader(reader.bytes, from: reader.position, end: end)
        let name: String
        do {
            name = try sub.name()
        } catch {
            if error.message.hasPrefix("unexpected end") {
                throw DecodeError("unexpected end: custom section name runs past the section", at: error.offset)
            }
            throw error
        }
        let contents: ArraySlice<UInt8>
        if let source, sub.position <= end, end <= source.count {
            contents = source[sub.position..<end]
        } else {
            contents = try sub.bytes(end - sub.position)[...]
        }
        if sub.sawNonCanonicalInteger { reader.sawNonCanonicalInteger = true }
        reader.position = end
        location.customName = name
        module.customSections.append(CustomSection(name: name, contents: contents, after: after))
        if name == "name", module.names.isEmpty, let names = NameSectionDecoder.decode(Array(contents)) {
            module.names = names
        }
    }

    /// Whole-module checks made after the last section, in the reference interpreter's order.
    mutating func finish() throws(DecodeError) {
        let end = reader.end
        guard declaredFunctionTypes.count == codeBodies.count else {
            // Point at the code section, or at the function section when there is no code.
            let culprit = module.sectionLocations.first { $0.id == .code }
                ?? module.sectionLocations.first { $0.id == .function }
            throw DecodeError("function and code section have inconsistent lengths (\(declaredFunctionTypes.count) functions, \(codeBodies.count) bodies)",
                              at: culprit.map { Int($0.headerOffset) } ?? end)
        }
        if let count = module.dataCount, Int(count) != module.data.count {
            throw DecodeError("data count and data section have inconsistent lengths (\(count) declared, \(module.data.count) segments)", at: end)
        }
        if !deferBodies { try checkDataCountPresent() }
        for i in codeBodies.indices { codeBodies[i].typeIndex = declaredFunctionTypes[i] }
        module.functions = codeBodies
    }

    /// `memory.init` and `data.drop` need the data count section (spec §5.5.16).
    func checkDataCountPresent() throws(DecodeError) {
        if module.dataCount == nil && usesDataIndices {
            throw DecodeError("data count section required (memory.init or data.drop is used)", at: reader.end)
        }
    }

    /// Capacity to reserve for `count` entries that take at least one byte each: never more
    /// than the bytes left, so a lying count cannot make us allocate gigabytes.
    func capacity(for count: UInt32) -> Int {
        Swift.min(Int(count), reader.remaining)
    }
}

/// Tables derived from `Opcode.table` for the decoder's and encoder's inner loops.
enum InstructionTables {
    static let immediateKinds: [ImmediateKind] = Opcode.table.map(\.immediate)
    static let prefixes: [UInt8] = Opcode.table.map(\.prefix)
    static let codes: [UInt32] = Opcode.table.map(\.code)
    /// Whether `ModuleDecoder.trackStructure` has anything to do for the opcode (opens, ends
    /// or continues a construct, or uses a data index), by `Opcode.rawValue`.
    static let affectsStructure: [Bool] = Opcode.allCases.map { op in
        switch op {
        case .block, .loop, .tryTable, .if, .try, .catch, .catchAll, .delegate, .else, .end, .memoryInit, .dataDrop: true
        default: false
        }
    }
}
