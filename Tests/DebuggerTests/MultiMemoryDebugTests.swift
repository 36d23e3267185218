import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// The debugger on a module with several memories (multi-memory) and a 64-bit memory:
/// expressions and watchpoints name a memory by index (`mem1.`) or by name (`$heap.`).
@Suite struct MultiMemoryDebugTests {
    @Test func expressionsReadAnyMemory() throws {
        let s = try session("memories.wat")
        #expect(try s.evaluate("mem1.i32[8]") == .i32(42))
        #expect(try s.evaluate("$heap.i32[8]") == .i32(42))
        #expect(try s.evaluate("mem.i32[8]") == .i32(0))
        #expect(try s.evaluate("mem0.i32[8]") == .i32(0))
        // `$mem.` is memory 0 (no memory is named $mem here).
        #expect(try s.evaluate("$mem.i32[8]") == .i32(0))
        #expect(try s.evaluate("$wide.u8[0x10]") == .i32(0x77))
        #expect(try s.evaluate("mem2[0x11]") == .i32(0x69))
        #expect(s.isMemory64(2) && !s.isMemory64(1))
        #expect(throws: (any Error).self) { try s.evaluate("mem3.i32[0]") }
        #expect(throws: (any Error).self) { try s.evaluate("$nowhere.i32[0]") }
        #expect(throws: (any Error).self) { try s.evaluate("mem1.i32[65533]") }
        // Assignment writes the named memory only.
        #expect(try s.setVariable("$heap.i32[100] = 7") == .i32(7))
        #expect(try s.evaluate("mem1.i32[100]") == .i32(7))
        #expect(try s.evaluate("mem.i32[100]") == .i32(0))
    }

    @Test func watchpointsOnAnotherMemory() throws {
        let s = try session("memories.wat")
        let w = try s.watch("$heap.i32[0x20]")
        // The same address in memory 0 is not watched.
        var stop = try s.invoke("put0", [.i32(0x20), .i32(5)])
        #expect(stop.reason == .returned(values: []))
        stop = try s.invoke("putheap", [.i32(0x20), .i32(5)])
        guard case .watchpoint(w.number, .value(.i32(0))?, .value(.i32(5)), _) = stop.reason else {
            Issue.record("expected a write hit, got \(stop.reason)")
            return
        }
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: []))
        // memory.copy into $heap from memory 0 writes the watched word.
        stop = try s.invoke("put0", [.i32(0x1C), .i32(0x0102_0304)])
        #expect(stop.reason == .returned(values: []))
        stop = try s.invoke("copy", [.i32(0x20), .i32(0x1C), .i32(4)])
        guard case .watchpoint(w.number, .value(.i32(5))?, .value(.i32(0x0102_0304)), _) = stop.reason else {
            Issue.record("expected a copy hit, got \(stop.reason)")
            return
        }
        _ = try s.continueExecution()
    }

    @Test func readWatchOnA64BitMemory() throws {
        let s = try session("memories.wat")
        let w = try s.watch("mem2[0x10..0x14]", kind: .access)
        var stop = try s.invoke("peekwide", [.i64(0x30)])
        #expect(stop.reason == .returned(values: [.i32(0)]))
        stop = try s.invoke("peekwide", [.i64(0x12)])
        guard case .watchpoint(w.number, _, .bytes(Array("wide".utf8)), _) = stop.reason else {
            Issue.record("expected a read hit, got \(stop.reason)")
            return
        }
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(0x64)]))
        // An access near 2^64 traps; the watch check does not crash on its wrapping range.
        stop = try s.invoke("peekwide", [.int64(-1)])
        guard case .trapped = stop.reason else {
            Issue.record("expected a trap, got \(stop.reason)")
            return
        }
    }
}
