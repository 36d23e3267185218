#!/usr/bin/env bash
# What a debugging session costs while nothing stops: instruction counts (callgrind, repeatable
# on a shared machine) of the same call, `hot(N)` in hot.wat, run
#   free      `wdb run --invoke hot hot.wat N`
#   session   in a batch debugging session, no breakpoints
#   10 bps    with 10 breakpoints armed in functions that are never called
#   watch     with one memory watchpoint on an address the loop never writes
# and the ratios to the session without breakpoints (issue 6's goals: <= 1.05x and <= 1.5x).
# usage: Benchmarks/debug/run.sh [N]   (default 3000000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-3000000}"
(cd "$root" && swift build -c release --product wdb >/dev/null)
wdb="$root/.build/release/wdb"
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | awk '/refs:/ {gsub(",", "", $NF); print $NF}'; }
breaks=$(for i in 0 1 2 3 4 5 6 7 8 9; do printf 'break $unused%d\n' "$i"; done)
free=$(count "$wdb" run --invoke hot "$here/hot.wat" "$n")
session=$(printf 'invoke hot %s\n' "$n" | count "$wdb" -nx "$here/hot.wat")
bps=$(printf '%s\ninvoke hot %s\n' "$breaks" "$n" | count "$wdb" -nx "$here/hot.wat")
watch=$(printf 'watch mem.i32[0x8000]\ninvoke hot %s\n' "$n" | count "$wdb" -nx "$here/hot.wat")
awk -v f="$free" -v s="$session" -v b="$bps" -v w="$watch" 'BEGIN{
  printf "%-34s %15s %8s\n", "configuration", "instructions", "ratio"
  printf "%-34s %15d %8s\n", "free run (wdb run --invoke)", f, "-"
  printf "%-34s %15d %8.3f\n", "session, no breakpoints", s, 1
  printf "%-34s %15d %8.3f\n", "session, 10 breakpoints not hit", b, b/s
  printf "%-34s %15d %8.3f\n", "session, 1 watchpoint not hit", w, w/s
  printf "session / free run: %.3f\n", s/f
}'
