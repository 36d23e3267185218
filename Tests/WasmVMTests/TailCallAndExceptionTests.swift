import Testing
import WasmCore
@testable import WasmVM

/// Tail calls and exception handling in the engine (Docs/wasm-3.0.md).
@Suite struct TailCallAndExceptionTests {
    static let countdown = """
    (module
      (func $loop (export "loop") (param i64 i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (local.get 1))
          (else (return_call $loop (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 2))))))
      (func $plain (export "plain") (param i64 i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (local.get 1))
          (else (call $plain (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 2))))))
      (table 1 funcref) (elem (i32.const 0) $loop2)
      (type $t (func (param i64 i64) (result i64)))
      (func $loop2 (export "loop2") (param i64 i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (local.get 1))
          (else (return_call_indirect (type $t) (i64.sub (local.get 0) (i64.const 1)) (local.get 1) (i32.const 0))))))
    """

    /// A tail-recursive loop far deeper than the call-depth limit runs in constant stack; the
    /// same recursion with `call` meets the limit.
    @Test func tailRecursionRunsInConstantStack() throws {
        var configuration = Configuration()
        configuration.maxCallDepth = 1000
        let instance = try instantiate(Self.countdown, configuration)
        #expect(try instance.invoke("loop", [.i64(1_000_000), .i64(0)]) == [.i64(2_000_000)])
        #expect(try instance.invoke("loop2", [.i64(300_000), .i64(7)]) == [.i64(7)])
        #expect(trapMessage(instance, "plain", [.i64(5000), .i64(0)]) == "call stack exhausted")
        // Below the limit the plain recursion is fine, so the limit counts real frames only.
        #expect(try instance.invoke("plain", [.i64(990), .i64(0)]) == [.i64(1980)])
    }

    /// Tail calls into another instance and to host functions return to the right caller with
    /// the right memory.
    @Test func tailCallsCrossInstancesAndReachHostFunctions() throws {
        let runtime = Runtime()
        let a = try runtime.instantiate(assemble("""
        (module (memory (export "mem") 1) (data (i32.const 0) "\\2a")
          (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))
        """))
        var imports = Imports()
        imports.define("a", exportsOf: a)
        imports.define("host", "double", .function(runtime.makeFunction(
            HostFunction(type: FuncType(params: [.i32], results: [.i32])) { _, args in
                guard case .i32(let x) = args[0] else { return [.i32(0)] }
                return [.i32(x &* 2)]
            })))
        let b = try runtime.instantiate(assemble("""
        (module
          (import "a" "load" (func $load (param i32) (result i32)))
          (import "host" "double" (func $double (param i32) (result i32)))
          (memory 1) (data (i32.const 0) "\\07")
          (table 2 funcref) (elem (i32.const 0) $load $double)
          (type $t (func (param i32) (result i32)))
          (func $viaLoad (param i32) (result i32) (return_call $load (local.get 0)))
          (func $viaDouble (param i32) (result i32) (return_call $double (local.get 0)))
          (func $viaTable (param i32 i32) (result i32) (return_call_indirect (type $t) (local.get 0) (local.get 1)))
          ;; The caller's own memory must be back after the callee returns.
          (func (export "load") (result i32) (i32.add (call $viaLoad (i32.const 0)) (i32.load8_u (i32.const 0))))
          (func (export "double") (result i32) (i32.add (call $viaDouble (i32.const 21)) (i32.load8_u (i32.const 0))))
          (func (export "table") (param i32) (result i32) (call $viaTable (i32.const 0) (local.get 0)))
          (func (export "direct") (result i32) (return_call $double (i32.const 5))))
        """), imports: imports)
        #expect(try b.invoke("load") == [.i32(42 + 7)])
        #expect(try b.invoke("double") == [.i32(42 + 7)])
        #expect(try b.invoke("table", [.i32(0)]) == [.i32(42)])
        #expect(try b.invoke("table", [.i32(1)]) == [.i32(0)])
        #expect(try b.invoke("direct") == [.i32(10)])
    }

    static let exceptions = """
    (module
      (tag $e (export "e") (param i32 i64))
      (tag $other)
      (func $thrower (export "thrower") (param i32)
        (if (i32.eqz (local.get 0)) (then (throw $other)))
        (throw $e (local.get 0) (i64.const 99)))
      (func $middle (param i32) (call $thrower (local.get 0)) (unreachable))
      (func $outer (param i32) (call $middle (local.get 0)))
      (func (export "caught") (param i32) (result i32 i64)
        (block $h (result i32 i64)
          (try_table (catch $e $h) (call $outer (local.get 0)))
          (return (i32.const -1) (i64.const -1)))
      )
      (func (export "caught-ref") (param i32) (result i32)
        (block $h (result i32 i64 exnref)
          (try_table (catch_ref $e $h) (call $outer (local.get 0)))
          (return (i32.const -1)))
        (drop) (drop))
      (func (export "legacy") (param i32) (result i32)
        (try (result i32)
          (do (call $outer (local.get 0)) (i32.const -1))
          (catch $e (drop))
          (catch_all (i32.const -2))))
      (func (export "uncaught") (param i32) (call $outer (local.get 0))))
    """

    /// An exception unwinds its callers to the handler, delivering its payload; an uncaught one
    /// ends the invocation as a trap naming the tag and payload, and the runtime goes on.
    @Test func exceptionsUnwindCallersToTheHandler() throws {
        let instance = try instantiate(Self.exceptions)
        #expect(try instance.invoke("caught", [.i32(5)]) == [.i32(5), .i64(99)])
        #expect(try instance.invoke("legacy", [.i32(6)]) == [.i32(6)])
        #expect(try instance.invoke("legacy", [.i32(0)]) == [.int32(-2)])
        #expect(trapMessage(instance, "caught", [.i32(0)]) == "uncaught exception (tag $other)")
        #expect(trapMessage(instance, "uncaught", [.i32(3)]) == "uncaught exception (tag $e, payload i32:3 i64:99)")
        // The trap keeps the frames: the backtrace starts at the throw.
        do {
            _ = try instance.invoke("uncaught", [.i32(3)])
        } catch let trap as Trap {
            #expect(trap.backtrace.count == 4)
            #expect(trap.backtrace.first?.description.hasPrefix("$thrower") == true)
        }
        #expect(try instance.invoke("caught", [.i32(8)]) == [.i32(8), .i64(99)])
    }

    /// Exceptions caught without an exnref are freed at once; exnrefs the guest drops are
    /// collected, so a loop that throws and catches keeps the heap small.
    @Test func exceptionObjectsDoNotLeak() throws {
        let runtime = Runtime()
        let instance = try runtime.instantiate(assemble(Self.exceptions))
        let heap = runtime.store.exceptionHeap
        for i in 1...3000 { _ = try instance.invoke("caught", [.i32(UInt32(i))]) }
        #expect(heap.liveCount == 0)
        for i in 1...3000 { _ = try instance.invoke("legacy", [.i32(UInt32(i))]) }
        for i in 1...3000 { _ = try instance.invoke("caught-ref", [.i32(UInt32(i))]) }
        #expect(heap.liveCount < 1100, "\(heap.liveCount) live exception objects")
        for _ in 1...10 { _ = trapMessage(instance, "uncaught", [.i32(1)]) }
        #expect(heap.liveCount < 1100)
    }

    /// A tag exported by one instance and imported by another identifies the same exceptions;
    /// a host tag works the same way.
    @Test func exceptionsCrossInstancesByTag() throws {
        let runtime = Runtime()
        let a = try runtime.instantiate(assemble(Self.exceptions))
        var imports = Imports()
        imports.define("a", exportsOf: a)
        let hostTag = runtime.makeTag(FuncType(params: [.f64]), name: "host.oops")
        imports.define("host", "oops", .tag(hostTag))
        let b = try runtime.instantiate(assemble("""
        (module
          (import "a" "e" (tag $e (param i32 i64)))
          (import "a" "thrower" (func $thrower (param i32)))
          (import "host" "oops" (tag $oops (param f64)))
          (func (export "catch-a") (result i64) (local $payload i64)
            (block $h (result i32 i64)
              (try_table (catch $e $h) (call $thrower (i32.const 4)))
              (return (i64.const -1)))
            (local.set $payload) (i64.extend_i32_u) (local.get $payload) (i64.add))
          (func (export "oops") (throw $oops (f64.const 1.5))))
        """), imports: imports)
        #expect(try b.invoke("catch-a") == [.i64(103)])
        #expect(trapMessage(b, "oops") == "uncaught exception (tag host.oops, payload f64:1.5)")
        var mismatch = Imports()
        mismatch.define("host", "oops", .tag(hostTag))
        #expect(throws: LinkError.self) {
            _ = try runtime.instantiate(assemble(#"(module (import "host" "oops" (tag (param i32))))"#), imports: mismatch)
        }
    }

    @Test func throwRefOfNullTraps() throws {
        let instance = try instantiate("(module (func (export \"f\") (throw_ref (ref.null exn))))")
        #expect(trapMessage(instance, "f") == "null exception reference")
    }
}
