import Testing
import WasmCore
@testable import WasmText

/// Random and mutated text never crashes the lexer, parser, validator or encoder: every input
/// either assembles or gives a WatError whose position lies inside the input.
@Suite struct ParserRobustnessTests {
    /// SplitMix64: small, seeded, reproducible.
    struct PRNG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    }

    static let seeds = [
        """
        (module
          (type $t (func (param i32) (result i32)))
          (import "m" "f" (func $imp (type $t)))
          (memory $m (export "mem") 1 2)
          (table $tab 2 funcref)
          (global $g (mut i64) (i64.const -0x8000_0000_0000_0000))
          (func $f (export "f") (param $x i32) (result i32) (local $y f64)
            (block $b (result i32)
              (loop $l
                (br_if $l (i32.eqz (local.get $x))))
              (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
              (br $b))
            (i32.const 0)
            call_indirect $tab (type $t)
            i32.load offset=4 align=2
            (v128.const f32x4 nan:0x1 -inf 0x1.8p3 1_000.5) (i8x16.extract_lane_s 15) drop)
          (elem (table $tab) (i32.const 0) func $f $imp)
          (data (memory $m) (i32.const 8) "a\\00\\u{1F600}\\"")
          (start $imp2) (func $imp2))
        """,
        "(module (func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0))) (elem declare func 0))",
        "(module (memory 1) (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop $d)) (data $d \"xy\"))",
        "(module (func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.const i64x2 1 2) (v128.const i16x8 0 0 0 0 0 0 0 -1))))",
    ]

    static let fragments = ["(", ")", "(;", ";)", ";;", "\"", "\\", "$", "$x", "0x", "_", "nan:0x", "inf", "-",
                            "block", "end", "else", "(then", "(param", "(result", "(local", "i32.const", "offset=",
                            "align=", "\u{1F600}", "\u{0}", "\t", "\n", "(@a", "funcref", "(type 99)", "$t", "1e999",
                            "(elem", "(data", "(import \"a\" \"b\"", "br_table", "v128.const", "i8x16"]

    /// Checks that the input either assembles or fails with a sane position.
    static func check(_ text: String) -> Bool {
        do {
            _ = try WatAssembler.assemble(text, file: "fuzz.wat")
            return true
        } catch {
            let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            #expect(error.location.line >= 1 && error.location.line <= max(1, lines))
            #expect(error.location.column >= 1)
            _ = error.description
            return false
        }
    }

    @Test func seedsAssemble() throws {
        for seed in Self.seeds { _ = try WatAssembler.assemble(seed, file: "seed.wat") }
    }

    @Test func mutatedModulesNeverCrash() {
        var rng = PRNG(state: 0x5EED_0001)
        var accepted = 0, rejected = 0
        for round in 0..<4000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + rng.below(2)) {
                let at = rng.below(bytes.count + 1)
                switch rng.below(5) {
                case 0:   // delete a range
                    let n = min(bytes.count - at, 1 + rng.below(8))
                    bytes.removeSubrange(at..<at + n)
                case 1:   // insert a fragment
                    bytes.insert(contentsOf: Array(Self.fragments[rng.below(Self.fragments.count)].utf8), at: at)
                case 2:   // replace a byte with anything
                    if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: rng.next()) }
                case 3:   // duplicate a chunk
                    let n = min(bytes.count - at, rng.below(30))
                    let chunk = Array(bytes[at..<at + n])
                    bytes.insert(contentsOf: chunk, at: rng.below(bytes.count + 1))
                default:  // swap two bytes
                    let other = rng.below(bytes.count)
                    if at < bytes.count { bytes.swapAt(at, other) }
                }
            }
            if Self.check(String(decoding: bytes, as: UTF8.self)) { accepted += 1 } else { rejected += 1 }
        }
        print("ParserRobustnessTests: 4000 mutated modules, \(accepted) assembled, \(rejected) rejected with an error")
        #expect(rejected > 1000)
    }

    @Test func randomTokenSoupNeverCrashes() {
        var rng = PRNG(state: 0x5EED_0002)
        let words = Self.fragments + Array(Opcode.byMnemonic.keys).sorted() + ["(module", "(func", "0", "-1", "4294967296", "0x1p-1"]
        for _ in 0..<3000 {
            var text = rng.below(2) == 0 ? "(module (func " : ""
            for _ in 0..<rng.below(40) {
                text += words[rng.below(words.count)]
                text += rng.below(3) == 0 ? "" : " "
            }
            text += String(repeating: ")", count: rng.below(3))
            _ = Self.check(text)
            _ = try? WastParser.parse(text, file: "fuzz.wast")
        }
    }

    @Test func mutatedScriptsNeverCrash() throws {
        var rng = PRNG(state: 0x5EED_0003)
        let base = """
            (module $M (func (export "f") (param i32) (result i32) (local.get 0)))
            (register "M" $M)
            (assert_return (invoke $M "f" (i32.const 7)) (i32.const 7))
            (assert_return (invoke "g" (v128.const f32x4 0 1 2 3)) (v128.const f32x4 nan:canonical 1 2 nan:arithmetic))
            (assert_return (invoke "h") (either (ref.null func) (ref.extern)) (f32.const nan:arithmetic))
            (assert_trap (invoke "f" (f64.const -0x1p-1074)) "unreachable")
            (assert_malformed (module quote "(func (i32.const 0x))") "unexpected token")
            (assert_invalid (module binary "\\00asm\\01\\00\\00\\00" "\\05") "x")
            """
        _ = try WastParser.parse(base, file: "base.wast")
        for _ in 0..<2000 {
            var bytes = Array(base.utf8)
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(bytes.count)
                if rng.below(2) == 0 {
                    bytes.remove(at: at)
                } else {
                    bytes.insert(contentsOf: Array(Self.fragments[rng.below(Self.fragments.count)].utf8), at: at)
                }
            }
            if let directives = try? WastParser.parse(String(decoding: bytes, as: UTF8.self), file: "m.wast") {
                for d in directives {
                    if let (module, _) = d.command.moduleAndExpectation { _ = try? WatAssembler.assemble(module) }
                }
            }
        }
    }

    /// Deep nesting is parsed without recursion: no stack overflow, and the structure is right.
    @Test func deeplyNestedBodies() throws {
        let n = 20000
        let folded = "(module (func " + String(repeating: "(block ", count: n) + String(repeating: ")", count: n) + "))"
        let flat = "(module (func " + String(repeating: "block ", count: n) + String(repeating: "end ", count: n) + "))"
        let ifs = "(module (func " + String(repeating: "(if (i32.const 1) (then ", count: n) + String(repeating: ") (else nop))", count: n) + "))"
        for (text, perLevel) in [(folded, 2), (flat, 2), (ifs, 5)] {
            let module = try WatAssembler.parse(text, file: "deep.wat").0
            #expect(module.functions[0].body.instructions.count == n * perLevel + 1)
        }
    }
}
