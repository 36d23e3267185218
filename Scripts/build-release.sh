#!/usr/bin/env bash
# The one release build of wdb (Scripts/test.sh, Scripts/demo.sh and the benchmark runners use it).
# The Swift runtime and Foundation are linked statically: a dynamically linked wdb spends about a
# third of a short run's start-up resolving symbols in libswiftCore and libFoundation
# (Docs/performance.md, "Start-up"). Extra arguments go to `swift build` (e.g. --product NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
products=("$@")
if [ ${#products[@]} -eq 0 ]; then products=(--product wdb); fi
exec swift build -c release --static-swift-stdlib "${products[@]}"
