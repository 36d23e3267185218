(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $main (export "_start")
    ;; one iovec at 0: 8 bytes at 64; the count read goes to 16
    i32.const 0
    i32.const 64
    i32.store
    i32.const 4
    i32.const 8
    i32.store
    i32.const 0
    i32.const 0
    i32.const 1
    i32.const 16
    call $fd_read
    drop
    i32.const 64
    i32.load8_u
    call $proc_exit))
