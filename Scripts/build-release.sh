#!/usr/bin/env bash
# The one release build of wdb (Scripts/test.sh, Scripts/demo.sh and the benchmark runners use it).
# The Swift runtime and Foundation's essentials are linked statically: a dynamically linked wdb spends about a
# third of a short run's start-up resolving symbols in libswiftCore and libFoundation
# (Docs/performance.md, "Start-up"). Extra arguments go to `swift build` (e.g. --product NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
products=("$@")
if [ ${#products[@]} -eq 0 ]; then products=(--product wdb); fi
# libstdc++ (which the Swift runtime's C++ parts and the DWARF demangler need) is linked
# statically too: loading libstdc++.so meant relocating its ~2,000 symbol references at every
# start, 1.75 M of a WASI hello world's 13.8 M instructions. The Swift driver asks for
# `-lstdc++`, so a linker script of that name, found first, points the linker at the archive.
cxx_archive=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/libstdc++.a 2>/dev/null | sort -V | tail -1)
if [ -z "$cxx_archive" ]; then
  echo "build-release: no libstdc++.a under /usr/lib/gcc/x86_64-linux-gnu (Debian: libstdc++-12-dev)" >&2
  exit 1
fi
mkdir -p .build/static-libstdc++
echo "INPUT($cxx_archive)" > .build/static-libstdc++/libstdc++.so
exec swift build -c release --static-swift-stdlib -Xlinker -L"$PWD/.build/static-libstdc++" "${products[@]}"
