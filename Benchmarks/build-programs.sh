#!/usr/bin/env bash
# Rebuilds the benchmark programs: each C file in programs/ becomes programs/NAME.wasm
# (wasm32-wasi, -O2, linked with Debian's wasi-libc; bulk memory enabled so memcpy/memset use
# memory.copy/memory.fill) and out/native/NAME (gcc -O2) for checking outputs.
# Needs: clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 gcc (Scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out/native
for src in programs/*.c startup/*.c; do
  name=$(basename "$src" .c)
  clang-14 --target=wasm32-wasi --sysroot=/usr -O2 -mbulk-memory -o "$(dirname "$src")/$name.wasm" "$src"
  gcc -O2 -o "out/native/$name" "$src" -lm
  echo "built $name: $(stat -c %s "$(dirname "$src")/$name.wasm") bytes"
done
