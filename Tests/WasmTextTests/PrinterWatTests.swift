import Testing
import WasmCore
@testable import WasmText

@Suite struct PrinterWatTests {
    static func const32(_ v: Int32) -> Expression {
        Expression([Instruction(.i32Const, .i32(v)), Instruction(.end)])
    }

    /// A small module exercising names, imports, segments and nested blocks.
    static func sample() -> Module {
        var m = Module()
        m.types = [FuncType(params: [.i32], results: [.i32]), FuncType(), FuncType(params: [.f32])]
        m.imports = [Import(module: "env", name: "log", descriptor: .function(typeIndex: 2)),
                     Import(module: "env", name: "mem", descriptor: .memory(MemoryType(limits: Limits(min: 1))))]
        m.functions = [Function(typeIndex: 0, locals: [LocalDeclaration(count: 1, type: .i64)], body: Expression([
            Instruction(.block, .block(.value(.i32))),
            Instruction(.localGet, .index(0)),
            Instruction(.i32Load, .memarg(MemArg(align: 2, offset: 4))),
            Instruction(.localGet, .index(0)),
            Instruction(.brIf, .index(0)),
            Instruction(.f32Const, .f32(Float(1.5).bitPattern)),
            Instruction(.call, .index(0)),
            Instruction(.end),
            Instruction(.end),
        ]))]
        m.tables = [TableType(elementType: .funcref, limits: Limits(min: 1, max: 2))]
        m.globals = [Global(type: GlobalType(valueType: .i64, isMutable: true),
                            initializer: Expression([Instruction(.i64Const, .i64(-7)), Instruction(.end)]))]
        m.exports = [Export(name: "run", kind: .function, index: 1)]
        m.start = nil
        m.elements = [ElementSegment(mode: .active(table: 0, offset: const32(0)), type: .funcref,
                                     items: .functions([1]), encodingFlags: 0),
                      ElementSegment(mode: .declarative, type: .funcref,
                                     items: .expressions([Expression([Instruction(.refFunc, .index(1)), Instruction(.end)])]),
                                     encodingFlags: 7)]
        m.data = [DataSegment(mode: .active(memory: 0, offset: const32(16)), bytes: Array("hi\"\n".utf8), encodingFlags: 2)]
        m.names.moduleName = "demo"
        m.names.functionNames = [0: "log", 1: "run it"]
        m.names.localNames = [1: [0: "p", 1: "p"]]
        return m
    }

    @Test func flatOutput() {
        let expected = """
        (module $demo
          (type (;0;) (func (param i32) (result i32)))
          (type (;1;) (func))
          (type (;2;) (func (param f32)))
          (import "env" "log" (func $log (;0;) (type 2) (param f32)))
          (import "env" "mem" (memory (;0;) 1))
          (func $"run it" (;1;) (type 0) (param $p i32) (result i32)
            (local $p.1 i64)
            block (result i32)  ;; label = @1
              local.get $p
              i32.load offset=4
              local.get $p
              br_if 0 (;@1;)
              f32.const 1.5
              call $log
            end)
          (table (;0;) 1 2 funcref)
          (global (;0;) (mut i64) (i64.const -7))
          (export "run" (func $"run it"))
          (elem (;0;) (i32.const 0) func $"run it")
          (elem (;1;) declare funcref (ref.func $"run it"))
          (data (;0;) (memory 0) (i32.const 16) "hi\\22\\0a"))

        """
        #expect(WatPrinter.print(Self.sample()) == expected)
    }

    @Test func foldedOutput() {
        let text = WatPrinter.print(Self.sample(), folded: true)
        let expectedBody = """
            (block (result i32)  ;; label = @1
              (i32.load offset=4
                (local.get $p))
              (br_if 0 (;@1;)
                (local.get $p))
              (call $log
                (f32.const 1.5))))
        """
        #expect(text.contains(expectedBody), "\(text)")
    }

    /// A name that is not all idchars prints quoted (`$"…"`, WebAssembly 3.0), so it
    /// reassembles to the same name; repeated names are numbered.
    @Test func identifiersAreQuotedWhenNeededAndUnique() {
        let ids = WatIdentifiers.unique([0: "a b", 1: "x", 2: "x", 3: "x.1", 4: "", 5: "(é)"])
        #expect(ids[0] == "$\"a b\"")
        #expect(ids[1] == "$x")
        #expect(ids[2] == "$x.1")
        #expect(ids[3] == "$x.1.1")
        #expect(ids[4] == nil)
        #expect(ids[5] == "$\"(\\c3\\a9)\"")
    }

    @Test func labelsAndBranchesUseNames() {
        var m = Module()
        m.types = [FuncType()]
        m.functions = [Function(typeIndex: 0, body: Expression([
            Instruction(.loop, .block(.empty)),
            Instruction(.block, .block(.empty)),
            Instruction(.br, .index(1)),
            Instruction(.brTable, .brTable(targets: [0, 1], defaultTarget: 2)),
            Instruction(.end),
            Instruction(.end),
            Instruction(.end),
        ]))]
        m.names.labelNames = [0: [0: "again"]]
        let text = WatPrinter.print(m)
        #expect(text.contains("loop $again\n"))
        #expect(text.contains("br $again\n"))
        #expect(text.contains("br_table 0 (;@2;) $again 2 (;@0;)\n"))
        #expect(text.contains("  block  ;; label = @2\n"))
    }

    @Test func emptyElseIsKept() {
        var m = Module()
        m.types = [FuncType()]
        m.functions = [Function(typeIndex: 0, body: Expression([
            Instruction(.i32Const, .i32(1)), Instruction(.if, .block(.empty)), Instruction(.else),
            Instruction(.end), Instruction(.end),
        ]))]
        #expect(WatPrinter.print(m).contains("    if  ;; label = @1\n    else\n    end)"))
        #expect(WatPrinter.print(m, folded: true).contains("(if  ;; label = @1\n      (i32.const 1)\n      (then)\n      (else))"))
    }

    /// wabt's wat2wasm accepts the printed every-instruction module, flat and folded, and both
    /// give the same binary; its disassembly shows the same instructions, in the same order, as
    /// our own disassembly text of the model.
    @Test func everyInstructionReassemblesWithWabt() throws {
        let module = PrinterTestSupport.everyInstructionModule()
        guard let flat = try PrinterTestSupport.wabtAssemble(WatPrinter.print(module)),
              let folded = try PrinterTestSupport.wabtAssemble(WatPrinter.print(module, folded: true)),
              let objdump = PrinterTestSupport.tool("wasm-objdump") else {
            Issue.record("missing prerequisite: wabt (wat2wasm, wasm-objdump) not on PATH (Scripts/setup.sh installs it)")
            return
        }
        #expect(flat.bytes == folded.bytes)
        let listing = try PrinterTestSupport.run(objdump, ["-d", flat.path])
        let theirs = PrinterTestSupport.objdumpInstructionTexts(listing.stdout)
        let names = ObjdumpNames(module)
        let ours = module.functions.flatMap { $0.body.instructions.map { Objdump.instructionText($0, names: names) } }
        #expect(theirs.count == ours.count)
        #expect(ours.count > Opcode.allCases.filter { $0.rawValue < firstWasm30Opcode }.count)
        for (a, b) in zip(theirs, ours) where a != b {
            Issue.record("wasm-objdump: \(a)  ours: \(b)")
        }
    }

    /// Our own assembler reads the printed every-instruction module back to the same
    /// instructions, flat and folded.
    @Test func everyInstructionReassemblesWithWatAssembler() throws {
        let module = PrinterTestSupport.everyInstructionModule()
        for folded in [false, true] {
            let text = WatPrinter.print(module, folded: folded)
            let assembled = try WatAssembler.assemble(text, file: "every.wat", options: .init(validate: false))
            let decoded = try BinaryDecoder.decode(assembled.bytes)
            #expect(decoded.functions.count == module.functions.count)
            for (ours, theirs) in zip(module.functions, decoded.functions) {
                #expect(ours.body.instructions == theirs.body.instructions)
                #expect(ours.locals == theirs.locals)
            }
            #expect(decoded.types == module.types)
            #expect(decoded.tables == module.tables)
            #expect(decoded.memories == module.memories)
        }
    }

    @Test func bodyLinesPairTextWithInstructions() {
        let module = Self.sample()
        let lines = WatPrinter.bodyLines(module, function: 1)
        #expect(lines.map(\.text) == [
            "block (result i32)  ;; label = @1", "  local.get $p", "  i32.load offset=4", "  local.get $p",
            "  br_if 0 (;@1;)", "  f32.const 1.5", "  call $log", "end",
        ])
        #expect(lines.map(\.instructionIndex) == Array(0..<8))
        #expect(WatPrinter.bodyLines(module, function: 0).isEmpty)  // an import
        #expect(WatPrinter.bodyLines(module, function: 9).isEmpty)
    }
}
