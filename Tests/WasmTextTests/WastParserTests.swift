import Testing
import WasmCore
@testable import WasmText

@Suite struct WastParserTests {
    static let script = """
        (module $A (func (export "f") (param i32) (result i32) (local.get 0)))
        (module $B binary "\\00asm" "\\01\\00\\00\\00")
        (module quote "(func" " $g)")
        (register "a" $A)
        (invoke "f" (i32.const -1))
        (get $A "g")
        (assert_return (invoke $A "f" (i32.const 7)) (i32.const 7))
        (assert_return (invoke "h" (f32.const -0x1p-1) (f64.const nan:0x4) (i64.const 0xffff_ffff_ffff_ffff))
          (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.null extern) (ref.extern 3) (ref.func) (ref.extern))
        (assert_return (invoke "v" (v128.const i16x8 1 2 3 4 5 6 7 -1))
          (v128.const f32x4 nan:canonical 1.0 -0 nan:arithmetic) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 255))
        (assert_return (invoke "e") (either (i32.const 1) (i32.const 2)))
        (assert_trap (invoke "t") "unreachable")
        (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
        (assert_exhaustion (invoke "r") "call stack exhausted")
        (assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
        (assert_invalid (module (func (result i32))) "type mismatch")
        (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
        """

    /// `(module definition …)` is marked, and `(module instance $I $M)` names its definition
    /// ("" for the last one when only the instance is named).
    @Test func moduleDefinitionsAndInstances() throws {
        let directives = try WastParser.parse("""
            (module definition $M (memory 1))
            (module instance $I1 $M)
            (module instance $I2)
            (module $plain)
            """, file: "d.wast")
        #expect(directives.count == 4)
        guard case .module(let definition) = directives[0].command, case .module(let first) = directives[1].command,
              case .module(let second) = directives[2].command, case .module(let plain) = directives[3].command else {
            Issue.record("expected four modules")
            return
        }
        #expect(definition.isDefinition && definition.name == "M" && definition.instanceOf == nil)
        #expect(first.name == "I1" && first.instanceOf == "M" && !first.isDefinition)
        #expect(second.name == "I2" && second.instanceOf == "")
        #expect(!plain.isDefinition && plain.instanceOf == nil)
    }

    @Test func everyCommandShape() throws {
        let directives = try WastParser.parse(Self.script, file: "s.wast")
        #expect(directives.count == 16)
        let c = directives.map(\.command)
        guard case .module(let a) = c[0], case .text(let text) = a.source else { Issue.record("module"); return }
        #expect(a.name == "A" && text.hasPrefix("(module $A") && text.hasSuffix(")))"))
        #expect(a.location == SourceLocation(file: "s.wast", line: 1, column: 1))
        #expect(c[1] == .module(WastModule(name: "B", source: .binary([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0]),
                                           location: SourceLocation(file: "s.wast", line: 2, column: 1))))
        guard case .module(let q) = c[2], case .quote(let quoted) = q.source else { Issue.record("quote"); return }
        #expect(quoted == "(func $g)")
        #expect(c[3] == .register(name: "a", module: "A"))
        #expect(c[4] == .action(.invoke(module: nil, name: "f", arguments: [.i32(0xFFFF_FFFF)])))
        #expect(c[5] == .action(.get(module: "A", name: "g")))
        #expect(c[6] == .assertReturn(.invoke(module: "A", name: "f", arguments: [.i32(7)]), [.value(.i32(7))]))
        #expect(c[7] == .assertReturn(
            .invoke(module: nil, name: "h", arguments: [.f32(0xBF00_0000), .f64(0x7FF0_0000_0000_0004), .i64(UInt64.max)]),
            [.f32NaN(.canonical), .f64NaN(.arithmetic), .value(.refNull(.externref)), .value(.refExtern(3)),
             .anyRef(.funcref), .anyRef(.externref)]))
        let v16: [UInt8] = [1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xFF, 0xFF]
        #expect(c[8] == .assertReturn(
            .invoke(module: nil, name: "v", arguments: [.v128(V128(bytes: v16))]),
            [.v128(shape: "f32x4", lanes: [.f32NaN(.canonical), .bits(0x3F80_0000), .bits(0x8000_0000), .f32NaN(.arithmetic)]),
             .v128(shape: "i8x16", lanes: (0..<15).map { .bits(UInt64($0)) } + [.bits(255)])]))
        #expect(c[9] == .assertReturn(.invoke(module: nil, name: "e", arguments: []),
                                      [.either([.value(.i32(1)), .value(.i32(2))])]))
        #expect(c[10] == .assertTrap(.invoke(module: nil, name: "t", arguments: []), message: "unreachable"))
        guard case .assertModuleTrap(_, let trapMessage) = c[11] else { Issue.record("module trap"); return }
        #expect(trapMessage == "unreachable")
        #expect(c[12] == .assertExhaustion(.invoke(module: nil, name: "r", arguments: []), message: "call stack exhausted"))
        guard case .assertMalformed(let malformed, _) = c[13], case .assertInvalid(let invalid, _) = c[14],
              case .assertUnlinkable(let unlinkable, _) = c[15] else { Issue.record("assertions"); return }
        #expect(throws: WatError.self) { try WatAssembler.assemble(malformed) }
        do {
            _ = try WatAssembler.assemble(invalid)
            Issue.record("invalid module accepted")
        } catch {
            #expect(error.kind == .invalid)
        }
        #expect(try WatAssembler.assemble(unlinkable).module.imports.count == 1)
        #expect(directives[7].location.line == 8)
    }

    @Test func assemblesAllModuleForms() throws {
        let directives = try WastParser.parse(Self.script, file: "s.wast")
        for i in 0..<3 {
            guard case .module(let m) = directives[i].command else { continue }
            let assembled = try WatAssembler.assemble(m)
            #expect(assembled.bytes.starts(with: [0, 0x61, 0x73, 0x6D]))
        }
    }

    @Test func inlineModuleScript() throws {
        let directives = try WastParser.parse("(func) (memory 0) (func (export \"f\"))", file: "i.wast")
        #expect(directives.count == 1)
        guard case .module(let m) = directives[0].command else { Issue.record("module"); return }
        let module = try WatAssembler.assemble(m).module
        #expect(module.functions.count == 2 && module.memories.count == 1 && module.exports.count == 1)
    }

    @Test func malformedTextModuleDoesNotBreakTheScript() throws {
        let directives = try WastParser.parse("(assert_malformed (module (func (i32.const 0x))) \"x\")\n(module)", file: "s.wast")
        #expect(directives.count == 2)
    }

    @Test func scriptErrors() {
        for bad in ["(assert_return (invoke \"f\" (i32.const nan)))", "(bogus)", "(register)", "(module", "(invoke \"f\" (i32.const 1)"] {
            #expect(throws: WatError.self) { try WastParser.parse(bad, file: "s.wast") }
        }
    }
}
