import Testing
import WasmCore
@testable import WasmVM

/// Guests cannot hurt the host: deep recursion, runaway loops and memory growth end in clear
/// errors.
@Suite struct LimitTests {
    @Test func recursionAMillionDeepExhaustsTheCallStack() throws {
        let m = try instantiate("""
        (module
          (func $down (export "down") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 0))
              (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))
        """)
        #expect(try m.invoke("down", [.i32(1000)]) == [.i32(1000)])
        do {
            _ = try m.invoke("down", [.i32(1_000_000)])
            Issue.record("expected call stack exhaustion")
        } catch let trap as Trap {
            #expect(trap.message == "call stack exhausted")
            #expect(trap.omittedFrameCount > 0)
            #expect(trap.backtrace.first?.description.hasPrefix("$down+0x") == true)
        }
        // The runtime is usable afterwards.
        #expect(try m.invoke("down", [.i32(10)]) == [.i32(10)])
    }

    @Test func callDepthIsConfigurable() throws {
        var configuration = Configuration()
        configuration.maxCallDepth = 100
        let m = try instantiate("""
        (module (func $f (export "f") (param i32) (result i32)
          (if (result i32) (local.get 0)
            (then (call $f (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 7)))))
        """, configuration)
        #expect(try m.invoke("f", [.i32(99)]) == [.i32(7)])
        #expect(trapMessage(m, "f", [.i32(100)]) == "call stack exhausted")
    }

    @Test func infiniteLoopUnderFuelStops() throws {
        var configuration = Configuration()
        configuration.fuel = 10_000
        let m = try instantiate("""
        (module (func (export "spin") (loop (br 0))))
        """, configuration)
        let message = trapMessage(m, "spin")
        #expect(message == "all fuel consumed")
    }

    @Test func memoryGrowsToTheLimitAndNoFurther() throws {
        var configuration = Configuration()
        configuration.maxMemoryPages = 64
        let m = try instantiate("""
        (module (memory 0)
          (func (export "grow-all") (result i32) (local i32)
            (block $full (loop $more
              (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
              (local.set 0 (i32.add (local.get 0) (i32.const 1)))
              (br $more)))
            (local.get 0))
          (func (export "last-byte") (result i32) (i32.load8_u (i32.const 4194303))))
        """, configuration)
        #expect(try m.invoke("grow-all") == [.i32(64)])
        #expect(try m.invoke("last-byte") == [.i32(0)])
    }
}

@Suite struct HostileModuleTests {
    /// A valid module beyond the engine's limits is refused when instantiated (an error naming
    /// the limit), before anything runs, instead of trapping at the first call.
    @Test func billionsOfLocalsAreRefusedInsteadOfExhaustingTheHost() throws {
        var m = TestModule()
        m.function("f", [], [], [])
        m.module.functions[0].locals = [LocalDeclaration(count: 4_000_000_000, type: .i64)]
        do {
            _ = try m.instantiate()
            Issue.record("a module with 4e9 locals was instantiated")
        } catch let error as UnsupportedModule {
            #expect(error.description == "the module exceeds the engine's limits: function 0 declares 4000000000 locals; the engine supports 1048576")
        }
    }

    @Test func frameLargerThanTheStackExhaustsIt() throws {
        var configuration = Configuration()
        configuration.stackSlots = 4096
        var m = TestModule()
        m.function("f", [], [], [])
        m.module.functions[0].locals = [LocalDeclaration(count: 10_000, type: .i64)]
        let instance = try m.instantiate(configuration)
        #expect(trapMessage(instance, "f") == "call stack exhausted")
    }
}
