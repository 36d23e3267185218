#!/usr/bin/env python3
"""Writes a large WAT module (default: about 1.5 MB once assembled) for decoder benchmarks.

The functions mix what compiled code contains: locals, nested blocks and loops, branches,
calls, memory accesses with offsets, constants of every type, a br_table and some SIMD.
Deterministic: the same arguments give the same module.

usage: generate.py OUT.wat [FUNCTIONS]
"""
import random
import sys


def function(index: int, rng: random.Random, count: int) -> str:
    body = []
    for step in range(rng.randint(20, 40)):
        kind = rng.randrange(8)
        if kind == 0:
            body.append(f"(local.set $a (i32.add (local.get $a) (i32.const {rng.randint(-2**31, 2**31 - 1)})))")
        elif kind == 1:
            body.append(f"(i64.store offset={rng.randint(0, 4096)} (local.get $p) "
                        f"(i64.mul (local.get $b) (i64.const {rng.randint(-2**63, 2**63 - 1)})))")
        elif kind == 2:
            body.append(f"(local.set $c (f64.add (local.get $c) (f64.load offset={8 * rng.randint(0, 512)} (local.get $p))))")
        elif kind == 3:
            body.append("(block $exit (loop $top "
                        "(br_if $exit (i32.eqz (local.get $a))) "
                        "(local.set $a (i32.sub (local.get $a) (i32.const 1))) "
                        "(br $top)))")
        elif kind == 4:
            callee = rng.randrange(count)
            body.append(f"(local.set $a (call $f{callee} (local.get $p) (local.get $a)))")
        elif kind == 5:
            body.append("(if (i32.lt_s (local.get $a) (i32.const 100)) "
                        "(then (local.set $b (i64.extend_i32_s (local.get $a)))) "
                        "(else (local.set $b (i64.const 0))))")
        elif kind == 6:
            body.append("(block $b2 (block $b1 (block $b0 "
                        "(br_table $b0 $b1 $b2 (i32.and (local.get $a) (i32.const 3))))"
                        " (local.set $a (i32.const 1))) (local.set $a (i32.const 2)))")
        else:
            body.append(f"(v128.store (local.get $p) (i32x4.add (v128.load (local.get $p)) "
                        f"(v128.const i32x4 {rng.randint(0, 99)} 1 2 3)))")
    return (f"  (func $f{index} (param $p i32) (param $a i32) (result i32)\n"
            f"    (local $b i64) (local $c f64)\n    " + "\n    ".join(body) +
            "\n    (local.get $a))\n")


def main() -> None:
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2600
    rng = random.Random(20261125)
    with open(out, "w") as f:
        f.write("(module\n  (memory (export \"memory\") 1)\n")
        for i in range(count):
            f.write(function(i, rng, count))
        f.write(f"  (export \"run\" (func $f0)))\n")


if __name__ == "__main__":
    main()
