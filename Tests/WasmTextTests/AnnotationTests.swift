import Foundation
import Testing
import WasmCore
@testable import WasmText

/// Quoted identifiers and the annotations wdb interprets (`@custom`, `@name`, branch hints).
@Suite struct AnnotationTests {
    func assemble(_ text: String, debugNames: Bool = false) throws -> AssembledModule {
        try WatAssembler.assemble(text, file: "t.wat", options: .init(debugNames: debugNames))
    }

    func error(_ text: String) -> WatError? {
        do throws(WatError) {
            _ = try WatAssembler.assemble(text, file: "t.wat")
            return nil
        } catch {
            return error
        }
    }

    /// Custom sections of the bytes, in order, with the id of the section before each.
    func customSections(_ bytes: [UInt8]) throws -> [(String, SectionID?)] {
        try BinaryDecoder.decode(bytes).customSections.map { ($0.name, $0.after) }
    }

    // MARK: quoted identifiers

    @Test func quotedAndPlainIdentifiersAreTheSameName() throws {
        let m = try assemble("""
        (module
          (func $"fh") (func (call $fh))
          (func $"\\41B" (param $"a b" i32) (local.get $"a b") drop)
          (func (call $AB (i32.const 1)) (call $"A\\42" (i32.const 2)) (call $"\\u{41}\\u{42}" (i32.const 3)))
          (func block $"l 1" (br $"l 1") end $"l 1"))
        """, debugNames: true)
        #expect(m.module.names.functionNames[0] == "fh")
        #expect(m.module.names.functionNames[2] == "AB")
        #expect(m.module.names.localNames[2]?[0] == "a b")
        let calls = m.module.functions[3].body.instructions.filter { $0.opcode == .call }.map(\.index)
        #expect(calls == [2, 2, 2])
        #expect(m.module.functions[1].body.instructions.first?.index == 0)
    }

    @Test func badQuotedIdentifiersAreMalformed() {
        #expect(error("(func $\"\")")?.message == "empty identifier")
        #expect(error("(func $\"\\ef\")")?.message == "malformed UTF-8 encoding in identifier")
        #expect(error("(func $\"a\"b)") != nil)
        #expect(error("(func $ \"a\")") != nil)
    }

    @Test func printerQuotesNamesThatAreNotIdchars() throws {
        let m = try assemble("(module (func $\"hello world\" (export \"f\")) (func $plain))", debugNames: true)
        let text = WatPrinter.print(try BinaryDecoder.decode(m.bytes))
        #expect(text.contains("(func $\"hello world\" (;0;)"))
        #expect(text.contains("(func $plain (;1;)"))
        let again = try WatAssembler.assemble(text, file: "p.wat", options: .init(debugNames: true))
        #expect(again.bytes == m.bytes)
    }

    // MARK: @custom

    @Test func customSectionsArePlacedAsWritten() throws {
        let m = try assemble("""
        (module
          (@custom "A" "a" "b")
          (type $t (func))
          (@custom "B" (after func) "")
          (@custom "C" (before func))
          (@custom "D" (after last))
          (@custom "X" (before table))
          (table 1 funcref)
          (func (type $t))
          (@custom "K" (before first) "\\00\\ff"))
        """)
        let sections = try customSections(m.bytes)
        #expect(sections.map(\.0) == ["K", "C", "B", "X", "A", "D"])
        #expect(sections.map(\.1) == [nil, .type, .function, .function, .code, .code])
        let decoded = try BinaryDecoder.decode(m.bytes)
        #expect(decoded.customSections.first { $0.name == "A" }?.payload == Array("ab".utf8))
        #expect(decoded.customSections.first { $0.name == "K" }?.payload == [0x00, 0xFF])
    }

    @Test func malformedCustomAnnotationsSayWhy() {
        let cases: [(String, String)] = [
            ("(@custom)", "@custom annotation: missing section name"),
            ("(@custom bla)", "@custom annotation: missing section name"),
            ("(@custom \"\\df\")", "@custom annotation: malformed UTF-8 encoding"),
            ("(@custom \"bla\" here)", "@custom annotation: unexpected token"),
            ("(@custom \"bla\" (after))", "@custom annotation: malformed section kind"),
            ("(@custom \"bla\" (type))", "@custom annotation: malformed placement"),
            ("(@custom \"bla\" (before types))", "@custom annotation: malformed section kind"),
            ("(type (@custom \"bla\") $t (func))", "misplaced @custom annotation"),
            ("(func (nop (@custom \"bla\")))", "misplaced @custom annotation"),
        ]
        for (text, message) in cases {
            #expect(error(text)?.message == message, "\(text)")
        }
    }

    @Test func customSectionsPrintAndReassemble() throws {
        let m = try assemble("(module (@custom \"c\" (after type) \"x\\01\") (type (func)) (func (type 0)) (@custom \"d\" \"y\"))")
        let text = WatPrinter.print(try BinaryDecoder.decode(m.bytes))
        #expect(text.contains("(@custom \"c\" (after type) \"x\\01\")"))
        #expect(try WatAssembler.assemble(text, file: "p.wat").bytes == m.bytes)
    }

    // MARK: @name

    @Test func nameAnnotationsNameTheirBinder() throws {
        let (module, _) = try WatAssembler.parse("""
        (module $m (@name "Modül")
          (type $t (@name "τ") (func))
          (type $s (struct (field $x (@name "ξ") i32)))
          (func $f (@name "λ") (param $p (@name "π") i32) (local $l (@name "ℓ") i32)
            block $b (@name "β") end (block (@name "β2")))
          (func (@name "anonymous"))
          (tag (@name "θ") (type $t))
          (global $g (@name "γ") i32 (i32.const 0)))
        """, file: "t.wat")
        let names = module.names
        #expect(names.moduleName == "Modül")
        #expect(names.typeNames[0] == "τ")
        #expect(names.functionNames == [0: "λ", 1: "anonymous"])
        #expect(names.localNames[0] == [0: "π", 1: "ℓ"])
        #expect(names.globalNames[0] == "γ")
        #expect(names.fieldNames[1] == [0: "ξ"])
        #expect(names.labelNames[0] == [0: "β", 1: "β2"])
        // Identifiers still resolve by their `$id`.
        #expect(error("(module (func $f (@name \"x\")) (func (call $f)))") == nil)
    }

    @Test func misplacedNameAnnotationsAreMalformed() {
        #expect(error("(module (@name \"M1\") (@name \"M2\"))")?.message == "@name annotation: multiple module")
        #expect(error("(module (func) (@name \"M\"))")?.message == "misplaced @name annotation")
        #expect(error("(module (start $f (@name \"M\")) (func $f))")?.message == "misplaced @name annotation")
    }

    // MARK: branch hints

    @Test func branchHintsBecomeTheirSection() throws {
        let m = try assemble("""
        (module
          (func $a)
          (func (param i32)
            (local.get 0) (@metadata.code.branch_hint "\\01") if end
            (@metadata.code.branch_hint "\\00")
            (if (local.get 0) (then (call $a)))
            (block (br_if 0 (@metadata.code.branch_hint "\\01") (br_if 0 (local.get 0) (local.get 0))))))
        """)
        let decoded = try BinaryDecoder.decode(m.bytes)
        let section = try #require(decoded.customSections.first { $0.name == "metadata.code.branch_hint" })
        #expect(section.after == .function)   // just before the code section
        let f = decoded.functions[1]
        func offset(ofInstruction k: Int) -> UInt8 { UInt8(f.body.offsets[k] - f.bodyOffset) }
        let ops = f.body.instructions.map(\.opcode)
        let ifs = ops.indices.filter { ops[$0] == .if }
        let brIfs = ops.indices.filter { ops[$0] == .brIf }
        // One function (index 1), three hints in instruction order; the last one is inside
        // the outer br_if's operands, so it is the inner br_if's (emitted first).
        #expect(section.payload == [1, 1, 3,
                                    offset(ofInstruction: ifs[0]), 1, 1,
                                    offset(ofInstruction: ifs[1]), 1, 0,
                                    offset(ofInstruction: brIfs[0]), 1, 1])
    }

    /// Flat branch hints give wabt's bytes (`wat2wasm --enable-code-metadata`). (For a folded
    /// `(if …)` wabt counts the offset of the condition's first instruction, which is not a
    /// branch; wdb, wasm-tools and the spec's interpreter count the `if`'s.)
    @Test func flatBranchHintsMatchWabt() throws {
        guard let wat2wasm = PrinterTestSupport.tool("wat2wasm") else {
            Issue.record("missing prerequisite: wat2wasm (wabt) not on PATH (Scripts/setup.sh installs it)")
            return
        }
        let text = """
        (module
          (func (param i32) (result i32)
            (local.get 0) (@metadata.code.branch_hint "\\01") if end
            (block (local.get 0) (@metadata.code.branch_hint "\\00") br_if 0)
            (i32.const 1)))
        """
        let dir = try PrinterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("h.wat"), output = dir.appendingPathComponent("h.wasm")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let result = try PrinterTestSupport.run(wat2wasm, ["--enable-code-metadata", input.path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try assemble(text).bytes == [UInt8](try Data(contentsOf: output)))
    }

    /// `--debug-names` writes tag names (subsection 11) as wabt does; the debugger names a
    /// thrown exception's tag by them.
    @Test func tagNamesMatchWabtDebugNames() throws {
        guard let wat2wasm = PrinterTestSupport.tool("wat2wasm") else {
            Issue.record("missing prerequisite: wat2wasm (wabt) not on PATH (Scripts/setup.sh installs it)")
            return
        }
        let text = "(module (tag $oops (param i32)) (tag $other) (func $f (throw $other)))"
        let dir = try PrinterTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("t.wat"), output = dir.appendingPathComponent("t.wasm")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let result = try PrinterTestSupport.run(wat2wasm, ["--debug-names", input.path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try assemble(text, debugNames: true).bytes == [UInt8](try Data(contentsOf: output)))
    }

    @Test func badBranchHintsSayWhy() {
        #expect(error("(func i32.const 0 (@metadata.code.branch_hint \"\\01\") i32.eqz drop)")?.message
                == "@metadata.code.branch_hint annotation: invalid target")
        #expect(error("(func i32.const 0 (@metadata.code.branch_hint \"\\01\") i32.eqz drop)")?.kind == .invalid)
        #expect(error("(func (@metadata.code.branch_hint \"\\01\") (@metadata.code.branch_hint \"\\01\") i32.const 0 if end)")?.message
                == "@metadata.code.branch_hint annotation: duplicate annotation")
        #expect(error("(module (@metadata.code.branch_hint \"\\01\") (func))")?.message
                == "@metadata.code.branch_hint annotation: not in a function")
        #expect(error("(func i32.const 0 (@metadata.code.branch_hint \"\\02\") if end)")?.message
                == "@metadata.code.branch_hint annotation: invalid hint value")
    }

    @Test func unknownAnnotationsAreIgnored() throws {
        let plain = try assemble("(module (func (nop)))")
        let annotated = try assemble("(module (@a) (func (@b x (y)) (nop (@producers \"z\"))))")
        #expect(annotated.bytes == plain.bytes)
    }
}
