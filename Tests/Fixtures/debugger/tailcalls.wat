;; Tail calls for the debugger tests: $middle's return_call replaces its frame with $leaf's.
(module
  (func $leaf (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 100)))
  (func $middle (param $x i32) (result i32)
    (return_call $leaf (i32.mul (local.get $x) (i32.const 2))))
  (func $top (export "top") (param $x i32) (result i32)
    (i32.add (call $middle (local.get $x)) (i32.const 1)))
  (func $count (export "count") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $count (i32.sub (local.get $n) (i32.const 1)))))))
