"""Small edits to a fetched module so that every engine's command line can run it.

The peer's CLI (WasmKit 0.4.2) runs only WASI commands: it calls `_start`, links nothing but
`wasi_snapshot_preview1`, and has no `--invoke` or `--preload`. Two of the real programs are not
quite that: CPython for WASI is a reactor (`_initialize`, then `run()` returns the exit status)
that also imports `host.call`, and the TinyCC build imports `shellsim.path_chmod`. Rather than
leave the peer out, the benchmark runs every engine (wasmtime for the expected output too) on the
same edited copy:

- `rename_import` points an import at another function of the same type; it is used only for
  imports the workload never calls, so the new target never runs (a call would reach a WASI
  function with the wrong meaning, and the output would differ from the reference's);
- `add_command_start` appends a function `_start` that calls `_initialize`, then the entry
  export, and passes its i32 result to `proc_exit`, and exports it.

Nothing else moves: the new function comes after every other, so no index changes. Only the
binary's section framing is parsed; code is left alone.
"""


def _uleb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _encode_uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _name(data, pos):
    length, pos = _uleb(data, pos)
    return data[pos:pos + length].decode("utf-8"), pos + length


def _encode_name(text):
    raw = text.encode("utf-8")
    return _encode_uleb(len(raw)) + raw


def sections(data):
    """[(id, payload)] of a binary module, the header checked."""
    if data[:8] != b"\0asm\x01\0\0\0":
        raise ValueError("not a WebAssembly 1.0 binary module")
    pos, out = 8, []
    while pos < len(data):
        section_id = data[pos]
        size, pos = _uleb(data, pos + 1)
        out.append((section_id, data[pos:pos + size]))
        pos += size
    return out


def _assemble(parts):
    out = bytearray(b"\0asm\x01\0\0\0")
    for section_id, payload in parts:
        out.append(section_id)
        out += _encode_uleb(len(payload))
        out += payload
    return bytes(out)


def _limits(data, pos):
    flags = data[pos]
    _, pos = _uleb(data, pos + 1)
    if flags & 1:
        _, pos = _uleb(data, pos)
    return pos


def _imports(payload):
    """[(module, name, kind, first byte offset, end offset, type index or None)]."""
    count, pos = _uleb(payload, 0)
    out = []
    for _ in range(count):
        start = pos
        module, pos = _name(payload, pos)
        name, pos = _name(payload, pos)
        kind = payload[pos]
        pos += 1
        type_index = None
        if kind == 0x00:                       # function: its type index
            type_index, pos = _uleb(payload, pos)
        elif kind == 0x02:                     # memory: limits
            pos = _limits(payload, pos)
        elif kind == 0x03 and payload[pos] in (0x7F, 0x7E, 0x7D, 0x7C, 0x7B):
            pos += 2                           # global of a number type, mutability
        elif kind == 0x04 and payload[pos] == 0x00:
            _, pos = _uleb(payload, pos + 1)   # tag: attribute 0, type index
        else:
            raise ValueError(f"import {module}.{name}: kind {kind:#x} is not handled by this patcher")
        out.append((module, name, kind, start, pos, type_index))
    return out


def rename_import(data, old, new):
    """The module with the function import `old` (module, name) importing `new` instead."""
    parts = sections(data)
    for i, (section_id, payload) in enumerate(parts):
        if section_id != 2:
            continue
        for module, name, kind, start, end, _ in _imports(payload):
            if (module, name) == old and kind == 0x00:
                rest = payload[start:end]
                _, after = _name(rest, 0)
                _, after = _name(rest, after)
                entry = _encode_name(new[0]) + _encode_name(new[1]) + rest[after:]
                parts[i] = (2, payload[:start] + entry + payload[end:])
                return _assemble(parts)
    raise ValueError(f"no function import {old[0]}.{old[1]}")


def _exports(payload):
    count, pos = _uleb(payload, 0)
    out = {}
    for _ in range(count):
        name, pos = _name(payload, pos)
        kind = payload[pos]
        index, pos = _uleb(payload, pos + 1)
        out[name] = (kind, index)
    return out


def _types(payload):
    """The type index of each plain function type entry: {(params, results): index}. Raises on
    a recursion group or subtype (a GC module), whose indices this patcher does not count."""
    count, pos = _uleb(payload, 0)
    found = {}
    for index in range(count):
        if payload[pos] != 0x60:
            raise ValueError("type section with GC types: not handled by this patcher")
        n_params, pos = _uleb(payload, pos + 1)
        params = payload[pos:pos + n_params]
        pos += n_params
        n_results, pos = _uleb(payload, pos)
        results = payload[pos:pos + n_results]
        pos += n_results
        if any(b in (0x63, 0x64) for b in params + results):
            raise ValueError("reference types with a heap type: not handled by this patcher")
        found.setdefault((bytes(params), bytes(results)), index)
    return found


def add_command_start(data, entry, initialize="_initialize"):
    """The reactor `data` with an exported `_start`: `proc_exit(entry())` after `initialize()`."""
    parts = sections(data)
    by_id = {section_id: payload for section_id, payload in parts}
    exports = _exports(by_id.get(7, b"\0"))
    if "_start" in exports:
        raise ValueError("the module already exports _start")
    calls = []
    for name in (initialize, entry):
        if exports.get(name, (None,))[0] != 0x00:
            raise ValueError(f"the module exports no function {name}")
        calls.append(exports[name][1])
    imports = _imports(by_id.get(2, b"\0"))
    function_imports = [item for item in imports if item[2] == 0x00]
    proc_exit = next((i for i, item in enumerate(function_imports)
                      if item[:2] == ("wasi_snapshot_preview1", "proc_exit")), None)
    if proc_exit is None:
        raise ValueError("the module does not import wasi_snapshot_preview1.proc_exit")
    nothing = _types(by_id.get(1, b"\0")).get((b"", b""))
    if nothing is None:
        raise ValueError("the module has no [] -> [] function type to give _start")
    defined, _ = _uleb(by_id.get(3, b"\0"), 0)
    start_index = len(function_imports) + defined
    body = b"\0" + b"".join(b"\x10" + _encode_uleb(i) for i in calls + [proc_exit]) + b"\x0b"
    rewritten = []
    for section_id, payload in parts:
        if section_id in (3, 7, 10):
            count, pos = _uleb(payload, 0)
            addition = {3: _encode_uleb(nothing),
                        7: _encode_name("_start") + b"\0" + _encode_uleb(start_index),
                        10: _encode_uleb(len(body)) + body}[section_id]
            payload = _encode_uleb(count + 1) + payload[pos:] + addition
        rewritten.append((section_id, payload))
    return _assemble(rewritten)
