import Testing
import WasmCore
import WasmVM
@testable import Debugger

@Suite struct ExpressionTests {
    /// A session stopped in $sum(6, 7) after `local.set $k` (k = 13), with memory set up.
    func stopped() throws -> DebugSession {
        let s = try session()
        try s.setBreakpoint("*0xfe")
        _ = try s.invoke("sum", [.i32(6), .i32(7)])
        try s.writeMemory(0x20, [0xFE, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC0, 0x3F])
        return s
    }

    /// Untyped integers take the first type that holds them, as C constants (C11 6.4.4.1).
    @Test func integerLiteralsTakeCsTypes() throws {
        let s = try stopped()
        #expect(try s.evaluate("3000000000") == .i64(3_000_000_000))
        #expect(try s.evaluate("3000000000 > 0") == .i32(1))
        #expect(try s.evaluate("2147483647") == .i32(0x7FFF_FFFF))
        #expect(try s.evaluate("-2147483648") == .i32(0x8000_0000))
        #expect(try s.evaluate("2147483648") == .i64(0x8000_0000))
        #expect(try s.evaluate("0xFFFFFFFF") == .i64(0xFFFF_FFFF))
        #expect(try s.evaluate("0xFFFFFFFF > 0") == .i32(1))
        #expect(try s.evaluate("-9223372036854775808") == .i64(0x8000_0000_0000_0000))
        #expect(try s.evaluate("0x7FFFFFFFFFFFFFFF") == .i64(0x7FFF_FFFF_FFFF_FFFF))
        #expect(try s.evaluate("0xFFFFFFFFFFFFFFFF") == .i64(.max))
        #expect(try s.evaluate("3000000000 + 1") == .i64(3_000_000_001))
        // Beside a typed value a bare number takes that value's type.
        #expect(try s.evaluate("$x + 1") == .i32(7))
    }

    @Test func pcAndSp() throws {
        let s = try stopped()
        #expect(try s.evaluate("$pc") == .i32(0xFE))
        #expect(throws: (any Error).self) { try s.evaluate("$sp") }  // no __stack_pointer here
    }

    @Test func namesIndicesAndStack() throws {
        let s = try stopped()
        #expect(try s.evaluate("$x") == .i32(6))
        #expect(try s.evaluate("local[1]") == .i32(7))
        #expect(try s.evaluate("$k") == .i32(13))
        #expect(try s.evaluate("$limit") == .i32(100))
        #expect(try s.evaluate("global[0]") == .i32(0))
        #expect(try s.operandStack() == [])
        // stack[N]: in $b after `call $c` returns its two results (20 and 2 for a(1)).
        let t = try session()
        try t.setBreakpoint("*0xab")
        _ = try t.invoke("a", [.i32(1)])
        #expect(try t.evaluate("stack[0] + stack[1]") == .i32(22))
    }

    @Test func typedMemoryLoads() throws {
        let s = try stopped()
        #expect(try s.evaluate("mem.u8[0x20]") == .i32(0xFE))
        #expect(try s.evaluate("mem.i8[0x20]") == .int32(-2))
        #expect(try s.evaluate("mem.u16[0x20]") == .i32(0xFFFE))
        #expect(try s.evaluate("mem.i16[0x20]") == .int32(-2))
        #expect(try s.evaluate("mem.i32[0x20]") == .int32(-2))
        #expect(try s.evaluate("mem.u32[0x20]") == .i64(0xFFFF_FFFE))
        #expect(try s.evaluate("mem.f32[0x24]") == .float(1.5))
        #expect(try s.evaluate("mem.i64[0x20]") == .i64(0x3FC0_0000_FFFF_FFFE))
        #expect(try s.evaluate("mem.u8[0x1F + 1]") == .i32(0xFE))
        try s.setVariable("mem.f64[0x30] = 0.25")
        #expect(try s.evaluate("mem.f64[0x30]") == .double(0.25))
    }

    @Test func arithmeticComparisonsAndLogic() throws {
        let s = try stopped()
        #expect(try s.evaluate("($x + 1) * 2 - $y % 4") == .i32(11))
        #expect(try s.evaluate("-7 / 2") == .int32(-3))
        #expect(try s.evaluate("1 << 4 | 1") == .i32(17))
        #expect(try s.evaluate("$x < $y && !($k == 12)") == .i32(1))
        #expect(try s.evaluate("$x > $y || 0") == .i32(0))
        #expect(try s.evaluate("i64:5 * 3") == .i64(15))
        #expect(try s.evaluate("1.5 * 2") == .double(3))
        #expect(try s.evaluate("f32:1.5 + 1") == .float(2.5))
        #expect(try s.evaluate("(f64.const 0x1p-3) == 0.125") == .i32(1))
        #expect(try s.evaluate("f64:-0.25 < 0") == .i32(1))
        #expect(try s.evaluate("~0") == .int32(-1))
        #expect(try s.evaluate("2147483647 + 1") == .int32(Int32.min))
    }

    @Test func clearErrors() throws {
        let s = try stopped()
        func message(_ text: String) -> String {
            do { _ = try s.evaluate(text); return "no error" } catch { return "\(error)" }
        }
        #expect(message("$nope") == "no local or global named \"$nope\"")
        #expect(message("$x + i64:1") == "type mismatch: i32 + i64")
        #expect(message("local[9]") == "no local[9]; the frame has 3 locals")
        #expect(message("stack[0]") == "no stack[0]; the operand stack has 0 values")
        #expect(message("mem.i32[0x10000]") == "cannot read 4 bytes of memory at 0x10000")
        #expect(message("mem.x[0]").hasPrefix("unknown memory view"))
        #expect(message("1 / 0") == "division by zero")
        #expect(message("(1 + 2") == "expected )")
        #expect(message("1 +") == "expression expected")
        #expect(message("foo") == "unknown name or bad number \"foo\" (names start with $)")
        #expect(message("f32:1 + f64:1") == "type mismatch: f32 + f64")
    }
}
