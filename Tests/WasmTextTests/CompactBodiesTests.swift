import Testing
import WasmCore
import WasmText

/// Every module a command loads, text or binary, holds its function bodies as slices of its
/// bytes (decoded on demand), and `dump -d` prints function by function.
@Suite struct CompactBodiesTests {
    static let text = """
        (module
          (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
          (func $pick (param i32) (result i32)
            (if (result i32) (local.get 0) (then (call $twice (i32.const 3))) (else (i32.const 7))))
          (func (export "run") (result i32) (call $pick (i32.const 1))))
        """

    @Test func loadedTextHoldsItsAssembledBinarysBodies() throws {
        let loaded = try ModuleLoader.assemble(Self.text, path: "t.wat")
        let (parsed, _) = try WatAssembler.parse(Self.text, file: "t.wat")
        #expect(loaded.module.functions.count == 3)
        #expect(parsed.functions.allSatisfy { $0.isBodyDecoded })
        for (k, function) in loaded.module.functions.enumerated() {
            #expect(!function.isBodyDecoded)
            guard case .encoded(let code) = function.code else { continue }
            // The slice is of the loaded bytes: same content at the same offsets.
            #expect(Array(code.bytes) == Array(loaded.bytes[code.bytes.startIndex..<code.bytes.endIndex]))
            // Decoding gives the parsed instructions, with the offsets the source map uses.
            let body = function.body
            #expect(body.instructions == parsed.functions[k].body.instructions)
            #expect(loaded.sourceMap?.fileOffsets[k] == body.offsets)
        }
    }

    @Test func aLoadedBinaryHoldsSlicesOfItsBytes() throws {
        let assembled = try ModuleLoader.assemble(Self.text, path: "t.wat")
        let loaded = try ModuleLoader.load(bytes: assembled.bytes, path: "t.wasm")
        #expect(loaded.module.functions.allSatisfy { !$0.isBodyDecoded })
        #expect(loaded.module.functions == assembled.module.functions)
    }

    @Test func disassemblyIsWrittenOneFunctionAtATime() throws {
        let loaded = try ModuleLoader.assemble(Self.text, path: "t.wat")
        var pieces: [String] = []
        Objdump.writeDisassembly(loaded.module, bytes: loaded.bytes) { pieces.append($0) }
        // The heading, then one piece per function, each starting with its header line.
        #expect(pieces.count == 1 + loaded.module.functions.count)
        #expect(pieces.dropFirst().allSatisfy { $0.contains(" func[") })
        let whole = Objdump.disassembly(loaded.module, bytes: loaded.bytes, fileName: "t.wasm")
        #expect(whole == Objdump.prelude(loaded.module, fileName: "t.wasm") + pieces.joined())
    }
}
