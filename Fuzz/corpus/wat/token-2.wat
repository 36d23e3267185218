(assert_malformed
  (module quote "(func (drop (i32.const0)))")
  "unknown operator"
)