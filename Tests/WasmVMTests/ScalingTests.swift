import Testing
import WasmCore
@testable import WasmVM

/// Costs that must grow linearly: compiling instructions that move many values, growing memory
/// page by page. Each test counts bytes (never time), so it holds on a loaded machine.
@Suite struct ScalingTests {
    /// A module whose `wide` returns `count` i32s made by a block of that many results (left by
    /// a `br` to the block), and whose `outer` calls it and returns them with `return`: a block,
    /// a branch, a call and a return, each moving `count` values.
    static func wideModule(count: Int) -> Module {
        var m = TestModule()
        let results = [ValueType](repeating: .i32, count: count)
        m.module.types.append(FuncType(params: [], results: results))
        var body: [Instruction] = [i(.block, .block(.typeIndex(0)))]
        for k in 0..<count { body.append(i32(Int32(k))) }
        body += [i(.br, .index(0)), i(.end)]
        let wide = m.function("wide", [], results, body)
        m.function("outer", [], results, [i32(7), i(.drop), i(.call, .index(wide)), i(.return)])
        return m.module
    }

    /// Bytes of the code and of the tables mapping it back to Wasm (stop points, stack nodes,
    /// trap sites) of both functions of `wideModule` after compiling and running them.
    static func compiledBytes(count: Int) throws -> Int {
        let instance = try Runtime().instantiate(wideModule(count: count))
        let values = try instance.invoke("outer")
        #expect(values.count == count)
        #expect(values.first == .i32(0) && values.last == .i32(UInt32(count - 1)))
        #expect(values.enumerated().allSatisfy { $0.element == .i32(UInt32($0.offset)) })
        var bytes = 0
        for name in ["wide", "outer"] {
            let address = try #require(instance.function(name)).address
            let compiled = try #require(instance.store.compiled(address))
            bytes += compiled.codeCount * 8
            bytes += compiled.stopCodeIndex.count * 16
            bytes += compiled.nodeParents.count * (4 + MemoryLayout<ValueType>.stride + MemoryLayout<StackHome>.stride)
        }
        return bytes
    }

    @Test func aThirtyThousandResultBlockCompilesInLinearSpace() throws {
        let small = try ScalingTests.compiledBytes(count: 3_000)
        let large = try ScalingTests.compiledBytes(count: 30_000)
        // Ten times the values, about ten times the bytes (quadratic growth would be 100x), and
        // a small constant per value.
        #expect(Double(large) / Double(small) < 12, "3,000 values: \(small) bytes; 30,000: \(large)")
        // (A value type is larger since 3.0's reference types: \(MemoryLayout<ValueType>.stride) bytes.)
        #expect(large / 30_000 < 160 + 8 * MemoryLayout<ValueType>.stride, "\(large / 30_000) bytes per value")
    }
}

/// Linear memory lives in one reservation of address space: growth commits pages in place.
@Suite struct MemoryReservationTests {
    @Test func growingPageByPageToOneGiBCopiesNothingAndKeepsTheBase() throws {
        let runtime = Runtime()
        let memory = try #require(runtime.makeMemory(MemoryType(limits: Limits(min: 1))))
        try memory.write([0xAB], at: 0)
        let storage = runtime.store.memories[memory.address]
        let base = storage.pointee.base
        for page in 1..<16_384 {
            guard memory.grow(by: 1) == UInt64(page) else {
                Issue.record("growth to \(page + 1) pages failed")
                return
            }
        }
        #expect(memory.byteCount == 1 << 30)
        #expect(storage.pointee.copiedBytes == 0)
        #expect(storage.pointee.base == base)
        // Old bytes stay, new pages read as zero and are writable up to the last byte.
        #expect(try memory.read(at: 0, count: 1) == [0xAB])
        #expect(try memory.read(at: (1 << 30) - 2, count: 2) == [0, 0])
        try memory.write([7], at: (1 << 30) - 1)
        #expect(try memory.read(at: (1 << 30) - 1, count: 1) == [7])
        #expect(throws: Trap.self) { try memory.read(at: 1 << 30, count: 1) }
    }

    @Test func guestGrowthUpToTheRuntimeLimitCopiesNothing() throws {
        var configuration = Configuration()
        configuration.maxMemoryPages = 1000
        let instance = try instantiate("""
        (module (memory (export "memory") 1)
          (func (export "grow-all") (result i32) (local i32)
            (i32.store (i32.const 0) (i32.const 42))
            (block $full (loop $more
              (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
              (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (memory.size))
              (local.set 0 (i32.add (local.get 0) (i32.const 1)))
              (br $more)))
            (local.get 0))
          (func (export "at") (param i32) (result i32) (i32.load (local.get 0))))
        """, configuration)
        #expect(try instance.invoke("grow-all") == [.i32(999)])
        #expect(try instance.invoke("at", [.i32(0)]) == [.i32(42)])
        #expect(try instance.invoke("at", [.i32(1000 * 65536 - 4)]) == [.i32(1000)])
        let memory = try #require(instance.memory("memory"))
        #expect(instance.store.memories[memory.address].pointee.copiedBytes == 0)
        // --max-memory semantics are unchanged (growth stopped at the limit above); the
        // reservation is every address a 32-bit access can form (guard pages).
        #expect(instance.store.memories[memory.address].pointee.pageLimit == 1000)
        #expect(instance.store.memories[memory.address].pointee.reservedBytes == MemoryStorage.guardedReservation)
    }

    @Test func aHugeCallDepthLimitCostsNothingUntilUsed() throws {
        var configuration = Configuration()
        configuration.maxCallDepth = 1_000_000_000
        let instance = try instantiate("""
        (module (func $down (export "down") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
        """, configuration)
        #expect(try instance.invoke("down", [.i32(100_000)]) == [.i32(100_000)])
        // Deeper than the value stack allows: the spec's trap, not a crash.
        #expect(trapMessage(instance, "down", [.i32(100_000_000)]) == "call stack exhausted")
    }
}
