import Foundation
import Testing
@testable import DebuggerCommands

/// Thousands of random and mutated command lines piped into the real binary: it must finish
/// (no hang), exit normally with 0 or 1 (no crash), and still run the last command.
@Suite
struct REPLFuzzTests {
    /// A small deterministic generator (xorshift64*), so a failure can be replayed by seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    /// Real commands to start from: every example of the help texts and the golden sessions.
    static func seeds() -> [String] {
        var lines: [String] = []
        func collect(_ table: CommandTable) {
            for spec in table.commands {
                lines.append(spec.example)
                lines.append(spec.usage)
                if let subcommands = spec.subcommands { collect(subcommands) }
            }
        }
        collect(CommandCatalog.table)
        for name in REPLBatchTests.sessions + REPLDebugTests.sessions {
            let url = REPLTestSupport.fixtures.appendingPathComponent(name + ".wdb")
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                lines += text.split(separator: "\n").map(String.init)
            }
        }
        return lines + ["x/4xb 0", "p/x 1", "(module (func (export \"f\")))", "i32.const 1 i32.add", "", "#"]
    }

    static let alphabet: [Character] = Array("()/$#\"'\\ \t;.:,=*+-0123456789abcxyzé€\u{0}\u{7F}[]{}^|?")

    static func mutate(_ line: String, _ random: inout Generator) -> String {
        var characters = Array(line)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !characters.isEmpty:
                characters.remove(at: Int.random(in: 0..<characters.count, using: &random))
            case 1:
                characters.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...characters.count, using: &random))
            case 2 where !characters.isEmpty:
                characters[Int.random(in: 0..<characters.count, using: &random)] = alphabet.randomElement(using: &random)!
            case 3 where !characters.isEmpty:
                characters = Array(characters.prefix(Int.random(in: 0..<characters.count, using: &random)))
            case 4:
                characters += Array(" " + (Self.seedWords.randomElement(using: &random) ?? ""))
            default:
                characters = Array(String(repeating: "(", count: Int.random(in: 0...3, using: &random))) + characters
            }
        }
        return String(characters)
    }

    static let seedWords = ["info", "functions", "$main", "0x10", "-1", "99999999999999999999", "..", "*0x86",
                            "if", "=", "mem.i32[4]", "../wasm/names.wasm", "\"", "/"]

    /// Lines that would end the run early (`quit`, `source` of a script that quits, `commands`),
    /// wait on a device, or open WAT input that
    /// swallows the rest of the run (an unclosed `(` or `(;`) are left out; the last test
    /// covers continued input.
    static func acceptable(_ line: String) -> Bool {
        if line.contains("/dev/") || ReplSession.needsContinuation(line) { return false }
        if case .success(let invocation) = CommandCatalog.table.resolve(line),
           ["quit", "source", "commands"].contains(invocation.name) {
            // A sourced fixture script may itself say `quit`; `commands` takes every line up
            // to an `end` (the swallowing is what the golden sessions test).
            return false
        }
        return !line.contains("\n")
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomLinesNeitherCrashNorHang(seed: UInt64) throws {
        var random = Generator(seed: seed)
        let seeds = Self.seeds()
        var lines = ["file ../wasm/names.wasm"]
        while lines.count < 2500 {
            let line: String
            if Int.random(in: 0..<10, using: &random) == 0 {
                let length = Int.random(in: 0..<60, using: &random)
                line = String((0..<length).map { _ in Self.alphabet.randomElement(using: &random)! })
            } else {
                line = Self.mutate(seeds.randomElement(using: &random)!, &random)
            }
            if Self.acceptable(line) { lines.append(line) }
        }
        lines.append("echo fuzz-end\\n")
        let result = try REPLTestSupport.wdb(["-nx"], stdin: lines.joined(separator: "\n") + "\n",
                                             in: REPLTestSupport.fixtures, timeout: 120)
        #expect(!result.timedOut, "seed \(seed): wdb did not finish")
        #expect(result.status == 0 || result.status == 1, "seed \(seed): exit status \(result.status)")
        #expect(result.output.hasSuffix("fuzz-end\n"), "seed \(seed): the last command did not run")
        // Most lines are answered (an error or a result), so the run really went through them.
        #expect(result.output.split(separator: "\n").count > 1500, "seed \(seed)")
    }

    /// WAT input left open (by parentheses, a string or a block comment) in random ways: each
    /// script ends, whatever the nesting, with a clear message rather than a hang.
    @Test func openWatInputEndsWithTheScript() throws {
        var random = Generator(seed: 42)
        var scripts: [String] = []
        for _ in 0..<200 {
            let length = Int.random(in: 1..<40, using: &random)
            let body = String((0..<length).map { _ in Self.alphabet.randomElement(using: &random)! })
            scripts.append("(" + body)
        }
        let result = try REPLTestSupport.wdb(["-nx"], stdin: scripts.joined(separator: "\n") + "\n",
                                             timeout: 60)
        #expect(!result.timedOut)
        #expect(result.status == 0 || result.status == 1)
        #expect(!result.output.isEmpty)
    }
}
