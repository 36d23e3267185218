;; An invalid module for the REPL tests: the function returns an i64 where an i32 is declared.
(module
  (func $wrong (result i32)
    i64.const 1))
