#!/usr/bin/env bash
# Builds and runs wdb's fuzz targets (Docs/fuzzing.md).
#
#   Scripts/fuzz.sh [TARGET|all] [SECONDS]   fuzz TARGET (binary, wat, repl, wasi, dwarf, exec;
#                                            default all, one after the other) for SECONDS each
#                                            (default 60)
#   Scripts/fuzz.sh --build                  only build the targets
#   Scripts/fuzz.sh --replay [TARGET|all]    run each input in Fuzz/regressions/TARGET/ once
#
# Fuzzing starts from the committed seeds (Fuzz/corpus/TARGET) and the regression inputs, and
# keeps what it learns in Fuzz/.work/corpus/TARGET (not committed; delete it to start over).
# A crash, timeout, out-of-memory or leak is copied to Fuzz/regressions/TARGET/ and the script
# exits 1; commit the file with the fix, and --replay (which CI runs) keeps it fixed.
# WDB_FUZZ_JOBS=N runs N targets at a time when fuzzing all of them (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ=$ROOT/Fuzz
BIN=$FUZZ/.build/release
TARGETS="binary wat repl wasi dwarf exec"

# libFuzzer's own report (with the sanitizer's symbolized stack) says what failed; the Swift
# runtime's backtracer would race it for the same signal.
export SWIFT_BACKTRACE=enable=no

command -v llvm-symbolizer >/dev/null 2>&1 || export ASAN_SYMBOLIZER_PATH=/opt/swift/usr/bin/llvm-symbolizer

build() {
  # Set by Scripts/ci-fuzz.sh after it built once: a second `swift build` right after the first
  # in a fresh clone recompiled everything for no visible reason (about 100 s).
  if [ "${WDB_FUZZ_SKIP_BUILD:-}" = 1 ] && [ -x "$BIN/fuzz-exec" ]; then return 0; fi
  echo "fuzz: building the targets (release, --sanitize fuzzer --sanitize address)" >&2
  mkdir -p "$FUZZ/.work"
  local status=0
  (cd "$FUZZ" && swift build -c release --sanitize fuzzer --sanitize address \
     -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing) >"$FUZZ/.work/build.log" 2>&1 || status=$?
  grep -E "error:|Build complete" "$FUZZ/.work/build.log" >&2 || true
  if [ $status -ne 0 ]; then
    echo "fuzz: swift build failed ($status); the end of Fuzz/.work/build.log:" >&2
    grep -v "Cannot export local symbol" "$FUZZ/.work/build.log" | tail -30 >&2
    exit 1
  fi
  for t in $TARGETS; do
    [ -x "$BIN/fuzz-$t" ] || { echo "fuzz: build failed, no $BIN/fuzz-$t" >&2; exit 1; }
  done
}

# Per-target libFuzzer options: input size limits fitting each input kind.
options() {
  case "$1" in
    dwarf) echo "-max_len=65536" ;;
    repl) echo "-max_len=8192" ;;
    wasi) echo "-max_len=2048" ;;
    *) echo "-max_len=16384" ;;
  esac
}

# Copies libFuzzer's artifacts (crash-*, timeout-*, oom-*, leak-*) of TARGET into the
# regressions folder; prints them; returns 1 if there were any.
collect() {
  local target=$1 found=0 artifact
  mkdir -p "$FUZZ/regressions/$target"
  for artifact in "$FUZZ/.work/findings/$target"/*; do
    [ -f "$artifact" ] || continue
    # libFuzzer also writes an input that took over 10 s (-report_slow_units) as slow-unit-*.
    # On a loaded machine that is the scheduler, not wdb (one replayed in 0.1 s); a real hang
    # is a timeout-* artifact (-timeout), so a slow unit is only reported.
    case "$(basename "$artifact")" in
      slow-unit-*)
        echo "fuzz: $target: a slow input (not a failure; the limit is -timeout=20): base64 $(base64 -w 0 "$artifact" | head -c 4000)"
        rm "$artifact"
        continue ;;
      timeout-*)
        # The limit is wall time: a run at low priority on a busy machine can be starved past
        # it (an input that replays in 0.09 s timed out at `nice -n 19` under load 14). A real
        # hang hangs again, so the input is replayed once before it counts.
        if "$BIN/fuzz-$target" -timeout=20 -rss_limit_mb=3072 $(options "$target") "$artifact" >/dev/null 2>&1; then
          echo "fuzz: $target: a timeout that did not come back when replayed (the machine was busy; not a failure): base64 $(base64 -w 0 "$artifact" | head -c 4000)"
          rm "$artifact"
          continue
        fi ;;
    esac
    found=1
    cp "$artifact" "$FUZZ/regressions/$target/"
    echo "fuzz: FINDING in $target: Fuzz/regressions/$target/$(basename "$artifact") ($(stat -c %s "$artifact") bytes)"
    echo "fuzz: base64 of the input (to recreate it from a CI log):"
    base64 -w 100 "$artifact" | head -c 200000
    echo
    rm "$artifact"
  done
  return $found
}

fuzz_one() {
  local target=$1 seconds=$2 work="$FUZZ/.work/corpus/$1" findings="$FUZZ/.work/findings/$1"
  mkdir -p "$work" "$findings" "$FUZZ/regressions/$target"
  local log="$FUZZ/.work/$target.log"
  echo "fuzz: $target for ${seconds}s (log: ${log#$ROOT/})"
  set +e
  # The first folder receives new inputs; the others are only read.
  "$BIN/fuzz-$target" "$work" "$FUZZ/corpus/$target" "$FUZZ/regressions/$target" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$findings/" $(options "$target") >"$log" 2>&1
  local status=$?
  set -e
  grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|^#[0-9]+ *DONE" "$log" \
    | sed "s/^/fuzz: $target: /" || true
  if ! collect "$target"; then
    echo "fuzz: $target failed; the end of its log:"
    grep -v "^#[0-9]" "$log" | tail -60
    return 1
  fi
  if [ $status -ne 0 ]; then
    echo "fuzz: $target exited with $status without an artifact; the end of its log:"
    tail -40 "$log"
    return 1
  fi
}

replay_one() {
  local target=$1 files=() f
  for f in "$FUZZ/regressions/$target"/*; do
    [ -f "$f" ] && [ "$(basename "$f")" != README.md ] && files+=("$f")
  done
  if [ ${#files[@]} -eq 0 ]; then
    echo "fuzz: replay $target: no regression inputs"
    return 0
  fi
  local known="$FUZZ/regressions/known-failures.txt" failed=0
  for f in "${files[@]}"; do
    local name="$target/$(basename "$f")" out
    if out=$("$BIN/fuzz-$target" -timeout=20 -rss_limit_mb=3072 $(options "$target") "$f" 2>&1); then
      if [ -f "$known" ] && grep -qxF "$name" "$known"; then
        echo "fuzz: replay $name: passes now; remove it from Fuzz/regressions/known-failures.txt"
      fi
    elif [ -f "$known" ] && grep -qxF "$name" "$known"; then
      echo "fuzz: replay $name: still fails (known, open)"
    else
      echo "fuzz: replay $name: FAILS"
      echo "$out" | grep -v "^INFO:" | tail -40
      failed=1
    fi
  done
  echo "fuzz: replay $target: ${#files[@]} inputs"
  return $failed
}

case "${1:-all}" in
  --build) build; exit 0 ;;
  --replay)
    build
    status=0
    for t in $([ "${2:-all}" = all ] && echo $TARGETS || echo "$2"); do replay_one "$t" || status=1; done
    exit $status ;;
esac

target="${1:-all}"
seconds="${2:-60}"
if [ "$target" != all ] && ! echo " $TARGETS " | grep -q " $target "; then
  echo "usage: Scripts/fuzz.sh [binary|wat|repl|wasi|dwarf|exec|all] [SECONDS] | --build | --replay [TARGET]" >&2
  exit 2
fi
build
status=0
if [ "$target" = all ]; then
  jobs_max="${WDB_FUZZ_JOBS:-1}"
  pids=()
  for t in $TARGETS; do
    fuzz_one "$t" "$seconds" &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 1; done
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
else
  fuzz_one "$target" "$seconds" || status=1
fi
exit $status
