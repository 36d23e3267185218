import Testing
import WasmCore
@testable import WasmVM

/// Loads, stores and bulk operations at the boundaries of memories and tables.
@Suite struct MemoryAndTableTests {
    static let memoryWat = """
    (module
      (memory (export "mem") 1 3)
      (data $d "\\01\\02\\03\\04")
      (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
      (func (export "load16_u_off") (param i32) (result i32) (i32.load16_u offset=0xFFFFFFFF (local.get 0)))
      (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
      (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "size") (result i32) (memory.size))
      (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
      (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
      (func (export "drop") (data.drop $d))
    )
    """

    @Test func accessesAtTheEdgeOfMemory() throws {
        let m = try instantiate(MemoryAndTableTests.memoryWat)
        #expect(try m.invoke("load32", [.i32(65532)]) == [.i32(0)])
        #expect(trapMessage(m, "load32", [.i32(65533)]) == "out of bounds memory access")
        #expect(trapMessage(m, "load32", [.int32(-1)]) == "out of bounds memory access")
        #expect(trapMessage(m, "load16_u_off", [.i32(1)]) == "out of bounds memory access")
        _ = try m.invoke("store64", [.i32(65528), .int64(-2)])
        #expect(try m.invoke("load64", [.i32(65528)]) == [.int64(-2)])
        #expect(try m.invoke("load8_s", [.i32(65535)]) == [.int32(-1)])
        #expect(trapMessage(m, "store64", [.i32(65529), .i64(0)]) == "out of bounds memory access")
        // A failed store writes nothing.
        #expect(try m.invoke("load8_s", [.i32(65535)]) == [.int32(-1)])
    }

    @Test func growToTheDeclaredMaximum() throws {
        let m = try instantiate(MemoryAndTableTests.memoryWat)
        #expect(try m.invoke("grow", [.i32(1)]) == [.i32(1)])
        #expect(try m.invoke("grow", [.i32(1)]) == [.i32(2)])
        #expect(try m.invoke("grow", [.i32(1)]) == [.int32(-1)])
        #expect(try m.invoke("grow", [.int32(-1)]) == [.int32(-1)])
        #expect(try m.invoke("size") == [.i32(3)])
        // New pages are zero and accessible.
        #expect(try m.invoke("load32", [.i32(3 * 65536 - 4)]) == [.i32(0)])
    }

    @Test func growStopsAtTheRuntimePageLimit() throws {
        var configuration = Configuration()
        configuration.maxMemoryPages = 2
        let m = try instantiate("""
        (module (memory 1)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
        """, configuration)
        #expect(try m.invoke("grow", [.i32(1)]) == [.i32(1)])
        #expect(try m.invoke("grow", [.i32(1)]) == [.int32(-1)])
        #expect(try m.invoke("grow", [.i32(0)]) == [.i32(2)])
    }

    @Test func bulkMemoryBounds() throws {
        let m = try instantiate(MemoryAndTableTests.memoryWat)
        let memory = try #require(m.memory("mem"))
        _ = try m.invoke("init", [.i32(10), .i32(1), .i32(3)])
        #expect(try memory.read(at: 9, count: 5) == [0, 2, 3, 4, 0])
        #expect(trapMessage(m, "init", [.i32(0), .i32(2), .i32(3)]) == "out of bounds memory access")
        _ = try m.invoke("copy", [.i32(11), .i32(10), .i32(3)])   // overlapping, forwards
        #expect(try memory.read(at: 10, count: 4) == [2, 2, 3, 4])
        _ = try m.invoke("fill", [.i32(65530), .i32(0xAB), .i32(6)])
        #expect(try memory.read(at: 65530, count: 6) == [0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB])
        #expect(trapMessage(m, "fill", [.i32(65530), .i32(0), .i32(7)]) == "out of bounds memory access")
        // Zero-length operations at the very end are fine; past the end they trap.
        _ = try m.invoke("fill", [.i32(65536), .i32(0), .i32(0)])
        #expect(trapMessage(m, "copy", [.i32(65537), .i32(0), .i32(0)]) == "out of bounds memory access")
        _ = try m.invoke("drop")
        #expect(trapMessage(m, "init", [.i32(0), .i32(0), .i32(1)]) == "out of bounds memory access")
        _ = try m.invoke("init", [.i32(0), .i32(0), .i32(0)])
    }

    static let tableWat = """
    (module
      (type $i2i (func (param i32) (result i32)))
      (table $t (export "t") 3 5 funcref)
      (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
      (func $nullary (result i32) (i32.const 9))
      (elem (table $t) (i32.const 0) func $double $nullary)
      (elem $e func $double $double)
      (func (export "call") (param i32 i32) (result i32)
        (call_indirect $t (type $i2i) (local.get 1) (local.get 0)))
      (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
      (func (export "size") (result i32) (table.size $t))
      (func (export "is-null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
      (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
      (func (export "init") (param i32 i32 i32) (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
      (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $double) (local.get 1)))
    )
    """

    @Test func callIndirectChecks() throws {
        let m = try instantiate(MemoryAndTableTests.tableWat)
        #expect(try m.invoke("call", [.i32(0), .i32(21)]) == [.i32(42)])
        #expect(trapMessage(m, "call", [.i32(1), .i32(0)]) == "indirect call type mismatch")
        #expect(trapMessage(m, "call", [.i32(2), .i32(0)]) == "uninitialized element 2")
        #expect(trapMessage(m, "call", [.i32(3), .i32(0)]) == "undefined element 3")
    }

    @Test func tableGrowCopyInitFill() throws {
        let m = try instantiate(MemoryAndTableTests.tableWat)
        #expect(try m.invoke("grow", [.i32(2)]) == [.i32(3)])
        #expect(try m.invoke("grow", [.i32(1)]) == [.int32(-1)])
        #expect(try m.invoke("size") == [.i32(5)])
        #expect(try m.invoke("is-null", [.i32(4)]) == [.i32(1)])
        #expect(trapMessage(m, "is-null", [.i32(5)]) == "out of bounds table access")
        _ = try m.invoke("copy", [.i32(3), .i32(0), .i32(2)])
        #expect(try m.invoke("call", [.i32(3), .i32(5)]) == [.i32(10)])
        #expect(trapMessage(m, "copy", [.i32(4), .i32(0), .i32(2)]) == "out of bounds table access")
        _ = try m.invoke("init", [.i32(1), .i32(1), .i32(1)])
        #expect(try m.invoke("call", [.i32(1), .i32(4)]) == [.i32(8)])
        #expect(trapMessage(m, "init", [.i32(0), .i32(1), .i32(2)]) == "out of bounds table access")
        _ = try m.invoke("fill", [.i32(2), .i32(3)])
        #expect(try m.invoke("call", [.i32(4), .i32(1)]) == [.i32(2)])
        #expect(trapMessage(m, "fill", [.i32(4), .i32(2)]) == "out of bounds table access")
        let table = try #require(m.table("t"))
        #expect(table.count == 5)
        #expect(try table.get(0) != .funcref(nil))
    }
}
