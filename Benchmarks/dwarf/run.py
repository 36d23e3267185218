#!/usr/bin/env python3
"""Source-level debugging at scale: a module with ~20 MB of DWARF (generated C, clang-14 -g).

Measures, with the release wdb, the median of RUNS runs each:
  open        wdb -batch -ex quit MODULE                 (the reader must not be touched)
  break       ... -ex 'break unit_K.c:LINE'              (first source question: line tables)
  run+bt      ... -ex run -ex bt                         (stop, then the first backtrace)
  free run    wdb run MODULE                             (as fast as the same module stripped)
and the same for the module with its .debug_* sections removed. Each source step's cost is the
difference to the step before it; the goal is under 0.5 s each.

    python3 Benchmarks/dwarf/run.py [--files 600] [--funcs 60] [--runs 3] [--no-build]
"""
import argparse, os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, ".build", "dwarf-bench")

def leb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]; pos += 1
        result |= (b & 0x7F) << shift; shift += 7
        if b < 0x80: return result, pos

def strip_debug(src, dst):
    data = open(src, "rb").read()
    out = bytearray(data[:8]); pos = 8
    while pos < len(data):
        start = pos; sid = data[pos]; pos += 1
        size, body = leb(data, pos); end = body + size
        if sid == 0:
            n, p = leb(data, body)
            if data[p:p + n].startswith(b".debug_"):
                pos = end; continue
        out += data[start:end]; pos = end
    open(dst, "wb").write(out)

def timed(cmd, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), r.stdout.decode(errors="replace")

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--files", type=int, default=600)
    a.add_argument("--funcs", type=int, default=60)
    a.add_argument("--runs", type=int, default=3)
    a.add_argument("--no-build", action="store_true")
    args = a.parse_args()
    wdb = os.path.join(ROOT, ".build", "release", "wdb")
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "wdb"], cwd=ROOT, check=True)
    src = os.path.join(WORK, "src"); os.makedirs(src, exist_ok=True)
    big = os.path.join(WORK, "big.wasm"); stripped = os.path.join(WORK, "stripped.wasm")
    stamp = os.path.join(WORK, f"built-{args.files}x{args.funcs}")
    if not os.path.exists(stamp):
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks/dwarf/generate.py"), src,
                        "--files", str(args.files), "--funcs", str(args.funcs)], check=True)
        files = sorted(f for f in os.listdir(src) if f.endswith(".c"))
        subprocess.run(["clang-14", "--target=wasm32-wasi", "-g", "-O0", "-fdebug-compilation-dir=.", *files, "-o", big],
                       cwd=src, check=True)
        strip_debug(big, stripped)
        open(stamp, "w").close()
    debug_bytes = os.path.getsize(big) - os.path.getsize(stripped)
    print(f"module {os.path.getsize(big)/1e6:.1f} MB, of which DWARF {debug_bytes/1e6:.1f} MB; stripped {os.path.getsize(stripped)/1e6:.1f} MB")
    target = f"unit_{args.files // 2}.c:8"
    base = [wdb, "-nx", "-batch"]
    rows = []
    for label, module in (("with DWARF", big), ("stripped", stripped)):
        t_open, _ = timed(base + ["-ex", "quit", module], args.runs)
        t_break, out_b = timed(base + ["-ex", f"break {target}", "-ex", "quit", module], args.runs)
        t_bt, out_bt = timed(base + ["-ex", f"break {target}", "-ex", "run", "-ex", "bt", "-ex", "kill", module], args.runs)
        t_free, _ = timed([wdb, "run", module], args.runs)
        rows.append((label, t_open, t_break, t_bt, t_free, out_b, out_bt))
    print(f"{'':12} {'open':>8} {'+break':>8} {'+run+bt':>8} {'free run':>9}")
    for label, t_open, t_break, t_bt, t_free, *_ in rows:
        print(f"{label:12} {t_open:8.3f} {t_break - t_open:8.3f} {t_bt - t_break:8.3f} {t_free:9.3f}")
    with_dwarf = rows[0]
    print("\nbreak report:", next((l for l in with_dwarf[5].splitlines() if l.startswith("Breakpoint")), "?"))
    print("first frames:", " | ".join(l for l in with_dwarf[6].splitlines() if l.startswith("#"))[:200])
    print(f"free run with/without DWARF: {rows[0][4] / rows[1][4]:.3f}x")

if __name__ == "__main__":
    main()
