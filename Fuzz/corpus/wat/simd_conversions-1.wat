(assert_return (invoke "f64x2.promote_low_f32x4" (v128.const f32x4 0.0 0.0 0.0 0.0))
                                                 (v128.const f64x2 0.0 0.0))