(assert_malformed
  (module quote
    "(memory 1)"
    "(func (drop (current_memory)))"
  )
  "unknown operator current_memory"
)