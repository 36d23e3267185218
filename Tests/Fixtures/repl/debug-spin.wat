;; Loops forever, counting: for the Ctrl-C test of the debugger.
(module
  (global $laps (mut i32) (i32.const 0))
  (func $spin (export "spin")
    (loop $again
      (global.set $laps (i32.add (global.get $laps) (i32.const 1)))
      (br $again))))
