import Testing
import WasmCore
@testable import WasmVM

@Suite struct EngineSmokeTests {
    @Test func addAndFactorial() throws {
        var m = TestModule()
        m.function("add", [.i32, .i32], [.i32], [get(0), get(1), i(.i32Add)])
        // fac(n) = n == 0 ? 1 : n * fac(n - 1)
        m.function("fac", [.i64], [.i64], [
            get(0), i(.i64Eqz),
            i(.if, .block(.value(.i64))), i64(1),
            i(.else), get(0), get(0), i64(1), i(.i64Sub), i(.call, .index(1)), i(.i64Mul),
            i(.end),
        ])
        let instance = try m.instantiate()
        #expect(try instance.invoke("add", [.i32(2), .i32(3)]) == [.i32(5)])
        #expect(try instance.invoke("add", [.i32(0xFFFF_FFFF), .i32(1)]) == [.i32(0)])
        #expect(try instance.invoke("fac", [.i64(20)]) == [.i64(2_432_902_008_176_640_000)])
    }

    @Test func loopSumsWithBranches() throws {
        var m = TestModule()
        // sum(n): s = 0; loop { if n == 0 break; s += n; n -= 1 }
        m.function("sum", [.i32], [.i32], locals: [.i32], [
            i(.block, .block(.empty)),
            i(.loop, .block(.empty)),
            get(0), i(.i32Eqz), i(.brIf, .index(1)),
            get(1), get(0), i(.i32Add), set(1),
            get(0), i32(1), i(.i32Sub), set(0),
            i(.br, .index(0)),
            i(.end), i(.end),
            get(1),
        ])
        let instance = try m.instantiate()
        #expect(try instance.invoke("sum", [.i32(100)]) == [.i32(5050)])
    }

    @Test func divideByZeroTrapsWithPosition() throws {
        var m = TestModule()
        m.function("div", [.i32, .i32], [.i32], [get(0), get(1), i(.i32DivS)])
        let instance = try m.instantiate()
        #expect(try instance.invoke("div", [.int32(-7), .i32(2)]) == [.int32(-3)])
        do {
            _ = try instance.invoke("div", [.i32(1), .i32(0)])
            Issue.record("expected a trap")
        } catch let trap as Trap {
            #expect(trap.message == "integer divide by zero")
            #expect(trap.backtrace.first?.position == CodePosition(functionIndex: 0, fileOffset: 0x102))
            #expect(trap.backtrace.first?.description == "div+0x3 (func 0, offset 0x102)")
        }
    }
}
