(assert_return (invoke "eq" (v128.const f32x4 nan nan nan nan)
                            (v128.const f32x4 nan nan nan nan))
                            (v128.const i32x4 0 0 0 0))