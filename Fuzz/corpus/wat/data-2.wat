(assert_invalid
  (module (memory 1) (global i32 (i32.const 0)) (data (global.get 0) "a"))
  "unknown global"
)