import Foundation
import Testing
import WasmCore
@testable import WasmText

/// The encoding choices of `EncodingStyle`: `.wabt` (the default) against `.wasmTools`; the
/// expected forms are those wat2wasm 1.0.42 and `wasm-tools parse` 1.262 write for the same
/// text (WabtParityTests and WasmToolsParityTests compare whole modules).
@Suite struct EncodingStyleTests {
    func assemble(_ text: String, _ style: EncodingStyle, debugNames: Bool = false) throws -> Module {
        let bytes = try WatAssembler.assemble(text, file: "t.wat",
                                              options: .init(validate: false, debugNames: debugNames, style: style)).bytes
        return try BinaryDecoder.decode(bytes)
    }

    func elementFlags(_ module: Module) -> [UInt8?] { module.elements.map(\.encodingFlags) }

    func usesExpressions(_ module: Module) -> [Bool] {
        module.elements.map { if case .expressions = $0.items { true } else { false } }
    }

    @Test func elementSegmentsKeepTheirWrittenFormForWasmTools() throws {
        let text = """
        (module
          (table $t0 10 funcref) (table $t1 10 funcref)
          (func $f)
          (elem (i32.const 0) $f)
          (elem (table 0) (i32.const 0) func $f)
          (elem (table 1) (i32.const 0) func $f)
          (elem (i32.const 0) funcref (ref.func $f))
          (elem (table 0) (i32.const 0) funcref (ref.func $f))
          (elem (i32.const 0) (ref func) (ref.func $f))
          (elem func $f)
          (elem funcref (ref.func $f))
          (elem declare func $f)
          (elem declare funcref (ref.func $f)))
        """
        let tools = try assemble(text, .wasmTools)
        // An explicit (table 0) keeps the explicit-table form; ref.func items stay expressions.
        #expect(elementFlags(tools) == [0, 2, 2, 4, 6, 6, 1, 5, 3, 7])
        #expect(usesExpressions(tools) == [false, false, false, true, true, true, false, true, false, true])
        let wabt = try assemble(text, .wabt)
        // wabt: funcref lists of ref.func become function indices, (table 0) the short form.
        #expect(elementFlags(wabt) == [0, 0, 2, 0, 0, 6, 1, 1, 3, 3])
    }

    @Test func inlineTableSegmentsNameTheirTable() throws {
        let text = """
        (module
          (type $t (func))
          (func $f (type $t))
          (table funcref (elem $f))
          (table funcref (elem (ref.func $f)))
          (table (ref null $t) (elem $f))
          (table (ref func) (elem $f)))
        """
        let tools = try assemble(text, .wasmTools)
        // Indices only for a funcref table; every segment names its table, even table 0.
        #expect(elementFlags(tools) == [2, 6, 6, 6])
        #expect(usesExpressions(tools) == [false, true, true, true])
        #expect(elementFlags(try assemble(text, .wabt)) == [0, 2, 6, 2])
    }

    @Test func emptyElseAndExplicitBlockTypes() throws {
        let text = """
        (module
          (type $r (func (result i32)))
          (func (result i32)
            (if (i32.const 1) (then) (else))
            (block (type $r) (i32.const 1))))
        """
        let tools = try assemble(text, .wasmTools).functions[0].body.instructions
        #expect(tools.map(\.opcode) == [.i32Const, .if, .else, .end, .block, .i32Const, .end, .end])
        #expect(tools[4].immediate == .block(.typeIndex(0)))
        let wabt = try assemble(text, .wabt).functions[0].body.instructions
        #expect(wabt.map(\.opcode) == [.i32Const, .if, .end, .block, .i32Const, .end, .end])
        #expect(wabt[3].immediate == .block(.value(.i32)))
    }

    @Test func implicitFunctionTypes() throws {
        // wasm-tools never reuses a type written in (rec …), and reuses a non-final one.
        let inRec = "(module (rec (type $a (func))) (func))"
        #expect(try assemble(inRec, .wasmTools).typeDefinitions.count == 2)
        #expect(try assemble(inRec, .wasmTools).functions[0].typeIndex == 1)
        #expect(try assemble(inRec, .wabt).functions[0].typeIndex == 0)
        let open = "(module (type $a (sub (func))) (func))"
        #expect(try assemble(open, .wasmTools).functions[0].typeIndex == 0)
        #expect(try assemble(open, .wabt).typeDefinitions.count == 2)
        #expect(try assemble(open, .wabt).functions[0].typeIndex == 1)
    }

    /// The ids of the sections the style writes (the decoder refuses some of these modules).
    func sectionIDs(_ text: String, _ style: EncodingStyle) throws -> [UInt8] {
        let bytes = try WatAssembler.assemble(text, file: "t.wat", options: .init(validate: false, style: style)).bytes
        return WasmToolsParityTests.sections(bytes).map(\.id)
    }

    @Test func dataCountSection() throws {
        // data.drop without any data segment (invalid, so not validated here).
        let noSegments = "(module (func (data.drop 0)))"
        #expect(try sectionIDs(noSegments, .wasmTools) == [1, 3, 12, 10])
        #expect(try sectionIDs(noSegments, .wabt) == [1, 3, 10])
        let withSegment = "(module (memory 1) (data \"x\") (func (data.drop 0)))"
        #expect(try assemble(withSegment, .wasmTools).dataCount == 1)
        #expect(try assemble(withSegment, .wabt).dataCount == 1)
        #expect(try assemble("(module (memory 1) (data \"x\"))", .wasmTools).dataCount == nil)
        // array.new_data in a global's initializer (invalid there): wabt counts it, wasm-tools
        // only looks at function bodies.
        let inGlobal = "(module (type $b (array i8)) (data \"x\") (global (ref $b) (array.new_data $b 0 (i32.const 0) (i32.const 1))))"
        #expect(try sectionIDs(inGlobal, .wasmTools) == [1, 6, 11])
        #expect(try sectionIDs(inGlobal, .wabt) == [1, 6, 12, 11])
    }

    /// wasm-tools' name subsection 12: parameter names of function types.
    @Test func typeParameterNames() throws {
        let text = "(module (type $t (func (param $x i32) (param i64) (param $y f32))) (type $u (func (param $z i32))))"
        let bytes = try WatAssembler.assemble(text, file: "t.wat",
                                              options: .init(validate: false, debugNames: true, style: .wasmTools)).bytes
        let tail: [UInt8] = [0x0C, 0x0E, 2, 0, 2, 0, 1, 0x78, 2, 1, 0x79, 1, 1, 0, 1, 0x7A]
        #expect(Array(bytes.suffix(tail.count)) == tail)
        let wabt = try WatAssembler.assemble(text, file: "t.wat", options: .init(validate: false, debugNames: true)).bytes
        #expect(!wabt.contains(0x7A))   // no "z": wabt writes no subsection 12
    }

    /// A branch hint on an instruction that is not a branch: invalid, refused when validating;
    /// without validation the hint is written (as wasm-tools does).
    @Test func branchHintOnANonBranchIsInvalidNotMalformed() throws {
        let text = "(module (func i32.const 0 (@metadata.code.branch_hint \"\\01\") i32.eqz drop))"
        #expect(throws: WatError.self) { try WatAssembler.assemble(text, file: "t.wat") }
        #expect(throws: WatError.self) { try WatAssembler.parse(text, file: "t.wat") }
        let bytes = try WatAssembler.assemble(text, file: "t.wat", options: .init(validate: false, style: .wasmTools)).bytes
        let module = try BinaryDecoder.decode(bytes)
        #expect(module.customSections.map(\.name) == ["metadata.code.branch_hint"])
    }
}
