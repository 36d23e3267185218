(assert_return (invoke "i64x2.extmul_low_i32x4_s" (v128.const i32x4 0 0 0 0)
                                                  (v128.const i32x4 0 0 0 0))
                                                  (v128.const i64x2 0 0))