(module
  (memory (export "memory") 1)
  (global $counter (mut i32) (i32.const 0))
  (global $limit i32 (i32.const 100))
  (func $fact (export "fact") (param $n i32) (result i32)
    local.get $n
    i32.const 1
    i32.le_s
    if (result i32)
      i32.const 1
    else
      local.get $n
      local.get $n
      i32.const 1
      i32.sub
      call $fact
      i32.mul
    end)
  (func $c (param $x i32) (result i32 i32)
    local.get $x
    i32.const 10
    i32.mul
    local.get $x)
  (func $b (param $x i32) (result i32)
    local.get $x
    i32.const 1
    i32.add
    call $c
    i32.add)
  (func $a (export "a") (param $x i32) (result i32)
    local.get $x
    call $b
    i32.const 2
    i32.mul)
  (func $fill (export "fill") (param $n i32)
    (local $i i32)
    loop $l
      local.get $i
      i32.const 4
      i32.mul
      local.get $i
      i32.store offset=256
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $n
      i32.lt_u
      br_if $l
    end)
  (func $spin (export "spin")
    loop $l
      global.get $counter
      i32.const 1
      i32.add
      global.set $counter
      br $l
    end)
  (func $oob (export "oob") (param $p i32) (result i32)
    (local $t i32)
    i32.const 7
    local.set $t
    local.get $p
    i32.load)
  (func $sum (export "sum") (param $x i32) (param $y i32) (result i32)
    (local $k i32)
    local.get $x
    local.get $y
    i32.add
    local.set $k
    local.get $k
    local.get $k
    i32.mul)
  (func $main (export "_start")
    i32.const 3
    call $a
    drop)
)
