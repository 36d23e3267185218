import Testing
import WasmCore
import WasmText
import WasmVM
@testable import Debugger

@Suite struct SessionTests {
    @Test func aBinaryWithoutSourceMapStepsByInstruction() throws {
        let text = String(decoding: (try? ModuleLoader.readFile(fixturePath("calls.wat"))) ?? [], as: UTF8.self)
        let assembled = try WatAssembler.assemble(text, file: "calls.wat", options: .init(debugNames: true))
        let s = DebugSession()
        try s.load(wasm: assembled.bytes, file: "calls.wasm")
        #expect(s.sourceMap == nil)
        let bp = try s.setBreakpoint("$b")
        guard case .code(let p) = bp.kind else { return }
        // Same position as wasm-objdump -d, without a line.
        #expect(p.description == "$b+0x1 (func 2, offset 0xa4)")
        var stop = try s.invoke("a", [.i32(1)])
        // `local.get $x; i32.const 1; i32.add` is one folded run, then the call.
        stop = try s.step()
        #expect(stop.at == "$b+0x6 (func 2, offset 0xa9)")
        stop = try s.next()
        #expect(stop.at == "$b+0x8 (func 2, offset 0xab)")
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("calls.wat:20") }
    }

    @Test func plainCallsRunPastArmedPatches() throws {
        let s = try session()
        try s.setBreakpoint("$fact")
        _ = try s.watch("mem.i32[0x100]")
        // The engine's own invoke (as a host callback would use) replays every patch.
        #expect(try s.instance?.invoke("fact", [.i32(5)]) == [.i32(120)])
        #expect(try s.instance?.invoke("fill", [.i32(3)]) == [])
        #expect(try s.readMemory(0x104, count: 4) == [1, 0, 0, 0])
    }

    @Test func invokeChecksArgumentsAndNestsWhileStopped() throws {
        let s = try session()
        #expect(throws: DebuggerError.self) { try s.invoke("sum", [.i32(1)]) }
        #expect(throws: DebuggerError.self) { try s.invoke("nothing", []) }
        #expect(try s.parseArguments(["i32:2", "3"], for: "sum") == [.i32(2), .i32(3)])
        #expect(throws: DebuggerError.self) { try s.parseArguments(["x", "3"], for: "sum") }
        try s.setBreakpoint("$c")
        var stop = try s.invoke("a", [.i32(1)])
        #expect(stop.reason == .breakpoint(number: 1))
        // A nested call while stopped returns and leaves the outer one stopped.
        stop = try s.invoke("sum", [.i32(2), .i32(3)])
        #expect(stop.reason == .returned(values: [.i32(25)]))
        #expect(s.isRunning)
        #expect(s.backtrace().count == 3)
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(44)]))
    }

    @Test func framesLocalsGlobalsAndTables() throws {
        let s = try session()
        try s.setBreakpoint("$c")
        _ = try s.invoke("a", [.i32(4)])
        #expect(try s.frame().locals.map(\.name) == ["$x"])
        let caller = try s.up()
        #expect(caller.description == "#1 $b+0x6 (func 2, offset 0xa9) at calls.wat:28")
        #expect(try s.evaluate("$x") == .i32(4))
        // The caller's operand stack at the call: its arguments moved into the callee.
        #expect(try s.operandStack() == [])
        #expect(throws: DebuggerError.self) { try s.selectFrame(7) }
        try s.down()
        #expect(throws: DebuggerError.self) { try s.down() }
        #expect(s.globals().map { "\($0.name)=\($0.value)" } == ["$counter=i32:0", "$limit=i32:100"])
        #expect(throws: DebuggerError.self) { try s.table(0) }
    }

    @Test func tablesShowTheirFunctionReferences() throws {
        let s = DebugSession()
        try s.load(wat: """
            (module
              (table 3 funcref)
              (func $f)
              (func $g)
              (elem (i32.const 1) $g $f))
            """, file: "table.wat")
        #expect(try s.table(0) == [.funcref(nil), .funcref(1), .funcref(0)])
        #expect(throws: DebuggerError.self) { try s.table(1) }
    }

    /// `set args` and `set env` reach the guest: it exits with argc * 10 + the count of
    /// environment variables.
    @Test func argumentsAndEnvironmentReachTheGuest() throws {
        let s = DebugSession()
        try s.load(wat: """
            (module
              (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory 1)
              (func (export "_start")
                (drop (call $args (i32.const 0) (i32.const 4)))
                (drop (call $env (i32.const 8) (i32.const 12)))
                (call $exit (i32.add (i32.mul (i32.load (i32.const 0)) (i32.const 10)) (i32.load (i32.const 8))))))
            """, file: "argv.wat")
        var stop = try s.run()
        #expect(stop.reason == .exited(code: 10))
        s.arguments = ["a", "bc"]
        s.environment = ["X=1", "Y=2"]
        stop = try s.run()
        #expect(stop.reason == .exited(code: 32))
    }

    /// `run` right after loading uses the instance the load made (compiling every function
    /// twice was most of a session's fixed cost), and a fresh one after anything touched it.
    @Test func runReusesTheLoadedInstanceOnlyWhileUntouched() throws {
        let s = DebugSession()
        try s.load(wat: """
            (module
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory 1)
              (global $g (mut i32) (i32.const 5))
              (func (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1))))
              (func (export "_start")
                (call $exit (i32.add (global.get $g) (i32.load (i32.const 0))))))
            """, file: "fresh.wat")
        let loaded = try #require(s.debuggee)
        var stop = try s.run()
        #expect(stop.reason == .exited(code: 5))
        #expect(s.debuggee === loaded)
        // Each later run starts from a fresh instance.
        stop = try s.run()
        #expect(stop.reason == .exited(code: 5))
        #expect(s.debuggee !== loaded)
        // A write or a call before the run does not leak into it.
        try s.load(wat: "(module (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32))) (memory 1) (global $g (mut i32) (i32.const 5)) (func (export \"bump\") (global.set $g (i32.add (global.get $g) (i32.const 1)))) (func (export \"_start\") (call $exit (i32.add (global.get $g) (i32.load (i32.const 0))))))", file: "fresh.wat")
        try s.writeMemory(0, [7])
        stop = try s.run()
        #expect(stop.reason == .exited(code: 5))
        _ = try s.invoke("bump", [])
        #expect(s.globals().first?.value == .i32(6))
        stop = try s.run()
        #expect(stop.reason == .exited(code: 5))
        _ = try s.setVariable("$g = 40")
        stop = try s.run()
        #expect(stop.reason == .exited(code: 5))
    }
}
