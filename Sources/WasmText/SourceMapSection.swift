import WasmCore

/// The source map as a custom section, so a `.wasm` assembled by wdb can still be debugged
/// at WAT lines without its text: `wdb.sourcemap`, payload
///
///     u8 version (1) · name file · u32 count · count × (u32 offsetDelta, u32 line, u32 column)
///
/// with entries sorted by module file offset (delta-encoded, LEB128). Reading it back needs
/// the decoded module, whose bodies' offsets (`Function.body.offsets`) say which instruction sits at
/// each offset.
extension SourceMap {
    public static let customSectionName = "wdb.sourcemap"

    /// The section payload (after its name); nil until file offsets are attached.
    public func customSectionPayload() -> [UInt8]? {
        guard fileOffsets.count == packed.count else { return nil }
        var entries: [(UInt32, Int64)] = []
        for (f, offsets) in fileOffsets.enumerated() where offsets.count == packed[f].count {
            for (i, offset) in offsets.enumerated() { entries.append((offset, packed[f][i])) }
        }
        entries.sort { $0.0 < $1.0 }
        var out: [UInt8] = [1]
        let file = Array(self.file.utf8)
        LEB128.appendUnsigned(UInt32(truncatingIfNeeded: file.count), to: &out)
        out += file
        LEB128.appendUnsigned(UInt32(truncatingIfNeeded: entries.count), to: &out)
        var previous: UInt32 = 0
        for (offset, location) in entries {
            LEB128.appendUnsigned(offset &- previous, to: &out)
            LEB128.appendUnsigned(UInt32(truncatingIfNeeded: location >> 32), to: &out)
            LEB128.appendUnsigned(UInt32(truncatingIfNeeded: location & 0xFFFF_FFFF), to: &out)
            previous = offset
        }
        return out
    }

    /// Reads a `wdb.sourcemap` payload against the decoded module it came with; nil when
    /// the payload is malformed.
    public init?(customSection payload: [UInt8], module: Module) {
        var reader = LEBReader(bytes: payload)
        guard reader.byte() == 1, let nameLength = reader.u32(), let name = reader.bytes(Int(nameLength)),
              let count = reader.u32() else { return nil }
        var byOffset: [UInt32: Int64] = [:]
        var offset: UInt32 = 0
        for _ in 0..<count {
            guard let delta = reader.u32(), let line = reader.u32(), let column = reader.u32() else { return nil }
            offset &+= delta
            byOffset[offset] = Int64(line) << 32 | Int64(column)
        }
        // Decodes each body once, for its offsets.
        let offsets = module.functions.map(\.body.offsets)
        self.init(file: String(decoding: name, as: UTF8.self), firstFunctionIndex: UInt32(module.importedFunctionCount),
                  packed: offsets.map { $0.map { byOffset[$0] ?? 0 } })
        self.fileOffsets = offsets
    }

    /// Finds the section among a decoded module's custom sections.
    public init?(module: Module) {
        guard let section = module.customSections.first(where: { $0.name == SourceMap.customSectionName }) else { return nil }
        self.init(customSection: section.payload, module: module)
    }
}

/// Bounds-checked reading of the payload (it comes from a file and may be anything).
private struct LEBReader {
    let bytes: [UInt8]
    var index = 0

    mutating func byte() -> UInt8? {
        guard index < bytes.count else { return nil }
        index += 1
        return bytes[index - 1]
    }

    mutating func u32() -> UInt32? {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while shift < 35 {
            guard let b = byte() else { return nil }
            result |= UInt32(truncatingIfNeeded: UInt64(b & 0x7F) << UInt64(shift))
            if b & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, n <= bytes.count - index else { return nil }
        defer { index += n }
        return Array(bytes[index..<index + n])
    }
}
