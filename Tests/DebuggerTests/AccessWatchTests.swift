import Testing
import WasmCore
import WasmVM
@testable import Debugger

@Suite struct AccessWatchTests {
    @Test func accessWatchSeesReadsWritesAndBulkCopies() throws {
        let s = try session("bulk.wat")
        let w = try s.watch("mem[0x20..0x24]", kind: .access)
        // memory.copy of "abcd" to 0x1E writes "cd" into the watched bytes.
        var stop = try s.invoke("copy", [.i32(0x1E), .i32(4)])
        #expect(stop.reason == .watchpoint(number: w.number, old: .bytes([0, 0, 0, 0]), new: .bytes([0x63, 0x64, 0, 0]),
                                           accessor: .instruction(try s.landing(atFileOffset: try offset(s, "copy", 3)))))
        #expect(s.lastWrite(0x21) != nil && s.lastWrite(0x22) == nil)
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: []))
        // A read: the value is unchanged.
        stop = try s.invoke("peek", [.i32(0x21)])
        guard case .watchpoint(w.number, _, .bytes([0x63, 0x64, 0, 0]), _) = stop.reason else {
            Issue.record("expected a read hit, got \(stop.reason)")
            return
        }
        #expect(try s.operandStack() == [.i32(0x64)])
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(0x64)]))
        // Accesses outside the range run on.
        stop = try s.invoke("peek", [.i32(0x24)])
        #expect(stop.reason == .returned(values: [.i32(0)]))
        stop = try s.invoke("poke", [.i32(0x1F), .i32(9)])
        #expect(stop.reason == .returned(values: []))
        // A write that keeps the value still counts as an access.
        stop = try s.invoke("poke", [.i32(0x23), .i32(0)])
        guard case .watchpoint(w.number, .bytes([0x63, 0x64, 0, 0])?, .bytes([0x63, 0x64, 0, 0]), _) = stop.reason else {
            Issue.record("expected a write access hit, got \(stop.reason)")
            return
        }
        _ = try s.continueExecution()
        // Disabled, nothing is patched any more.
        try s.disable([w.number])
        stop = try s.invoke("poke", [.i32(0x20), .i32(1)])
        #expect(stop.reason == .returned(values: []))
    }

    /// A load whose value an add uses at once runs as one instruction in the engine; a read
    /// watch still sees it, names the load as the accessor, and ignores reads outside the range.
    @Test func accessWatchSeesALoadThatFeedsAnOperation() throws {
        let s = try session("bulk.wat")
        let w = try s.watch("mem[0x2..0x3]", kind: .access)
        var stop = try s.invoke("peekplus", [.i32(0x6)])
        #expect(stop.reason == .returned(values: [.i32(0x68)]))
        stop = try s.invoke("peekplus", [.i32(0x2)])
        guard case .watchpoint(w.number, _, .bytes([0x63]), .instruction(let accessor)) = stop.reason else {
            Issue.record("expected a read hit, got \(stop.reason)")
            return
        }
        // The accessor is the load itself, inside the run that begins at the local.get.
        #expect(accessor.position.fileOffset == (try offset(s, "peekplus", 1)))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: [.i32(0x64)]))
    }

    /// A store whose address adds two locals runs as one indexed store; a watch sees it write
    /// and lets stores outside the range run on.
    @Test func watchSeesAStoreWhoseAddressAddsTwoSlots() throws {
        let s = try session("bulk.wat")
        let w = try s.watch("mem[0x40..0x41]", kind: .write)
        var stop = try s.invoke("pokeat", [.i32(0x30), .i32(0x11), .i32(1)])
        #expect(stop.reason == .returned(values: []))
        stop = try s.invoke("pokeat", [.i32(0x30), .i32(0x10), .i32(9)])
        guard case .watchpoint(w.number, .bytes([0])?, .bytes([9]), .instruction(let accessor)) = stop.reason else {
            Issue.record("expected a write hit, got \(stop.reason)")
            return
        }
        #expect(accessor.position.fileOffset == (try offset(s, "pokeat", 4)))
        #expect(try s.readMemory(0x41, count: 1) == [1])
    }

    /// File offset of instruction `k` of an exported function.
    func offset(_ s: DebugSession, _ name: String, _ k: Int) throws -> UInt32 {
        guard let module = s.module, let index = try s.resolveFunction(name), let f = module.definedFunction(index) else {
            throw DebuggerError("no \(name)")
        }
        return f.body.offsets[k]
    }
}
