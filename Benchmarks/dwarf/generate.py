#!/usr/bin/env python3
"""Generates a C program whose module carries a lot of DWARF (for the source-level benchmark):
FILES translation units, each with FUNCS functions that use their own struct types, arrays,
pointers and locals, and a main that calls one function of every file. Built with clang-14 -g.

    python3 Benchmarks/dwarf/generate.py OUT_DIR [--files 120] [--funcs 60]
"""
import argparse, os

def unit(f, funcs):
    lines = [f"/* generated unit {f} */", "#include <stdint.h>", ""]
    for k in range(funcs):
        lines += [
            f"struct rec_{f}_{k} {{ int id; double weight; char name[24]; struct rec_{f}_{k} *next; uint64_t flags; short parts[6]; }};",
            f"typedef struct rec_{f}_{k} rec_{f}_{k}_t;",
            f"enum kind_{f}_{k} {{ K{f}_{k}_A, K{f}_{k}_B = 4, K{f}_{k}_C }};",
            f"int work_{f}_{k}(int n, rec_{f}_{k}_t *r) {{",
            f"    int total = 0;",
            f"    enum kind_{f}_{k} kind = K{f}_{k}_B;",
            f"    double acc = r ? r->weight : 1.5;",
            f"    for (int i = 0; i < n; i++) {{",
            f"        int square = i * i;",
            f"        total += square % 7 + (int)kind;",
            f"        acc += square * 0.5;",
            f"    }}",
            f"    if (r) {{ r->id = total; r->parts[{k % 6}] = (short)n; }}",
            f"    return total + (int)acc;",
            f"}}",
            "",
        ]
    lines.append(f"int entry_{f}(int n) {{")
    lines.append(f"    struct rec_{f}_0 r = {{ .id = {f}, .weight = 2.0 }};")
    lines.append(f"    return work_{f}_0(n, &r);")
    lines.append("}")
    return "\n".join(lines) + "\n"

def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--files", type=int, default=120)
    p.add_argument("--funcs", type=int, default=60)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for f in range(a.files):
        with open(os.path.join(a.out, f"unit_{f}.c"), "w") as out:
            out.write(unit(f, a.funcs))
    with open(os.path.join(a.out, "main.c"), "w") as out:
        out.write("#include <stdio.h>\n")
        for f in range(a.files):
            out.write(f"int entry_{f}(int n);\n")
        out.write("int main(void) {\n    long sum = 0;\n")
        for f in range(a.files):
            out.write(f"    sum += entry_{f}({f % 13 + 3});\n")
        out.write('    printf("%ld\\n", sum);\n    return 0;\n}\n')

if __name__ == "__main__":
    main()
