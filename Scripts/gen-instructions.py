#!/usr/bin/env python3
"""Generate the instruction tables from Scripts/instructions.txt, Scripts/internal-ops.txt and
Scripts/engine-forms.txt.

instructions.txt is the single definition of the Wasm instruction set (Sources/WasmCore/Generated,
Sources/CWasmEngine/include/wdb_opcodes.h); internal-ops.txt the one of the engine's internal
operations (Sources/WasmVM/Generated/InternalOps.swift, Sources/CWasmEngine/include/wdb_internal_ops.h);
engine-forms.txt the one of the operation-number ranges above them: register forms, chains,
load chains, steps (Sources/WasmVM/Generated/OperationRanges.swift,
Sources/CWasmEngine/include/wdb_forms.h, Sources/CWasmEngine/chains.h).
Run this script after editing any of them and commit the outputs with it.
Usage: python3 Scripts/gen-instructions.py [--out DIR]
  --out DIR  write the outputs under DIR (same relative paths) instead of the repository; the
             freshness test (Tests/WasmVMTests/GeneratedTablesTests.swift) compares the two.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "Scripts", "instructions.txt")
SRC_INTERNAL = os.path.join(ROOT, "Scripts", "internal-ops.txt")
OUT_ROOT = ROOT
if len(sys.argv) == 3 and sys.argv[1] == "--out":
    OUT_ROOT = os.path.abspath(sys.argv[2])
elif len(sys.argv) != 1:
    sys.exit("usage: gen-instructions.py [--out DIR]")
OUT = os.path.join(OUT_ROOT, "Sources", "WasmCore", "Generated", "Opcodes.swift")
OUT_TABLE = os.path.join(OUT_ROOT, "Sources", "WasmCore", "Generated", "OpcodeTable.swift")
# The engine's C core (Sources/CWasmEngine) dispatches on the same numbers: `Opcode` raw values.
OUT_C = os.path.join(OUT_ROOT, "Sources", "CWasmEngine", "include", "wdb_opcodes.h")
OUT_INTERNAL = os.path.join(OUT_ROOT, "Sources", "WasmVM", "Generated", "InternalOps.swift")
OUT_INTERNAL_C = os.path.join(OUT_ROOT, "Sources", "CWasmEngine", "include", "wdb_internal_ops.h")
SRC_FORMS = os.path.join(ROOT, "Scripts", "engine-forms.txt")
OUT_FORMS = os.path.join(OUT_ROOT, "Sources", "WasmVM", "Generated", "OperationRanges.swift")
OUT_FORMS_C = os.path.join(OUT_ROOT, "Sources", "CWasmEngine", "include", "wdb_forms.h")
OUT_CHAINS_C = os.path.join(OUT_ROOT, "Sources", "CWasmEngine", "chains.h")

IMMEDIATE_KINDS = {
    "none": "none", "block": "block", "label": "label", "br_table": "brTable", "func": "function",
    "call_indirect": "callIndirect", "local": "local", "global": "global", "table": "table",
    "memory": "memory", "memarg": "memarg", "memlane": "memlane", "lane": "lane", "i32": "i32",
    "i64": "i64", "f32": "f32", "f64": "f64", "v128": "v128", "shuffle": "shuffle",
    "select": "select", "reftype": "refType", "data": "data", "elem": "elem",
    "memory_init": "memoryInit", "memory_copy": "memoryCopy", "memory_fill": "memoryFill",
    "table_init": "tableInit", "table_copy": "tableCopy",
    # Wasm 3.0
    "tag": "tag", "type": "typeIndex", "field": "field", "type_pair": "typePair",
    "type_data": "typeData", "type_elem": "typeElem", "type_fixed": "typeFixed",
    "heaptype": "heapType", "br_on_cast": "brOnCast", "try_table": "tryTable",
}
VALUE_TYPES = {"i32", "i64", "f32", "f64", "v128", "funcref", "externref"}
SWIFT_KEYWORDS = {"if", "else", "return", "loop", "block", "end", "br", "select", "call", "drop", "throw", "try", "catch"}


def case_name(mnemonic):
    parts = re.split(r"[._]", mnemonic)
    name = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return name


def main():
    rows = []
    # Rows after the "---- WebAssembly 3.0" marker belong to the 3.0 proposals.
    wasm20_count = None
    for lineno, raw in enumerate(open(SRC), 1):
        if raw.startswith("# ---- WebAssembly 3.0"):
            wasm20_count = len(rows)
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        code, mnemonic, imm = fields[0], fields[1], fields[2]
        sig = " ".join(fields[3:])
        if "=" in mnemonic:
            mnemonic, name = mnemonic.split("=")
        else:
            name = case_name(mnemonic)
        if code.startswith("0xFC:") or code.startswith("0xFD:") or code.startswith("0xFB:"):
            prefix, sub = code.split(":")
            prefix, sub = int(prefix, 16), int(sub)
        else:
            prefix, sub = 0, int(code, 16)
        imm_parts = imm.split(":")
        kind = IMMEDIATE_KINDS.get(imm_parts[0])
        if kind is None:
            sys.exit(f"{SRC}:{lineno}: unknown immediate kind {imm}")
        align = lanes = 0
        if imm_parts[0] in ("memarg", "memlane"):
            align = int(imm_parts[1])
        if imm_parts[0] == "memlane":
            lanes = int(imm_parts[2])
        if imm_parts[0] == "lane":
            lanes = int(imm_parts[1])
        if sig == "special":
            signature = "nil"
        else:
            if "->" not in sig:
                sys.exit(f"{SRC}:{lineno}: signature needs '->' or 'special'")
            params, results = (s.split() for s in sig.split("->"))
            for t in params + results:
                if t not in VALUE_TYPES:
                    sys.exit(f"{SRC}:{lineno}: unknown value type {t}")
            signature = "InstructionSignature([%s], [%s])" % (
                ", ".join("." + t for t in params), ", ".join("." + t for t in results))
        rows.append((name, mnemonic, prefix, sub, kind, align, lanes, signature))

    names = [r[0] for r in rows]
    # The engine numbers its own operations from 0x200 (Sources/WasmVM/InternalOp.swift).
    if len(rows) > 0x200:
        sys.exit(f"{len(rows)} opcodes: more than the engine's 0x200 operation numbers")
    if len(set(names)) != len(names):
        sys.exit("duplicate case names")

    out = []
    out.append("// GENERATED by Scripts/gen-instructions.py from Scripts/instructions.txt. DO NOT EDIT.")
    out.append("")
    out.append("/// Every WebAssembly 3.0 instruction (2.0 first, then the 3.0 proposals), in the order of Scripts/instructions.txt.")
    out.append("public enum Opcode: UInt16, CaseIterable, Sendable {")
    for r in rows:
        n = r[0]
        out.append(f"    case {'`' + n + '`' if n in SWIFT_KEYWORDS else n}")
    out.append("}")
    out.append("")
    out.append("/// Raw value of the first opcode a 3.0 proposal added (they follow the 2.0 ones). A literal,")
    out.append("/// not `Opcode.returnCall.rawValue`: the decoder and validator test it per instruction, and a")
    out.append("/// computed global would be initialised lazily behind a check on each use.")
    out.append(f"public let firstWasm30Opcode: UInt16 = {wasm20_count if wasm20_count is not None else len(rows)}")
    out.append("")
    enum_part = out
    out = ["// GENERATED by Scripts/gen-instructions.py from Scripts/instructions.txt. DO NOT EDIT.", ""]
    out.append("extension Opcode {")
    out.append("    /// One row per opcode, indexed by `rawValue`.")
    out.append("    public static let table: [OpcodeInfo] = [")
    for (name, mnemonic, prefix, sub, kind, align, lanes, signature) in rows:
        out.append(f"        OpcodeInfo(\"{mnemonic}\", prefix: 0x{prefix:02X}, code: {sub}, "
                   f"immediate: .{kind}, naturalAlignment: {align}, laneCount: {lanes}, signature: {signature}),")
    out.append("    ]")
    out.append("}")
    out.append("")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(enum_part))
    with open(OUT_TABLE, "w") as f:
        f.write("\n".join(out))
    c = ["// GENERATED by Scripts/gen-instructions.py from Scripts/instructions.txt. DO NOT EDIT.",
         "// The raw values of WasmCore's `Opcode` enum, for the engine's C core.",
         "#ifndef WDB_OPCODES_H", "#define WDB_OPCODES_H", "", "enum {"]
    for i, r in enumerate(rows):
        c_name = re.sub(r"([A-Z])", r"_\1", r[0]).upper()
        c.append(f"    WDB_OP_{c_name} = {i},")
    if wasm20_count is None:
        wasm20_count = len(rows)
    # The engine executes the Wasm 2.0 opcodes only (its compiler refuses the 3.0 ones), and
    # numbers its register forms per executable opcode: WDB_OPCODE_COUNT counts those.
    c += ["    /// The Wasm 2.0 opcodes, the ones the engine executes (the 3.0 ones follow them).",
          f"    WDB_OPCODE_COUNT = {wasm20_count},",
          f"    WDB_OPCODE_COUNT_ALL = {len(rows)}", "};", "", "#endif", ""]
    os.makedirs(os.path.dirname(OUT_C), exist_ok=True)
    with open(OUT_C, "w") as f:
        f.write("\n".join(c))
    print(f"wrote {OUT}: {len(rows)} opcodes")
    iop_end = internal_ops(len(rows))
    engine_forms(rows, wasm20_count, iop_end, SRC_FORMS,
                 {"swift": OUT_FORMS, "c": OUT_FORMS_C, "chains": OUT_CHAINS_C})


# Flags of internal-ops.txt and the Swift properties they set.
INTERNAL_FLAGS = {
    "call": ("isCallLike", "Enters a function (a call or a tail call): step-over and host-call stops look at it."),
    "tail": ("isTailCall", "Replaces the current frame with the callee's."),
    "indirect": ("isIndirectCall", "Takes its callee from a table (words: table index, type id | index slot << 32)."),
    "branch": ("isBranch", "May continue elsewhere than at the next instruction of the function."),
    "trap": ("mayTrap", "May trap."),
    "memory": ("mayAccessMemory", "May access linear memory."),
    "patch": ("isDebugPatch", "A debug patch: the original operation is in bits 16..31 of the word."),
    "slow": ("isSlowPath", "Executed by the Swift interpreter (the C core returns to Swift for it)."),
}
INTERNAL_LENGTHS = {"brTable": ".brTable", "simd": ".simd", "patch": ".patch",
                    "args2": ".arguments(2)", "args3": ".arguments(3)"}


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_internal_ops():
    base = None
    ops = []
    for lineno, raw in enumerate(open(SRC_INTERNAL), 1):
        if raw.startswith("#") or not raw.strip():
            continue
        where = f"{SRC_INTERNAL}:{lineno}"
        if raw[0] in " \t":
            if not ops:
                sys.exit(f"{where}: an indented line before the first operation")
            text = raw.strip()
            if text.startswith("///"):
                ops[-1]["doc"].append(text)
            elif re.match(r"w[0-9]+ [a-z]+:", text):
                label, description = text.split(":", 1)
                number, short = label.split()
                if int(number[1:]) != len(ops[-1]["words"]) + 1:
                    sys.exit(f"{where}: words must be described in order from w1")
                ops[-1]["words"].append((short, description.strip()))
            else:
                sys.exit(f"{where}: expected '/// doc' or 'wN NAME: description'")
            continue
        fields = raw.split()
        if fields[0] == "base":
            base = int(fields[1], 16)
            continue
        if len(fields) != 4:
            sys.exit(f"{where}: expected NAME C_NAME WORDS FLAGS")
        name, c_name, words, flags = fields
        if words not in INTERNAL_LENGTHS and not words.isdigit():
            sys.exit(f"{where}: WORDS is a number, brTable, simd, patch, args2 or args3")
        flag_list = [] if flags == "-" else flags.split(",")
        for flag in flag_list:
            if flag not in INTERNAL_FLAGS:
                sys.exit(f"{where}: unknown flag {flag}")
        if words.isdigit() and int(words) < 1:
            sys.exit(f"{where}: an instruction has at least one word")
        ops.append({"name": name, "c": c_name, "length": words, "flags": flag_list, "doc": [], "words": []})
    if base is None:
        sys.exit(f"{SRC_INTERNAL}: no 'base' line")
    names = [op["name"] for op in ops]
    if len(set(names)) != len(names) or len({op["c"] for op in ops}) != len(ops):
        sys.exit(f"{SRC_INTERNAL}: duplicate names")
    for op in ops:
        if op["length"].isdigit() and len(op["words"]) > int(op["length"]) - 1:
            sys.exit(f"{SRC_INTERNAL}: {op['name']} describes more words than it has")
    return base, ops


def internal_ops(opcode_count):
    base, ops = parse_internal_ops()
    if base < opcode_count:
        sys.exit(f"{SRC_INTERNAL}: base 0x{base:X} is below the {opcode_count} opcodes")
    header = "// GENERATED by Scripts/gen-instructions.py from Scripts/internal-ops.txt. DO NOT EDIT."
    out = [header, "",
           "/// The operations of internal code numbered from `base`, above every `Opcode`",
           "/// (InternalOp.swift describes the code format; Scripts/internal-ops.txt defines them).",
           "enum InternalOp: UInt16, CaseIterable {",
           "    /// Numbered above every Opcode so both share the 16-bit operation field; small, so the C",
           "    /// core's dispatch table stays small.",
           f"    static let base: UInt16 = 0x{base:X}",
           ""]
    for i, op in enumerate(ops):
        for line in op["doc"]:
            out.append("    " + line)
        name = "`" + op["name"] + "`" if op["name"] in SWIFT_KEYWORDS else op["name"]
        out.append(f"    case {name}" + (f" = 0x{base:X}" if i == 0 else ""))
    out += ["",
            "    /// Number of cases (a literal, so the run loop's range check costs no lazy initialisation;",
            "    /// a test checks it against `allCases`).",
            f"    static let count: UInt16 = {len(ops)}",
            "}", "",
            "extension InternalOp {",
            "    /// The name in Scripts/internal-ops.txt (the Swift case name).",
            "    var name: String {",
            "        switch self {"]
    for op in ops:
        out.append(f"        case .{op['name']}: return \"{op['name']}\"")
    out += ["        }", "    }", "",
            "    /// How long the instruction is (InternalCode.swift computes the variable lengths).",
            "    var length: InternalOpLength {",
            "        switch self {"]
    for op in ops:
        length = INTERNAL_LENGTHS.get(op["length"]) or f".fixed({op['length']})"
        out.append(f"        case .{op['name']}: return {length}")
    out += ["        }", "    }", "",
            "    /// What words 1, 2, ... hold (the fixed ones; a variable tail is described by `length`).",
            "    var wordDescriptions: [String] {",
            "        switch self {"]
    for op in ops:
        out.append(f"        case .{op['name']}: return [{', '.join(swift_string(w[1]) for w in op['words'])}]")
    out += ["        }", "    }", "",
            "    /// Short names of words 1, 2, ... (the disassembler prints NAME=value).",
            "    var wordNames: [String] {",
            "        switch self {"]
    for op in ops:
        out.append(f"        case .{op['name']}: return [{', '.join(swift_string(w[0]) for w in op['words'])}]")
    out += ["        }", "    }"]
    for flag, (prop, doc) in INTERNAL_FLAGS.items():
        members = [op["name"] for op in ops if flag in op["flags"]]
        out += ["", f"    /// {doc}", f"    var {prop}: Bool {{"]
        if members:
            out += ["        switch self {",
                    "        case " + ", ".join("." + m for m in members) + ": return true",
                    "        default: return false",
                    "        }"]
        else:
            out.append("        false")
        out.append("    }")
    out += ["}", ""]
    os.makedirs(os.path.dirname(OUT_INTERNAL), exist_ok=True)
    with open(OUT_INTERNAL, "w") as f:
        f.write("\n".join(out))

    end = base + len(ops)
    c = [header,
         "// The numbers of the engine's internal operations (Swift `InternalOp`), for the C core.",
         "#ifndef WDB_INTERNAL_OPS_H", "#define WDB_INTERNAL_OPS_H", "", '#include "wdb_opcodes.h"', "",
         "enum {",
         f"    WDB_IOP_BASE = 0x{base:X},"]
    for i, op in enumerate(ops):
        note = " /* executed in Swift only */" if "slow" in op["flags"] else ""
        c.append(f"    WDB_IOP_{op['c']} = 0x{base + i:X},{note}")
    c += [f"    WDB_IOP_END = 0x{end:X}", "};", "",
          '_Static_assert(WDB_OPCODE_COUNT_ALL <= WDB_IOP_BASE, "internal operations overlap the opcodes");',
          f'_Static_assert(WDB_IOP_END - WDB_IOP_BASE == {len(ops)}, "one number per internal operation");',
          "", "#endif", ""]
    with open(OUT_INTERNAL_C, "w") as f:
        f.write("\n".join(c))
    print(f"wrote {OUT_INTERNAL}: {len(ops)} internal operations")
    return end


from engine_forms import engine_forms  # noqa: E402  (Scripts/engine_forms.py, beside this script)


if __name__ == "__main__":
    main()
