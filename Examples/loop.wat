;; A small module to try wdb on: a counter bumped in a loop, and a factorial.
;; wdb dump -d Examples/loop.wat     (disassembly with file offsets)
;; wdb run --invoke fact Examples/loop.wat 10
(module
  (memory (export "memory") 1)
  (global $counter (mut i32) (i32.const 0))

  (func $bump (param $by i32) (result i32)
    global.get $counter
    local.get $by
    i32.add
    global.set $counter
    global.get $counter)

  (func $count_to (export "count_to") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (drop (call $bump (i32.const 1)))
        (i32.store (i32.mul (local.get $i) (i32.const 4)) (global.get $counter))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (global.get $counter))

  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fact (i64.sub (local.get $n) (i64.const 1))))))))
