import Testing
@testable import WasmCore

/// Encoding modules that were built by hand rather than decoded.
@Suite struct BinaryEncoderTests {
    func sampleModule() -> Module {
        var m = Module()
        m.types = [FuncType(params: [.i32], results: [.i32]), FuncType()]
        m.imports = [Import(module: "env", name: "f", descriptor: .function(typeIndex: 1))]
        m.tables = [TableType(elementType: .funcref, limits: Limits(min: 1)),
                    TableType(elementType: .externref, limits: Limits(min: 0, max: 5))]
        m.memories = [MemoryType(limits: Limits(min: 1, max: 2))]
        let zero = Expression([Instruction(.i32Const, .i32(0)), Instruction(.end)])
        m.functions = [Function(typeIndex: 0, locals: [LocalDeclaration(count: 2, type: .i64)],
                                body: Expression([Instruction(.localGet, .index(0)), Instruction(.end)]))]
        m.elements = [
            ElementSegment(mode: .active(table: 0, offset: zero), type: .funcref, items: .functions([1])),
            ElementSegment(mode: .passive, type: .funcref, items: .functions([0])),
            ElementSegment(mode: .active(table: 1, offset: zero), type: .externref,
                           items: .expressions([Expression([Instruction(.refNull, .refType(.externref)), Instruction(.end)])])),
            ElementSegment(mode: .declarative, type: .funcref, items: .functions([1])),
        ]
        m.data = [DataSegment(mode: .active(memory: 0, offset: zero), bytes: [1, 2]),
                  DataSegment(mode: .passive, bytes: [3])]
        m.dataCount = 2
        m.exports = [Export(name: "g", kind: .function, index: 1)]
        m.names.functionNames = [1: "g", 0: "imported"]
        m.names.localNames = [1: [1: "x", 0: "p"]]
        return m
    }

    @Test func shortestSegmentEncodingsWhenFlagsAreNotRecorded() throws {
        let decoded = try BinaryDecoder.decode(BinaryEncoder.encode(sampleModule()))
        #expect(decoded.elements.map(\.encodingFlags) == [0, 1, 6, 3])
        #expect(decoded.data.map(\.encodingFlags) == [0, 1])
    }

    @Test func handBuiltModuleSurvivesEncodeDecode() throws {
        let module = sampleModule()
        let bytes = BinaryEncoder.encode(module)
        var decoded = positionFree(try BinaryDecoder.decode(bytes, features: .wasm20))
        // The decoder records what the encoder chose and the generated name section.
        #expect(decoded.customSections.map(\.name) == ["name"])
        #expect(decoded.names == module.names)
        decoded.customSections = []
        for i in decoded.elements.indices { decoded.elements[i].encodingFlags = nil }
        for i in decoded.data.indices { decoded.data[i].encodingFlags = nil }
        #expect(decoded == positionFree(module))
        // Encoding the decoded module again is a fixed point.
        #expect(BinaryEncoder.encode(try BinaryDecoder.decode(bytes, features: .wasm20)) == bytes)
    }

    @Test func emptySectionsOnlyWhenTheSourceHadThem() throws {
        #expect(BinaryEncoder.encode(Module()) == [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])
        let withEmptyTypes: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00]
        #expect(BinaryEncoder.encode(try BinaryDecoder.decode(withEmptyTypes, features: .wasm20)) == withEmptyTypes)
    }

    @Test func recordedFlagsThatNoLongerFitAreReplaced() throws {
        var module = sampleModule()
        // Recorded as "active, table 0" but now passive: the encoder must not write flags 0.
        module.elements[0].encodingFlags = 0
        module.elements[0].mode = .passive
        let decoded = try BinaryDecoder.decode(BinaryEncoder.encode(module), features: .wasm20)
        #expect(decoded.elements[0].mode == .passive)
        #expect(decoded.elements[0].encodingFlags == 1)
    }
}
