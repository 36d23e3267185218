import Testing
@testable import WasmCore

/// What the decoder reports, and where, for hand-made bad binaries.
@Suite struct DecoderErrorTests {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    /// type section `[] -> []`, one function of that type.
    static let oneFunction: [UInt8] = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00]

    func error(_ bytes: [UInt8]) -> DecodeError? {
        do {
            _ = try BinaryDecoder.decode(bytes, features: .wasm20)
            return nil
        } catch {
            return error
        }
    }

    func expectError(_ bytes: [UInt8], _ message: String, at offset: Int,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let e = error(bytes) else {
            Issue.record("decoded, expected \(message)", sourceLocation: sourceLocation)
            return
        }
        #expect(e.message.hasPrefix(message), "got \(e.message)", sourceLocation: sourceLocation)
        #expect(e.offset == offset, "got offset \(e.offset) for \(e.message)", sourceLocation: sourceLocation)
    }

    /// A module whose single function body is `code` (no locals, `end` included in `code`).
    func body(_ code: [UInt8]) -> [UInt8] {
        let function = [0x00] + code
        let section = [0x01, UInt8(function.count)] + function
        return Self.header + Self.oneFunction + [0x0A, UInt8(section.count)] + section
    }

    @Test func headerErrors() {
        expectError([], "unexpected end", at: 0)
        expectError([0x00, 0x61, 0x73], "unexpected end", at: 3)
        expectError([0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00], "magic header not detected", at: 0)
        expectError([0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00], "unknown binary version", at: 4)
        expectError(Self.header + [0x0E, 0x00], "malformed section id", at: 8)
        // The tag section (exception handling) is not Wasm 2.0.
        expectError(Self.header + [0x0D, 0x00], "malformed section id", at: 8)
        expectError(Self.header + [0x01, 0x05, 0x00], "length out of bounds", at: 9)
    }

    @Test func sectionErrors() {
        // Type section declaring 3 bytes but using 1.
        expectError(Self.header + [0x01, 0x03, 0x00, 0x00, 0x00], "section size mismatch", at: 10)
        expectError(Self.header + [0x03, 0x01, 0x00, 0x01, 0x01, 0x00], "unexpected content after last section", at: 11)
        expectError(Self.header + [0x01, 0x01, 0x00, 0x01, 0x01, 0x00], "unexpected content after last section", at: 11)
        // Function section without code section.
        expectError(Self.header + Self.oneFunction, "function and code section have inconsistent lengths", at: 14)  // the function section
        // Import name with an invalid UTF-8 byte at offset 12.
        expectError(Self.header + [0x02, 0x07, 0x01, 0x01, 0xFF, 0x00, 0x00, 0x00, 0x00],
                    "malformed UTF-8 encoding", at: 12)
        expectError(Self.header + [0x05, 0x03, 0x01, 0x04, 0x00], "integer too large (limits flags 0x04: 64-bit memories need memory64", at: 11)
        expectError(Self.header + [0x05, 0x03, 0x01, 0x03, 0x00], "integer too large", at: 11)
        expectError(Self.header + [0x06, 0x06, 0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B], "malformed mutability", at: 12)
        expectError(Self.header + [0x01, 0x04, 0x01, 0x60, 0x01, 0x64], "malformed reference type 0x64 (typed references need function references", at: 13)
    }

    @Test func instructionErrors() {
        // The body starts at offset 22 (locals count), so the first opcode is at 23.
        expectError(body([0xFF, 0x0B]), "illegal opcode ff", at: 23)
        expectError(body([0x12, 0x00, 0x0B]), "illegal opcode 12 (return_call needs tail-call)", at: 23)
        expectError(body([0xFD, 0x80, 0x02, 0x0B]), "illegal opcode fd 0100 (i8x16.relaxed_swizzle needs relaxed-simd)", at: 23)
        expectError(body([0x3F, 0x01, 0x1A, 0x0B]), "zero byte expected", at: 24)
        expectError(body([0x41, 0x00, 0x28, 0x40, 0x00, 0x1A, 0x0B]), "malformed memop flags", at: 26)
        expectError(body([0x05, 0x0B]), "END opcode expected", at: 23)
        expectError(body([0xFC, 0x09, 0x00, 0x0B]), "data count section required", at: 27)
        expectError(body([0xD0, 0x7F, 0x0B]), "malformed reference type", at: 24)
        // A constant expression without `end` runs into the next section's id byte.
        let global = Self.header + [0x06, 0x05, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x0A, 0x02, 0x01, 0x00]
        expectError(global, "illegal opcode 0a (past the end of the section", at: 15)
        // The body's declared size ends before its `end`.
        var short = body([0x01, 0x01, 0x0B])
        short[21] = 0x02
        expectError(short, "section size mismatch", at: 22)
    }

    @Test func offsetsOfInstructionsAndBodies() throws {
        let module = try BinaryDecoder.decode(body([0x41, 0x2A, 0x1A, 0x02, 0x40, 0x0B, 0x0B]), features: .wasm20)
        let function = try #require(module.functions.first)
        #expect(function.bodyOffset == 22)
        #expect(function.bodySize == 8)
        #expect(function.body.offsets == [23, 25, 26, 28, 29])
        #expect(function.body.instructions.map(\.opcode) == [.i32Const, .drop, .block, .end, .end])
        #expect(function.body.instructions[0].immediate == .i32(42))
        #expect(module.sectionLocations.map(\.id) == [.type, .function, .code])
        #expect(module.sectionLocations[2].count == 1)
    }

    @Test func malformedNameSectionIsKeptButIgnored() throws {
        // "name" section with a function-names subsection whose name has a bad UTF-8 byte.
        let payload: [UInt8] = [0x01, 0x05, 0x01, 0x00, 0x02, 0xC0, 0x80]
        let custom = [0x04] + Array("name".utf8) + payload
        let bytes = Self.header + [0x00, UInt8(custom.count)] + custom
        let module = try BinaryDecoder.decode(bytes, features: .wasm20)
        #expect(module.names.isEmpty)
        #expect(module.customSections == [CustomSection(name: "name", payload: payload)])
        #expect(BinaryEncoder.encode(module) == bytes)
        // The same with a well-formed name decodes it.
        let good: [UInt8] = [0x01, 0x04, 0x01, 0x00, 0x01, 0x66]
        let goodCustom = [0x04] + Array("name".utf8) + good
        let named = try BinaryDecoder.decode(Self.header + [0x00, UInt8(goodCustom.count)] + goodCustom, features: .wasm20)
        #expect(named.names.functionNames == [0: "f"])
    }
}
