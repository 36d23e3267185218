"""The exports of a module with their types, read from the binary.

wasmtime's Python API aborts the process when asked for the type of anything that involves
v128, so the runner does not ask it: it reads the type, function, table, memory, global and
export sections itself. Enough of the format for modules wasm-tools smith writes under the
runner's flags (no imports of v128 things, constant expressions without extended-const).
"""

VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128", 0x70: "funcref", 0x6F: "externref"}


class Reader:
    def __init__(self, data, pos=0, end=None):
        self.data, self.pos, self.end = data, pos, len(data) if end is None else end

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uleb(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result

    def skip(self, n):
        self.pos += n

    def name(self):
        n = self.uleb()
        text = bytes(self.data[self.pos:self.pos + n]).decode("utf-8")
        self.pos += n
        return text

    def valtype(self):
        return VALTYPES.get(self.byte(), "?")

    def limits(self):
        flags = self.byte()
        self.uleb()
        if flags & 1:
            self.uleb()

    def const_expr(self):
        """Skips a constant expression up to and including its `end`."""
        while True:
            op = self.byte()
            if op == 0x0B:
                return
            if op in (0x41, 0x42, 0x23, 0xD2):
                self.uleb()  # sLEB or index: the same bytes to skip
            elif op == 0x43:
                self.skip(4)
            elif op == 0x44:
                self.skip(8)
            elif op == 0xD0:
                self.byte()
            elif op == 0xFD:
                if self.uleb() != 12:
                    raise ValueError("unexpected vector op in a constant expression")
                self.skip(16)
            else:
                raise ValueError("unexpected op 0x%02x in a constant expression" % op)


def exports(data):
    """[(name, kind, type)] in export order: kind is func/table/memory/global; type is
    (params, results) for functions and the value type for globals, None otherwise."""
    r = Reader(data, 8)
    types, functions, globals_, found = [], [], [], []
    imported_functions = imported_globals = 0
    while r.pos < len(data):
        sid = r.byte()
        size = r.uleb()
        end = r.pos + size
        s = Reader(data, r.pos, end)
        if sid == 1:
            for _ in range(s.uleb()):
                s.byte()  # 0x60
                params = [s.valtype() for _ in range(s.uleb())]
                results = [s.valtype() for _ in range(s.uleb())]
                types.append((params, results))
        elif sid == 2:
            for _ in range(s.uleb()):
                s.name(); s.name()
                kind = s.byte()
                if kind == 0:
                    functions.append(s.uleb()); imported_functions += 1
                elif kind == 1:
                    s.byte(); s.limits()
                elif kind == 2:
                    s.limits()
                elif kind == 3:
                    globals_.append(s.valtype()); s.byte(); imported_globals += 1
        elif sid == 3:
            functions += [s.uleb() for _ in range(s.uleb())]
        elif sid == 6:
            for _ in range(s.uleb()):
                globals_.append(s.valtype())
                s.byte()
                s.const_expr()
        elif sid == 7:
            for _ in range(s.uleb()):
                name = s.name()
                kind = s.byte()
                index = s.uleb()
                if kind == 0:
                    found.append((name, "func", types[functions[index]]))
                elif kind == 1:
                    found.append((name, "table", None))
                elif kind == 2:
                    found.append((name, "memory", None))
                elif kind == 3:
                    found.append((name, "global", globals_[index]))
        r.pos = end
    return found
