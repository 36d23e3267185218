;; A GC soak loop: builds trees of depth 12 (8,191 structs each) for ever, keeping the last 64 in
;; a ring (about half a million live structs) so every collection has old objects to keep and
;; new ones to free. Run it for ten minutes and watch the resident size stay flat:
;;   /usr/bin/time -f '%e s %M KB' wdb run --timeout 600 --invoke run Benchmarks/gc/soak.wat
;; (Docs/wasm-3.0.md, "GC: the heap and the collector", has the figures).
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))
  (type $ring (array (mut (ref null $node))))

  (func $make (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (struct.new $node
          (call $make (i32.sub (local.get $depth) (i32.const 1)))
          (call $make (i32.sub (local.get $depth) (i32.const 1)))))))

  (func $check (param $tree (ref null $node)) (result i32)
    (if (result i32) (ref.is_null (local.get $tree))
      (then (i32.const 0))
      (else
        (i32.add (i32.const 1)
          (i32.add
            (call $check (struct.get $node $left (local.get $tree)))
            (call $check (struct.get $node $right (local.get $tree))))))))

  ;; Never returns: `--timeout` (or Ctrl-C) ends it. A wrong count traps at once.
  (func (export "run") (result i32)
    (local $ring (ref $ring)) (local $i i32)
    (local.set $ring (array.new_default $ring (i32.const 64)))
    (loop $forever
      (array.set $ring (local.get $ring) (i32.and (local.get $i) (i32.const 63))
        (call $make (i32.const 12)))
      (if (i32.ne (call $check (array.get $ring (local.get $ring) (i32.and (local.get $i) (i32.const 63))))
                  (i32.const 8191))
        (then unreachable))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $forever))
    (local.get $i)))
