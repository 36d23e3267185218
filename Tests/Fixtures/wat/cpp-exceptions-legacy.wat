;; C++ exceptions in the shape LLVM emits with -fwasm-exceptions and the legacy instructions
;; (try/catch/catch_all/rethrow): `__cxa_throw` throws the tag `__cpp_exception` with a
;; pointer to the exception object; a function with a destructor to run has a catch_all
;; cleanup that rethrows; `run` catches by type and rethrows what it does not handle.
;;
;;   struct Guard { Guard() { ++live; } ~Guard() { --live; } };
;;   int check(int v) { if (v < -50) throw overflow_error(v);
;;                      if (v < 0) throw range_error(v); return v * 2; }
;;   int sum(int base, int n) { Guard g; int s = 0; for (int i = 0; i < n; i++) s += check(base - i); return s; }
;;   int run(int base, int n) { try { return sum(base, n); } catch (range_error& e) { return 1000 + e.value; } }
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
    (try
      (do
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
            (local.set $s (i32.add (local.get $s) (call $check (i32.sub (local.get $base) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next))))
      (catch_all
        ;; ~Guard(), then on with the exception
        (global.set $live (i32.sub (global.get $live) (i32.const 1)))
        (rethrow 0)))
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (local.get $s))

  (func $run (export "run") (param $base i32) (param $n i32) (result i32)
    (local $exn i32) (local $result i32)
    (try (result i32)
      (do (call $sum (local.get $base) (local.get $n)))
      (catch $__cpp_exception
        (local.set $exn)
        (if (i32.ne (i32.load (local.get $exn)) (i32.const 7)) (then (rethrow 1)))
        (drop (call $__cxa_begin_catch (local.get $exn)))
        (local.set $result (i32.add (i32.const 1000) (i32.load offset=4 (local.get $exn))))
        (call $__cxa_end_catch)
        (local.get $result)))))
