;; Custom sections through the annotation syntax (wabt writes them after the known sections).
(module
  (@custom "first" (before type) "at the start")
  (@custom "bytes" (after type) "\00\01\02\ff")
  (type (func))
  (func (type 0))
  (@custom "empty" (after code) ""))
