;; The gdb-habits session's module: strings in memory, a watched counter, recursion.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "first\00second\00")
  (global $__stack_pointer (mut i32) (i32.const 4096))
  (global $count (mut i32) (i32.const 0))
  (func $tick (export "tick") (param $n i32) (result i32)
    (local $i i32)
    (loop $again
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (global.get $count))
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (call $down (i32.sub (local.get $n) (i32.const 1)))))))
