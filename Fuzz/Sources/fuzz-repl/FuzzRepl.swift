// Fuzz target: the debugger's command language (Docs/fuzzing.md).
//
// The input is text; each line is typed into a fresh in-process session (`ReplSession` with a
// capturing console) in which a small module is loaded, so breakpoints, stepping, `print`,
// `x`, `set var`, `display`, `printf`, WAT fields and WAST assertions all have something to
// work on. A line must end in output or an error message; a crash, a hang or a memory error is a
// finding.
//
// The sandbox (`ReplSandbox.refusal`) keeps the run inside the process and finite: commands that
// reach the host (file, source, dir, run, start, trace --output, paths in arguments) are not
// typed, the session's runtime has a fuel limit, and WAT that would run on the prompt's own
// unmetered runtime (bare instructions) may not loop or call.

import Foundation
@testable import DebuggerCommands
import WasmVM
import WastScripts

/// A module like Examples/loop.wat, with more to look at: memory with data, a table, globals
/// of each number type, floats, a vector, and a function that never returns (fuel stops it).
let replFuzzModule = """
(module
  (memory (export "memory") 1 4)
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (global $wide (mut i64) (i64.const -7))
  (global $ratio (mut f64) (f64.const 0.5))
  (table (export "table") 4 funcref)
  (elem (i32.const 0) $fact $bump)
  (data (i32.const 16) "hello, fuzz\\00")
  (func $bump (export "bump") (param $by i32) (result i32)
    global.get $counter local.get $by i32.add global.set $counter global.get $counter)
  (func $count_to (export "count_to") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (drop (call $bump (i32.const 1)))
        (i32.store (i32.mul (local.get $i) (i32.const 4)) (global.get $counter))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (global.get $counter))
  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fact (i64.sub (local.get $n) (i64.const 1)))))))
  (func $scale (export "scale") (param $x f32) (param $y f64) (result f64)
    (f64.mul (f64.promote_f32 (local.get $x)) (f64.add (local.get $y) (global.get $ratio))))
  (func $lanes (export "lanes") (param $v v128) (result v128)
    (i32x4.add (local.get $v) (v128.load (i32.const 16))))
  (func $spin (export "spin") (loop $forever (br $forever)))
  (func $div (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b))))
"""

enum ReplSandbox {
    /// Commands that read or write host files, or start the guest's `_start` with WASI.
    static let refusedCommands: Set<String> = ["file", "reload", "source", "dir", "directory", "run", "start",
                                               "starti", "restart"]

    /// Why a line is not typed (nil: it is).
    static func refusal(_ line: String, in session: ReplSession) -> String? {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.contains("--output") { return "writes a file" }
        // A path: a word with a slash in it that is not only slashes (`1 / 2`, `x/4x` are fine).
        let words = text.split(whereSeparator: { " \t\"',()<>=:".contains($0) })
        for word in words {
            if word.hasPrefix("~") || word.contains("..") { return "a host path" }
            if word.hasPrefix("/"), word.count > 1, word.dropFirst().first.map({ $0.isLetter || $0 == "." }) == true {
                return "a host path"
            }
        }
        if text.hasPrefix("(") || text.hasPrefix(")") || startsWithInstruction(text) {
            // Fields and modules go to the debugger's (metered) runtime; a bare instruction
            // sequence runs on a runtime of its own without fuel.
            let metered = text.hasPrefix("(module") || text.hasPrefix("(func") || text.hasPrefix("(invoke")
                || text.hasPrefix("(assert_") || text.hasPrefix("(get") || text.hasPrefix("(register")
            if !metered && (text.contains("loop") || text.contains("call")) { return "may not terminate" }
            return nil
        }
        if case .success(let invocation) = session.commands.resolve(text),
           refusedCommands.contains(invocation.spec.name) {
            return "reaches the host"
        }
        return nil
    }

    private static func startsWithInstruction(_ text: String) -> Bool {
        let first = text.prefix { !$0.isWhitespace }
        return first.contains(".") || ["nop", "unreachable", "drop", "select", "block", "if", "br", "br_if",
                                       "br_table", "return", "local.get"].contains(String(first))
    }
}

/// One session with the module loaded and a fuel limit, ready for typed lines.
func makeSession() -> ReplSession {
    let session = ReplSession(console: .capturing())
    session.adapter.debugger.configuration.fuel = 20_000
    // WAST commands that make a module of their own (`assert_trap (module …)`) instantiate it
    // in the prompt's runner: metered too, so an endless start function ends.
    var metered = Configuration()
    metered.fuel = 20_000
    session.adapter.promptRunner = WastRunner(configuration: metered)
    session.takeInterrupt = { false }
    guard session.execute(replFuzzModule) else {
        fatalError("the fuzz module does not load: \(session.console.captured ?? "")")
    }
    return session
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRepl(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Long inputs only make each run slower; 8 KiB hold any command and a module or two.
    guard size <= 8192 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let session = makeSession()
    let verbose = ProcessInfo.processInfo.environment["WDB_FUZZ_VERBOSE"] != nil
    // Lines are joined while a WAT input's parentheses are open, as scripts and the prompt do.
    var inputs: [String] = []
    var pending: String?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(96) {
        var input = String(line.prefix(1024))
        if let open = pending { input = open + "\n" + input }
        if ReplSession.needsContinuation(input) && input.utf8.count < 4096 {
            pending = input
            continue
        }
        pending = nil
        inputs.append(input)
    }
    if let open = pending { inputs.append(open) }
    for typed in inputs {
        if let reason = ReplSandbox.refusal(typed, in: session) {
            if verbose { print("refused (\(reason)): \(typed)") }
            continue
        }
        if verbose { print("(wdb) \(typed)") }
        session.execute(typed)
        if session.quitRequested { break }
    }
    if verbose { print(session.console.captured ?? "") }
    return 0
}
