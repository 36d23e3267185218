#!/usr/bin/env bash
# Rebuilds the committed .wasm fixtures of this folder from their .wat sources with wabt's
# wat2wasm (1.0.42, see Scripts/setup.sh). Flags for a file are given on its first line as
# `;; wat2wasm-flags: ...`.
set -euo pipefail
cd "$(dirname "$0")"
for wat in *.wat; do
  flags=$(sed -n '1s/^;; wat2wasm-flags: //p' "$wat")
  # shellcheck disable=SC2086
  wat2wasm $flags "$wat" -o "${wat%.wat}.wasm"
  echo "built ${wat%.wat}.wasm"
done
