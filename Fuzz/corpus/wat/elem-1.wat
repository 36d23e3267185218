(module
  (table 20 funcref)
  (elem (i32.const 20))
)