import Testing
@testable import WasmCore

/// The spec scripts' modules as wast2json encodes them (text modules included).
@Suite struct SpecTextModuleTests {
    @Test func everyEncodedModuleDecodesAndRoundTrips() throws {
        guard let modules = WastJSONModules.all() else { return }
        // Binary-level malformed modules are covered by SpecBinaryModuleTests.
        let wellFormed = modules.filter { $0.command != "assert_malformed" }
        var decoded = 0, identical = 0, dataCountMissing = 0
        for item in wellFormed {
            do {
                let (module, sawNonCanonical) = try BinaryDecoder.decodeWithDetails(item.bytes)
                decoded += 1
                let encoded = BinaryEncoder.encode(module)
                if encoded == item.bytes {
                    identical += 1
                } else if !sawNonCanonical {
                    Issue.record("\(item) (\(item.command)): re-encoding differs")
                }
            } catch {
                // wabt leaves out the data count section when a module has no data segments,
                // so an invalid module using `data.drop 0` becomes malformed in binary form.
                if item.command == "assert_invalid" && error.message.hasPrefix("data count section required") {
                    dataCountMissing += 1
                    continue
                }
                Issue.record("\(item) (\(item.command)): \(error)")
            }
        }
        print("wast2json corpus: \(decoded) of \(wellFormed.count) modules decoded, \(identical) re-encoded identically, \(dataCountMissing) invalid ones rejected for lack of a data count section")
        #expect(wellFormed.count > 1000)
        #expect(decoded + dataCountMissing == wellFormed.count)
        #expect(dataCountMissing < 10)
    }
}
