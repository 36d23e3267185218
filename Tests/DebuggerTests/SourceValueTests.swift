import Testing
import DebugInfo
@testable import Debugger

/// Source-level values of the C fixture (primes.c, shapes.c at -O0), stopped at known lines;
/// the expected texts are what gdb 13 prints for the same program built natively (only
/// addresses differ: they are wasm32's here).
@Suite struct SourceValueTests {
    func locals(_ s: DebugSession) throws -> [String] { try s.formattedSourceVariables(arguments: false) }
    func args(_ s: DebugSession) throws -> [String] { try s.formattedSourceVariables(arguments: true) }

    @Test func describeStructsUnionsBitfieldsArraysPointers() throws {
        for fixture in ["c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm"] {
            let s = try sessionStopped(fixture, at: "shapes.c", containing: "if (shape->color == BLUE)")
            let shape = try s.printSource("shape")
            #expect(shape.hasPrefix("(struct shape *) 0x"))
            #expect(try args(s) == ["shape = " + shape.dropFirst("(struct shape *) ".count)])
            #expect(try locals(s) == [
                "describe_calls = 1",
                "weight = {i = 7, f = 9.80908925e-45, bytes = \"\\a\\000\\000\"}",
                "edges = 14", "nodes = 3", "bits = 303", "first = 98 'b'",
            ])
            let title = try s.printSource("shape->title")
            #expect(title.hasSuffix(" \"a box\"") && title.hasPrefix("0x"))
            #expect(try s.printSource("*shape") == "{color = BLUE, corners = {{x = 0, y = 0}, {x = 4, y = 0}, {x = 4, y = 3}, {x = 0, y = 3}}, "
                + "label = \"box\", '\\000' <repeats 12 times>, title = \(title), weight = {i = 7, f = 9.80908925e-45, bytes = \"\\a\\000\\000\"}, "
                + "flags = {ready = 1, mode = 5, count = 300, sign = -2}, op = 0x1 <add>}")
            #expect(try s.printSource("shape->flags") == "{ready = 1, mode = 5, count = 300, sign = -2}")
            #expect(try s.printSource("shape->flags.sign") == "-2")
            #expect(try s.printSource("shape->op") == "(binary_op) 0x1 <add>")
            #expect(try s.printSource("shape->label") == "\"box\", '\\000' <repeats 12 times>")
            #expect(try s.printSource("shape->corners[2]") == "{x = 4, y = 3}")
            #expect(try s.printSource("shape->corners[2].y * 10 + shape->corners[1].x") == "34")
            #expect(try s.printSource("*shape->title@3") == "\"a b\"")
            #expect(try s.printSource("shape->weight.bytes[0]") == "7 '\\a'")
            #expect(try s.printSource("shape->color") == "BLUE")
            #expect(try s.printSource("(enum color)1") == "1")
            #expect(try s.printSource("GREEN") == "GREEN")
            // Globals and statics.
            #expect(try s.printSource("banner") == "\"wdb\", '\\000' <repeats 12 times>")
            #expect(try s.printSource("matrix") == "{{1, 2, 3}, {4, 5, 6}}")
            #expect(try s.printSource("matrix[1]") == "{4, 5, 6}")
            #expect(try s.printSource("matrix[1][2]") == "6")
            #expect(try s.printSource("shape_calls") == "1")
            #expect(try s.printSource("describe_calls") == "1")
            #expect(try s.printSource("prime_limit") == "30")
            #expect(try s.printSource("call_count") == "30")
            let greeting = try s.printSource("greeting")
            #expect(greeting.hasPrefix("0x") && greeting.hasSuffix(" \"hello\""))
            #expect(try s.printSource("greeting[1]") == "101 'e'")
            #expect(try s.printSource("*greeting") == "104 'h'")
            // Pointers print the object they point into, as gdb's `<symbol+offset>`.
            let nodes = try s.printSource("list_nodes")
            #expect(nodes.hasPrefix("{{value = 1, next = 0x") && nodes.contains(" <list_nodes+8>}, {value = 2, next = 0x")
                    && nodes.hasSuffix(" <list_nodes+16>}, {value = 3, next = 0x0}}"))
            #expect(try s.printSource("list_nodes[0].next->next->value") == "3")
            #expect(try s.printSource("*list_nodes[0].next->next") == "{value = 3, next = 0x0}")
            #expect(try s.printSource("list_nodes[0].next->next->next") == "(struct node *) 0x0")
            #expect(try s.printSource("&list_nodes[1] - &list_nodes[0]") == "1")
            #expect(try s.printSource("(list_nodes + 2)->value") == "3")
            #expect(try s.printSource("&list_nodes[1] == list_nodes[0].next") == "1")
            #expect(try s.printSource("&banner").hasPrefix("(char (*)[16]) 0x"))
            #expect(try s.printSource("&banner").hasSuffix(" <banner>"))
            #expect(try s.printSource("banner + 1").hasSuffix(" <banner+1> \"db\""))
            // Functions: their type and code offset; `&f` is the function's table slot.
            #expect(try s.printSource("add").hasPrefix("{int (int, int)} 0x"))
            #expect(try s.printSource("add").hasSuffix(" <add>"))
            #expect(try s.printSource("&add") == "(int (*)(int, int)) 0x1 <add>")
            #expect(try s.printSource("shape->op == add") == "1")
            #expect(try s.printSource("sizeof(struct shape)") == "68")
            #expect(try s.printSource("sizeof shape->corners") == "32")
            #expect(try s.printSource("sizeof(point_t *)") == "4")
        }
    }

    @Test func globalsList() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        let globals = try s.sourceGlobals()
        let text = Dictionary(globals.map { ($0.name, s.formatSourceValue($0.value, topLevel: false)) }, uniquingKeysWith: { a, _ in a })
        #expect(text["prime_limit"] == "30")
        #expect(text["matrix"] == "{{1, 2, 3}, {4, 5, 6}}")
        #expect(text["banner"] == "\"wdb\", '\\000' <repeats 12 times>")
        #expect(text["describe_calls"] == "1")
        #expect(text["shape_calls"] == "1")
    }

    @Test func printFormats() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        let title = try s.printSource("shape->title", format: .hex)
        #expect(try s.printSource("*shape", format: .hex) == "{color = 0x6, corners = {{x = 0x0, y = 0x0}, {x = 0x4, y = 0x0}, {x = 0x4, y = 0x3}, {x = 0x0, y = 0x3}}, "
            + "label = {0x62, 0x6f, 0x78, 0x0 <repeats 13 times>}, title = \(title), weight = {i = 0x7, f = 0x7, bytes = {0x7, 0x0, 0x0, 0x0}}, "
            + "flags = {ready = 0x1, mode = 0x5, count = 0x12c, sign = 0xfffffffe}, op = 0x1}")
        #expect(try s.printSource("shape->weight", format: .float) == "{i = 9.80908925e-45, f = 9.80908925e-45, bytes = {7, 0, 0, 0}}")
        #expect(try s.printSource("shape->label", format: .decimal) == "{98, 111, 120, 0 <repeats 13 times>}")
        #expect(try s.printSource("shape->corners", format: .character)
                == "{{x = 0 '\\000', y = 0 '\\000'}, {x = 4 '\\004', y = 0 '\\000'}, {x = 4 '\\004', y = 3 '\\003'}, {x = 0 '\\000', y = 3 '\\003'}}")
        #expect(try s.printSource("shape->color", format: .decimal) == "6")
        #expect(try s.printSource("65", format: .character) == "65 'A'")
        #expect(try s.printSource("300", format: .character) == "44 ','")
        #expect(try s.printSource("10", format: .binary) == "1010")
        #expect(try s.printSource("8", format: .octal) == "010")
        #expect(try s.printSource("0", format: .octal) == "0")
        #expect(try s.printSource("-1", format: .hex) == "0xffffffff")
        #expect(try s.printSource("-1", format: .unsigned) == "4294967295")
        #expect(try s.printSource("5", format: .zeroHex) == "0x00000005")
        #expect(try s.printSource("3", format: .float) == "4.20389539e-45")
        #expect(try s.printSource("1.5", format: .hex) == "0x3ff8000000000000")
        #expect(try s.printSource("(char)200", format: .unsigned) == "200")
        #expect(try s.printSource("(unsigned char)200", format: .decimal) == "-56")
        #expect(try s.printSource("banner", format: .string) == "\"wdb\", '\\000' <repeats 12 times>")
        #expect(try s.printSource("&list_nodes[1]", format: .address).hasSuffix(" <list_nodes+8>"))
    }

    @Test func scopesAndShadowing() throws {
        // Inside the block: the inner `value` first, the parameter hidden from locals.
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "result += value;")
        #expect(try locals(s) == ["value = 6", "result = 3"])
        #expect(try args(s) == ["value = 3"])
        #expect(try s.printSource("value") == "6")
        // Innermost block first, as gdb lists them.
        let p = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "total += (dx < 0 ? -dx : dx)")
        let lines = try locals(p)
        #expect(lines.map { String($0.prefix { $0 != " " }) } == ["from", "to", "dx", "dy", "i", "total"])
        #expect(lines.suffix(4) == ["dx = 4", "dy = 0", "i = 0", "total = 0"])
        #expect(try p.printSource("*from") == "{x = 0, y = 0}")
        #expect(try p.printSource("*to") == "{x = 4, y = 0}")
        #expect(try p.printSource("to - from") == "1")
        #expect(try p.printSource("to->x - from->x == dx") == "1")
        #expect(try args(p).last == "count = 4")
        let c = try sessionStopped("c-O0-dwarf4.wasm", at: "primes.c", containing: " count++;", hits: 2)
        #expect(try locals(c) == ["candidate = 3", "count = 1"])
        #expect(try args(c) == ["limit = 30"])
        #expect(try c.formattedSourceVariables(arguments: true, inlineDepth: 0) == ["limit = 30"])
    }

    @Test func mainBeforeDescribe() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "primes.c", containing: "int described = describe(&shape);")
        let lines = try locals(s)
        #expect(lines.first == "limit = 30")
        #expect(lines.contains("primes = 10") && lines.contains("fact = 120") && lines.contains("sum = 45"))
        let shape = try #require(lines.first { $0.hasPrefix("shape = ") })
        #expect(shape.hasPrefix("shape = {color = BLUE, corners = {{x = 0, y = 0}, {x = 4, y = 0}, {x = 4, y = 3}, {x = 0, y = 3}}, label = \"box\", '\\000' <repeats 12 times>, title = 0x"))
        #expect(shape.hasSuffix(" \"a box\", weight = {i = 7, f = 9.80908925e-45, bytes = \"\\a\\000\\000\"}, flags = {ready = 1, mode = 5, count = 300, sign = -2}, op = 0x0}"))
        #expect(try args(s) == ["No arguments."])
    }

    @Test func literalsArithmeticAndConversions() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "primes.c", containing: "return total;")
        let cases: [(String, String)] = [
            ("total", "45"), ("n", "10"), ("total / 2", "22"), ("-total % 7", "-3"), ("total / 2.0", "22.5"),
            ("1.0/3", "0.33333333333333331"), ("10/3.0f", "3.33333325"), ("0.1", "0.10000000000000001"), ("1.5 + 1", "2.5"),
            ("'A'", "65 'A'"), ("'A' + 1", "66"), ("'\\n'", "10 '\\n'"), ("'\\0'", "0 '\\000'"), ("\"hi\"", "\"hi\""),
            ("sizeof(\"hi\")", "3"), ("3u - 4", "4294967295"), ("-1 >> 1", "-1"), ("1 << 33", "0"), ("~0", "-1"), ("!5", "0"),
            ("1 == 1", "1"), ("2147483647 + 1", "-2147483648"), ("2147483648", "2147483648"), ("0x80000000 > 0", "1"),
            ("-2147483648 < 0", "1"), ("(char)65", "65 'A'"), ("(short)-1", "-1"), ("(unsigned char)300", "44 ','"),
            ("(float)1/3", "0.333333343"), ("(double)1/3", "0.33333333333333331"), ("(long)5", "5"), ("(_Bool)7", "true"),
            ("1 ? 2 : 3", "2"), ("0 || total", "1"), ("total && 0", "0"), ("(total > 40) + (n < 5)", "1"),
            ("07", "7"), ("0x1f", "31"), ("10000000000", "10000000000"), ("1e300 * 1e300", "inf"), ("-(1e300 * 1e300)", "-inf"),
            ("100.0", "100"), ("1e20", "1e+20"), ("1e-5", "1.0000000000000001e-05"), ("-0.0", "-0"),
        ]
        for (expression, expected) in cases {
            #expect(try s.printSource(expression) == expected, "\(expression)")
        }
        let types: [(String, String)] = [
            ("total", "int"), ("1.5f", "float"), ("1.5", "double"), ("'a'", "char"), ("2147483648", "long long"),
            ("0x80000000", "unsigned int"), ("4294967296", "long long"), ("1 == 1", "int"), ("sizeof(int)", "int"),
            ("\"hi\"", "char [3]"), ("(char)1", "char"), ("3u + 1", "unsigned int"), ("1LL + 1", "long long"), ("(long)1 - 2", "int"),
            ("&total", "int *"), ("*&total", "int"),
        ]
        for (expression, expected) in types {
            #expect(try s.whatisSource(expression) == "type = " + expected, "\(expression)")
        }
    }

    @Test func errorsInGdbWords() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        let cases: [(String, String)] = [
            ("foo", "No symbol \"foo\" in current context."),
            ("*(int *)0xfffffff0", "Cannot access memory at address 0xfffffff0"),
            ("*shape->weight", "Attempt to take contents of a non-pointer value."),
            ("shape->z", "There is no member named z."),
            ("shape->corners[0].z", "There is no member named z."),
            ("edges.x", "Attempt to extract a component of a value that is not a structure."),
            ("&5", "Attempt to take address of value not located in memory."),
            ("edges[1]", "cannot subscript something of type `int'"),
            ("1 / 0", "Division by zero"),
            ("*shape + 1", "Argument to arithmetic operation not a number or boolean."),
            ("(", "A syntax error in expression, near `'."),
            ("1 +", "A syntax error in expression, near `'."),
            ("1 2", "A syntax error in expression, near `2'."),
            ("", "Argument required (expression to compute)."),
            ("99999999999999999999999", "Numeric constant too large."),
            ("'", "Unmatched single quote."),
            ("\"abc", "Unterminated string in expression."),
            ("(struct nosuch *)0", "No symbol \"nosuch\" in current context."),
            ("edges = ", "A syntax error in expression, near `'."),
            ("5 = 3", "Left operand of assignment is not an lvalue."),
        ]
        for (expression, message) in cases {
            #expect(throws: DebuggerError(message), "\(expression)") { try s.printSource(expression) }
        }
        // Before the program runs, locals do not exist but globals do.
        let idle = DebugSession()
        try idle.load(path: dwarfFixturePath("c-O0-dwarf5.wasm"))
        #expect(try idle.printSource("prime_limit") == "30")
        #expect(throws: DebuggerError("No frame selected.")) { try idle.sourceVariables(arguments: false) }
        #expect(throws: DebuggerError("No symbol \"edges\" in current context.")) { try idle.printSource("edges") }
    }

    @Test func assignments() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        #expect(try s.setSourceVariable("edges = 5").bytes == [5, 0, 0, 0])
        #expect(try s.printSource("edges") == "5")
        #expect(try s.printSource("edges += 2") == "7")
        try s.setSourceVariable("shape->corners[1].x = 9")
        #expect(try s.printSource("shape->corners[1]") == "{x = 9, y = 0}")
        try s.setSourceVariable("shape->flags.mode = 3")
        try s.setSourceVariable("shape->flags.sign = -8")
        #expect(try s.printSource("shape->flags") == "{ready = 1, mode = 3, count = 300, sign = -8}")
        try s.setSourceVariable("shape->flags.count = 4097")   // 12 bits keep 1
        #expect(try s.printSource("shape->flags") == "{ready = 1, mode = 3, count = 1, sign = -8}")
        try s.setSourceVariable("*shape->title = 'A'")
        #expect(try s.printSource("shape->title").hasSuffix(" \"A box\""))
        try s.setSourceVariable("banner[0] = 'W'")
        #expect(try s.printSource("banner") == "\"Wdb\", '\\000' <repeats 12 times>")
        try s.setSourceVariable("prime_limit = 1.9")
        #expect(try s.printSource("prime_limit") == "1")
        try s.setSourceVariable("shape->color = GREEN")
        #expect(try s.printSource("shape->color") == "GREEN")
        try s.setSourceVariable("weight.f = 1.5")
        #expect(try s.printSource("weight") == "{i = 1069547520, f = 1.5, bytes = \"\\000\\000\\300?\"}")
        #expect(throws: DebuggerError("use set var LVALUE = EXPR")) { try s.setSourceVariable("edges") }
        #expect(throws: DebuggerError("Left operand of assignment is not an lvalue.")) { try s.setSourceVariable("edges + 1 = 2") }
        // `sizeof` and `whatis` never write.
        #expect(try s.printSource("sizeof(edges = 100)") == "4")
        #expect(try s.whatisSource("edges = 100") == "type = int")
        #expect(try s.printSource("edges") == "7")
    }

    @Test func ptypeAndWhatis() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        #expect(try s.ptypeSource("struct point") == "type = struct point {\n    int x;\n    int y;\n}")
        #expect(try s.ptypeSource("point_t") == "type = struct point {\n    int x;\n    int y;\n}")
        #expect(try s.ptypeSource("shape->corners") == "type = struct point {\n    int x;\n    int y;\n} [4]")
        #expect(try s.ptypeSource("shape") == "type = struct shape {\n    enum color color;\n    point_t corners[4];\n    char label[16];\n"
            + "    const char *title;\n    union number weight;\n    struct flags flags;\n    binary_op op;\n} *")
        #expect(try s.ptypeSource("shape->op") == "type = int (*)(int, int)")
        #expect(try s.ptypeSource("enum color") == "type = enum color {RED, GREEN = 5, BLUE}")
        #expect(try s.ptypeSource("unsigned int") == "type = unsigned int")
        #expect(try s.whatisSource("shape->corners") == "type = point_t [4]")
        #expect(try s.whatisSource("shape->op") == "type = binary_op")
        #expect(try s.whatisSource("binary_op") == "type = int (*)(int, int)")
        #expect(try s.whatisSource("point_t") == "type = struct point")
        #expect(try s.whatisSource("struct point") == "type = struct point")
        #expect(try s.whatisSource("list_nodes") == "type = struct node [3]")
        #expect(try s.whatisSource("&matrix") == "type = int (*)[2][3]")
        #expect(try s.whatisSource("matrix[0]") == "type = int [3]")
        #expect(try s.whatisSource("&list_nodes[1] - &list_nodes[0]") == "type = long")
        #expect(try s.whatisSource("(struct point *)shape") == "type = struct point *")
        #expect(try s.printSource("((struct point *)shape)->y") == "0")
    }

    @Test func watchpointHook() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        let place = try s.sourceLvalue("shape->corners[2].y")
        #expect(place.size == 4 && typeName(place.type) == "int")
        #expect(try s.readMemory(place.address, count: 4) == [3, 0, 0, 0])
        let whole = try s.sourceLvalue("*shape")
        #expect(whole.size == 68 && place.address == whole.address + 4 + 2 * 8 + 4)
        #expect(s.formatSourceBytes([7, 0, 0, 0], type: place.type) == "7")
        #expect(s.formatSourceBytes([1, 2, 3, 4, 5, 6, 7, 8], type: try s.sourceLvalue("shape->corners[0]").type) == "{x = 67305985, y = 134678021}")
        #expect(throws: DebuggerError("Cannot watch constant value `edges + 1'.")) { try s.sourceLvalue("edges + 1") }
        #expect(throws: DebuggerError("Cannot watch a bit field: watch the struct that holds it.")) { try s.sourceLvalue("shape->flags.mode") }
        // `finish` shows the Wasm result in the function's C type.
        let info = try #require(s.debugInfo)
        let describe = try #require(info.functions(named: "describe").first)
        let value = try #require(s.sourceReturnValue(of: describe, results: [.i32(UInt32(bitPattern: -3))]))
        #expect(s.formatSourceValue(value) == "-3")
    }
}
