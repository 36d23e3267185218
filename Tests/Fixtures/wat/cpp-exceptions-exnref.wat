;; The program of cpp-exceptions-legacy.wat in the shape LLVM emits with the WebAssembly 3.0
;; instructions (try_table, exnref, throw_ref): the cleanup catches with catch_all_ref and
;; rethrows with throw_ref; `run` catches with catch_ref and throw_refs what it does not handle.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (global $live (export "live") (mut i32) (i32.const 0))
  (tag $__cpp_exception (export "__cpp_exception") (param i32))

  (func $__cxa_allocate_exception (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $p))
  (func $__cxa_throw (param $thrown i32) (param $type i32) (param $dtor i32)
    (i32.store (local.get $thrown) (local.get $type))
    (throw $__cpp_exception (local.get $thrown)))
  (func $__cxa_begin_catch (param $exn i32) (result i32) (local.get $exn))
  (func $__cxa_end_catch)

  (func $check (param $v i32) (result i32)
    (local $e i32)
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then
        (local.set $e (call $__cxa_allocate_exception (i32.const 8)))
        (i32.store offset=4 (local.get $e) (local.get $v))
        (call $__cxa_throw (local.get $e)
          (select (i32.const 9) (i32.const 7) (i32.lt_s (local.get $v) (i32.const -50)))
          (i32.const 0))
        (unreachable)))
    (i32.mul (local.get $v) (i32.const 2)))

  (func $sum (param $base i32) (param $n i32) (result i32)
    (local $s i32) (local $i i32)
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (block $cleanup (result exnref)
      (try_table (catch_all_ref $cleanup)
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $s (i32.add (local.get $s) (call $check (i32.sub (local.get $base) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next))))
      (global.set $live (i32.sub (global.get $live) (i32.const 1)))
      (return (local.get $s)))
    ;; ~Guard(), then on with the exception
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (throw_ref))

  (func $run (export "run") (param $base i32) (param $n i32) (result i32)
    (local $exn i32) (local $ref exnref) (local $result i32)
    (block $catch (result i32 exnref)
      (try_table (result i32) (catch_ref $__cpp_exception $catch)
        (call $sum (local.get $base) (local.get $n)))
      (return))
    (local.set $ref)
    (local.set $exn)
    (if (i32.ne (i32.load (local.get $exn)) (i32.const 7)) (then (throw_ref (local.get $ref))))
    (drop (call $__cxa_begin_catch (local.get $exn)))
    (local.set $result (i32.add (i32.const 1000) (i32.load offset=4 (local.get $exn))))
    (call $__cxa_end_catch)
    (local.get $result)))
