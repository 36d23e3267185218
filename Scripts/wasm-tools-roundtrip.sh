#!/bin/bash
# Command-line parity of `wdb wat2wasm --debug-names --wasm-tools-names` with `wasm-tools parse`
# (Docs/wasm-3.0.md, "Parity with wasm-tools"). For every valid module `wasm-tools
# json-from-wast` writes for the WebAssembly 3.0 scripts: print it back to text with
# `wasm-tools print`, assemble that text with both tools, compare the bytes.
#
# Usage: Scripts/wasm-tools-roundtrip.sh [WDB] [TESTSUITE]
#   WDB defaults to .build/release/wdb (swift build -c release --product wdb),
#   TESTSUITE to ../shared/testsuite. Prints each difference, then the counts; exits 1 on any.
set -u
wdb=${1:-.build/release/wdb}
suite=${2:-../shared/testsuite}
for tool in wasm-tools python3; do
    command -v "$tool" >/dev/null || { echo "missing prerequisite: $tool (Scripts/setup.sh)" >&2; exit 2; }
done
[ -x "$wdb" ] || { echo "missing prerequisite: $wdb (swift build -c release --product wdb)" >&2; exit 2; }
[ -d "$suite/proposals/wasm-3.0" ] || { echo "missing prerequisite: $suite/proposals/wasm-3.0" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
total=0 same=0 differ=0 refused=0
while IFS= read -r script; do
    dir="$scratch/$(basename "$script" .wast)"
    mkdir -p "$dir"
    # The legacy scripts with the folded `try` form are not read by wasm-tools.
    wasm-tools json-from-wast "$script" -o "$dir/script.json" --wasm-dir "$dir" 2>/dev/null || continue
    modules=$(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["commands"]:
    if c["type"] in ("module", "module_definition") and c.get("module_type", "binary") == "binary":
        print(c["filename"])' "$dir/script.json")
    for m in $modules; do
        wasm-tools print "$dir/$m" > "$dir/$m.wat" 2>/dev/null || continue
        wasm-tools parse "$dir/$m.wat" -o "$dir/$m.expected" 2>/dev/null || continue
        total=$((total + 1))
        if ! "$wdb" wat2wasm --debug-names --wasm-tools-names "$dir/$m.wat" -o "$dir/$m.wdb" 2>"$dir/$m.err"; then
            refused=$((refused + 1))
            echo "refused: $(basename "$script"): $m: $(head -1 "$dir/$m.err")"
        elif cmp -s "$dir/$m.expected" "$dir/$m.wdb"; then
            same=$((same + 1))
        else
            differ=$((differ + 1))
            echo "differs: $(basename "$script"): $m"
        fi
    done
done < <(find "$suite/proposals/wasm-3.0" -name '*.wast' | sort)
echo "wasm-tools round trip: $same of $total identical, $differ differ, $refused refused"
[ "$differ" -eq 0 ] && [ "$refused" -eq 0 ] && [ "$total" -gt 0 ]
