(assert_malformed
  (module quote "(func (i32.const) drop)")
  "unexpected token"
)