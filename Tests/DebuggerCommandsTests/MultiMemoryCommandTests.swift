import Testing
@testable import DebuggerCommands

/// `x`, `print` and `watch` at the prompt on a module with several memories (multi-memory) and
/// a 64-bit memory.
@Suite struct MultiMemoryCommandTests {
    static let module = """
    (module (memory 1) (memory $heap 1) (memory $wide i64 1) \
    (data (memory $heap) (i32.const 8) "\\2a\\00\\00\\00") (data (memory $wide) (i64.const 16) "wide") \
    (func (export "put") (param i32 i32) (i32.store $heap (local.get 0) (local.get 1))))
    """

    @Test func examineAnotherMemory() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute(Self.module))
        #expect(s.execute("x/4xb mem1:8"))
        #expect(s.console.captured?.contains("0x00000008:  0x2a 0x00 0x00 0x00  |*...|") == true)
        #expect(s.execute("x/4xb $heap:8"))
        // A 64-bit memory's addresses have 16 digits.
        #expect(s.execute("x/4cb $wide:0x10"))
        #expect(s.console.captured?.contains("0x0000000000000010:") == true)
        #expect(s.execute("x/4xb mem:8"))
        #expect(s.console.captured?.contains("0x00000008:  0x00 0x00 0x00 0x00") == true)
        #expect(!s.execute("x/4xb mem7:8"))
        #expect(!s.execute("x/4xb $nowhere:8"))
        #expect(s.execute("print mem1.i32[8] + $heap.i32[8]"))
        #expect(s.console.captured?.contains("i32:84") == true)
    }

    @Test func watchAnotherMemoryAtThePrompt() {
        let s = ReplSession(console: .capturing())
        #expect(s.execute(Self.module))
        #expect(s.execute("watch $heap.i32[0x40]"))
        #expect(s.execute("invoke put 0x40 7"))
        #expect(s.console.captured?.contains("New value = i32:7") == true)
    }
}
