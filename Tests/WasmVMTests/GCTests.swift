import Testing
import WasmCore
@testable import WasmVM

/// The GC proposal's heap and collector: objects live while reachable from frames, globals,
/// tables or the embedder's values, and not longer; collection never changes a reference.
@Suite struct GCTests {
    static let list = """
    (module
      (type $node (struct (field $value i32) (field $next (ref null $node))))
      (global $kept (mut (ref null $node)) (ref.null $node))
      ;; Allocates n short-lived nodes, keeping only the last `keep` of them linked.
      (func (export "churn") (param $n i32) (param $keep i32) (result i32)
        (local $head (ref null $node)) (local $i i32) (local $length i32)
        (loop $again
          (local.set $head (struct.new $node (local.get $i)
            (if (result (ref null $node)) (i32.lt_u (local.get $length) (local.get $keep))
              (then (local.get $head)) (else (ref.null $node)))))
          (local.set $length (if (result i32) (i32.lt_u (local.get $length) (local.get $keep))
              (then (i32.add (local.get $length) (i32.const 1))) (else (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
        (global.set $kept (local.get $head))
        (struct.get $node $value (local.get $head)))
      (func (export "kept-sum") (result i32)
        (local $p (ref null $node)) (local $sum i32)
        (local.set $p (global.get $kept))
        (block $done (loop $walk
          (br_if $done (ref.is_null (local.get $p)))
          (local.set $sum (i32.add (local.get $sum) (struct.get $node $value (local.get $p))))
          (local.set $p (struct.get $node $next (local.get $p)))
          (br $walk)))
        (local.get $sum))
      (func (export "make") (param i32) (result (ref $node)) (struct.new $node (local.get 0) (ref.null $node)))
      (func (export "value") (param (ref $node)) (result i32) (struct.get $node $value (local.get 0)))
      (func (export "forget") (global.set $kept (ref.null $node))))
    """

    @Test func aLongAllocationLoopKeepsTheHeapBounded() throws {
        let runtime = Runtime()
        let m = try runtime.instantiate(assemble(GCTests.list))
        // 2 million nodes of 32 bytes (64 MB if nothing were freed), 100 of them kept.
        #expect(try m.invoke("churn", [.i32(2_000_000), .i32(100)]) == [.i32(1_999_999)])
        let stats = runtime.gcStatistics
        #expect(stats.allocatedObjects == 2_000_000)
        #expect(stats.collections > 0)
        // Bounded: the collection threshold (4 MiB) plus what survives, not 64 MB.
        #expect(stats.peakBytes < 12 << 20)
        runtime.collectGarbage()
        // Only the kept list survives (the frames are gone; the global holds 100 nodes).
        #expect(runtime.gcStatistics.liveObjects == 100)
        // The survivors are intact: values 1_999_900 ... 1_999_999.
        #expect(try m.invoke("kept-sum") == [.i32(UInt32(truncatingIfNeeded: (1_999_900...1_999_999).reduce(0, +)))])
        _ = try m.invoke("forget")
        runtime.collectGarbage()
        #expect(runtime.gcStatistics.liveObjects == 0)
    }

    /// The two collectors see each other's references: a struct carried only by an exception's
    /// payload survives GC collections, and an exnref kept only in a struct field survives
    /// collections of exception objects.
    @Test func exceptionsAndGCObjectsKeepEachOtherAlive() throws {
        let runtime = Runtime()
        let m = try runtime.instantiate(assemble("""
        (module
          (type $box (struct (field i32)))
          (type $holder (struct (field exnref)))
          (tag $carry (param (ref null $box)))
          (tag $plain (param i32))
          (func $churn (local $i i32)
            (loop $l
              (drop (struct.new $box (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 400000)))))
          (func (export "payload") (result i32) (local $e exnref)
            (block $h (result (ref null $box) exnref)
              (try_table (catch_ref $carry $h) (throw $carry (struct.new $box (i32.const 42))))
              (unreachable))
            (local.set $e) (drop)
            (call $churn)
            (block $h2 (result (ref null $box))
              (try_table (catch $carry $h2) (throw_ref (local.get $e)))
              (unreachable))
            (struct.get $box 0))
          (func (export "field") (result i32) (local $e exnref) (local $keep (ref null $holder)) (local $i i32)
            (block $h (result i32 exnref)
              (try_table (catch_ref $plain $h) (throw $plain (i32.const 7)))
              (unreachable))
            (local.set $e) (drop)
            (local.set $keep (struct.new $holder (local.get $e)))
            (local.set $e (ref.null exn))
            ;; 3,000 exposed exceptions dropped at once: collections of exception objects run.
            (loop $l
              (block $h3 (result i32 exnref)
                (try_table (catch_ref $plain $h3) (throw $plain (local.get $i)))
                (unreachable))
              (drop) (drop)
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 3000))))
            (block $h4 (result i32)
              (try_table (catch $plain $h4) (throw_ref (struct.get $holder 0 (local.get $keep))))
              (unreachable))))
        """))
        #expect(try m.invoke("payload") == [.i32(42)])
        #expect(runtime.gcStatistics.collections > 0)
        #expect(try m.invoke("field") == [.i32(7)])
    }

    @Test func valuesTheEmbedderHoldsArePinnedAndStayEqual() throws {
        let runtime = Runtime()
        let m = try runtime.instantiate(assemble(GCTests.list))
        var held = try m.invoke("make", [.i32(42)])
        let copy = held
        runtime.collectGarbage()
        #expect(runtime.gcStatistics.liveObjects == 1)
        #expect(runtime.gcStatistics.pinnedObjects == 1)
        // Churn enough to collect several times; the held object survives and reads the same.
        _ = try m.invoke("churn", [.i32(300_000), .i32(1)])
        #expect(held == copy)
        #expect(try m.invoke("value", held) == [.i32(42)])
        held = []
        _ = copy
        _ = try m.invoke("forget")
        runtime.collectGarbage()
        #expect(runtime.gcStatistics.liveObjects <= 1)
    }

    @Test func objectsReachableFromTablesAndFramesSurvive() throws {
        let runtime = Runtime()
        let m = try runtime.instantiate(assemble("""
        (module
          (type $box (struct (field (mut i32))))
          (type $boxes (array (mut (ref null $box))))
          (table $t 4 (ref null $box))
          (func (export "run") (result i32)
            (local $a (ref $boxes)) (local $i i32)
            (local.set $a (array.new $boxes (ref.null $box) (i32.const 16)))
            (table.set $t (i32.const 2) (struct.new $box (i32.const 7)))
            ;; Fill the array, then allocate garbage until several collections ran.
            (loop $fill
              (array.set $boxes (local.get $a) (local.get $i) (struct.new $box (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $fill (i32.lt_u (local.get $i) (i32.const 16))))
            (local.set $i (i32.const 0))
            (loop $garbage
              (drop (struct.new $box (local.get $i)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $garbage (i32.lt_u (local.get $i) (i32.const 400000))))
            (i32.add
              (struct.get $box 0 (array.get $boxes (local.get $a) (i32.const 15)))
              (struct.get $box 0 (ref.cast (ref $box) (table.get $t (i32.const 2)))))))
        """))
        #expect(try m.invoke("run") == [.i32(22)])
        #expect(runtime.gcStatistics.collections > 0)
        runtime.collectGarbage()
        // The frame is gone; the table still holds its box.
        #expect(runtime.gcStatistics.liveObjects == 1)
    }

    @Test func theHeapLimitTraps() throws {
        var configuration = Configuration()
        configuration.maxGCHeapBytes = 1 << 20
        let runtime = Runtime(configuration: configuration)
        let m = try runtime.instantiate(assemble("""
        (module
          (type $bytes (array (mut i8)))
          (func (export "big") (param i32) (result i32)
            (array.len (array.new_default $bytes (local.get 0)))))
        """))
        #expect(try m.invoke("big", [.i32(1000)]) == [.i32(1000)])
        do {
            _ = try m.invoke("big", [.i32(2 << 20)])
            Issue.record("expected a trap")
        } catch let trap as Trap {
            #expect(trap.message.hasPrefix("out of GC heap"))
            #expect(trap.message.contains("--max-gc-heap"))
        }
    }

    @Test func castsWorkAcrossInstancesWithEquivalentTypes() throws {
        let runtime = Runtime()
        let maker = try runtime.instantiate(assemble("""
        (module
          (rec (type $a (sub (struct (field i32)))) (type $b (sub $a (struct (field i32) (field f64)))))
          (func (export "make") (result anyref) (struct.new $b (i32.const 5) (f64.const 1.5))))
        """))
        var imports = Imports()
        imports.define("m", exportsOf: maker)
        let user = try runtime.instantiate(assemble("""
        (module
          (rec (type $a (sub (struct (field i32)))) (type $b (sub $a (struct (field i32) (field f64)))))
          (type $other (struct (field i32)))
          (import "m" "make" (func $make (result anyref)))
          (func (export "test") (result i32 i32 i32)
            (ref.test (ref $a) (call $make))
            (ref.test (ref $b) (call $make))
            (ref.test (ref $other) (call $make))))
        """), imports: imports)
        #expect(try user.invoke("test") == [.i32(1), .i32(1), .i32(0)])
    }

    @Test func i31AndConversionsRoundTrip() throws {
        let m = try instantiate("""
        (module
          (func (export "i31") (param i32) (result i32 i32)
            (i31.get_s (ref.i31 (local.get 0))) (i31.get_u (ref.i31 (local.get 0))))
          (func (export "roundtrip") (param externref) (result externref)
            (extern.convert_any (any.convert_extern (local.get 0))))
          (func (export "boxed") (result externref) (extern.convert_any (ref.i31 (i32.const -3)))))
        """)
        #expect(try m.invoke("i31", [.int32(-1)]) == [.int32(-1), .i32(0x7FFF_FFFF)])
        #expect(try m.invoke("roundtrip", [.externref(9)]) == [.externref(9)])
        #expect(try m.invoke("boxed") == [.externAny(.i31(0x7FFF_FFFD))])
        #expect("\(try m.invoke("boxed")[0])" == "externref:i31:-3")
    }

    @Test func globalsInitialisedWithAllocations() throws {
        let runtime = Runtime()
        let m = try runtime.instantiate(assemble("""
        (module
          (type $point (struct (field $x i32) (field $y f64)))
          (type $row (array i32))
          (global $origin (ref $point) (struct.new $point (i32.const 1) (f64.const 2.5)))
          (global $row (ref $row) (array.new_fixed $row 3 (i32.const 4) (i32.const 5) (i32.const 6)))
          (func (export "sum") (result f64)
            (f64.add (f64.convert_i32_s (i32.add (struct.get $point $x (global.get $origin))
                                                 (array.get $row (global.get $row) (i32.const 2))))
                     (struct.get $point $y (global.get $origin)))))
        """))
        runtime.collectGarbage()
        #expect(runtime.gcStatistics.liveObjects == 2)
        #expect(try m.invoke("sum") == [.double(9.5)])
    }
}

extension GCTests {
    /// Binary trees (Benchmarks/gc/bintrees.wat): `struct.new` of two call results collects
    /// while the first result waits in a slot of the frame; every node must survive.
    @Test func binaryTreesSurviveCollectionsDuringConstruction() throws {
        let text = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("Benchmarks/gc/bintrees.wat"), encoding: .utf8)
        let runtime = Runtime()
        let m = try runtime.instantiate(assemble(text))
        let max = 10
        var expected = (1 << (max + 2)) - 1 + (1 << (max + 1)) - 1
        for d in stride(from: 4, through: max, by: 2) { expected += (1 << (max - d + 4)) * ((1 << (d + 1)) - 1) }
        #expect(try m.invoke("run", [.i32(UInt32(max))]) == [.i32(UInt32(expected))])
        #expect(runtime.gcStatistics.collections > 0)
    }
}
