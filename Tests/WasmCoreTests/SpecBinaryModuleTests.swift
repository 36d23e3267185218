import Testing
@testable import WasmCore

/// Every `(module binary …)` of the spec testsuite through the decoder and encoder.
@Suite struct SpecBinaryModuleTests {
    @Test func malformedModulesAreRejectedWithTheSpecMessage() throws {
        guard let modules = WastBinaryModules.all() else { return }
        let malformed = modules.filter { $0.kind == .assertMalformed }
        var rejected = 0, messageMatches = 0
        for item in malformed {
            do {
                _ = try BinaryDecoder.decode(item.bytes, features: .wasm20)
                Issue.record("\(item): decoded, but the spec expects \"\(item.expectedMessage ?? "")\"")
            } catch {
                rejected += 1
                let expected = item.expectedMessage ?? ""
                if error.message.hasPrefix(expected) {
                    messageMatches += 1
                } else {
                    Issue.record("\(item): expected \"\(expected)\", got \"\(error.message)\" at \(error.offset)")
                }
            }
        }
        print("spec binary modules: \(rejected) of \(malformed.count) assert_malformed rejected, \(messageMatches) with the expected message")
        #expect(malformed.count > 0)
        #expect(rejected == malformed.count)
    }

    @Test func allOtherModulesDecode() throws {
        guard let modules = WastBinaryModules.all() else { return }
        let others = modules.filter { $0.kind != .assertMalformed }
        var decoded = 0
        for item in others {
            do {
                _ = try BinaryDecoder.decode(item.bytes, features: .wasm20)
                decoded += 1
            } catch {
                Issue.record("\(item) (\(item.kind)): \(error)")
            }
        }
        print("spec binary modules: \(decoded) of \(others.count) other modules decoded")
        #expect(others.count > 0)
        #expect(decoded == others.count)
    }

    @Test func decodeThenEncodeReproducesTheBytes() throws {
        guard let modules = WastBinaryModules.all() else { return }
        var identical = 0, nonCanonical = 0, decodable = 0
        for item in modules {
            guard let (module, sawNonCanonical) = try? BinaryDecoder.decodeWithDetails(item.bytes, features: .wasm20) else { continue }
            decodable += 1
            let encoded = BinaryEncoder.encode(module)
            if encoded == item.bytes {
                identical += 1
                continue
            }
            // Only inputs with overlong LEB128 integers may differ; then the re-encoding is
            // the same module, shorter, and a fixed point.
            guard sawNonCanonical else {
                Issue.record("\(item): re-encoding differs from canonical input")
                continue
            }
            nonCanonical += 1
            #expect(encoded.count < item.bytes.count, "\(item)")
            let again = try BinaryDecoder.decode(encoded, features: .wasm20)
            #expect(positionFree(again) == positionFree(module), "\(item)")
            #expect(BinaryEncoder.encode(again) == encoded, "\(item)")
        }
        print("spec binary modules: \(identical) of \(decodable) decodable re-encoded identically, \(nonCanonical) with overlong LEB128 re-encoded canonically")
        #expect(identical + nonCanonical == decodable)
    }
}
