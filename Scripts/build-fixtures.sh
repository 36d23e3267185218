#!/usr/bin/env bash
# Rebuilds Tests/Fixtures/wasm/*.wasm from Tests/Fixtures/wat/*.wat with wabt's wat2wasm
# (the fixtures were made with wabt 1.0.42). Names are kept (--debug-names) so the name
# section is exercised too.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wat2wasm >/dev/null || { echo "wat2wasm (wabt) is not installed" >&2; exit 1; }
mkdir -p Tests/Fixtures/wasm
for wat in Tests/Fixtures/wat/*.wat; do
    out="Tests/Fixtures/wasm/$(basename "${wat%.wat}").wasm"
    wat2wasm --debug-names "$wat" -o "$out"
    echo "built $out"
done
