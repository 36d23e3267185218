(assert_return (invoke "v128.store64_lane_0" (i32.const 0)
                                             (v128.const i64x2 506097522914230528 0))
                                             (i64.const 506097522914230528))