/// The section headers of a binary module, read without decoding what the sections hold: the
/// id byte, the size field and, for the header line `wasm-objdump -h` prints, the first number
/// of the payload (or a custom section's name). Contents the decoder refuses (a feature wdb
/// cannot decode yet, such as the tag section of exception handling, or a malformed body) do
/// not stop the walk; only an unreadable header does: an unknown section id, a size field that
/// cannot be read, or a size that runs past the end of the file.

/// One section as the walk sees it.
public struct SectionHeader: Hashable, Sendable {
    /// The id byte: 0–12 as `SectionID`, 13 the tag section (exception handling).
    public var id: UInt8
    /// File offset of the id byte.
    public var headerOffset: UInt32
    /// File offset of the payload (after the size field) and its size.
    public var payloadOffset: UInt32
    public var payloadSize: UInt32
    /// For a custom section, its name (nil when the name cannot be read).
    public var customName: String?
    /// For other sections, the unsigned LEB128 number the payload starts with: the entry count
    /// of a vector section, the start section's function index, the data count. Nil when the
    /// payload does not start with a readable one.
    public var leadingNumber: UInt32?

    /// The section's name as wasm-objdump prints it: `Type`, `Code`, `Custom`, `Tag`, …
    public var name: String {
        if let known = SectionID(rawValue: id) { return known.description }
        return id == SectionHeader.tagID ? "Tag" : "Section \(id)"
    }

    /// The tag section of the exception-handling proposal, which the decoder does not read yet.
    public static let tagID: UInt8 = 13

    public init(id: UInt8, headerOffset: UInt32, payloadOffset: UInt32, payloadSize: UInt32,
                customName: String? = nil, leadingNumber: UInt32? = nil) {
        self.id = id
        self.headerOffset = headerOffset
        self.payloadOffset = payloadOffset
        self.payloadSize = payloadSize
        self.customName = customName
        self.leadingNumber = leadingNumber
    }

    /// Whether `offset` lies in this section (id byte through payload end).
    public func contains(offset: Int) -> Bool {
        offset >= Int(headerOffset) && offset < Int(payloadOffset) + Int(payloadSize)
    }
}

/// What the walk found: every section whose header could be read, in file order.
public struct SectionWalk: Hashable, Sendable {
    public var headers: [SectionHeader] = []
    /// Why the walk stopped before the end of the file (nil: it read every header).
    public var error: DecodeError?
    /// The module name of the first `name` custom section, when it has one and can be read.
    public var moduleName: String?

    public init() {}
}

extension BinaryDecoder {
    /// Walks the section headers of `bytes` (see `SectionWalk`). Never fails: a problem ends
    /// the walk and is reported in `error`, with the sections before it listed.
    public static func walkSections(_ bytes: [UInt8]) -> SectionWalk {
        var walk = SectionWalk()
        guard bytes.count <= Int(UInt32.max) else {
            walk.error = DecodeError("length out of bounds: module larger than 4 GiB", at: 0)
            return walk
        }
        bytes.withUnsafeBufferPointer { buffer in
            var reader = ByteReader(buffer)
            do throws(DecodeError) {
                var decoder = ModuleDecoder(reader)
                try decoder.readHeader()
                reader.position = decoder.reader.position
                while !reader.isAtEnd {
                    walk.headers.append(try nextHeader(&reader, buffer, moduleName: &walk.moduleName))
                }
            } catch {
                walk.error = error
            }
        }
        return walk
    }

    /// Reads the header at the reader's position and moves past the section's payload.
    private static func nextHeader(_ reader: inout ByteReader, _ buffer: UnsafeBufferPointer<UInt8>,
                                   moduleName: inout String?) throws(DecodeError) -> SectionHeader {
        let headerOffset = reader.position
        let id = try reader.byte()
        guard id <= SectionHeader.tagID else { throw DecodeError("malformed section id \(id)", at: headerOffset) }
        let sizeOffset = reader.position
        let size: Int
        do {
            size = Int(try reader.u32())
        } catch {
            throw DecodeError("unexpected end: section size field: \(error.message)", at: sizeOffset)
        }
        guard size <= reader.remaining else {
            throw DecodeError("length out of bounds: section size \(size) with \(reader.remaining) bytes left", at: sizeOffset)
        }
        let payloadStart = reader.position
        var header = SectionHeader(id: id, headerOffset: UInt32(headerOffset), payloadOffset: UInt32(payloadStart),
                                   payloadSize: UInt32(size))
        // The payload is read only as far as its first field, against its own end.
        var payload = ByteReader(buffer, from: payloadStart, end: payloadStart + size)
        if id == SectionID.custom.rawValue {
            header.customName = try? payload.name()
            if header.customName == "name", moduleName == nil {
                let rest = Array(UnsafeBufferPointer(rebasing: buffer[payload.position..<(payloadStart + size)]))
                moduleName = NameSectionDecoder.decode(rest)?.moduleName
            }
        } else {
            header.leadingNumber = try? payload.u32()
        }
        reader.position = payloadStart + size
        return header
    }
}
