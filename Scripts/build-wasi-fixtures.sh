#!/bin/sh
# Rebuilds the WASI test programs in Tests/Fixtures/wasi from their C sources, and (when gcc is
# installed) the expected outputs in Tests/Fixtures/wasi/expected/ by running the same programs
# built natively, with the invocations listed in Tests/Fixtures/wasi/README.md.
# Needs Debian's clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32.
set -eu
cd "$(dirname "$0")/../Tests/Fixtures/wasi"
CC=${CC:-clang-14}
for source in *.c; do
    name=${source%.c}
    # --strip-debug drops wasi-libc's DWARF but keeps the name section (function names).
    "$CC" --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-debug -o "$name.wasm" "$source"
    echo "built $name.wasm"
done

command -v gcc >/dev/null 2>&1 || { echo "gcc not found: expected outputs not regenerated"; exit 0; }
native=$(mktemp -d)
trap 'rm -rf "$native"' EXIT
for source in fileio args_env clocks random poll_timeout exit_code stdin_echo; do
    gcc -O2 -o "$native/$source" "$source.c"
done
mkdir -p expected "$native/data"
"$native/fileio" "$native/data" > expected/fileio.txt
env -i WDB_GREETING=hi "$native/args_env" a "b c" > expected/args_env.txt
"$native/clocks" > expected/clocks.txt
"$native/random" > expected/random.txt
"$native/poll_timeout" > expected/poll_timeout.txt
status=0
"$native/exit_code" 42 > expected/exit_code.txt || status=$?
[ "$status" = 42 ] || { echo "exit_code returned $status, expected 42"; exit 1; }
printf 'one\ntwo\nthree' | "$native/stdin_echo" > expected/stdin_echo.txt
echo "expected outputs regenerated"
