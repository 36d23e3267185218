import Foundation
import Testing
@testable import WasmCore

/// `BinaryDecoder.walkSections`: the section headers of a module without decoding contents.
@Suite struct SectionWalkTests {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    static func section(_ id: UInt8, _ payload: [UInt8]) -> [UInt8] { [id, UInt8(payload.count)] + payload }

    /// On every decodable fixture the walk finds the decoder's sections: same ids, offsets,
    /// sizes, custom names and counts, and the same module name.
    @Test func agreesWithTheDecoderOnFixtures() throws {
        let files = Fixtures.wasmFiles()
        #expect(files.count >= 7, "fixtures missing: run Scripts/build-fixtures.sh")
        for file in files {
            let module = try BinaryDecoder.decode(file.bytes)
            let walk = BinaryDecoder.walkSections(file.bytes)
            #expect(walk.error == nil, "\(file.name)")
            #expect(walk.moduleName == module.names.moduleName, "\(file.name)")
            #expect(walk.headers.count == module.sectionLocations.count, "\(file.name)")
            for (header, location) in zip(walk.headers, module.sectionLocations) {
                #expect(header.id == location.id.rawValue, "\(file.name)")
                #expect(header.headerOffset == location.headerOffset)
                #expect(header.payloadOffset == location.payloadOffset)
                #expect(header.payloadSize == location.payloadSize)
                #expect(header.customName == location.customName)
                #expect(header.name == location.id.description)
                if let count = location.count { #expect(header.leadingNumber == count, "\(file.name) \(header.name)") }
                if location.id == .start { #expect(header.leadingNumber == module.start) }
                if location.id == .dataCount { #expect(header.leadingNumber == module.dataCount) }
            }
        }
    }

    /// A tag section (id 13) is walked past, while the 2.0 decoder refuses it (3.0 reads it).
    @Test func tagSection() throws {
        let bytes = Self.header + Self.section(1, [1, 0x60, 0, 0]) + Self.section(13, [1, 0, 0])
            + Self.section(7, [1, 1, 0x74, 4, 0])
        #expect(throws: DecodeError.self) { try BinaryDecoder.decode(bytes, features: .wasm20) }
        #expect(try BinaryDecoder.decode(bytes).tags.count == 1)
        let walk = BinaryDecoder.walkSections(bytes)
        #expect(walk.error == nil)
        #expect(walk.headers.map(\.name) == ["Type", "Tag", "Export"])
        #expect(walk.headers.map(\.leadingNumber) == [1, 1, 1])
        #expect(walk.headers[1] == SectionHeader(id: 13, headerOffset: 14, payloadOffset: 16, payloadSize: 3, leadingNumber: 1))
        #expect(walk.headers[1].contains(offset: 14) && walk.headers[1].contains(offset: 18))
        #expect(!walk.headers[1].contains(offset: 19))
    }

    /// The walk ends at an unreadable header with the sections before it listed.
    @Test func stopsAtTheFirstBadHeader() {
        let type = Self.section(1, [1, 0x60, 0, 0])
        let unknown = BinaryDecoder.walkSections(Self.header + type + Self.section(14, [1, 2]) + type)
        #expect(unknown.headers.map(\.name) == ["Type"])
        #expect(unknown.error == DecodeError("malformed section id 14", at: 14))

        let past = BinaryDecoder.walkSections(Self.header + type + [7, 50, 1])
        #expect(past.headers.count == 1)
        #expect(past.error == DecodeError("length out of bounds: section size 50 with 1 bytes left", at: 15))

        let cut = BinaryDecoder.walkSections(Self.header + type + [7, 0x80])
        #expect(cut.headers.count == 1)
        #expect(cut.error?.offset == 15)
        #expect(cut.error?.message.hasPrefix("unexpected end") == true)

        let magic = BinaryDecoder.walkSections([0, 0x61, 0x73, 0x6E, 1, 0, 0, 0])
        #expect(magic.headers.isEmpty)
        #expect(magic.error?.message == "magic header not detected")
        #expect(BinaryDecoder.walkSections([]).error?.message == "unexpected end")
    }

    /// A payload too short for its leading number, or a custom name that runs past its section,
    /// leaves that field empty; the walk goes on.
    @Test func unreadableFieldsAreLeftOut() {
        let bytes = Self.header + Self.section(1, []) + Self.section(0, [9, 0x61]) + Self.section(8, [0])
        let walk = BinaryDecoder.walkSections(bytes)
        #expect(walk.error == nil)
        #expect(walk.headers.map(\.name) == ["Type", "Custom", "Start"])
        #expect(walk.headers[0].leadingNumber == nil)
        #expect(walk.headers[1].customName == nil)
        #expect(walk.headers[2].leadingNumber == 0)
    }
}
