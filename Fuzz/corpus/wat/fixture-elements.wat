;; The eight element segment encodings and both reference types.
(module
  (table $t0 4 funcref)
  (table $t1 4 funcref)
  (table $t2 4 externref)
  (func $f)
  (func $g)
  ;; 0: active, table 0, function indices
  (elem (i32.const 0) $f $g)
  ;; 1: passive, function indices
  (elem func $f $g)
  ;; 2: active, explicit table, function indices
  (elem (table $t1) (i32.const 1) func $g)
  ;; 3: declarative, function indices
  (elem declare func $f)
  ;; 4: active, table 0, expressions
  (elem (i32.const 2) funcref (ref.null func) (ref.func $f))
  ;; 5: passive, expressions
  (elem funcref (ref.func $g) (ref.null func))
  ;; 6: active, explicit table, expressions
  (elem (table $t2) (i32.const 0) externref (ref.null extern))
  ;; 7: declarative, expressions
  (elem declare funcref (ref.null func) (ref.func $g))
  (func (export "use") (result funcref)
    (table.init $t1 1 (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop 1)
    (table.copy $t0 $t1 (i32.const 0) (i32.const 1) (i32.const 1))
    (drop (table.grow $t2 (ref.null extern) (i32.const 2)))
    (table.fill $t2 (i32.const 0) (ref.null extern) (i32.const 1))
    (drop (table.size $t0))
    (table.set $t0 (i32.const 0) (ref.func $g))
    (table.get $t0 (i32.const 0))))
