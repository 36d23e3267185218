import Testing
import WasmCore
@testable import WasmVM

/// Import matching, host functions, instantiation order and traps, and the embedding API.
@Suite struct LinkingTests {
    func linkError(_ wat: String, _ runtime: Runtime, _ imports: Imports) -> String? {
        do {
            _ = try runtime.instantiate(assemble(wat), imports: imports)
            return nil
        } catch let error as LinkError {
            return error.message
        } catch {
            return "other error: \(error)"
        }
    }

    @Test func importMatchingFollowsTheSpecRules() throws {
        let runtime = Runtime()
        var imports = Imports()
        imports.define("env", "mem", .memory(try #require(runtime.makeMemory(MemoryType(limits: Limits(min: 2, max: 4))))))
        imports.define("env", "g", .global(runtime.makeGlobal(GlobalType(valueType: .i32, isMutable: false), value: .i32(7))))
        imports.define("env", "f", .function(runtime.makeFunction(HostFunction(type: FuncType(params: [.i32])) { _, _ in [] })))
        // Limits subtyping: actual [2, 4] fits [1, 5] and [2, 4] but not [3, ...] or [1, 3] or no-max.
        #expect(linkError(#"(module (import "env" "mem" (memory 1 5)))"#, runtime, imports) == nil)
        #expect(linkError(#"(module (import "env" "mem" (memory 2 4)))"#, runtime, imports) == nil)
        #expect(linkError(#"(module (import "env" "mem" (memory 3)))"#, runtime, imports)?.hasPrefix("incompatible import type") == true)
        #expect(linkError(#"(module (import "env" "mem" (memory 1 3)))"#, runtime, imports)?.hasPrefix("incompatible import type") == true)
        #expect(linkError(#"(module (import "env" "g" (global (mut i32))))"#, runtime, imports)?.hasPrefix("incompatible import type") == true)
        #expect(linkError(#"(module (import "env" "g" (global i64)))"#, runtime, imports)?.hasPrefix("incompatible import type") == true)
        #expect(linkError(#"(module (import "env" "f" (func (param i64))))"#, runtime, imports)?.hasPrefix("incompatible import type") == true)
        #expect(linkError(#"(module (import "env" "f" (memory 1)))"#, runtime, imports)?.hasPrefix("incompatible import type") == true)
        #expect(linkError(#"(module (import "env" "nope" (func)))"#, runtime, imports)?.hasPrefix("unknown import") == true)
    }

    @Test func hostFunctionsSeeTheCallersMemoryAndCanTrap() throws {
        let runtime = Runtime()
        var seen: [UInt8] = []
        var imports = Imports()
        let peek = HostFunction(type: FuncType(params: [.i32, .i32], results: [.i32])) { caller, args in
            guard case .i32(let ptr) = args[0], case .i32(let len) = args[1], let memory = caller.memory else { return [.i32(0)] }
            seen = try memory.read(at: UInt64(ptr), count: Int(len))
            try memory.write([0x2A], at: UInt64(ptr))
            return [.i32(len * 2)]
        }
        let fail = HostFunction(type: FuncType()) { _, _ in throw Trap(.host("host says no")) }
        imports.define("env", "peek", .function(runtime.makeFunction(peek, name: "env.peek")))
        imports.define("env", "fail", .function(runtime.makeFunction(fail, name: "env.fail")))
        let m = try runtime.instantiate(assemble("""
        (module
          (import "env" "peek" (func $peek (param i32 i32) (result i32)))
          (import "env" "fail" (func $fail))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello")
          (func (export "run") (result i32) (call $peek (i32.const 16) (i32.const 5)))
          (func (export "fail") (call $fail))
          (func (export "first") (result i32) (i32.load8_u (i32.const 16))))
        """), imports: imports)
        #expect(try m.invoke("run") == [.i32(10)])
        #expect(seen == Array("hello".utf8))
        #expect(try m.invoke("first") == [.i32(0x2A)])
        #expect(trapMessage(m, "fail") == "host says no")
    }

    @Test func hostFunctionsCanCallBackIntoTheGuest() throws {
        let runtime = Runtime()
        var imports = Imports()
        var callback: FunctionInstance?
        imports.define("env", "twice", .function(runtime.makeFunction(
            HostFunction(type: FuncType(params: [.i32], results: [.i32])) { _, args in
                let once = try callback!.invoke(args)
                return try callback!.invoke(once)
            })))
        let m = try runtime.instantiate(assemble("""
        (module
          (import "env" "twice" (func $twice (param i32) (result i32)))
          (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func (export "go") (param i32) (result i32)
            (i32.mul (i32.const 10) (call $twice (local.get 0)))))
        """), imports: imports)
        callback = m.function("inc")
        #expect(try m.invoke("go", [.i32(5)]) == [.i32(70)])
    }

    @Test func segmentsApplyInOrderAndAFailedInstantiationKeepsEarlierEffects() throws {
        let runtime = Runtime()
        let provider = try runtime.instantiate(assemble("""
        (module (memory (export "mem") 1) (table (export "tab") 2 funcref))
        """))
        var imports = Imports()
        imports.define("p", exportsOf: provider)
        do {
            _ = try runtime.instantiate(assemble("""
            (module
              (import "p" "mem" (memory 1)) (import "p" "tab" (table 2 funcref))
              (func $f)
              (elem (i32.const 0) $f)
              (data (i32.const 0) "ab")
              (data (i32.const 65535) "cd"))
            """), imports: imports)
            Issue.record("expected a trap")
        } catch let trap as Trap {
            #expect(trap.message == "out of bounds memory access")
        }
        #expect(try provider.memory("mem")?.read(at: 0, count: 2) == Array("ab".utf8))
        #expect(try provider.table("tab")?.get(0) != .funcref(nil))
    }

    @Test func startFunctionRunsAndItsTrapFailsInstantiation() throws {
        let m = try instantiate("""
        (module (global $g (export "g") (mut i32) (i32.const 1))
          (func $start (global.set $g (i32.const 42))) (start $start))
        """)
        #expect(m.global("g")?.value == .i32(42))
        #expect(throws: Trap.self) {
            _ = try instantiate("(module (func $s unreachable) (start $s))")
        }
    }

    @Test func globalsAndMemoryThroughTheAPI() throws {
        let m = try instantiate("""
        (module (global (export "g") (mut f64) (f64.const 1.5)) (global (export "c") i64 (i64.const -3))
          (memory (export "m") 1 2)
          (func (export "get") (result f64) (global.get 0)))
        """)
        let g = try #require(m.global("g"))
        #expect(g.value == .double(1.5))
        try g.set(.double(-0.25))
        #expect(try m.invoke("get") == [.double(-0.25)])
        #expect(throws: Trap.self) { try g.set(.i32(1)) }
        #expect(throws: Trap.self) { try m.global("c")?.set(.int64(1)) }
        let memory = try #require(m.memory("m"))
        #expect(memory.pageCount == 1)
        #expect(memory.grow(by: 1) == 1)
        #expect(memory.grow(by: 1) == nil)
        try memory.write([1, 2, 3], at: 131_069)
        #expect(throws: Trap.self) { try memory.write([1, 2, 3, 4], at: 131_069) }
        #expect(throws: (any Error).self) { try m.invoke("get", [.i32(1)]) }
        #expect(throws: LinkError.self) { try m.invoke("missing") }
    }

    @Test func valueNotationRoundTrips() {
        #expect(Value.int32(-5).description == "i32:-5")
        #expect(Value.f32(0x7FA0_0000).description == "f32:nan:0x200000")
        #expect(Value.double(-0.25).description == "f64:-0.25")
        #expect(Value.double(.infinity).description == "f64:inf")
        #expect(Value.funcref(nil).description == "funcref:null")
        #expect(ValueParser.parse("i32:5", as: .i32) == .i32(5))
        #expect(ValueParser.parse("-1", as: .i32) == .i32(0xFFFF_FFFF))
        #expect(ValueParser.parse("4294967296", as: .i32) == nil)
        #expect(ValueParser.parse("f32:1.5", as: .i32) == nil)
        #expect(ValueParser.parse("0x1p-3", as: .f64) == .double(0.125))
        #expect(ValueParser.parse("-0.0", as: .f32) == .f32(0x8000_0000))
        #expect(ValueParser.parse("nan:0x200000", as: .f32) == .f32(0x7FA0_0000))
        #expect(ValueParser.parse("-nan", as: .f64) == .f64(0xFFF8_0000_0000_0000))
        #expect(ValueParser.parse("(f64.const 1.5)", as: .f64) == .double(1.5))
        #expect(ValueParser.parse("18446744073709551615", as: .i64) == .i64(.max))
        #expect(ValueParser.parse("externref:7", as: .externref) == .externref(7))
        #expect(ValueParser.parse("abc", as: .f64) == nil)
    }
}
