import Foundation
import Testing
import WasmCore
@testable import WasmText

/// WebAssembly 3.0 in the text front end: the 3.0 spec scripts through the parser and the
/// validator, and the printer's output of their modules read back to the same binary.
@Suite struct Wasm30TextTests {
    static var scripts: [URL] { SpecSuite.scripts(in: "proposals/wasm-3.0") }

    @Test func wholeSuiteThroughTheFrontEnd() throws {
        let scripts = Self.scripts
        try #require(!scripts.isEmpty, "the 3.0 spec scripts are needed (shared/testsuite/proposals/wasm-3.0)")
        let c = SpecScriptTests.run(scripts, features: .wasm30)
        print("Wasm30TextTests: \(c.scripts) scripts, \(c.commands) commands; \(c.assembled) text modules assembled; \(c.malformedRejected) text assert_malformed rejected; \(c.invalidRejected) assert_invalid rejected; \(c.validated) other modules validate; \(c.failures.count) failures")
        for f in c.failures { print("  " + f) }
        // Quoted identifiers (id.wast) and the custom annotations (custom/) included.
        #expect(c.failures.isEmpty)
        #expect(c.assembled > 2500)
        #expect(c.invalidRejected > 1000)
        #expect(c.malformedRejected > 300)
    }

    /// Every valid text module of the 3.0 scripts prints (flat and folded) to text that
    /// assembles to the same bytes.
    @Test func printedModulesReassembleIdentically() throws {
        let scripts = Self.scripts
        try #require(!scripts.isEmpty, "the 3.0 spec scripts are needed (shared/testsuite/proposals/wasm-3.0)")
        var checked = 0
        var failures: [String] = []
        for url in scripts {
            guard let text = SpecSuite.read(url), let directives = try? WastParser.parse(text, file: url.path) else { continue }
            for d in directives {
                guard case .module(let m) = d.command, case .text = m.source,
                      let assembled = try? WatAssembler.assemble(m, options: .init(validate: true)) else { continue }
                let module = try BinaryDecoder.decode(assembled.bytes)
                for folded in [false, true] {
                    let printed = WatPrinter.print(module, folded: folded)
                    do {
                        let again = try WatAssembler.assemble(printed, file: "printed.wat")
                        if again.bytes != assembled.bytes {
                            failures.append("\(url.lastPathComponent):\(m.location.line) folded=\(folded): bytes differ")
                        }
                    } catch {
                        failures.append("\(url.lastPathComponent):\(m.location.line) folded=\(folded): \(error)")
                    }
                }
                checked += 1
            }
        }
        print("Wasm30TextTests: \(checked) modules printed and reassembled, \(failures.count) failures")
        for f in failures.prefix(30) { print("  " + f) }
        #expect(failures.isEmpty)
        #expect(checked > 300)
    }

    @Test func newSyntaxAssemblesAndPrints() throws {
        let text = """
        (module
          (rec (type $node (sub (struct (field $value i32) (field $next (mut (ref null $node)))))))
          (type $bytes (array (mut i8)))
          (tag $oops (param i32))
          (memory $wide i64 1)
          (memory $small 1)
          (table $refs 2 (ref null $node))
          (global $count (mut i32) (i32.add (i32.const 1) (i32.const 2)))
          (func $f (param $n (ref null $node)) (result i32)
            (block $done (result i32)
              (try_table (catch $oops $done)
                (throw $oops (i32.const 7)))
              (i32.const 0))
            (drop (i32.load $small (i32.const 0)))
            (drop (i64.load $wide offset=4294967296 (i64.const 0)))
            (drop (struct.get $node $value (ref.as_non_null (local.get $n))))
            (drop (array.new_default $bytes (i32.const 4)))
            (return_call $g))
          (func $g (result i32) (i32.const 1))
        )
        """
        let assembled = try WatAssembler.assemble(text, file: "new.wat")
        let module = try BinaryDecoder.decode(assembled.bytes)
        #expect(module.recursionGroups.first == RecursionGroup(count: 1, explicit: true))
        #expect(module.tags.count == 1)
        #expect(module.memories.map(\.addressType) == [.i64, .i32])
        let printed = WatPrinter.print(assembled.module)
        #expect(printed.contains("(rec"))
        #expect(printed.contains("(type $node (;0;) (sub (struct (field $value i32) (field $next (mut (ref null $node))))))"))
        #expect(printed.contains("try_table (catch $oops 0 (;@1;))") || printed.contains("try_table (catch $oops"))
        #expect(printed.contains("(memory $wide (;0;) i64 1)"))
        #expect(try WatAssembler.assemble(printed, file: "printed.wat").bytes == assembled.bytes)
        // The same text is not Wasm 2.0.
        #expect(throws: WatError.self) { try WatAssembler.assemble(text, file: "new.wat", options: .init(features: .wasm20)) }
    }

    @Test func annotationsAreSkippedAndCheckedForTokens() throws {
        _ = try WatAssembler.assemble("(module (@a x (y) \"z\") (func (@b)))", file: "a.wat")
        #expect(throws: WatError.self) { try WatAssembler.assemble("(module (@ x))", file: "a.wat") }
        #expect(throws: WatError.self) { try WatAssembler.assemble("(module (@a \u{7})", file: "a.wat") }
        #expect(throws: WatError.self) { try WatAssembler.assemble("(module (@a (b)", file: "a.wat") }
    }
}
