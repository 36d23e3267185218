#!/usr/bin/env bash
# CI's fuzz step (Docs/fuzzing.md), run by .ci/run after the tests:
#   1. every input in Fuzz/regressions/ replayed once (a finding that comes back fails);
#   2. every fuzz target for a short time from the committed seeds (default 10 s each);
#   3. the differential harness against wasmtime on fixed seeds (default 50 modules, seeds 0…49).
# Any crash, sandbox violation or divergence fails the step; a new finding is copied to
# Fuzz/regressions/TARGET/ (or Fuzz/.work/differential/) and printed in base64, so it can be
# recreated from the CI log and committed with its fix.
#
#   WDB_CI_FUZZ_SECONDS=10 WDB_CI_DIFF_SEEDS=50 Scripts/ci-fuzz.sh
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${WDB_CI_FUZZ_SECONDS:-10}"
seeds="${WDB_CI_DIFF_SEEDS:-50}"
began=$(date +%s)
passed=0
failed=0
step() {
  local name=$1
  shift
  local t0=$(date +%s)
  if "$@"; then passed=$((passed + 1)); echo "ci-fuzz: $name passed ($(( $(date +%s) - t0 )) s)"
  else failed=$((failed + 1)); echo "ci-fuzz: $name FAILED ($(( $(date +%s) - t0 )) s)"; fi
}
step "build of the fuzz targets" Scripts/fuzz.sh --build
if [ ! -x Fuzz/.build/release/fuzz-exec ]; then
  echo "ci-fuzz: the fuzz targets did not build"
  echo "ci-fuzz: $passed passed, $((failed + 1)) failed"
  exit 1
fi
export WDB_FUZZ_SKIP_BUILD=1
step "replay of Fuzz/regressions" Scripts/fuzz.sh --replay all
for target in binary wat repl wasi dwarf exec; do
  step "fuzz-$target ${seconds}s" Scripts/fuzz.sh "$target" "$seconds"
done
step "differential, seeds 0..$((seeds - 1))" python3 Fuzz/differential/run.py --seeds "$seeds" --start 0
echo "ci-fuzz: $(( $(date +%s) - began )) s in all"
echo "ci-fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
