#!/usr/bin/env python3
"""Scaling benchmark: does each wdb command cost time and memory linear in the module's size?

Generates modules of 10k, 30k and 100k functions with 10 call sites each (generate.py; 1,000,000
call sites at 100k), then runs on each, through Benchmarks/peak_rss.c (the command's own peak
RSS):
  validate      wdb validate MOD
  dump -d       wdb dump -d MOD            (output to /dev/null)
  run --invoke  wdb run --invoke run MOD 1 (load, instantiate, compile what the call needs)
  debug open    printf 'info functions\\n' | wdb -nx --batch MOD   (output to /dev/null)
and prints CPU time (user + system, best of --runs: the machine may be shared), peak RSS, the cost
per function, and the ratio of the per-function cost at each size to the smallest (1.0 = linear;
a quadratic cost grows like the size ratio, 3.0 at 30k and 10.0 at 100k).

Usage: python3 Benchmarks/scaling/run.py [--runs 3] [--sizes 10000,30000,100000] [--wdb PATH]
Build wdb first: Scripts/build-release.sh
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(os.path.dirname(HERE), "out", "scaling")
PEAK_RSS = os.path.join(os.path.dirname(HERE), "out", "peak_rss")


def measure(cmd, stdin_text=None):
    """Runs cmd with stdout to /dev/null; returns (CPU seconds, peak RSS KiB) of the command."""
    with tempfile.NamedTemporaryFile() as rss, open(os.devnull, "wb") as devnull:
        stdin = subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL
        proc = subprocess.Popen([PEAK_RSS, rss.name] + cmd, stdin=stdin, stdout=devnull, stderr=subprocess.PIPE)
        if stdin_text is not None:
            proc.stdin.write(stdin_text.encode())
            proc.stdin.close()
        err = proc.stderr.read()
        # wait4 on peak_rss: its rusage includes the command it waited for.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode()[:300]}")
        peak = int(open(rss.name).read() or "0")
    return usage.ru_utime + usage.ru_stime, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--wdb", default=os.path.join(ROOT, ".build", "release", "wdb"))
    ap.add_argument("--only", default="", help="comma-separated subset of: validate,dump,run,debug")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["gcc", "-O2", "-o", PEAK_RSS, os.path.join(os.path.dirname(HERE), "peak_rss.c")], check=True)
    if not os.access(args.wdb, os.X_OK):
        sys.exit(f"no wdb at {args.wdb}: Scripts/build-release.sh")

    modules = {}
    for n in sizes:
        path = os.path.join(OUT, f"f{n}.wasm")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(n), path], check=True)
        modules[n] = path

    wdb = args.wdb
    commands = [
        ("validate", lambda m: ([wdb, "validate", m], None)),
        ("dump", lambda m: ([wdb, "dump", "-d", m], None)),
        ("run", lambda m: ([wdb, "run", "--invoke", "run", m, "1"], None)),
        ("debug", lambda m: ([wdb, "-nx", "--batch", m], "info functions\n")),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        commands = [c for c in commands if c[0] in wanted]
    labels = {"validate": "validate", "dump": "dump -d", "run": "run --invoke", "debug": "debug open"}

    print(f"{'command':<14}{'functions':>10}{'MB':>7}{'CPU s':>9}{'peak MiB':>10}{'µs/function':>13}{'KiB/function':>14}{'vs smallest':>13}")
    for name, make in commands:
        base = None
        for n in sizes:
            cmd, stdin_text = make(modules[n])
            best_cpu, peak = None, 0
            for _ in range(args.runs):
                cpu, rss = measure(cmd, stdin_text)
                best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
                peak = max(peak, rss)
            per_function = best_cpu / n * 1e6
            if base is None:
                base = per_function
            size_mb = os.path.getsize(modules[n]) / 1e6
            print(f"{labels[name]:<14}{n:>10}{size_mb:>7.1f}{best_cpu:>9.3f}{peak / 1024:>10.1f}"
                  f"{per_function:>13.2f}{peak / n:>14.2f}{per_function / base:>13.2f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
