(assert_return (invoke "i64x2.add" (v128.const i64x2 0 0)
                                   (v128.const i64x2 0 0))
                                   (v128.const i64x2 0 0))