import Testing
import WasmCore
@testable import WasmVM

/// Docs/architecture.md, Engine invariants (2), (3) and (5), at the engine level: stepping one internal instruction
/// at a time (through the same bodies as the run loop), after every step each frame reports a
/// file offset, locals and an operand stack equal to those of a naive reference interpreter at
/// the same instruction.
@Suite struct DebugInvariantTests {
    static let fixtures: [(wat: String, calls: [(String, [Value])])] = [
        ("""
        (module
          (func $fac (export "fac") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 1))
              (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
          (func (export "fac-iter") (param i64) (result i64) (local i64)
            (local.set 1 (i64.const 1))
            (block $done
              (loop $next
                (br_if $done (i64.eqz (local.get 0)))
                (local.set 1 (i64.mul (local.get 1) (local.get 0)))
                (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
                (br $next)))
            (local.get 1)))
        """, [("fac", [.i64(6)]), ("fac-iter", [.i64(5)])]),
        ("""
        (module
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func $pair (param i32) (result i32 i32)
            (local.get 0) (i32.mul (local.get 0) (i32.const 10)))
          (func (export "multi") (param i32) (result i32)
            (block (result i32 i32)
              (call $pair (local.get 0))
              (br_if 0 (i32.eq (local.get 0) (i32.const 3)))
              (drop) (drop)
              (i32.const 7) (i32.const 8))
            (i32.add))
          (func (export "switch") (param i32) (result i32)
            (block $d (result i32)
              (block $c (result i32)
                (block $b (result i32)
                  (i32.const 100)
                  (br_table $b $c $d (local.get 0)))
                (i32.const 1) (i32.add))
              (i32.const 2) (i32.add)))
          (func (export "loop-params") (param i32) (result i32)
            (i32.const 0)
            (loop $l (param i32) (result i32)
              (local.get 0) (i32.add)
              (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
              (br_if $l (i32.ne (local.get 0) (i32.const 0)) (i32.const 0) (drop))
              (drop))
            (select (i32.const 1) (i32.const 2) (i32.const 0)) (drop))
          ;; Folded reads that stay pending across stop points (their local is shown), and
          ;; one that must be taken before its local is written.
          (func (export "alias") (param i32 i32) (result i32)
            (local.get 0) (local.get 1) (i32.eqz) (i32.add)
            (local.get 0) (i32.const 5) (local.set 0) (i32.add)
            (local.get 0) (local.get 1) (local.tee 0) (drop) (i32.add)
            (local.get 0) (local.tee 1) (i32.add)
            (local.get 1) (local.set 1)
            (block (br_if 0 (i32.eqz (i32.lt_s (local.get 0) (i32.const 3)))) (local.set 0 (i32.const 9)))
            (local.get 0) (i32.add)
            ;; Pending reads and constants below a call's arguments stay pending across it.
            (i32.add (i32.const 1) (call $fib (i32.const 5)))
            (i32.sub (local.get 1) (call $fib (local.get 1)))
            (i32.add) (i32.add)
            ;; select reading locals, a constant and a computed value, redirected by local.tee
            (local.tee 0 (select (local.get 1) (i32.const 7) (i32.lt_s (local.get 0) (i32.const 50))))
            (i32.add)))
        """, [("fib", [.i32(6)]), ("multi", [.i32(3)]), ("multi", [.i32(4)]),
              ("switch", [.i32(0)]), ("switch", [.i32(1)]), ("switch", [.i32(9)]),
              ("loop-params", [.i32(4)]), ("alias", [.i32(7), .i32(0)]), ("alias", [.i32(7), .i32(3)])]),
        // Chained operations (Compiler+Chains.swift) in every form: the second operation runs in
        // the first's run, so the intermediate value must never show on a stop point's stack.
        ("""
        (module
          (func (export "ints") (param i32 i32 i32) (result i32) (local i32)
            (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2))         ;; RR
            (i32.xor (i32.and (local.get 0) (i32.const 255)) (local.get 1))       ;; RI
            (i32.shl (i32.xor (local.get 0) (local.get 2)) (i32.const 2))         ;; RR, K
            (i32.mul (i32.xor (local.get 1) (i32.const 7)) (i32.const 16777619)) ;; RI, K
            (i32.sub (local.get 2) (i32.mul (local.get 0) (local.get 1)))         ;; reversed
            (i32.shr_u (local.get 1) (i32.sub (local.get 0) (i32.const 3)))       ;; reversed, C
            (i32.sub (i32.const 1000) (i32.add (local.get 0) (local.get 1)))      ;; constant first
            (local.set 3 (i32.or (i32.shl (local.get 0) (i32.const 3)) (local.get 2)))  ;; into a local
            (local.tee 3 (i32.sub (i32.add (local.get 3) (i32.const 1)) (local.get 0))) ;; tee of a chain
            (i32.add (i32.mul (local.get 3) (local.get 3)) (i32.const -5))
            (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add))
          (func (export "wide") (param i64 i64) (result i64)
            (i64.xor (i64.shr_u (local.get 0) (i64.const 33)) (i64.mul (local.get 1) (local.get 0)))
            (i64.sub (i64.and (local.get 1) (i64.const 0xFFFF)) (i64.const 9))
            (i64.add))
          (func (export "floats") (param f64 f64) (result f64) (local f64 i32)
            (loop $l
              (local.set 2 (f64.add (f64.mul (local.get 0) (local.get 0)) (local.get 1)))
              (local.set 0 (f64.sub (f64.div (local.get 2) (f64.const 3)) (local.get 0)))
              (local.set 1 (f64.sub (f64.const 0.5) (f64.mul (local.get 1) (local.get 2))))
              (br_if $l (i32.lt_u (local.tee 3 (i32.add (local.get 3) (i32.const 1))) (i32.const 3))))
            (f64.add (local.get 0) (local.get 1)))
          ;; A counter's tee'd step fused with the comparison and branch that test it.
          (func (export "steps") (param i32) (result i32) (local i32 i32)
            (loop $l
              (local.set 2 (i32.add (local.get 2) (local.get 1)))
              (br_if $l (i32.gt_s (local.get 0) (local.tee 1 (i32.add (local.get 1) (i32.const 2))))))
            (if (i32.eq (local.tee 1 (i32.add (local.get 1) (i32.const -1))) (local.get 0))
              (then (local.set 2 (i32.const 0))))
            (block $b
              (br_if $b (i32.eqz (i32.ge_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 1)))))
            (i32.add (local.get 1) (local.get 2)))
          ;; Steps by a slot, and i64 counters (by a slot and by a constant).
          (func (export "steps64") (param i64 i64) (result i64) (local i64 i32)
            (loop $l
              (local.set 3 (i32.add (local.get 3) (i32.const 1)))
              (br_if $l (i64.le_u (local.tee 2 (i64.add (local.get 2) (local.get 0))) (local.get 1))))
            (loop $m
              (br_if $m (i32.lt_s (local.tee 3 (i32.add (local.get 3) (local.get 3))) (i32.const 100))))
            (block $b
              (br_if $b (i64.ne (local.get 1) (local.tee 2 (i64.add (local.get 2) (i64.const -3))))))
            (i64.add (local.get 2) (i64.extend_i32_u (local.get 3)))))
        """, [("steps", [.i32(9)]), ("steps", [.i32(1)]), ("steps64", [.i64(7), .i64(100)]),
              ("steps64", [.i64(0x10), .i64(0x100)]), ("ints", [.i32(7), .i32(300), .i32(5)]), ("ints", [.i32(0xFFFF_FFFF), .i32(2), .i32(0x7FFF_FFFF)]),
              ("wide", [.i64(0x1234_5678_9ABC), .i64(0xFFFF_FFFF_FFFF_FFFD)]), ("floats", [.f64((0.25).bitPattern), .f64((-1.5).bitPattern)])]),
        // A count-down loop's tee'd decrement branched on, constants first (`C - x`, `C / x`),
        // comparisons that only a select uses (with constant values, an eqz of a comparison,
        // an eqz of a slot) and returns of a local. (The reference has no globals: a
        // `global.set` of a local is WatchAndCatchTests'.)
        ("""
        (module
          (func (export "fused") (param i32 f64) (result i32) (local i32 f64 i32)
            (local.set 4 (i32.sub (i32.const 4096) (local.get 0)))
            (local.set 2 (i32.add (local.get 0) (i32.const 1)))
            (loop $l
              (local.set 3 (f64.add (local.get 3) (f64.div (f64.const 1) (local.get 1))))
              (br_if $l (local.tee 2 (i32.add (local.get 2) (i32.const -1)))))
            (local.set 2 (select (i32.const 255) (select (local.get 0) (i32.const 0) (f64.ge (local.get 3) (f64.const 0)))
                                 (f64.gt (local.get 3) (f64.const 2))))
            (local.set 2 (select (local.get 2) (i32.sub (i32.const 7) (local.get 0))
                                 (i32.eqz (i32.lt_s (local.get 0) (local.get 2)))))
            (if (i32.eqz (local.get 0)) (then (return (local.get 2))))
            (select (local.get 2) (local.get 4) (i32.eqz (local.get 2)))))
        """, [("fused", [.i32(3), .f64((0.5).bitPattern)]), ("fused", [.i32(1), .f64((4.0).bitPattern)]),
              ("fused", [.i32(0), .f64((-2.0).bitPattern)])]),
        // Loads whose value a binary operation uses right away (load-and-operate), in every
        // form, with an add-folded address and a value redirected into a local.
        ("""
        (module (memory 1)
          (func (export "loads") (param i32) (result i32) (local i32 f64 i64)
            (i32.store (i32.const 16) (i32.const 0x8081_F0F3))
            (i64.store (i32.const 24) (i64.const 0x0102_0304_0506_0708))
            (f64.store (i32.const 32) (f64.const 2.5))
            (i32.add (i32.load (i32.const 16)) (local.get 0))                     ;; first
            (i32.sub (local.get 0) (i32.load8_u offset=1 (i32.const 16)))         ;; second
            (i32.and (i32.load8_s (i32.add (local.get 1) (i32.const 19))) (i32.const 0x7F0)) ;; K, folded add
            (local.set 1 (i32.shr_u (i32.load16_u (i32.const 18)) (local.get 0))) ;; into a local
            (local.set 2 (f64.mul (local.get 2) (f64.load (i32.const 32))))
            (local.set 2 (f64.sub (f64.load (i32.const 32)) (local.get 2)))
            (local.set 3 (i64.xor (i64.load (i32.const 24)) (i64.const -1)))
            (i32.add (i32.wrap_i64 (local.get 3)) (local.get 1))
            (i32.add (i32.trunc_f64_s (local.get 2)))
            (i32.add) (i32.add) (i32.add))
          ;; Addresses that add two slots (indexed loads and stores), away from what "loads"
          ;; wrote (the reference starts each call with zeroed memory).
          (func (export "indexed") (param i32 i32) (result i32)
            (i32.store (i32.add (local.get 0) (local.get 1)) (i32.const 77))
            (i32.store8 (i32.add (local.get 1) (local.get 0)) (local.get 1))
            (i32.add (i32.load (i32.add (local.get 0) (local.get 1)))
                     (i32.load8_u offset=4 (i32.add (local.get 0) (local.get 1))))))
        """, [("loads", [.i32(3)]), ("loads", [.i32(0xFFFF_FFFF)]),
              ("indexed", [.i32(208), .i32(16)]), ("indexed", [.i32(0xFFFF_FFF0), .i32(0x110)])]),
        // Constant addresses (the zero slot as address slot): a C global's `counter++`, and a
        // store whose constant address waits below a value computed at stop points of its own
        // (those stops show the constant on the stack). Locals written before any read are not
        // zeroed by a free run's calls; an invocation zeroes them, so every stop shows 0.
        ("""
        (module (memory 1)
          (func $bump (param i32) (result i32) (local i32 i32)
            (i32.store offset=3744 (i32.const 0) (i32.add (i32.load offset=3744 (i32.const 0)) (i32.const 1)))
            (local.set 2 (i32.mul (local.get 0) (i32.const 3)))
            (i32.store offset=8 (i32.const 64) (i32.add (local.get 2) (i32.load (i32.const 3744))))
            (local.set 1 (i32.load offset=8 (i32.const 64)))
            (i32.add (local.get 1) (i32.load8_u offset=0xFF (i32.const 0xFF00))))
          (func (export "globals") (param i32) (result i32)
            ;; (The free run after the stepped one starts from the same counter.)
            (i32.store offset=3744 (i32.const 0) (i32.const 10))
            (drop (call $bump (local.get 0)))
            (call $bump (i32.add (local.get 0) (i32.const 1)))))
        """, [("globals", [.i32(5)])]),
        // `i64.eqz` under br_if, if and i32.eqz: each becomes one compare-and-branch with 0.
        ("""
        (module
          (func (export "limbs") (param i64 i64) (result i64) (local i64)
            (block $done
              (loop $next
                (br_if $done (i64.eqz (local.get 0)))
                (local.set 2 (i64.add (local.get 2) (local.get 1)))
                (if (i64.eqz (i64.and (local.get 0) (i64.const 1)))
                  (then (local.set 1 (i64.add (local.get 1) (local.get 1)))))
                (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
                (br_if $next (i32.eqz (i64.eqz (local.get 0))))))
            (local.get 2)))
        """, [("limbs", [.i64(5), .i64(3)]), ("limbs", [.i64(2), .i64(9)])]),
        // Branches on a value computed right before them (Compiler+Tests.swift): a load compared
        // and branched on (with a slot, a constant, the loaded value on the right, through an
        // eqz, an eqz of the comparison, or the branch on the value itself; every load that has
        // the form, one at a constant address and one with an add folded into its address), and
        // `x & y` branched on directly, through an eqz or as `!= 0`.
        ("""
        (module (memory 1)
          (func (export "tests") (param i32 i32) (result i32) (local i32 i64)
            (i32.store (i32.const 16) (i32.const 0x6261_FF80))
            (i32.store (i32.const 20) (i32.const 0x0063_8001))
            (i64.store (i32.const 24) (i64.extend_i32_u (local.get 0)))
            (local.set 2 (i32.const 16))
            (block $found
              (loop $scan
                (br_if $found (i32.eq (i32.load8_u (local.get 2)) (local.get 1)))
                (local.set 2 (i32.add (local.get 2) (i32.const 1)))
                (br_if $scan (i32.load8_u offset=0 (local.get 2)))))
            (if (i32.eqz (i32.load8_s (i32.add (local.get 2) (i32.const 1))))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 100)))))
            (if (i32.lt_u (local.get 0) (i32.load16_u (i32.const 20)))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 1000)))))
            (if (i32.gt_s (i32.load16_s (i32.const 16)) (i32.const -200))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 10000)))))
            (if (i32.eqz (i32.ne (i32.load (i32.const 20)) (local.get 0)))
              (then (local.set 2 (i32.sub (local.get 2) (i32.const 1)))))
            (if (i64.eqz (i64.load (i32.const 24)))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 3)))))
            (if (i64.le_u (local.get 3) (i64.load offset=24 (i32.const 0)))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 5)))))
            (if (i32.load (i32.const 20)) (then (local.set 2 (i32.add (local.get 2) (i32.const 7)))))
            (if (i32.and (local.get 0) (i32.const 4)) (then (local.set 2 (i32.mul (local.get 2) (i32.const 2)))))
            (if (i32.eqz (i32.and (local.get 0) (local.get 1))) (then (local.set 2 (i32.xor (local.get 2) (i32.const 1)))))
            (if (i64.eqz (i64.and (i64.extend_i32_u (local.get 0)) (i64.const 0x1_0000_0001)))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 11)))))
            (if (i32.ne (i32.and (local.get 1) (i32.const 0x61)) (i32.const 0))
              (then (local.set 2 (i32.add (local.get 2) (i32.const 13)))))
            (local.get 2)))
        """, [("tests", [.i32(5), .i32(0x62)]), ("tests", [.i32(0x8001), .i32(0x63)]),
              ("tests", [.i32(0), .i32(0x7)]), ("tests", [.i32(0xFFFF_FFFF), .i32(0xFF)])]),
        // Conversions that cancel (Compiler+Conversions.swift), as TinyCC emits them for i32
        // values kept in i64 locals: wrap of an extension (of a local and of a computed value),
        // of an extend32_s, of a 32-bit load (signed, unsigned), and extend32_s of an extension.
        ("""
        (module (memory 1)
          (func (export "conversions") (param i32 i64) (result i32) (local i64 i32)
            (i32.store (i32.const 8) (i32.const 0x8000_0007))
            (local.set 3 (i32.wrap_i64 (i64.extend_i32_s (local.get 0))))
            (local.set 3 (i32.add (local.get 3) (i32.wrap_i64 (i64.extend_i32_u (i32.add (local.get 0) (i32.const 3))))))
            (local.set 2 (i64.extend32_s (i64.extend_i32_s (i32.wrap_i64 (local.get 1)))))
            (local.set 3 (i32.add (local.get 3) (i32.wrap_i64 (i64.extend32_s (i64.add (local.get 1) (local.get 2))))))
            (local.set 3 (i32.xor (local.get 3) (i32.wrap_i64 (i64.load32_s (i32.const 8)))))
            (local.set 3 (i32.sub (local.get 3) (i32.wrap_i64 (i64.extend32_s (i64.load32_u offset=8 (i32.const 0))))))
            (i32.add (local.get 3) (i32.wrap_i64 (local.get 2)))))
        """, [("conversions", [.i32(5), .i64(0x1_8000_0001)]), ("conversions", [.i32(0xFFFF_FFFE), .i64(7)])]),
        // More pending reads and constants than the compiler keeps pending (it emits the deepest
        // in batches), then writes of locals they read, a call above them, and the adds that
        // consume them all.
        ("""
        (module
          (func $sum3 (param i32 i32 i32) (result i32) (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
          (func (export "deep") (param i32 i32) (result i32)
            \(String(repeating: "(local.get 0) (i32.const 3) (local.get 1) ", count: 30))
            (local.set 0 (i32.const 100))
            (local.set 1 (i32.const -7))
            (call $sum3 (local.get 0) (local.get 1) (i32.const 5))
            (local.get 1)
            \(String(repeating: "(i32.add) ", count: 91))))
        """, [("deep", [.i32(2), .i32(40)]), ("deep", [.i32(0xFFFF_FFFF), .i32(9)])]),
        // Tail calls (a frame replaced) and exceptions unwinding frames to a try_table or a
        // legacy catch: after each, the frames must again be the reference's.
        ("""
        (module
          (tag $e (param i32 i32))
          (tag $f)
          (func $count (param i32 i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (local.get 1))
              (else (return_call $count (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (local.get 0))))))
          (func $thrower (param i32) (result i32)
            (if (i32.gt_s (local.get 0) (i32.const 3))
              (then (throw $e (local.get 0) (i32.mul (local.get 0) (i32.const 2)))))
            (if (i32.eq (local.get 0) (i32.const 3)) (then (throw $f)))
            (i32.add (local.get 0) (i32.const 1)))
          (func $middle (param i32) (result i32)
            (i32.add (i32.const 10) (call $thrower (local.get 0))))
          (func $tail (param i32) (result i32) (return_call $middle (local.get 0)))
          (func (export "tt") (param i32) (result i32)
            (i32.add (i32.const 1000)
              (block $h (result i32 i32)
                (block $all
                  (try_table (result i32) (catch $e $h) (catch_all $all)
                    (i32.const 7) (call $tail (local.get 0)) (i32.add))
                  (return))
                (return (i32.const -1)))
              (i32.sub)))
          (func (export "legacy") (param i32) (result i32)
            (try (result i32)
              (do (i32.const 5) (call $middle (local.get 0)) (i32.mul))
              (catch $e (i32.add))
              (catch_all (call $count (i32.const 4) (i32.const 0)))))
          (func (export "count") (param i32) (result i32) (call $count (local.get 0) (i32.const 0))))
        """, [("tt", [.i32(1)]), ("tt", [.i32(5)]), ("tt", [.i32(3)]), ("legacy", [.i32(2)]), ("legacy", [.i32(6)]),
              ("legacy", [.i32(3)]), ("count", [.i32(6)])]),
        // Calls whose pending arguments (locals, constants, a folded tee) are the call's own
        // argument list (Compiler+Calls.swift): the call's stop shows them where they are, the
        // callee's frame gets them, and a caller's frame no longer shows them.
        ("""
        (module
          (type $bin (func (param i32 i32) (result i32)))
          (table 4 funcref)
          (elem (i32.const 0) $sub $add)
          (func $sub (type $bin) (i32.sub (local.get 0) (local.get 1)))
          (func $add (type $bin) (local i32)
            (local.set 2 (i32.add (local.get 0) (local.get 1))) (local.get 2))
          (func $three (param i32 i32 f64) (result i32)
            (i32.add (local.get 0) (i32.add (local.get 1) (i32.trunc_f64_s (local.get 2)))))
          (func $none (result i32) (i32.const 3))
          (func $neg (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
          (func $count (param i32 i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
              (else (return_call $count (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (local.get 0))))))
          (func $swap (param i32 i32) (result i32)
            (if (result i32) (i32.le_s (local.get 0) (i32.const 0)) (then (local.get 1))
              (else (return_call_indirect (type $bin) (local.get 1) (local.get 0) (i32.const 0)))))
          (func (export "calls") (param $x i32) (param $y i32) (result i32) (local $t i32)
            (call $sub (local.get $x) (local.get $y))
            (call $sub (i32.const 100) (local.get $x))
            (call $sub (local.get $y) (i32.const 100))
            (call $three (local.get $x) (local.get $y) (f64.const -1))
            (call $three (local.get $x) (i32.const 5) (f64.const 9))
            (call $three (i32.const 7) (i32.const 5) (f64.const 9))
            (call $sub (i32.const 1) (i32.const 2))
            (call $neg (i32.const 6))
            (call $three (local.get $y) (i32.const 7) (f64.const 2.5))
            (call $sub (call $add (local.get $x) (i32.const 1)) (local.get $y))
            (call $sub (local.tee $t (i32.add (local.get $x) (i32.const 2))) (local.get $t))
            (call $none)
            (local.set $t (i32.and (local.get $t) (i32.const 1)))
            (call_indirect (type $bin) (local.get $x) (local.get $y) (local.get $t))
            (call_indirect (type $bin) (i32.const 3) (local.get $x) (i32.const 1))
            (call_indirect (type $bin) (local.get $y) (call $none) (i32.and (local.get $x) (i32.const 1)))
            (call $count (local.get $x) (i32.const 0))
            (call $swap (local.get $x) (local.get $y))
            ;; A pending read below the arguments stays pending across the call.
            (local.get $y) (call $sub (local.get $x) (local.get $x)) (i32.add)
            (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add)
            (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add))
          (func (export "count") (param i32) (result i32) (call $count (local.get 0) (i32.const 0))))
        """, [("calls", [.i32(5), .i32(2)]), ("calls", [.i32(4), .int32(-3)]), ("count", [.i32(3)])]),
        // Accesses of memory 1 and of a 64-bit memory (the memoryOperation form, in Swift)
        // between memory 0's register forms: every stop shows the Wasm stack.
        ("""
        (module
          (memory $small 1)
          (memory $other 1)
          (memory $wide i64 1)
          (func (export "memories") (param i32 i64) (result i32) (local i64)
            (i32.store $other offset=4 (local.get 0) (i32.add (local.get 0) (i32.const 9)))
            (i64.store $wide (local.get 1) (i64.const 0x1122_3344_5566_7788))
            (i32.store $small (local.get 0) (i32.const 5))
            (local.set 2 (i64.add (i64.load $wide offset=8 (i64.sub (local.get 1) (i64.const 8))) (i64.const 1)))
            (i32.add (i32.load $other offset=4 (local.get 0)) (i32.load8_u $wide (local.get 1)))
            (i32.add (i32.load $small (local.get 0)))
            (i32.add (i32.wrap_i64 (local.get 2)))))
        """, [("memories", [.i32(16), .i64(40)]), ("memories", [.i32(0), .i64(65528)])]),
        // Typed function references and i31 (Wasm 3.0): br_on_null / br_on_non_null are a test
        // and a branch in one run, call_ref a call.
        ("""
        (module
          (type $f (func (param i32) (result i32)))
          (func $double (type $f) (i32.mul (local.get 0) (i32.const 2)))
          (elem declare func $double)
          (func (export "refs") (param $x i32) (param $pick i32) (result i32)
            (local $g (ref null $f)) (local $i (ref null i31)) (local $sum i32)
            (if (local.get $pick) (then (local.set $g (ref.func $double))))
            (local.set $i (ref.i31 (local.get $x)))
            (local.set $sum
              (block $isnull (result i32)
                (local.get $x)
                (br_on_null $isnull (local.get $g))
                (call_ref $f)))
            (local.set $sum (i32.add (local.get $sum)
              (i31.get_s (block $nn (result (ref i31))
                (br_on_non_null $nn (local.get $i))
                (ref.i31 (i32.const 9))))))
            (local.set $sum (i32.add (local.get $sum) (ref.eq (local.get $i) (ref.i31 (local.get $x)))))
            (i32.add (local.get $sum) (i31.get_u (ref.as_non_null (local.get $i))))))
        """, [("refs", [.i32(5), .i32(1)]), ("refs", [.int32(-3), .i32(0)])]),
        // GC objects: the reference interpreter numbers objects in allocation order, as the
        // heap does while nothing has been collected, so frames compare object for object.
        ("""
        (module
          (type $pair (struct (field $a (mut i32)) (field $b (mut (ref null $pair)))))
          (type $row (array (mut i32)))
          (func (export "objects") (param $x i32) (result i32)
            (local $p (ref null $pair)) (local $q (ref null $pair)) (local $r (ref null $row)) (local $any anyref)
            (local.set $p (struct.new $pair (local.get $x) (ref.null $pair)))
            (local.set $q (struct.new $pair (i32.const 7) (local.get $p)))
            (struct.set $pair $a (local.get $p) (i32.add (struct.get $pair $a (local.get $q)) (local.get $x)))
            (local.set $r (array.new_fixed $row 3 (local.get $x) (i32.const 2) (i32.const 3)))
            (array.set $row (local.get $r) (i32.const 1) (array.len (local.get $r)))
            (local.set $any (local.get $q))
            (i32.add
              (i32.add (struct.get $pair $a (ref.as_non_null (struct.get $pair $b (local.get $q))))
                       (array.get $row (local.get $r) (i32.const 1)))
              (i32.add (i32.add (ref.test (ref struct) (local.get $any)) (ref.test (ref array) (local.get $any)))
                       (ref.eq (local.get $p) (struct.get $pair $b (local.get $q)))))))
        """, [("objects", [.i32(5)]), ("objects", [.int32(-1)])]),
    ]

    @Test(arguments: 0..<fixtures.count)
    func framesMatchTheReferenceAtEveryStop(_ fixture: Int) throws {
        let (wat, calls) = DebugInvariantTests.fixtures[fixture]
        let module = try assemble(wat)
        let runtime = Runtime()
        let instance = try runtime.instantiate(module)
        for (name, args) in calls {
            let function = try #require(instance.function(name))
            let index = try #require(module.exports.first { $0.name == name }?.index)
            var reference = ReferenceInterpreter(module: module, function: index, arguments: args,
                                                 heap: ObjectIdentifier(runtime.store.heap),
                                                 firstObjectID: runtime.gcStatistics.allocatedObjects)
            let invocation = function.startInvocation(args)
            var stops = 0
            while true {
                guard case .running = invocation.state else { break }
                let frames = invocation.frames
                let innermost = try #require(frames.first?.position)
                // Skip the instructions that compile to nothing (block, loop, nop, drop, end).
                // After a step the reference moves at least once: every run executes an
                // instruction, and a loop whose body is one run comes back to the same offset.
                var guardSteps = 0
                while !reference.isFinished, stops > 0 && guardSteps == 0
                        || reference.offset != innermost.fileOffset || reference.frames.count != frames.count {
                    reference.step()
                    guardSteps += 1
                    if guardSteps > 1000 { break }
                }
                #expect(reference.unsupported == nil)
                try #require(reference.frames.count == frames.count,
                             "\(name): no reference state at offset \(innermost.fileOffset) depth \(frames.count)")
                for (k, frame) in frames.enumerated() {
                    let ref = reference.frames[reference.frames.count - 1 - k]
                    let body = try #require(module.definedFunction(ref.function)?.body)
                    #expect(frame.position?.functionIndex == ref.function)
                    #expect(frame.position?.fileOffset == body.offsets[ref.pc], "\(name) frame \(k)")
                    #expect(frame.locals == ref.locals, "\(name) frame \(k) locals")
                    #expect(frame.operandStack == ref.stack,
                            "\(name) frame \(k) at 0x\(String(body.offsets[ref.pc], radix: 16))")
                }
                stops += 1
                invocation.step()
            }
            while !reference.isFinished { reference.step() }
            guard case .finished(let results) = invocation.state else {
                Issue.record("\(name) did not finish: \(invocation.state)")
                continue
            }
            #expect(results == reference.results)
            #expect(stops > 3)
            // And the free-running loop agrees with the stepped run.
            #expect(try function.invoke(args) == results)
        }
    }

    @Test func callsWhileAnInvocationIsSuspendedRunAboveIt() throws {
        let instance = try instantiate("""
        (module (func $sum (export "sum") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (local.get 0) (call $sum (i32.sub (local.get 0) (i32.const 1))))))))
        """)
        let sum = try #require(instance.function("sum"))
        let invocation = sum.startInvocation([.i32(10)])
        for _ in 0..<25 { invocation.step() }
        let depth = invocation.frames.count
        #expect(depth > 2)
        // A complete call in between leaves the suspended frames alone.
        #expect(try sum.invoke([.i32(100)]) == [.i32(5050)])
        #expect(invocation.frames.count == depth)
        #expect(invocation.run() == .finished([.i32(55)]))
        #expect(sum.startInvocation([.i64(1)]).state != .running)
    }

    /// `i32.add x, C` folded into the load that uses it: the sum wraps at 32 bits as the add
    /// does, and after an out-of-bounds trap the stack shows the address the load used.
    @Test func anAddFoldedIntoALoadKeepsWasmSemantics() throws {
        let instance = try instantiate("""
        (module (memory 1)
          (data (i32.const 8) "\\01\\02\\03\\04\\05\\06\\07\\08")
          (func (export "f") (param i32) (result i32)
            (i32.load8_u offset=2 (i32.add (local.get 0) (i32.const 0x10))))
          (func (export "put") (param i32 i32)
            (i32.store16 offset=1 (i32.add (local.get 0) (i32.const 0x20)) (local.get 1))))
        """)
        let f = try #require(instance.function("f"))
        // 0xFFFFFFF8 + 0x10 wraps to 8; the byte at 8 + 2 is 3.
        #expect(try f.invoke([.i32(0xFFFF_FFF8)]) == [.i32(3)])
        let invocation = f.startInvocation([.i32(0xFFFF)])
        guard case .trapped(let trap) = invocation.run() else {
            Issue.record("expected a trap")
            return
        }
        #expect(trap.message == "out of bounds memory access")
        #expect(invocation.frames.first?.operandStack == [.i32(0xFFFF + 0x10)])
        // The position is the load's (f+0x6: local.get at +0x1, i32.const +0x3, i32.add +0x5).
        let load = try #require(invocation.frames.first?.position?.fileOffset)
        let add = try #require(trap.backtrace.first?.position?.fileOffset)
        #expect(load == add)
        #expect(trap.backtrace.first?.description.hasPrefix("f+0x6 ") == true)
        // The same for a store: (0xFFFFFFF0 + 0x20) wraps to 0x10; 0x10 + 1 gets 0xBEEF.
        let put = try #require(instance.function("put"))
        _ = try put.invoke([.i32(0xFFFF_FFF0), .i32(0xBEEF)])
        #expect(try f.invoke([.i32(0xFFFF_FFFF)]) == [.i32(0xEF)])   // (-1 + 0x10) + 2 = 0x11
        let store = put.startInvocation([.i32(0xFFFF), .i32(1)])
        guard case .trapped = store.run() else {
            Issue.record("expected a trap")
            return
        }
        #expect(store.frames.first?.operandStack == [.i32(0xFFFF + 0x20), .i32(1)])
    }

    /// A load compared and branched on as one instruction (Compiler+Tests.swift): out of
    /// bounds, it traps at the load, with the address on the operand stack as the load saw it.
    @Test func aLoadCompareAndBranchTrapsAtTheLoad() throws {
        let instance = try instantiate("""
        (module (memory 1)
          (func (export "f") (param i32 i32) (result i32)
            (if (i32.ne (i32.load16_u offset=4 (local.get 0)) (local.get 1)) (then (return (i32.const 1))))
            (i32.const 2)))
        """)
        let f = try #require(instance.function("f"))
        #expect(try f.invoke([.i32(0), .i32(0)]) == [.i32(2)])
        #expect(try f.invoke([.i32(0), .i32(9)]) == [.i32(1)])
        let invocation = f.startInvocation([.i32(0xFFFE), .i32(0)])
        guard case .trapped(let trap) = invocation.run() else {
            Issue.record("expected a trap")
            return
        }
        #expect(trap.message == "out of bounds memory access")
        #expect(invocation.frames.first?.operandStack == [.i32(0xFFFE)])
        // The load's position (f+0x3: local.get at +0x1).
        #expect(trap.backtrace.first?.description.hasPrefix("f+0x3 ") == true)
    }

    @Test func trapLeavesFramesInspectable() throws {
        let instance = try instantiate("""
        (module
          (func $inner (param i32) (result i32) (i32.div_u (i32.const 10) (local.get 0)))
          (func (export "outer") (param i32) (result i32)
            (i32.add (i32.const 5) (call $inner (local.get 0)))))
        """)
        let invocation = try #require(instance.function("outer")).startInvocation([.i32(0)])
        let state = invocation.run()
        guard case .trapped(let trap) = state else {
            Issue.record("expected a trap, got \(state)")
            return
        }
        #expect(trap.message == "integer divide by zero")
        let frames = invocation.frames
        #expect(frames.count == 2)
        #expect(frames.first?.operandStack == [.i32(10), .i32(0)])
        #expect(frames.first?.locals == [.i32(0)])
        #expect(frames.last?.operandStack == [.i32(5)])
        #expect(trap.backtrace.count == 2)
        #expect(trap.backtrace.first?.description.hasPrefix("$inner+0x") == true)
    }
}
