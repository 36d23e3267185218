(assert_return (invoke "i32x4.add" (v128.const i32x4 0 0 0 0)
                                   (v128.const i32x4 0 0 0 0))
                                   (v128.const i32x4 0 0 0 0))