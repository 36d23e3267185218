import Dispatch
import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// host.wat with `env.fill(ptr, n)` writing 1, 2, … n at ptr, and `env.note(x)` doing nothing.
func hostSession() throws -> DebugSession {
    let s = DebugSession()
    s.importProvider = { _, runtime, _ in
        var imports = Imports()
        let fill = runtime.makeFunction(HostFunction(type: FuncType(params: [.i32, .i32], results: [.i32])) { caller, args in
            guard case .i32(let p) = args[0], case .i32(let n) = args[1], let memory = caller.memory else { return [.i32(1)] }
            try memory.write((0..<n).map { UInt8(truncatingIfNeeded: $0 + 1) }, at: UInt64(p))
            return [.i32(0)]
        }, name: "fill")
        let note = runtime.makeFunction(HostFunction(type: FuncType(params: [.i32], results: [])) { _, _ in [] }, name: "note")
        imports.define("env", "fill", .function(fill))
        imports.define("env", "note", .function(note))
        return imports
    }
    try s.load(path: fixturePath("host.wat"))
    return s
}

@Suite struct WatchAndCatchTests {
    @Test func watchpointOnABufferWrittenByTheGuest() throws {
        let s = try session()
        let w = try s.watch("mem.i32[0x108]")
        var stop = try s.invoke("fill", [.i32(5)])
        guard case .watchpoint(let n, let old, let new, let accessor) = stop.reason else {
            Issue.record("expected a watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(n == w.number)
        // $fill stores i at 0x100 + 4i: the third iteration writes 2 at 0x108.
        #expect(old == .value(.i32(0)) && new == .value(.i32(2)))
        #expect(accessor.description == "$fill+0xc (func 4, offset 0xc4) at calls.wat:42")
        // Right after the access.
        #expect(stop.at == "$fill+0x10 (func 4, offset 0xc8) at calls.wat:43")
        #expect(try s.evaluate("$i") == .i32(2))
        #expect(s.lastWrite(0x108) == accessor)
        #expect(s.lastWrite(0x200) == nil)
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: []))
        #expect(try s.readMemory(0x108, count: 4) == [2, 0, 0, 0])
        // A write that does not change the value does not stop `watch` (as gdb).
        stop = try s.invoke("fill", [.i32(5)])
        #expect(stop.reason == .returned(values: []))
    }

    /// A load whose address `i32.add x, C` was folded into it is checked at x + C.
    @Test func readWatchOnALoadWithAFoldedAddend() throws {
        let s = DebugSession()
        try s.load(wat: """
        (module (memory 1)
          (func (export "get") (param i32) (result i32)
            (i32.load (i32.add (local.get 0) (i32.const 8)))))
        """, file: "addend.wat")
        let r = try s.watch("mem.i32[0x48]", kind: .read)
        var stop = try s.invoke("get", [.i32(0x40)])
        guard case .watchpoint(let n, _, _, let accessor) = stop.reason else {
            Issue.record("expected a read watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(n == r.number)
        #expect(accessor.description.hasPrefix("get+0x6 "))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(0)]))
        // x + C misses the watched word: no stop.
        stop = try s.invoke("get", [.i32(0x100)])
        #expect(stop.reason == .returned(values: [.i32(0)]))
    }

    /// SIMD stores (v128.store, store lanes) and loads are watched like the scalar ones.
    @Test func simdAccessesHitWatchpoints() throws {
        let s = DebugSession()
        try s.load(wat: """
        (module (memory 1)
          (func (export "wide") (param i32)
            (v128.store (local.get 0) (v128.const i32x4 1 2 3 4)))
          (func (export "lane") (param i32)
            (v128.store32_lane 2 (local.get 0) (v128.const i32x4 5 6 7 8)))
          (func (export "load") (param i32) (result i32)
            (i32x4.extract_lane 0 (v128.load (local.get 0)))))
        """, file: "simd.wat")
        let w = try s.watch("mem.i32[0x48]")
        // Stores to 0x40..0x4f cover 0x48: lane 2 of the stored vector.
        var stop = try s.invoke("wide", [.i32(0x40)])
        guard case .watchpoint(let n, let old, let new, _) = stop.reason else {
            Issue.record("expected a watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(n == w.number && old == .value(.i32(0)) && new == .value(.i32(3)))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: []))
        // A store that misses the watched bytes runs on.
        stop = try s.invoke("wide", [.i32(0x100)])
        #expect(stop.reason == .returned(values: []))
        // store32_lane writes 4 bytes: lane 2 (7) at the address.
        stop = try s.invoke("lane", [.i32(0x48)])
        guard case .watchpoint(_, _, let laneValue, _) = stop.reason else {
            Issue.record("expected a watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(laneValue == .value(.i32(7)))
        _ = try s.continueExecution()
        try s.delete()
        let r = try s.watch("mem.i32[0x48]", kind: .read)
        stop = try s.invoke("load", [.i32(0x40)])
        guard case .watchpoint(let rn, _, _, _) = stop.reason else {
            Issue.record("expected a read watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(rn == r.number)
    }

    @Test func readAndAccessWatchpointsAndConditions() throws {
        let s = try session()
        try s.writeMemory(0x40, [9, 0, 0, 0])
        let r = try s.watch("mem.i32[0x40]", kind: .read)
        var stop = try s.invoke("oob", [.i32(0x40)])
        #expect(stop.reason == .watchpoint(number: r.number, old: nil, new: .value(.i32(9)),
                                           accessor: .instruction(try accessor(s, 0xef))))
        #expect(try s.operandStack() == [.i32(9)])
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(9)]))
        try s.delete()
        // A global, with a condition.
        let g = try s.watch("$counter", kind: .write, condition: "$counter == 3")
        stop = try s.invoke("spin", [])
        #expect(stop.reason == .watchpoint(number: g.number, old: .value(.i32(2)), new: .value(.i32(3)),
                                           accessor: .instruction(try s.landing(atFileOffset: 0xdf))))
        // 4 fails the condition from now on: kill instead of running forever.
        s.kill()
        #expect(throws: DebuggerError.self) { try s.watch("$nope") }
        #expect(throws: DebuggerError.self) { try s.watch("local[0]") }
    }

    @Test func hostWritesIntoWatchedMemoryHitAndSayWhichCall() throws {
        let s = try hostSession()
        let w = try s.watch("mem.i32[32]")
        var stop = try s.invoke("main", [])
        #expect(stop.reason == .watchpoint(number: w.number, old: .value(.i32(0)), new: .value(.i32(0x0403_0201)),
                                           accessor: .hostCall("env.fill")))
        #expect(s.lastWrite(33) == .hostCall("env.fill"))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(0x0403_0201)]))
    }

    @Test func catchpointsBeforeAndAfterHostCalls() throws {
        let s = try hostSession()
        // One catchpoint before the call, one (with `after`) only once it returned.
        let before = try s.catchHostCalls(["env.note"])
        let c = try s.catchHostCalls(["env.note"], after: true)
        var stop = try s.invoke("main", [])
        #expect(stop.reason == .catchpoint(number: before.number, call: "env.note", arguments: [.i32(5)], results: nil))
        #expect(stop.at == "$main+0xa (func 2, offset 0x5c) at host.wat:11")
        stop = try s.continueExecution()
        #expect(stop.reason == .catchpoint(number: c.number, call: "env.note", arguments: [.i32(5)], results: []))
        #expect(stop.at == "$main+0xc (func 2, offset 0x5e) at host.wat:12")
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(0x0403_0201)]))
        try s.delete()
        let all = try s.catchHostCalls()
        // The instance lives on between invokes: clear what the first call wrote.
        try s.writeMemory(32, [0, 0, 0, 0])
        stop = try s.invoke("main", [])
        #expect(stop.reason == .catchpoint(number: all.number, call: "env.fill", arguments: [.i32(32), .i32(4)], results: nil))
        // Stopped before the call: nothing written yet.
        #expect(try s.readMemory(32, count: 4) == [0, 0, 0, 0])
        stop = try s.continueExecution()
        #expect(stop.reason == .catchpoint(number: all.number, call: "env.note", arguments: [.i32(5)], results: nil))
        #expect(try s.readMemory(32, count: 4) == [1, 2, 3, 4])
    }

    @Test func trapsStopWithTheFramesKept() throws {
        let s = try session()
        var stop = try s.invoke("oob", [.i32(0xFFFC)])
        #expect(stop.reason == .returned(values: [.i32(0)]))
        stop = try s.invoke("oob", [.i32(0x1_0000)])
        guard case .trapped(let trap) = stop.reason else { Issue.record("expected a trap, got \(stop.reason)"); return }
        #expect(trap.kind == .outOfBoundsMemoryAccess)
        #expect(stop.at == "$oob+0x9 (func 6, offset 0xef) at calls.wat:64")
        #expect(s.backtrace().map(\.description) == ["#0 $oob+0x9 (func 6, offset 0xef) at calls.wat:64"])
        #expect(try s.frameArguments().map(\.value) == [.i32(0x1_0000)])
        #expect(try s.locals().map { "\($0.name)=\($0.value)" } == ["$t=i32:7"])
        #expect(try s.operandStack() == [.i32(0x1_0000)])
        #expect(!s.isRunning)
        let c = s.catchTraps()
        stop = try s.invoke("oob", [.i32(0x2_0000)])
        #expect(stop.reason == .trapCaught(number: c.number, trap: trap.withBacktrace(of: stop)))
    }

    @Test func interruptAnInfiniteLoopFromAnotherThreadTwice() throws {
        let s = try session()
        let queue = DispatchQueue(label: "interrupter")
        queue.asyncAfter(deadline: .now() + .milliseconds(100)) { s.interrupt() }
        var stop = try s.invoke("spin", [])
        #expect(stop.reason == .interrupted)
        #expect(stop.at == "$spin+0x3 (func 5, offset 0xda) at calls.wat:53")
        guard case .i32(let first) = try s.evaluate("$counter") else { Issue.record("no counter"); return }
        #expect(first > 0)
        queue.asyncAfter(deadline: .now() + .milliseconds(100)) { s.interrupt() }
        stop = try s.continueExecution()
        #expect(stop.reason == .interrupted)
        #expect(stop.at == "$spin+0x3 (func 5, offset 0xda) at calls.wat:53")
        guard case .i32(let second) = try s.evaluate("$counter") else { return }
        #expect(second > first)
        // Stepping still works after an interrupt.
        stop = try s.stepInstruction()
        #expect(stop.at == "$spin+0x5 (func 5, offset 0xdc) at calls.wat:54")
        #expect(try s.evaluate("stack[0]") == .i32(second))
    }

    /// A function prologue's `local.tee $p; global.set $sp` sets the global from the local's
    /// slot (no copy); a watch on the global still stops at each write with both values.
    @Test func watchedGlobalSetFromALocal() throws {
        let s = DebugSession()
        try s.load(wat: """
        (module (global $sp (mut i32) (i32.const 1024))
          (func (export "frame") (result i32) (local $p i32)
            (global.set $sp (local.tee $p (i32.sub (global.get $sp) (i32.const 16))))
            (global.set $sp (i32.add (local.get $p) (i32.const 16)))
            (local.get $p)))
        """, file: "sp.wat")
        let w = try s.watch("$sp", kind: .write)
        var stop = try s.invoke("frame", [])
        guard case .watchpoint(let n, let old, let new, _) = stop.reason else {
            Issue.record("expected a watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(n == w.number && old == .value(.i32(1024)) && new == .value(.i32(1008)))
        stop = try s.continueExecution()
        guard case .watchpoint(_, let old2, let new2, _) = stop.reason else {
            Issue.record("expected a second watchpoint stop, got \(stop.reason)")
            return
        }
        #expect(old2 == .value(.i32(1008)) && new2 == .value(.i32(1024)))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(1008)]))
    }
}

extension Trap {
    /// This trap's kind with the backtrace of another stop (the same trap at a new address).
    func withBacktrace(of stop: Stop) -> Trap {
        if case .trapCaught(_, let t) = stop.reason { return Trap(kind, backtrace: t.backtrace) }
        return self
    }
}

/// A watchpoint's accessor for the memory access at `offset`: that instruction's own position,
/// also when it executes inside a folded run that starts earlier.
func accessor(_ s: DebugSession, _ offset: UInt32) throws -> ResolvedPosition {
    try #require(s.resolved(s.landing(atFileOffset: offset).location, instruction: true))
}
