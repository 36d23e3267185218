#!/usr/bin/env python3
"""Writes the scaling benchmark's modules: N functions (i32) -> i32, each with `calls` call sites
to other functions, a memory, a few globals, an export `run` (function 0) and a name section.

Function i computes: if x == 0 then i else f_a(x - 1) + f_b(x - 1) + ... (its `calls` callees,
spread over the whole module), so `run 1` calls `calls` functions and nothing recurses deeper.
The binary is written directly (no assembler involved), so generating 100,000 functions takes
seconds and the module's size grows linearly with N.

Usage: generate.py N OUT.wasm [--calls 10]
"""
import argparse
import struct


def uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(text):
    data = text.encode()
    return uleb(len(data)) + data


def section(section_id, payload):
    return bytes([section_id]) + uleb(len(payload)) + payload


def body(i, n, calls):
    code = bytearray()
    code += b"\x20\x00\x45"                      # local.get 0; i32.eqz
    code += b"\x04\x7f"                          # if (result i32)
    code += b"\x41" + sleb(i)                    #   i32.const i
    code += b"\x05"                              # else
    for k in range(calls):
        callee = (i * 7919 + k * 104729 + 1) % n
        code += b"\x20\x00\x41\x01\x6b"          #   local.get 0; i32.const 1; i32.sub
        code += b"\x10" + uleb(callee)           #   call callee
        if k:
            code += b"\x6a"                      #   i32.add
    code += b"\x23\x00\x6a"                      #   global.get 0; i32.add
    code += b"\x0b\x0b"                          # end (if), end (function)
    locals_ = uleb(0)
    return uleb(len(locals_) + len(code)) + locals_ + bytes(code)


def module(n, calls):
    out = bytearray(b"\0asm\x01\0\0\0")
    out += section(1, vec([b"\x60\x01\x7f\x01\x7f"]))                     # (i32) -> i32
    out += section(3, uleb(n) + b"\x00" * n)                              # every function: type 0
    out += section(5, vec([b"\x00\x01"]))                                 # memory 1
    globals_ = [b"\x7f\x01\x41" + sleb(g) + b"\x0b" for g in range(4)]   # (mut i32) = g
    out += section(6, vec(globals_))
    out += section(7, vec([name("run") + b"\x00" + uleb(0)]))
    out += section(10, vec([body(i, n, calls) for i in range(n)]))
    names = vec([uleb(i) + name(f"f{i}") for i in range(n)])
    out += section(0, name("name") + b"\x01" + uleb(len(names)) + names)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("functions", type=int)
    ap.add_argument("out")
    ap.add_argument("--calls", type=int, default=10)
    args = ap.parse_args()
    with open(args.out, "wb") as f:
        f.write(module(args.functions, args.calls))


if __name__ == "__main__":
    main()
