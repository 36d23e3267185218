#!/usr/bin/env python3
"""Runs a WASI command under wasmtime (its Python API) and copies the guest's stdout to ours.

The reference engine for the real programs (Benchmarks/real/catalog.py): their expected output
is what wasmtime prints for the same module, arguments, standard input and directories.

Usage: wasmtime_run.py MODULE [--stdin FILE] [--dir HOST::GUEST]... [--compiled DIR] [--] [ARG...]

--compiled DIR keeps the compiled module in DIR (named by the module's SHA-256 and wasmtime's
version) and loads it from there on later runs: Cranelift takes minutes on a 100 MB module.
Exit status: the guest's exit code (0 when it returns from _start), 3 for a trap.
"""
import hashlib
import os
import sys
import tempfile


def load_module(wasmtime, engine, module_path, compiled_dir):
    if not compiled_dir:
        return wasmtime.Module.from_file(engine, module_path)
    digest = hashlib.sha256()
    with open(module_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    version = getattr(wasmtime, "__version__", "unknown")
    path = os.path.join(compiled_dir, f"{digest.hexdigest()[:32]}-wasmtime-{version}.cwasm")
    if os.path.exists(path):
        try:
            return wasmtime.Module.deserialize_file(engine, path)
        except wasmtime.WasmtimeError:
            pass  # made by another wasmtime release: compiled again below
    module = wasmtime.Module.from_file(engine, module_path)
    os.makedirs(compiled_dir, exist_ok=True)
    with open(path + ".part", "wb") as f:
        f.write(module.serialize())
    os.replace(path + ".part", path)
    return module


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    module_path, rest = argv[0], argv[1:]
    stdin_path, dirs, guest_args, compiled_dir = None, [], [], None
    while rest:
        arg = rest.pop(0)
        if arg == "--stdin" and rest:
            stdin_path = rest.pop(0)
        elif arg == "--dir" and rest:
            host, _, guest = rest.pop(0).partition("::")
            dirs.append((host, guest or host))
        elif arg == "--compiled" and rest:
            compiled_dir = rest.pop(0)
        elif arg == "--":
            guest_args, rest = rest, []
        else:
            guest_args, rest = [arg] + rest, []

    import wasmtime  # imported late: the caller may have put a private copy on sys.path

    engine_config = wasmtime.Config()
    engine_config.wasm_exceptions = True  # CPython and TinyCC for WASI use exception handling
    engine = wasmtime.Engine(engine_config)
    module = load_module(wasmtime, engine, module_path, compiled_dir)
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
