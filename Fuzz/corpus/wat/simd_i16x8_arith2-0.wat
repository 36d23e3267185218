(assert_return (invoke "i16x8.min_s" (v128.const i16x8 0 0 0 0 0 0 0 0)
                                     (v128.const i16x8 0 0 0 0 0 0 0 0))
                                     (v128.const i16x8 0 0 0 0 0 0 0 0))