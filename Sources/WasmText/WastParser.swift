import WasmCore

/// Parser for WAST scripts (the spec test format): modules, registrations, actions and
/// assertions, into the `WastDirective` model of WastScript.swift.
///
/// Text modules are not parsed here: their source text is kept (with its position) and
/// assembled when the command runs (`WatAssembler.assemble(_: WastModule)`), so a malformed
/// module in an `assert_malformed` cannot break the script.
public enum WastParser {
    /// Parses a whole script. A file that holds only module fields (no commands) is one
    /// inline module.
    public static func parse(_ text: String, file: String) throws(WatError) -> [WastDirective] {
        let stream = try Lexer.tokenize(Array(text.utf8), file: file)
        let script = ScriptParser(WatParser(stream))
        return try script.parseScript()
    }
}

/// Keywords that begin a module field: their presence at top level means an inline module.
private let moduleFieldKeywords: Set<String> = ["type", "import", "func", "table", "memory", "global", "export",
                                                "start", "elem", "data"]

private struct ScriptParser {
    let p: WatParser
    var s: TokenStream { p.s }

    init(_ parser: WatParser) { self.p = parser }

    func location(_ t: Token) -> SourceLocation {
        let (line, column) = s.position(of: t)
        return SourceLocation(file: s.file, line: line, column: column)
    }

    func parseScript() throws(WatError) -> [WastDirective] {
        var directives: [WastDirective] = []
        if p.peek.kind == .lparen, p.peek(1).kind == .keyword, moduleFieldKeywords.contains(p.text(p.peek(1))) {
            // An inline module: the whole file.
            let first = p.peek
            let text = String(decoding: s.bytes[Int(first.start)...], as: UTF8.self)
            let module = WastModule(name: nil, source: .text(text), location: location(first))
            return [WastDirective(command: .module(module), location: location(first))]
        }
        while p.peek.kind != .eof {
            let open = p.peek
            guard open.kind == .lparen else { throw p.unexpected(open, expected: "a command \"(\"") }
            if p.peek(1).kind == .keyword, s.equals(p.peek(1), "module"), p.peek(2).kind == .keyword,
               s.equals(p.peek(2), "instance") {
                // `(module instance $I? $M?)`: an instance of a module definition.
                let close = Int(s.matching(p.pos))
                p.pos += 3
                let first = p.optionalID()?.0
                let second = p.optionalID()?.0
                var module = WastModule(name: first, source: .text(""), location: location(open))
                module.instanceOf = second ?? ""
                p.pos = close + 1
                directives.append(WastDirective(command: .module(module), location: location(open)))
                continue
            }
            let command = try parseCommand()
            directives.append(WastDirective(command: command, location: location(open)))
        }
        return directives
    }

    private func keyword(_ kw: StaticString) -> Bool {
        p.peek.kind == .keyword && s.equals(p.peek, kw)
    }

    private func parseCommand() throws(WatError) -> WastCommand {
        let open = p.peek
        let head = p.peek(1)
        guard head.kind == .keyword else { throw p.unexpected(head, expected: "a command") }
        if s.equals(head, "module") { return .module(try parseModule()) }
        p.advance()
        p.advance()
        let command: WastCommand
        if s.equals(head, "register") {
            let name = try p.parseName()
            let module = p.optionalID()?.0
            command = .register(name: name, module: module)
        } else if s.equals(head, "invoke") || s.equals(head, "get") {
            p.pos -= 2
            command = .action(try parseAction())
            return command
        } else if s.equals(head, "assert_return") {
            let action = try parseAction()
            var expected: [WastExpected] = []
            while p.peek.kind == .lparen { expected.append(try parseExpected()) }
            command = .assertReturn(action, expected)
        } else if s.equals(head, "assert_trap") {
            if p.atList("module") {
                let module = try parseModule()
                command = .assertModuleTrap(module, message: try parseMessage())
            } else {
                let action = try parseAction()
                command = .assertTrap(action, message: try parseMessage())
            }
        } else if s.equals(head, "assert_exception") {
            // Exception handling: the action must end in an uncaught exception. The script
            // model has no command of its own for it; an action that must not return
            // normally is what `assert_trap` checks.
            let action = try parseAction()
            command = .assertTrap(action, message: "uncaught exception")
        } else if s.equals(head, "assert_exhaustion") {
            let action = try parseAction()
            command = .assertExhaustion(action, message: try parseMessage())
        } else if s.equals(head, "assert_malformed_custom") {
            // A malformed custom annotation (@custom, @name, branch hints, Annotations.swift):
            // the parser refuses it like any malformed text.
            let module = try parseModule()
            command = .assertMalformed(module, message: try parseMessage())
        } else if s.equals(head, "assert_invalid_custom") {
            // A custom annotation that reads well but breaks its section's rules (a branch hint
            // on an instruction that is not a branch): refused as invalid.
            let module = try parseModule()
            command = .assertInvalid(module, message: try parseMessage())
        } else if s.equals(head, "assert_malformed") {
            let module = try parseModule()
            command = .assertMalformed(module, message: try parseMessage())
        } else if s.equals(head, "assert_invalid") {
            let module = try parseModule()
            command = .assertInvalid(module, message: try parseMessage())
        } else if s.equals(head, "assert_unlinkable") {
            let module = try parseModule()
            command = .assertUnlinkable(module, message: try parseMessage())
        } else if s.equals(head, "assert_uninstantiable") {
            let module = try parseModule()
            command = .assertModuleTrap(module, message: try parseMessage())
        } else {
            throw p.error("unknown command \(p.describe(head))", at: head)
        }
        guard p.peek.kind == .rparen else {
            throw p.unexpected(p.peek, expected: "\")\" to close the command at \(p.place(open))")
        }
        p.advance()
        return command
    }

    private func parseMessage() throws(WatError) -> String {
        String(decoding: try p.parseString(), as: UTF8.self)
    }

    /// `(module $id? …)`, `(module $id? binary "…"*)`, `(module $id? quote "…"*)`.
    private func parseModule() throws(WatError) -> WastModule {
        let open = p.peek
        guard p.atList("module") else { throw p.unexpected(p.peek(1), expected: "\"module\"") }
        let close = Int(s.matching(p.pos))
        p.pos += 2
        let isDefinition = keyword("definition")
        if isDefinition { p.advance() }
        let name = p.optionalID()?.0
        let source: WastModuleSource
        if keyword("binary") || keyword("quote") {
            let isBinary = keyword("binary")
            p.advance()
            var bytes: [UInt8] = []
            while p.peek.kind == .string { bytes += try p.parseString() }
            guard p.peek.kind == .rparen else { throw p.unexpected(p.peek, expected: "a string or \")\"") }
            source = isBinary ? .binary(bytes) : .quote(String(decoding: bytes, as: UTF8.self))
        } else {
            let end = Int(s.tokens[close].end)
            source = .text(String(decoding: s.bytes[Int(open.start)..<end], as: UTF8.self))
        }
        p.pos = close + 1
        var module = WastModule(name: name, source: source, location: location(open))
        module.isDefinition = isDefinition
        return module
    }

    /// `(invoke $id? "name" const*)` or `(get $id? "name")`.
    private func parseAction() throws(WatError) -> WastAction {
        try p.expectLParen()
        let head = p.peek
        p.advance()
        let module = p.optionalID()?.0
        let name = try p.parseName()
        let action: WastAction
        if s.equals(head, "invoke") {
            var arguments: [WastValue] = []
            while p.peek.kind == .lparen { arguments.append(try parseValue()) }
            action = .invoke(module: module, name: name, arguments: arguments)
        } else if s.equals(head, "get") {
            action = .get(module: module, name: name)
        } else {
            throw p.unexpected(head, expected: "invoke or get")
        }
        try p.expectRParen()
        return action
    }

    /// `(i32.const 1)`, `(ref.null func)`, `(ref.extern 7)` …
    private func parseValue() throws(WatError) -> WastValue {
        try p.expectLParen()
        let head = p.peek
        p.advance()
        let value: WastValue
        if s.equals(head, "i32.const") {
            value = .i32(UInt32(truncatingIfNeeded: try p.parseInteger(bits: 32)))
        } else if s.equals(head, "i64.const") {
            value = .i64(try p.parseInteger(bits: 64))
        } else if s.equals(head, "f32.const") {
            value = .f32(try p.parseF32())
        } else if s.equals(head, "f64.const") {
            value = .f64(try p.parseF64())
        } else if s.equals(head, "v128.const") {
            value = .v128(try p.parseV128Literal())
        } else if s.equals(head, "ref.null") {
            value = .refNull(try parseHeapType())
        } else if s.equals(head, "ref.extern") || s.equals(head, "ref.host") {
            // ref.host (GC tests: a host reference passed as anyref) travels as an extern.
            value = .refExtern(try p.parseU32())
        } else if s.equals(head, "ref.func") {
            value = .refFunc(try p.parseU32())
        } else {
            throw p.unexpected(head, expected: "a constant such as (i32.const 0)")
        }
        try p.expectRParen()
        return value
    }

    /// The heap type of `ref.null`: abstract (`func`, `any` …, or a `funcref`-style
    /// shorthand), a type index, or nothing (`(ref.null)`: a null of any type).
    private func parseHeapType() throws(WatError) -> RefType {
        let t = p.peek
        if t.kind == .rparen { return RefType(nullable: true, .abstract(.none)) }
        if let shorthand = p.referenceShorthand(t) { p.advance(); return shorthand }
        if let abstract = p.abstractHeapType(t) { p.advance(); return RefType(nullable: true, .abstract(abstract)) }
        if t.kind == .id || t.kind == .atom {
            // A type index of the module under test: only its nullness can be checked here.
            p.advance()
            return RefType(nullable: true, .abstract(.none))
        }
        throw p.unexpected(t, expected: "a heap type")
    }

    private func nanPattern() -> NaNPattern? {
        guard p.peek.kind == .keyword else { return nil }
        if s.equals(p.peek, "nan:canonical") { p.advance(); return .canonical }
        if s.equals(p.peek, "nan:arithmetic") { p.advance(); return .arithmetic }
        return nil
    }

    /// An expected result: a constant, a NaN pattern, lane patterns, any reference, or `either`.
    private func parseExpected(depth: Int = 0) throws(WatError) -> WastExpected {
        let open = p.peek
        let head = p.peek(1)
        if head.kind == .keyword, s.equals(head, "either") {
            // `either` nests by recursion; a bound keeps hostile input from exhausting the stack.
            guard depth < 64 else { throw p.error("(either …) nested too deeply", at: head) }
            p.pos += 2
            var alternatives: [WastExpected] = []
            while p.peek.kind == .lparen { alternatives.append(try parseExpected(depth: depth + 1)) }
            try p.expectRParen()
            return .either(alternatives)
        }
        if head.kind == .keyword, s.equals(head, "f32.const") || s.equals(head, "f64.const") {
            let is32 = s.equals(head, "f32.const")
            p.pos += 2
            if let pattern = nanPattern() {
                try p.expectRParen()
                return is32 ? .f32NaN(pattern) : .f64NaN(pattern)
            }
            p.pos -= 2
        }
        if head.kind == .keyword, s.equals(head, "v128.const") {
            p.pos += 2
            let shape = p.peek
            let shapes: [(StaticString, Int, Int)] = [("i8x16", 16, 8), ("i16x8", 8, 16), ("i32x4", 4, 32),
                                                      ("i64x2", 2, 64), ("f32x4", 4, -32), ("f64x2", 2, -64)]
            guard shape.kind == .keyword, let (_, count, bits) = shapes.first(where: { s.equals(shape, $0.0) }) else {
                throw p.unexpected(shape, expected: "a v128 shape")
            }
            p.advance()
            var lanes: [WastLane] = []
            for _ in 0..<count {
                if bits < 0, let pattern = nanPattern() {
                    lanes.append(bits == -32 ? .f32NaN(pattern) : .f64NaN(pattern))
                } else if bits == -32 {
                    lanes.append(.bits(UInt64(try p.parseF32())))
                } else if bits == -64 {
                    lanes.append(.bits(try p.parseF64()))
                } else {
                    lanes.append(.bits(try p.parseInteger(bits: bits)))
                }
            }
            try p.expectRParen()
            return .v128(shape: p.text(shape), lanes: lanes)
        }
        if head.kind == .keyword, s.equals(head, "ref.extern") || s.equals(head, "ref.func"),
           p.peek(2).kind == .rparen {
            p.pos += 3
            return .anyRef(s.equals(head, "ref.func") ? .funcref : .externref)
        }
        // GC results: `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`,
        // `(ref.exn)`, `(ref.host N)`: a non-null reference of that kind.
        if head.kind == .keyword, s.hasPrefix(head, "ref.") {
            let kinds: [(StaticString, AbstractHeapType)] = [("ref.struct", .struct), ("ref.array", .array), ("ref.i31", .i31),
                                                             ("ref.eq", .eq), ("ref.any", .any), ("ref.exn", .exn), ("ref.host", .any)]
            if let (_, kind) = kinds.first(where: { s.equals(head, $0.0) }) {
                p.pos = Int(s.matching(p.pos)) + 1
                return .anyRef(RefType(nullable: false, .abstract(kind)))
            }
        }
        guard open.kind == .lparen else { throw p.unexpected(open, expected: "an expected result") }
        return .value(try parseValue())
    }
}
