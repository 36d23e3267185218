#!/usr/bin/env python3
"""wdb's benchmark runner: one command, one table.

Builds wdb in release, builds the peer (WasmKit 0.4.2's CLI, from Benchmarks/peer), builds each
program natively with gcc to get the expected output, then runs every program under each
engine several times, checks the output equals the native one, and prints median wall times
with ratios to WasmKit 0.4.2 and their geometric mean. Also start-up time of a WASI hello
world and peak memory (max RSS).

Usage: python3 Benchmarks/run.py [--runs N] [--only fib,sieve] [--no-build]
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


def sh(cmd, cwd=None):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True)


PEAK_RSS = os.path.join(HERE, "out", "peak_rss")


def timed_run(cmd):
    """Runs cmd, returns (seconds, stdout, peak RSS in KiB of that command)."""
    # Through peak_rss.c: a child forked from Python itself would report Python's high-water mark
    # whenever it is the larger. (The wrapper's fork and wait cost microseconds.)
    with tempfile.NamedTemporaryFile() as rss:
        start = time.perf_counter()
        proc = subprocess.run([PEAK_RSS, rss.name] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        peak = int(rss.read().decode() or "0")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[:300]}")
    return elapsed, proc.stdout, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()

    wdb = os.path.join(ROOT, ".build", "release", "wdb")
    peer = os.path.join(HERE, "peer", ".build", "release", "wasmkit-cli")
    if not args.no_build:
        sh(["swift", "build", "-c", "release", "--product", "wdb"], cwd=ROOT)
        sh(["swift", "build", "-c", "release", "--product", "wasmkit-cli"], cwd=os.path.join(HERE, "peer"))
    os.makedirs(os.path.join(HERE, "out", "native"), exist_ok=True)
    sh(["gcc", "-O2", "-o", PEAK_RSS, os.path.join(HERE, "peak_rss.c")])

    engines = [("wdb", [wdb, "run"]), ("WasmKit 0.4.2", [peer, "run"])]
    toolchain = shutil.which("wasmkit")
    if toolchain:
        engines.append(("wasmkit 0.1.6", [toolchain, "run"]))

    programs = sorted(f[:-2] for f in os.listdir(os.path.join(HERE, "programs")) if f.endswith(".c"))
    if args.only:
        wanted = set(args.only.split(","))
        programs = [p for p in programs if p in wanted]

    rows = []
    for name in programs:
        src = os.path.join(HERE, "programs", name + ".c")
        native = os.path.join(HERE, "out", "native", name)
        sh(["gcc", "-O2", "-o", native, src])
        wasm = os.path.join(HERE, "programs", name + ".wasm")
        native_times, expected = [], None
        for _ in range(args.runs):
            t, out, _ = timed_run([native])
            native_times.append(t)
            expected = out
        row = {"name": name, "native": statistics.median(native_times)}
        for label, cmd in engines:
            times, peak = [], 0
            for _ in range(args.runs):
                try:
                    t, out, rss = timed_run(cmd + [wasm])
                except RuntimeError as e:
                    print(f"{label} {name}: {e}", file=sys.stderr)
                    times = None
                    break
                if out != expected:
                    print(f"{label} {name}: output differs from native: {out!r} vs {expected!r}", file=sys.stderr)
                    times = None
                    break
                times.append(t)
                peak = max(peak, rss)
            row[label] = (statistics.median(times), peak) if times else None
        rows.append(row)
        print(f"done {name}", file=sys.stderr)

    labels = [label for label, _ in engines]
    head = f"{'program':<12}{'native':>9}" + "".join(f"{l:>16}" for l in labels) + f"{'wdb/WK0.4.2':>14}"
    print(head)
    ratios = []
    for row in rows:
        line = f"{row['name']:<12}{row['native']:>8.3f}s"
        for label in labels:
            cell = row.get(label)
            line += f"{cell[0]:>15.3f}s" if cell else f"{'fail':>16}"
        w, k = row.get("wdb"), row.get("WasmKit 0.4.2")
        if w and k:
            ratios.append(w[0] / k[0])
            line += f"{w[0] / k[0]:>13.2f}x"
        else:
            line += f"{'-':>14}"
        print(line)
    if ratios:
        print(f"geomean wdb / WasmKit 0.4.2 = {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}x "
              f"over {len(ratios)} programs, median of {args.runs} runs each")

    print("\npeak memory (max RSS, MiB)")
    for row in rows:
        cells = [f"{label}: {row[label][1] / 1024:.1f}" for label in labels if row.get(label)]
        print(f"  {row['name']:<12}" + "  ".join(cells))

    hello = os.path.join(HERE, "startup", "hello.wasm")
    print("\nstart-up (WASI hello world, median wall time)")
    for label, cmd in engines:
        try:
            times = [timed_run(cmd + [hello])[0] for _ in range(max(args.runs, 10))]
            print(f"  {label:<16}{statistics.median(times) * 1000:>8.1f} ms")
        except RuntimeError as e:
            print(f"  {label:<16}fail ({e})")


if __name__ == "__main__":
    main()
