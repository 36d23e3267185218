(assert_return (invoke "i64x2.abs" (v128.const i64x2 1 1))
                                   (v128.const i64x2 1 1))