import Testing
import WasmCore
@testable import WasmVM

/// Multi-memory, memory64 and table64 execution (Wasm 3.0), and the engine gate that lets them
/// run.
@Suite struct MultiMemoryAndMemory64Tests {
    static let twoMemories = """
    (module
      (memory $a (export "a") 1 4)
      (memory $b (export "b") 2 3)
      (data (memory $b) (i32.const 8) "\\2a\\00\\00\\00")
      (data $passive "\\01\\02\\03\\04")
      (func (export "load-b") (param i32) (result i32) (i32.load $b (local.get 0)))
      (func (export "load8-a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
      (func (export "store-b") (param i32 i32) (i32.store $b offset=4 (local.get 0) (local.get 1)))
      (func (export "size-a") (result i32) (memory.size $a))
      (func (export "size-b") (result i32) (memory.size $b))
      (func (export "grow-b") (param i32) (result i32) (memory.grow $b (local.get 0)))
      (func (export "copy-b-to-a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
      (func (export "fill-b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
      (func (export "init-b") (param i32 i32 i32) (memory.init $b $passive (local.get 0) (local.get 1) (local.get 2)))
      (func (export "v128-b") (param i32) (result i64) (i64x2.extract_lane 0 (v128.load $b (local.get 0))))
      (func (export "lane-b") (param i32) (result i32)
        (i8x16.extract_lane_u 1 (v128.load8_lane $b 1 (local.get 0) (v128.const i64x2 0 0))))
    )
    """

    @Test func loadsStoresAndSizesOfTwoMemories() throws {
        let m = try instantiate(Self.twoMemories)
        // The active segment went into memory 1 only.
        #expect(try m.invoke("load-b", [.i32(8)]) == [.i32(42)])
        #expect(try m.invoke("load8-a", [.i32(8)]) == [.i32(0)])
        _ = try m.invoke("store-b", [.i32(100), .i32(0xDEAD_BEEF)])
        #expect(try m.invoke("load-b", [.i32(104)]) == [.i32(0xDEAD_BEEF)])
        #expect(try m.invoke("size-a") == [.i32(1)])
        #expect(try m.invoke("size-b") == [.i32(2)])
        // Memory 1's bounds, not memory 0's.
        #expect(try m.invoke("load-b", [.i32(2 * 65536 - 4)]) == [.i32(0)])
        #expect(trapMessage(m, "load-b", [.i32(2 * 65536 - 3)]) == "out of bounds memory access")
        #expect(trapMessage(m, "load8-a", [.i32(65536)]) == "out of bounds memory access")
        #expect(try m.invoke("grow-b", [.i32(1)]) == [.i32(2)])
        #expect(try m.invoke("grow-b", [.i32(1)]) == [.int32(-1)])
        #expect(try m.invoke("size-b") == [.i32(3)])
        #expect(try m.invoke("size-a") == [.i32(1)])
        #expect(try m.invoke("v128-b", [.i32(8)]) == [.i64(42)])
        #expect(try m.invoke("lane-b", [.i32(8)]) == [.i32(42)])
        #expect(m.memory("a")?.byteCount == 65536)
        #expect(m.memory("b")?.byteCount == 3 * 65536)
    }

    @Test func memoryCopyBetweenTwoMemories() throws {
        let m = try instantiate(Self.twoMemories)
        _ = try m.invoke("fill-b", [.i32(1000), .i32(0x77), .i32(3)])
        _ = try m.invoke("copy-b-to-a", [.i32(10), .i32(999), .i32(5)])
        let a = try #require(m.memory("a"))
        #expect(try a.read(at: 10, count: 5) == [0, 0x77, 0x77, 0x77, 0])
        // The source range is checked against the source memory (2 pages), the destination
        // against the destination (1 page).
        #expect(trapMessage(m, "copy-b-to-a", [.i32(65535), .i32(0), .i32(2)]) == "out of bounds memory access")
        #expect(try m.invoke("copy-b-to-a", [.i32(0), .i32(2 * 65536 - 4), .i32(4)]) == [])
        #expect(trapMessage(m, "copy-b-to-a", [.i32(0), .i32(2 * 65536 - 3), .i32(4)]) == "out of bounds memory access")
        _ = try m.invoke("init-b", [.i32(50), .i32(1), .i32(3)])
        #expect(try m.memory("b")?.read(at: 50, count: 3) == [2, 3, 4])
        #expect(try a.read(at: 50, count: 3) == [0, 0, 0])
    }

    @Test func oneMemoryImportedTwiceSeesItsOwnGrowth() throws {
        let runtime = Runtime()
        let shared = try #require(runtime.makeMemory(MemoryType(limits: Limits(min: 1, max: 4))))
        var imports = Imports()
        imports.define("env", "mem", .memory(shared))
        let m = try runtime.instantiate(assemble("""
        (module
          (import "env" "mem" (memory $x 1 4))
          (import "env" "mem" (memory $y 1 4))
          (func (export "grow-y") (result i32) (memory.grow $y (i32.const 1)))
          (func (export "store-x") (param i32 i32) (i32.store $x (local.get 0) (local.get 1)))
          (func (export "load-y") (param i32) (result i32) (i32.load $y (local.get 0))))
        """), imports: imports)
        #expect(try m.invoke("grow-y") == [.i32(1)])
        // Memory 0 (the same memory) sees the new page at once.
        _ = try m.invoke("store-x", [.i32(65536 + 8), .i32(9)])
        #expect(try m.invoke("load-y", [.i32(65536 + 8)]) == [.i32(9)])
    }

    static let memory64 = """
    (module
      (memory (export "m") i64 1 10)
      (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
      (func (export "load-far") (param i64) (result i32) (i32.load8_u offset=0xFFFFFFFFFFFFFFFF (local.get 0)))
      (func (export "store8") (param i64 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "load32") (param i64) (result i32) (i32.load (local.get 0)))
      (func (export "size") (result i64) (memory.size))
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    )
    """

    @Test func memory64AccessesAtTheLastByte() throws {
        let m = try instantiate(Self.memory64)
        _ = try m.invoke("store8", [.i64(65535), .i32(0xAB)])
        #expect(try m.invoke("load8", [.i64(65535)]) == [.i32(0xAB)])
        #expect(trapMessage(m, "load8", [.i64(65536)]) == "out of bounds memory access")
        #expect(try m.invoke("load32", [.i64(65532)]) == [.i32(0xAB00_0000)])
        #expect(trapMessage(m, "load32", [.i64(65533)]) == "out of bounds memory access")
        // An address above 2^32 is not truncated to its low half.
        #expect(trapMessage(m, "load8", [.i64(1 << 32)]) == "out of bounds memory access")
        #expect(trapMessage(m, "load8", [.int64(-1)]) == "out of bounds memory access")
    }

    @Test func memory64AddressPlusOffsetOverflowTraps() throws {
        let m = try instantiate(Self.memory64)
        _ = try m.invoke("store8", [.i64(0), .i32(7)])
        // 1 + (2^64 - 1) wraps to 0 in 64 bits: it must trap, not read byte 0.
        #expect(trapMessage(m, "load-far", [.i64(1)]) == "out of bounds memory access")
        #expect(trapMessage(m, "load-far", [.i64(0)]) == "out of bounds memory access")
    }

    @Test func memory64SizeGrowAndFillAreI64() throws {
        let m = try instantiate(Self.memory64)
        #expect(try m.invoke("size") == [.i64(1)])
        #expect(try m.invoke("grow", [.i64(2)]) == [.i64(1)])
        #expect(try m.invoke("size") == [.i64(3)])
        #expect(try m.invoke("grow", [.i64(1 << 40)]) == [.int64(-1)])
        #expect(try m.invoke("grow", [.i64(8)]) == [.int64(-1)])
        _ = try m.invoke("fill", [.i64(3 * 65536 - 2), .i32(5), .i64(2)])
        #expect(try m.invoke("load8", [.i64(3 * 65536 - 1)]) == [.i32(5)])
        #expect(trapMessage(m, "fill", [.i64(3 * 65536 - 2), .i32(5), .i64(3)]) == "out of bounds memory access")
        #expect(trapMessage(m, "fill", [.int64(-1), .i32(5), .i64(2)]) == "out of bounds memory access")
    }

    @Test func maxMemoryBoundsEveryMemory() throws {
        var configuration = Configuration()
        configuration.maxMemoryPages = 3
        let m = try instantiate("""
        (module
          (memory $a 1)
          (memory $b i64 1 0x1000000000000)
          (func (export "grow-a") (param i32) (result i32) (memory.grow $a (local.get 0)))
          (func (export "grow-b") (param i64) (result i64) (memory.grow $b (local.get 0))))
        """, configuration)
        #expect(try m.invoke("grow-a", [.i32(2)]) == [.i32(1)])
        #expect(try m.invoke("grow-a", [.i32(1)]) == [.int32(-1)])
        #expect(try m.invoke("grow-b", [.i64(2)]) == [.i64(1)])
        #expect(try m.invoke("grow-b", [.i64(1)]) == [.int64(-1)])
        // The 64-bit memory's declared maximum (2^48 pages) reserved no more than the limit.
        let store = m.store
        let b = store.memories[store.instances[m.index].memoryAddresses[1]].pointee
        #expect(b.reservedBytes <= 3 * 65536)
        #expect(b.pageLimit == 3)
        // A memory whose initial size exceeds the limit is refused at instantiation.
        #expect(throws: LinkError.self) {
            _ = try instantiate("(module (memory 1) (memory i64 4))", configuration)
        }
    }

    @Test func memory64ImportsMatchTheAddressType() throws {
        let runtime = Runtime()
        let small = try #require(runtime.makeMemory(MemoryType(limits: Limits(min: 1))))
        var imports = Imports()
        imports.define("env", "mem", .memory(small))
        #expect(throws: LinkError.self) {
            _ = try runtime.instantiate(assemble(#"(module (import "env" "mem" (memory i64 1)))"#), imports: imports)
        }
        let wide = try #require(runtime.makeMemory(MemoryType(limits: Limits(min: 1, addressType: .i64))))
        #expect(wide.type.addressType == .i64)
        imports.define("env", "mem", .memory(wide))
        _ = try runtime.instantiate(assemble(#"(module (import "env" "mem" (memory i64 1)))"#), imports: imports)
    }

    @Test func table64OperationsAndCallIndirect() throws {
        let m = try instantiate("""
        (module
          (type $r (func (result i32)))
          (table $t i64 3 10 funcref)
          (elem (table $t) (i64.const 1) func $seven)
          (func $seven (result i32) (i32.const 7))
          (func (export "call") (param i64) (result i32) (call_indirect $t (type $r) (local.get 0)))
          (func (export "size") (result i64) (table.size $t))
          (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
          (func (export "is-null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
          (func (export "set") (param i64) (table.set $t (local.get 0) (ref.func $seven)))
          (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.func $seven) (local.get 1))))
        """)
        #expect(try m.invoke("call", [.i64(1)]) == [.i32(7)])
        #expect(trapMessage(m, "call", [.i64(0)]) == "uninitialized element 0")
        #expect(trapMessage(m, "call", [.i64(3)])?.hasPrefix("undefined element") == true)
        // 2^32 + 1 must not be read as index 1.
        #expect(trapMessage(m, "call", [.i64((1 << 32) + 1)])?.hasPrefix("undefined element") == true)
        #expect(try m.invoke("size") == [.i64(3)])
        #expect(try m.invoke("grow", [.i64(2)]) == [.i64(3)])
        #expect(try m.invoke("grow", [.i64(1 << 33)]) == [.int64(-1)])
        #expect(try m.invoke("is-null", [.i64(4)]) == [.i32(1)])
        _ = try m.invoke("set", [.i64(4)])
        #expect(try m.invoke("call", [.i64(4)]) == [.i32(7)])
        #expect(trapMessage(m, "is-null", [.i64((1 << 32) + 4)]) == "out of bounds table access")
        #expect(trapMessage(m, "fill", [.i64(4), .i64(2)]) == "out of bounds table access")
        _ = try m.invoke("fill", [.i64(0), .i64(5)])
        #expect(try m.invoke("call", [.i64(0)]) == [.i32(7)])
    }

    /// `return_call_indirect` through a 64-bit table reads the whole i64 index too (the C
    /// core's tail-call handler leaves such calls to Swift).
    @Test func table64TailCallIndirect() throws {
        let m = try instantiate("""
        (module
          (type $r (func (result i32)))
          (table $t i64 3 funcref)
          (elem (table $t) (i64.const 1) func $seven)
          (func $seven (result i32) (i32.const 7))
          (func (export "tail") (param i64) (result i32) (return_call_indirect $t (type $r) (local.get 0))))
        """)
        #expect(try m.invoke("tail", [.i64(1)]) == [.i32(7)])
        #expect(trapMessage(m, "tail", [.i64((1 << 32) + 1)])?.hasPrefix("undefined element") == true)
        #expect(trapMessage(m, "tail", [.i64(0)]) == "uninitialized element 0")
    }

    @Test func theProposalsAreExecutable() {
        for feature: Features in [.multiMemory, .memory64, .extendedConst, .relaxedSIMD] {
            #expect(EngineFeatures.executable.contains(feature))
        }
    }
}
