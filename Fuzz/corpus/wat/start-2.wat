(assert_invalid
  (module (func) (start 1))
  "unknown function"
)