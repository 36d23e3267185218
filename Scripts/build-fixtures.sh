#!/usr/bin/env bash
# Rebuilds Tests/Fixtures/wasm/*.wasm:
#  - from Tests/Fixtures/wat/*.wat with wabt's wat2wasm (the fixtures were made with wabt
#    1.0.42), keeping names (--debug-names) so the name section is exercised too;
#  - from Tests/Fixtures/c/*.c with clang-14 and wasi-libc (Debian: clang-14, lld-14,
#    wasi-libc, libclang-rt-14-dev-wasm32), debug sections stripped, when clang is there.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wat2wasm >/dev/null || { echo "wat2wasm (wabt) is not installed" >&2; exit 1; }
mkdir -p Tests/Fixtures/wasm
for wat in Tests/Fixtures/wat/*.wat; do
    out="Tests/Fixtures/wasm/$(basename "${wat%.wat}").wasm"
    wat2wasm --debug-names "$wat" -o "$out"
    echo "built $out"
done
clang="$(command -v clang-14 || true)"
if [ -n "$clang" ] && [ -e /usr/lib/wasm32-wasi/libc.a ]; then
    for c in Tests/Fixtures/c/*.c; do
        out="Tests/Fixtures/wasm/$(basename "${c%.c}").wasm"
        "$clang" --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug -o "$out" "$c"
        echo "built $out"
    done
else
    echo "note: clang-14 with wasi-libc not found; C fixtures left as they are" >&2
fi
