#!/usr/bin/env python3
"""Runs a WASI command under wasmtime (its Python API) and copies the guest's stdout to ours.

The reference engine for the real programs (Benchmarks/real/catalog.py): their expected output
is what wasmtime prints for the same module, arguments, standard input and directories.

Usage: wasmtime_run.py MODULE [--stdin FILE] [--dir HOST::GUEST]... [--] [ARG...]
Exit status: the guest's exit code (0 when it returns from _start), 3 for a trap.
"""
import os
import sys
import tempfile


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    module_path, rest = argv[0], argv[1:]
    stdin_path, dirs, guest_args = None, [], []
    while rest:
        arg = rest.pop(0)
        if arg == "--stdin" and rest:
            stdin_path = rest.pop(0)
        elif arg == "--dir" and rest:
            host, _, guest = rest.pop(0).partition("::")
            dirs.append((host, guest or host))
        elif arg == "--":
            guest_args, rest = rest, []
        else:
            guest_args, rest = [arg] + rest, []

    import wasmtime  # imported late: the caller may have put a private copy on sys.path

    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, module_path)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    config = wasmtime.WasiConfig()
    config.argv = [os.path.basename(module_path)] + guest_args
    if stdin_path:
        config.stdin_file = stdin_path
    config.inherit_stderr()
    for host, guest in dirs:
        config.preopen_dir(host, guest)
    # The guest's stdout goes to a file and is copied afterwards: wasmtime writes it from Rust,
    # past Python's buffers, and a pipe reader sees the bytes in order either way.
    with tempfile.NamedTemporaryFile(prefix="wasmtime-stdout-") as out:
        config.stdout_file = out.name
        store.set_wasi(config)
        instance = linker.instantiate(store, module)
        status = 0
        try:
            instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as exit_trap:
            status = exit_trap.code
        except wasmtime.Trap as trap:
            print(f"wasmtime: trap: {trap}", file=sys.stderr)
            status = 3
        sys.stdout.flush()
        with open(out.name, "rb") as produced:
            while True:
                chunk = produced.read(1 << 20)
                if not chunk:
                    break
                sys.stdout.buffer.write(chunk)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
