import Testing
import WasmCore
@testable import WasmText

/// The module the parser builds for each abbreviation of the text format (independent of
/// wabt; the parity test checks the bytes).
@Suite struct AssemblerTests {
    func parse(_ text: String) throws -> Module {
        try WatAssembler.parse(text, file: "t.wat").0
    }

    func body(_ text: String) throws -> [Instruction] {
        try parse(text).functions[0].body.instructions
    }

    @Test func importAfterDefinitionIsMalformed() {
        #expect(throws: WatError.self) { try parse("(module (func) (import \"m\" \"i\" (func)))") }
        #expect(throws: WatError.self) { try parse("(module (memory 1) (import \"m\" \"i\" (global i32)))") }
    }

    @Test func implicitTypes() throws {
        let m = try parse("""
            (module
              (import "m" "i" (func (param f32)))
              (func $a (param i32))
              (type $t (func (result i32)))
              (func $b (type $t) (i32.const 0))
              (func $c (param $x i32))
              (func $d (result i32) (block (param i32) (result i32 i64) (unreachable)) (unreachable)))
            """)
        #expect(m.types == [FuncType(results: [.i32]), FuncType(params: [.f32]), FuncType(params: [.i32]),
                            FuncType(params: [.i32], results: [.i32, .i64])])
        #expect(m.imports[0].descriptor == .function(typeIndex: 1))
        #expect(m.functions.map(\.typeIndex) == [2, 0, 2, 0])
        #expect(m.functions[3].body.instructions[0] == Instruction(.block, .block(.typeIndex(3))))
        #expect(m.names.functionNames == [1: "a", 2: "b", 3: "c", 4: "d"])
        #expect(m.names.localNames[3] == [0: "x"])
        #expect(m.names.typeNames == [0: "t"])
    }

    @Test func inlineImportsExportsAndSegments() throws {
        let m = try parse("""
            (module
              (func $imp (export "e1") (import "m" "f") (param i32))
              (memory $mem (export "mem") (data "ab" "c"))
              (table $tab (export "tab") funcref (elem $f $imp))
              (global $g (export "g") (mut i64) (i64.const -1))
              (func $f (export "f") (export "f2"))
              (export "g2" (global $g)))
            """)
        #expect(m.imports == [Import(module: "m", name: "f", descriptor: .function(typeIndex: 0))])
        #expect(m.exports.map(\.name) == ["e1", "mem", "tab", "g", "f", "f2", "g2"])
        #expect(m.exports[4] == Export(name: "f", kind: .function, index: 1))
        #expect(m.memories == [MemoryType(limits: Limits(min: 1, max: 1))])
        let zero = Expression([Instruction(.i32Const, .i32(0)), Instruction(.end)])
        #expect(m.data == [DataSegment(mode: .active(memory: 0, offset: zero), bytes: Array("abc".utf8), encodingFlags: 0)])
        #expect(m.tables == [TableType(elementType: .funcref, limits: Limits(min: 2, max: 2))])
        #expect(m.elements == [ElementSegment(mode: .active(table: 0, offset: zero), type: .funcref,
                                              items: .functions([1, 0]), encodingFlags: 0)])
        #expect(m.globals[0].type == GlobalType(valueType: .i64, isMutable: true))
        #expect(m.globals[0].initializer.instructions[0] == Instruction(.i64Const, .i64(-1)))
    }

    @Test func elementSegmentForms() throws {
        let m = try parse("""
            (module
              (table $t1 1 funcref) (table $t2 1 externref)
              (func $f)
              (elem (i32.const 0) $f)
              (elem (table $t2) (offset (i32.const 0)) externref (ref.null extern))
              (elem $p funcref (ref.func $f) (item ref.func $f))
              (elem declare func $f)
              (elem (table $t1) (i32.const 0) funcref (ref.null func)))
            """)
        // A funcref list of ref.func items is written as function indices, as wabt writes it
        // (in 3.0 such a segment is typed (ref func), a subtype every funcref use accepts).
        #expect(m.elements.map(\.encodingFlags) == [0, 6, 1, 3, 4])
        let twoPointO = try WatAssembler.parse("(module (func $f) (elem $p funcref (ref.func $f) (item ref.func $f)))",
                                               file: "e.wat", features: .wasm20).0
        #expect(twoPointO.elements[0].items == .functions([0, 0]))
        #expect(twoPointO.elements[0].encodingFlags == 1)
        #expect(m.elements[2].mode == .passive)
        #expect(m.names.elementNames == [2: "p"])
        guard case .expressions(let e) = m.elements[4].items else { Issue.record("expressions"); return }
        #expect(e[0].instructions == [Instruction(.refNull, .refType(.funcref)), Instruction(.end)])
    }

    @Test func foldedAndFlatFormsAgree() throws {
        let folded = try body("(module (func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.add (i32.const 2) (i32.const 3))))))")
        let flat = try body("(module (func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 i32.const 3 i32.add end))")
        #expect(folded == flat)
        #expect(folded.map(\.opcode) == [.localGet, .if, .i32Const, .else, .i32Const, .i32Const, .i32Add, .end, .end])
    }

    @Test func labelsResolveToDepths() throws {
        let code = try body("""
            (module (func
              (block $out
                (loop $l
                  (block $out (br $out) (br $l) (br 2))
                  (br_table $l $out 0 (i32.const 0))))
              block $b end $b))
            """)
        #expect(code.filter { $0.opcode == .br }.map(\.index) == [0, 1, 2])
        #expect(code.first { $0.opcode == .brTable }?.immediate == .brTable(targets: [0, 1], defaultTarget: 0))
        #expect(throws: WatError.self) { try body("(module (func block $a end $b))") }
        #expect(throws: WatError.self) { try body("(module (func (br $nowhere)))") }
    }

    @Test func labelNamesAreKeptByBlockOrdinal() throws {
        let m = try parse("(module (func (block $a (if $b (i32.const 0) (then (loop $c)))) (block)) (func block $d end))")
        #expect(m.names.labelNames == [0: [0: "a", 1: "b", 2: "c"], 1: [0: "d"]])
    }

    @Test func immediates() throws {
        let code = try body("""
            (module (memory 1) (table 1 funcref) (type $t (func (param i32)))
              (func
                (i32.const 0xffff_ffff) (i64.const -0x8000_0000_0000_0000) (f32.const -nan:0x1) (f64.const 0x1p-1074)
                (i32.load8_u offset=7 (i32.const 0)) (i64.store align=4 (i32.const 0) (i64.const 0))
                (v128.const i16x8 -1 0 0 0 0 0 0 0x7fff) (i8x16.shuffle 31 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (v128.const f64x2 1 -0) (v128.const i64x2 1 2))
                (v128.load32_lane offset=2 3 (i32.const 0) (v128.const i32x4 0 0 0 0)) (i32x4.extract_lane 3 (v128.const f32x4 0 0 0 0))
                (select (result i64) (i64.const 1) (i64.const 2) (i32.const 0)) (select (i32.const 1) (i32.const 2) (i32.const 0))
                (call_indirect (type $t) (i32.const 0) (i32.const 0)) (ref.null extern) (table.size) (memory.size)))
            """)
        var i = code.makeIterator()
        func next() -> Immediate? { i.next()?.immediate }
        #expect(next() == .i32(-1))
        #expect(next() == .i64(Int64.min))
        #expect(next() == .f32(0xFF80_0001))
        #expect(next() == .f64(1))
        #expect(next() == .i32(0))
        #expect(next() == .memarg(MemArg(align: 0, offset: 7)))
        _ = next(); _ = next()
        #expect(next() == .memarg(MemArg(align: 2, offset: 0)))
        #expect(next() == .v128(V128(bytes: [0xFF, 0xFF] + [UInt8](repeating: 0, count: 12) + [0xFF, 0x7F])))
        _ = next(); _ = next()
        #expect(next() == .v128(V128(bytes: [31] + Array(0...14))))
        _ = next(); _ = next()
        #expect(next() == .memlane(MemArg(align: 2, offset: 2), lane: 3))
        _ = next()
        #expect(next() == .lane(3))
        let selects = code.filter { $0.opcode == .select || $0.opcode == .selectTyped }
        #expect(selects == [Instruction(.selectTyped, .select([.i64])), Instruction(.select)])
        #expect(code.contains(Instruction(.callIndirect, .indexPair(0, 0))))
        #expect(code.contains(Instruction(.refNull, .refType(.externref))))
        #expect(code.contains(Instruction(.tableSize, .index(0))))
    }

    @Test func emptyElseIsDroppedLikeWabt() throws {
        let code = try body("(module (func (if (i32.const 1) (then nop) (else))))")
        #expect(!code.contains { $0.opcode == .else })
        let flat = try body("(module (func i32.const 1 if nop else end))")
        #expect(flat == code)
    }

    @Test func localsAreMergedIntoRuns() throws {
        let f = try parse("(module (func (param $p i32) (local $a i32) (local i32 i64) (local $b i64) (local f32) (local.get $b) drop))").functions[0]
        #expect(f.locals == [LocalDeclaration(count: 2, type: .i32), LocalDeclaration(count: 2, type: .i64),
                             LocalDeclaration(count: 1, type: .f32)])
        #expect(f.body.instructions[0] == Instruction(.localGet, .index(4)))
        #expect(throws: WatError.self) { try parse("(module (func (param $x i32) (local $x i32)))") }
    }

    @Test func dataCountFollowsWabt() throws {
        #expect(try parse("(module (memory 1) (data \"x\") (func (data.drop 0)))").dataCount == 1)
        #expect(try parse("(module (memory 1) (data \"x\"))").dataCount == nil)
        #expect(try parse("(module (memory 1) (func (data.drop 0)))").dataCount == nil)
    }
}
