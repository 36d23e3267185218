(assert_return (invoke "v128.store32_lane_0" (i32.const 0)
                                             (v128.const i32x4 50462976 0 0 0))
                                             (i64.const 50462976))