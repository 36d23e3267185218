(assert_return (invoke "i32x4.trunc_sat_f64x2_s_zero" (v128.const f64x2 0.0 0.0))
                                                      (v128.const i32x4 0 0 0 0))