import Foundation
import Testing
@testable import WasmCore

/// Decoding and re-encoding the wabt-built fixtures of Tests/Fixtures/wasm.
@Suite struct BinaryFixtureTests {
    @Test func everyFixtureRoundTripsByteForByte() throws {
        let files = Fixtures.wasmFiles()
        #expect(files.count >= 7, "fixtures missing: run Scripts/build-fixtures.sh")
        var identical = 0
        for file in files {
            let (module, sawNonCanonical) = try BinaryDecoder.decodeWithDetails(file.bytes)
            let encoded = BinaryEncoder.encode(module)
            if encoded == file.bytes {
                identical += 1
            } else {
                // wasm-ld pads relocated indices to five bytes; then the canonical re-encoding
                // must be the same module and a fixed point.
                #expect(sawNonCanonical, "\(file.name): re-encoding differs from canonical input")
                let again = try BinaryDecoder.decode(encoded)
                #expect(positionFree(again) == positionFree(module), "\(file.name)")
                #expect(BinaryEncoder.encode(again) == encoded, "\(file.name)")
            }
        }
        // wabt writes canonical LEB128: every WAT fixture must come back byte for byte.
        #expect(identical >= files.count - Fixtures.compiledFromC.count)
        print("fixtures: \(identical) of \(files.count) .wasm files re-encoded byte for byte")
    }

    @Test func allEightElementEncodingsAreRecorded() throws {
        let module = try BinaryDecoder.decode(try #require(Fixtures.wasm("elements.wasm")))
        #expect(module.elements.map(\.encodingFlags) == [0, 1, 2, 3, 4, 5, 6, 7])
        let modes = module.elements.map { segment -> String in
            switch segment.mode {
            case .passive: "passive"
            case .declarative: "declarative"
            case .active(let table, let offset): "active \(table) \(offset.instructions.first?.immediate ?? .none)"
            }
        }
        #expect(modes == ["active 0 i32(0)", "passive", "active 1 i32(1)", "declarative",
                          "active 0 i32(2)", "passive", "active 2 i32(0)", "declarative"])
        #expect(module.elements[6].type == .externref)
        #expect(module.elements[0].items == .functions([0, 1]))
        let expected: [WasmCore.Expression] = [
            WasmCore.Expression([Instruction(.refNull, .refType(.funcref)), Instruction(.end)]),
            WasmCore.Expression([Instruction(.refFunc, .index(0)), Instruction(.end)]),
        ]
        #expect(positionFree(module).elements[4].items == .expressions(expected))
    }

    @Test func sectionsAndSegmentsAreDecoded() throws {
        let bytes = try #require(Fixtures.wasm("sections.wasm"))
        let module = try BinaryDecoder.decode(bytes)
        #expect(module.imports.map(\.descriptor.kind) == [.function, .table, .memory, .global, .global])
        #expect(module.start == 2)  // after the imported $log and $add
        #expect(module.dataCount == 2)
        #expect(module.data.map(\.encodingFlags) == [0, 1])
        #expect(module.data[0].bytes == Array("hello\0world".utf8))
        #expect(module.globals[1].initializer.instructions.first == Instruction(.f64Const, .f64((-12.0).bitPattern)))
        #expect(module.functions[2].locals == [LocalDeclaration(count: 2, type: .i64), LocalDeclaration(count: 1, type: .f32)])
        let ids = module.sectionLocations.map(\.id)
        #expect(ids == [.type, .import, .function, .table, .global, .export, .start, .element, .dataCount, .code, .data, .custom])
        // Every section's recorded payload lies inside the file and follows its header.
        for location in module.sectionLocations {
            #expect(location.headerOffset < location.payloadOffset)
            #expect(Int(location.payloadOffset + location.payloadSize) <= bytes.count)
        }
    }

    @Test func namesAreDecodedAndRegeneratedLikeWabt() throws {
        let bytes = try #require(Fixtures.wasm("names.wasm"))
        let module = try BinaryDecoder.decode(bytes)
        let names = module.names
        #expect(names.moduleName == "named")
        #expect(names.functionNames == [0: "print", 1: "sum", 2: "main"])
        #expect(names.localNames[1] == [0: "a", 1: "b", 2: "acc"])
        #expect(names.typeNames == [0: "pair"])
        #expect(names.tableNames == [0: "table"])
        #expect(names.memoryNames == [0: "memory"])
        #expect(names.globalNames == [0: "limit"])
        #expect(names.elementNames == [0: "callbacks"])
        #expect(names.dataNames == [0: "greeting"])
        // Without the verbatim section, the encoder writes the same name section from `names`.
        var stripped = module
        stripped.customSections.removeAll { $0.name == "name" }
        #expect(BinaryEncoder.encode(stripped) == bytes)
    }

    /// A decoded custom section shares the storage of the bytes it was decoded from: a module
    /// with 20 MB of DWARF copies none of it until a reader asks (Docs/performance.md).
    @Test func customSectionsAreSlicesOfTheModuleBytes() throws {
        let bytes = try #require(Fixtures.wasm("custom.wasm"))
        let module = try BinaryDecoder.decode(bytes)
        let section = try #require(module.customSections.first { $0.name == "bytes" })
        let location = try #require(module.sectionLocations.first { $0.id == .custom && $0.customName == "bytes" })
        let start = Int(location.payloadOffset) + 1 + "bytes".utf8.count  // after the name
        #expect(section.contents.startIndex == start)
        let shared = bytes.withUnsafeBufferPointer { file in
            section.contents.withUnsafeBufferPointer { $0.baseAddress == file.baseAddress.map { $0 + start } }
        }
        #expect(shared)
        #expect(section.payload == [0, 1, 2, 0xFF])
        // Changing the payload gives the section storage of its own; the bytes stay as they were.
        var changed = section
        changed.payload = [9]
        #expect(changed.contents.count == 1)
        #expect(bytes[start] == 0)
    }

    @Test func customSectionsKeepTheirPlaceAndPayload() throws {
        let module = try BinaryDecoder.decode(try #require(Fixtures.wasm("custom.wasm")))
        let customs = module.customSections.filter { $0.name != "name" }
        #expect(customs.map(\.name) == ["first", "bytes", "empty"])
        #expect(customs[1].payload == [0, 1, 2, 0xFF])
        #expect(customs.allSatisfy { $0.after == .code })
        // Moved to the front, they are written at the front.
        var moved = module
        for i in moved.customSections.indices { moved.customSections[i].after = nil }
        let encoded = BinaryEncoder.encode(moved)
        #expect(encoded[8] == 0)  // a custom section right after the header
        #expect(positionFree(try BinaryDecoder.decode(encoded)).customSections == moved.customSections)
    }

    /// Instruction offsets and body offsets agree with `wasm-objdump -d` (when wabt is installed).
    @Test func instructionOffsetsMatchWasmObjdump() throws {
        var compared = 0
        for file in Fixtures.wasmFiles() {
            let path = Fixtures.root.appendingPathComponent("wasm/\(file.name)").path
            guard let listing = Fixtures.run("wasm-objdump", ["-d", path]) else {
                Issue.record("missing prerequisite: wasm-objdump not found (Scripts/setup.sh installs it)")
                return
            }
            let module = try BinaryDecoder.decode(file.bytes)
            var expected: [UInt32: [UInt32]] = [:]  // body offset -> instruction offsets
            var current: UInt32? = nil
            for line in listing.split(separator: "\n") {
                let text = String(line)
                if !text.hasPrefix(" "), text.contains(" func["), let hexPart = text.split(separator: " ").first,
                   let offset = UInt32(hexPart, radix: 16) {
                    current = offset
                    expected[offset] = []
                } else if let current, text.hasPrefix(" "), let bar = text.firstIndex(of: "|") {
                    let instruction = text[text.index(after: bar)...].trimmingCharacters(in: .whitespaces)
                    guard !instruction.isEmpty, !instruction.hasPrefix("local["),
                          let colon = text.firstIndex(of: ":"),
                          let offset = UInt32(text[..<colon].trimmingCharacters(in: .whitespaces), radix: 16) else { continue }
                    expected[current, default: []].append(offset)
                }
            }
            for function in module.functions {
                #expect(expected[function.bodyOffset] == function.body.offsets, "\(file.name) body at \(function.bodyOffset)")
                compared += 1
            }
        }
        print("fixtures: \(compared) function bodies' instruction offsets match wasm-objdump -d")
    }
}
