#!/usr/bin/env python3
"""GC allocation benchmark: binary trees of structs (bintrees.wat), wdb against wasmtime.

    python3 Benchmarks/gc/run.py                 # depth 16, 3 runs each, builds wdb in release
    python3 Benchmarks/gc/run.py --depth 14 --runs 5 --no-build

wdb runs `wdb run --invoke run bintrees.wat DEPTH` (wall time of the process: start-up, assembling
the text and the run). wasmtime runs through its Python API (`pip install wasmtime`, which
Scripts/setup.sh installs) with GC enabled: the module is compiled once, outside the timing, and
each run instantiates it in a fresh store and calls `run` (so wasmtime's time is the run alone;
wdb's includes its ~10 ms start-up). Both results are checked against the checksum computed
here. Prints the median of each and the ratio wdb / wasmtime; `--clock cpu` measures user +
system time instead of wall time (what to use when other jobs share the machine).
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(HERE, "bintrees.wat")


def expected_checksum(depth):
    total = (1 << (depth + 2)) - 1 + (1 << (depth + 1)) - 1
    for d in range(4, depth + 1, 2):
        total += (1 << (depth - d + 4)) * ((1 << (d + 1)) - 1)
    return total & 0xFFFFFFFF


def run_wdb(wdb, depth, clock):
    start = time.perf_counter()
    process = subprocess.Popen([wdb, "run", "--invoke", "run", PROGRAM, str(depth)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate()
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"wdb failed ({process.returncode}): {err.strip()}")
    if clock == "cpu":
        # communicate() reaped the child: its CPU time is in RUSAGE_CHILDREN (see main).
        elapsed = None
    value = int(out.strip().split(":")[-1]) & 0xFFFFFFFF
    return elapsed, value


def wasmtime_runner():
    try:
        import wasmtime
    except ImportError:
        sys.exit("wasmtime's Python API is missing: pip install wasmtime (Scripts/setup.sh installs it)")
    config = wasmtime.Config()
    config.wasm_gc = True
    config.wasm_function_references = True
    engine = wasmtime.Engine(config)
    with open(PROGRAM) as f:
        module = wasmtime.Module(engine, f.read())

    def run(depth, clock):
        store = wasmtime.Store(engine)
        instance = wasmtime.Instance(store, module, [])
        now = time.process_time if clock == "cpu" else time.perf_counter
        start = now()
        value = instance.exports(store)["run"](store, depth)
        return now() - start, value & 0xFFFFFFFF
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--depth", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--wdb", default=os.path.join(ROOT, ".build/release/wdb"))
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="cpu: user + system time (for a shared machine)")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "wdb"], cwd=ROOT, check=True)
    expected = expected_checksum(args.depth)
    wasmtime_run = wasmtime_runner()
    wdb_times, wasmtime_times = [], []
    for _ in range(args.runs):
        # The engines take turns, so a change of load falls on both.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t, v = run_wdb(args.wdb, args.depth, args.clock)
        if t is None:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if v != expected:
            sys.exit(f"wdb returned {v}, expected {expected}")
        wdb_times.append(t)
        t, v = wasmtime_run(args.depth, args.clock)
        if v != expected:
            sys.exit(f"wasmtime returned {v}, expected {expected}")
        wasmtime_times.append(t)
    w, m = statistics.median(wdb_times), statistics.median(wasmtime_times)
    print(f"binary trees, depth {args.depth} (checksum {expected}), median {args.clock} time of {args.runs}:")
    print(f"  wdb       {w:8.3f} s")
    print(f"  wasmtime  {m:8.3f} s")
    print(f"  ratio wdb / wasmtime: {w / m:.1f}")


if __name__ == "__main__":
    main()
