#!/bin/sh
# Rebuilds the DWARF reader's fixtures in Tests/Fixtures/dwarf from their sources:
#   c-O{0,2}-dwarf{4,5}.wasm   primes.c + shapes.c, clang-14, wasi-libc (two units of ours)
#   cpp-O0-dwarf{4,5}.wasm     rect.cpp, clang++-14 with Debian's libc++ for wasm32
#   calls-O0.wasm              calls.c (functions called from expressions, struct returns)
#   cpp-counter-O0.wasm        counter.cpp (class typedefs and static members, a struct return)
#   rust-O0.wasm               inventory.rs, Debian's rustc 1.63 (no_std: see the source)
#   rust-enums-O0.wasm         enums.rs, tagged enums and niche layouts (Option<&T>, Option<bool>...)
# Needs (Scripts/setup.sh installs them): clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
# libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 rustc libstd-rust-dev-wasm32.
# The compilation directory is recorded as "." so that the bytes do not depend on where the
# checkout is; the reader reports paths relative to it ("./primes.c" reads as "primes.c").
set -eu
cd "$(dirname "$0")/../Tests/Fixtures/dwarf"
CC=${CC:-clang-14}
CXX=${CXX:-clang++-14}
# A rustup rustc without the wasm32 std is usually first on PATH; Debian's is the one with it.
RUSTC=${RUSTC:-/usr/bin/rustc}
for opt in O0 O2; do
    for version in 4 5; do
        "$CC" --target=wasm32-wasi --sysroot=/usr -$opt -gdwarf-$version -fdebug-compilation-dir=. \
            -o "c-$opt-dwarf$version.wasm" primes.c shapes.c
        echo "built c-$opt-dwarf$version.wasm"
    done
done
for version in 4 5; do
    "$CXX" --target=wasm32-wasi --sysroot=/usr -fno-exceptions -O0 -gdwarf-$version \
        -fdebug-compilation-dir=. -o "cpp-O0-dwarf$version.wasm" rect.cpp
    echo "built cpp-O0-dwarf$version.wasm"
done
# Kept apart from primes.c/shapes.c so their fixtures (and the tests' addresses) stay put.
"$CC" --target=wasm32-wasi --sysroot=/usr -O0 -gdwarf-5 -fdebug-compilation-dir=. -o calls-O0.wasm calls.c
echo "built calls-O0.wasm"
"$CXX" --target=wasm32-wasi --sysroot=/usr -fno-exceptions -O0 -gdwarf-5 -fdebug-compilation-dir=. \
    -o cpp-counter-O0.wasm counter.cpp
echo "built cpp-counter-O0.wasm"
# Overflow checks off and panic=abort: nothing from core's panic machinery is linked, so no
# object file of core (with its debug information) is either.
"$RUSTC" --target wasm32-wasi -g -C opt-level=0 -C overflow-checks=off -C panic=abort \
    --crate-type cdylib --remap-path-prefix="$(pwd)=." -o rust-O0.wasm inventory.rs
echo "built rust-O0.wasm"
# Enums apart from inventory.rs (whose line numbers the tests name): tagged and niche layouts.
"$RUSTC" --target wasm32-wasi -g -C opt-level=0 -C overflow-checks=off -C panic=abort \
    --crate-type cdylib --remap-path-prefix="$(pwd)=." -o rust-enums-O0.wasm enums.rs
echo "built rust-enums-O0.wasm"
