;; Names of every kind, for `wat2wasm --debug-names`.
(module $named
  (type $pair (func (param i32 i32) (result i32)))
  (import "env" "print" (func $print (param i32)))
  (table $table 2 funcref)
  (memory $memory 1)
  (global $limit (mut i32) (i32.const 10))
  (func $sum (type $pair) (param $a i32) (param $b i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_s (local.get $acc) (global.get $limit)))
        (local.set $acc (i32.add (local.get $acc) (local.get $a)))
        (br $again)))
    (local.get $acc))
  (func $main (export "main")
    (call $print (call $sum (i32.const 1) (i32.const 2))))
  (elem $callbacks (i32.const 0) $sum $main)
  (data $greeting (i32.const 0) "hi"))
