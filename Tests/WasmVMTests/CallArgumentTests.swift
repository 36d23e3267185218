import Testing
import WasmCore
@testable import WasmVM

/// Calls whose `local.get` and constant arguments are words of the call (Compiler+Calls.swift):
/// every way a call can go (the C core, or Swift for host callees, a first call that compiles,
/// another instance, a trapping call_indirect) gets the arguments, run freely or stepped.
@Suite struct CallArgumentTests {
    /// A host function that records its arguments, called with folded locals and constants.
    @Test func aHostCalleeGetsTheFoldedArguments() throws {
        let runtime = Runtime()
        let seen = Recorder()
        var imports = Imports()
        let note = runtime.makeFunction(HostFunction(type: FuncType(params: [.i32, .i64, .f64, .i32], results: [.i32])) { _, args in
            seen.calls.append(args)
            guard case .i32(let a) = args[0], case .i32(let d) = args[3] else { return [.i32(0)] }
            return [.i32(a &+ d)]
        }, name: "note")
        imports.define("env", "note", .function(note))
        let instance = try runtime.instantiate(assemble("""
        (module
          (import "env" "note" (func $note (param i32 i64 f64 i32) (result i32)))
          (func (export "f") (param $x i32) (param $y i64) (result i32)
            (call $note (local.get $x) (local.get $y) (f64.const 1.5) (i32.const 40))))
        """), imports: imports)
        #expect(try instance.invoke("f", [.i32(2), .i64(9)]) == [.i32(42)])
        let f = try #require(instance.function("f"))
        // Stepped: the call's stop shows the arguments where they are, the host gets them.
        let invocation = f.startInvocation([.i32(3), .i64(8)])
        #expect(invocation.frames.first?.operandStack == [.i32(3), .i64(8), .double(1.5), .i32(40)])
        while case .running = invocation.state { invocation.step() }
        #expect(invocation.state == .finished([.i32(43)]))
        #expect(seen.calls == [[.i32(2), .i64(9), .double(1.5), .i32(40)], [.i32(3), .i64(8), .double(1.5), .i32(40)]])
    }

    /// A callee in another instance (the call leaves the C core to switch instances), and one
    /// not compiled yet (the first call compiles it in Swift).
    @Test func callsThroughSwiftGetTheFoldedArguments() throws {
        let runtime = Runtime()
        let provider = try runtime.instantiate(assemble("""
        (module (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1))))
        """))
        var imports = Imports()
        imports.define("p", exportsOf: provider)
        let user = try runtime.instantiate(assemble("""
        (module
          (import "p" "sub" (func $remote (param i32 i32) (result i32)))
          (func $local (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
          (func (export "f") (param $x i32) (result i32)
            (i32.add (call $remote (i32.const 100) (local.get $x))
                     (call $local (local.get $x) (i32.const 3)))))
        """), imports: imports)
        #expect(try user.invoke("f", [.i32(7)]) == [.i32(93 + 21)])
        #expect(try user.invoke("f", [.i32(1)]) == [.i32(99 + 3)])
    }

    /// A call_indirect that traps at the call (no element there) after its arguments were
    /// folded: the stop shows the Wasm stack, arguments and index, and a callee that traps
    /// shows its caller without the arguments it took.
    @Test func trapsAtAndBelowACallShowTheWasmStacks() throws {
        let instance = try instantiate("""
        (module
          (type $t (func (param i32 i32) (result i32)))
          (table 2 funcref) (elem (i32.const 0) $div)
          (func $div (type $t) (i32.div_u (local.get 0) (local.get 1)))
          (func (export "f") (param $x i32) (param $i i32) (result i32)
            (i32.add (i32.const 1)
              (call_indirect (type $t) (local.get $x) (i32.const 0) (local.get $i)))))
        """)
        let f = try #require(instance.function("f"))
        let missing = f.startInvocation([.i32(8), .i32(1)])
        guard case .trapped(let trap) = missing.run() else {
            Issue.record("expected a trap, got \(missing.state)")
            return
        }
        #expect(trap.message.hasPrefix("uninitialized element"))
        #expect(missing.frames.first?.operandStack == [.i32(1), .i32(8), .i32(0), .i32(1)])
        let division = f.startInvocation([.i32(8), .i32(0)])
        guard case .trapped(let divide) = division.run() else {
            Issue.record("expected a trap, got \(division.state)")
            return
        }
        #expect(divide.message == "integer divide by zero")
        #expect(division.frames.count == 2)
        #expect(division.frames.first?.locals == [.i32(8), .i32(0)])
        #expect(division.frames.last?.operandStack == [.i32(1)])
    }
}

/// The host function's record (a class: the closure outlives the test's frame).
private final class Recorder: @unchecked Sendable {
    var calls: [[Value]] = []
}
