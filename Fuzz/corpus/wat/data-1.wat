(module
  (memory 0)
  (data (i32.const 0))
)