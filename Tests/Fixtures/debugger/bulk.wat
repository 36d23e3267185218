(module
  (memory (export "memory") 1)
  (data (i32.const 0) "abcdefgh")
  (func $copy (export "copy") (param $dst i32) (param $n i32)
    local.get $dst
    i32.const 0
    local.get $n
    memory.copy)
  (func $peek (export "peek") (param $a i32) (result i32)
    local.get $a
    i32.load8_u)
  (func $poke (export "poke") (param $a i32) (param $v i32)
    local.get $a
    local.get $v
    i32.store8)
  ;; The load's value feeds an add right away: one load-and-operate instruction in the engine.
  (func $peekplus (export "peekplus") (param $a i32) (result i32)
    local.get $a
    i32.load8_u
    i32.const 1
    i32.add)
  ;; The address adds two locals: an indexed store in the engine.
  (func $pokeat (export "pokeat") (param $base i32) (param $i i32) (param $v i32)
    (i32.store8 (i32.add (local.get $base) (local.get $i)) (local.get $v))))
