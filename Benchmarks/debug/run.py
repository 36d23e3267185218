#!/usr/bin/env python3
"""What a debugging session costs while nothing stops (issue 6's benchmark).

Every program of Benchmarks/programs (at a reduced problem size, so callgrind finishes in
minutes) and the WAT loop debug/hot.wat run, each under `valgrind --tool=callgrind` (instruction
counts are repeatable on a shared, noisy machine; wall times are not), in four ways:

  free      `wdb run PROG SIZE`
  session   `wdb PROG --batch -ex run -- SIZE`: a debugging session, nothing set
  10 bps    the same with 10 breakpoints armed in functions the run never calls
  watch     the same with one memory watchpoint on an address the run never writes

and the table gives the ratios to the free run (goals: 10 bps <= 1.05x, watch <= 1.5x).

The functions for the breakpoints are found by a first, uncounted session per program: a
temporary breakpoint on every function, then `continue` until the end; the functions none of
them stopped in are never called with this input (the programs are deterministic). The watched
address, 0x100, lies below wasm-ld's data (which starts at 1024), where a C program never
writes. Every run's output is checked: the guest's output must equal the native build's, and a
session must end with a normal exit and nothing reported in between.

Usage: python3 Benchmarks/debug/run.py [--only fib,sieve] [--full] [--no-build]
  --full      the programs' default (full) sizes: 10 to 20 minutes per program
  --no-build  use the existing .build/release/wdb
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
WDB = os.path.join(ROOT, ".build", "release", "wdb")

# Problem sizes (each program's optional argument) giving about 0.1-0.4 s of free running, so one
# callgrind run takes 5-15 s. See the header of each Benchmarks/programs/*.c for the meaning.
SMALL = {
    "bulkmem": "1000", "bytecode": "50000", "fib": "29", "hash": "262144",
    "mandelbrot": "30", "matmul": "110", "sieve": "100000", "sort": "12000",
}
WATCH_ADDRESS = 0x100
HOT_N = "1000000"
EXITED = "[Inferior 1 exited normally]\n"


def log(text):
    print(text, file=sys.stderr, flush=True)


def run(cmd, check=True):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-400:]}")
    return proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


def instructions(cmd):
    """Instruction count of the whole process under callgrind, and its stdout."""
    out, err = run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd)
    m = re.search(r"refs:\s+([\d,]+)", err)
    if not m:
        raise RuntimeError(f"no callgrind count for {' '.join(cmd)}: {err[-400:]}")
    return int(m.group(1).replace(",", "")), out


def session(wasm, commands, size):
    cmd = [WDB, wasm, "-nx", "--batch"]
    for c in commands:
        cmd += ["-ex", c]
    return cmd + ["--", size] if size else cmd


def check_session(out, setup_lines, expected, what):
    """A session's stdout: its set-up lines, then the guest's output, then the exit; nothing else."""
    lines = out.splitlines(keepends=True)
    if not out.endswith(expected + EXITED) or len(lines) != setup_lines + expected.count("\n") + 1:
        raise RuntimeError(f"{what}: unexpected session output:\n{out[-600:]}")


def function_range(wasm):
    """Indices of the module's defined functions (after its imports)."""
    out, _ = run([WDB, "dump", wasm])
    imports = int(re.search(r"^\s*Import .* count: (\d+)", out, re.M).group(1))
    defined = int(re.search(r"^\s*Function .* count: (\d+)", out, re.M).group(1))
    return range(imports, imports + defined)


def uncalled_functions(wasm, size, count=10):
    """`count` functions, spread over the module, that a run with `size` never calls."""
    functions = function_range(wasm)
    commands = [f"tbreak #{i}" for i in functions] + ["run"] + ["continue"] * len(functions)
    out, _ = run(session(wasm, commands, size))
    # A stop names its breakpoint by number; the function comes from the line that set it
    # (a stop in code with line information reads `Temporary breakpoint 1, _start () at
    # crt1-command.c:12`, without the function index).
    placed = {int(n): int(i) for n, i in re.findall(r"^Temporary breakpoint (\d+) at \S+ \(func (\d+),", out, re.M)}
    hit = {placed[int(n)] for n in re.findall(r"^Temporary breakpoint (\d+), ", out, re.M)}
    if EXITED not in out:
        raise RuntimeError(f"{wasm}: the discovery session did not run to the end")
    never = [i for i in functions if i not in hit]
    if len(never) < count:
        raise RuntimeError(f"{wasm}: only {len(never)} functions are never called")
    step = len(never) / count
    chosen = [never[int(k * step)] for k in range(count)]
    names = dict((int(i), n) for n, i in re.findall(r"^Temporary breakpoint \d+ at (\S+?)\+0x[0-9a-f]+ \(func (\d+),", out, re.M))
    log(f"  {len(hit)} of {len(functions)} functions called; breakpoints in " + ", ".join(names.get(i, f"#{i}") for i in chosen))
    return chosen


def measure_program(name, full):
    wasm = os.path.join(BENCH, "programs", name + ".wasm")
    size = None if full else SMALL[name]
    native = os.path.join(BENCH, "out", "native", name)
    os.makedirs(os.path.dirname(native), exist_ok=True)
    run(["gcc", "-O2", "-o", native, os.path.join(BENCH, "programs", name + ".c")])
    args = [size] if size else []
    expected, _ = run([native] + args)

    breaks = [f"break #{i}" for i in uncalled_functions(wasm, size)]
    watch = [f"watch mem.i32[{WATCH_ADDRESS:#x}]"]
    counts = {}
    counts["free"], out = instructions([WDB, "run", wasm] + args)
    if out != expected:
        raise RuntimeError(f"{name}: wdb run printed {out!r}, native {expected!r}")
    for config, setup in (("session", []), ("bps", breaks), ("watch", watch)):
        counts[config], out = instructions(session(wasm, setup + ["run"], size))
        check_session(out, 1 + len(setup), expected, f"{name} ({config})")
    return size or "default", counts


def measure_hot():
    wat = os.path.join(HERE, "hot.wat")
    counts = {}
    counts["free"], out = instructions([WDB, "run", "--invoke", "hot", wat, HOT_N])
    result = out.strip()
    breaks = [f"break $unused{k}" for k in range(10)]
    watch = ["watch mem.i32[0x8000]"]
    for config, setup in (("session", []), ("bps", breaks), ("watch", watch)):
        counts[config], out = instructions(session(wat, setup + [f"invoke hot {HOT_N}"], None))
        returned = f"hot(i32:{HOT_N}) => {result}\n"
        if not out.endswith(returned) or len(out.splitlines()) != 2 + len(setup):
            raise RuntimeError(f"hot.wat ({config}): unexpected session output:\n{out[-600:]}")
    return HOT_N, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated programs (and/or hot)")
    ap.add_argument("--full", action="store_true", help="the programs' full sizes (slow)")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not args.no_build:
        log("+ Scripts/build-release.sh")
        subprocess.run(["nice", "-n", "5", os.path.join(ROOT, "Scripts", "build-release.sh")],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    names = sorted(SMALL) + ["hot"]
    if args.only:
        wanted = set(args.only.split(","))
        names = [n for n in names if n in wanted]

    rows = []
    for name in names:
        log(f"measuring {name}")
        size, counts = measure_hot() if name == "hot" else measure_program(name, args.full)
        rows.append((name, size, counts))

    print(f"{'program':<11}{'size':>9}{'free run':>15}{'session':>15}{'10 bps':>15}{'watch':>15}"
          f"{'session/free':>14}{'bps/free':>10}{'watch/free':>12}")
    worst_b, worst_w = 0.0, 0.0
    for name, size, c in rows:
        f = c["free"]
        worst_b, worst_w = max(worst_b, c["bps"] / f), max(worst_w, c["watch"] / f)
        print(f"{name:<11}{size:>9}{f:>15,}{c['session']:>15,}{c['bps']:>15,}{c['watch']:>15,}"
              f"{c['session'] / f:>13.3f}x{c['bps'] / f:>9.3f}x{c['watch'] / f:>11.3f}x")
    print(f"worst: 10 bps {worst_b:.3f}x (goal <= 1.05x), watch {worst_w:.3f}x (goal <= 1.5x) of the free run; "
          "instruction counts of the whole wdb process (callgrind)")


if __name__ == "__main__":
    main()
