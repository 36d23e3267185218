#!/usr/bin/env bash
# Runs the WASI host fuzz test (Tests/WASITests/WASIFuzzTests.swift) for a long time with another
# seed. A failure names the seed and the last calls; rerun with the same seed to replay it.
#
#   Scripts/fuzz-wasi.sh [CALLS] [SEED]      defaults: 2,000,000 calls, a seed from the clock
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-2000000}"
seed="${2:-$(date +%s%N)}"
echo "fuzz-wasi: $calls calls, seed $seed"
WDB_WASI_FUZZ_CALLS="$calls" WDB_WASI_FUZZ_SEED="$seed" \
    swift test --filter 'WASIFuzzTests'
