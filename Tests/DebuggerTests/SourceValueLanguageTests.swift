import Testing
import DebugInfo
@testable import Debugger

/// C++ and Rust values, optimized code's location lists, and inputs that must fail cleanly.
@Suite struct SourceValueLanguageTests {
    @Test func cPlusPlusClassesAndReferences() throws {
        for fixture in ["cpp-O0-dwarf4.wasm", "cpp-O0-dwarf5.wasm"] {
            let grow = try sessionStopped(fixture, at: "rect.cpp", containing: "width_ += by;")
            let args = try grow.formattedSourceVariables(arguments: true)
            #expect(args.count == 2 && args[0].hasPrefix("this = 0x") && args[1].hasPrefix("by = @0x") && args[1].hasSuffix(": 2"))
            #expect(try grow.formattedSourceVariables(arguments: false) == ["No locals."])
            #expect(try grow.printSource("*this") == "{origin_ = {x = 1, y = 2}, width_ = 3, height_ = 4}")
            #expect(try grow.printSource("this").hasPrefix("(geo::Rect *) 0x"))
            #expect(try grow.printSource("by").hasPrefix("(const int &) @0x"))
            // Members of `this` by their bare names, and references in arithmetic.
            #expect(try grow.printSource("width_ + by") == "5")
            #expect(try grow.printSource("origin_") == "{x = 1, y = 2}")
            #expect(try grow.printSource("width_ == 3") == "true")
            #expect(try grow.whatisSource("width_ == 3") == "type = bool")
            #expect(try grow.whatisSource("by") == "type = const int &")
            try grow.setSourceVariable("height_ = 40")
            #expect(try grow.printSource("this->height_") == "40")

            let main = try sessionStopped(fixture, at: "rect.cpp", containing: "int best = geo::largest(numbers, 3);")
            let locals = try main.formattedSourceVariables(arguments: false)
            #expect(locals.first == "rect = {origin_ = {x = 1, y = 2}, width_ = 5, height_ = 6}")
            #expect(locals.contains("growth = 2") && locals.contains("numbers = {3, 9, 4}") && locals.contains("reals = {1.5, 0.5}"))
            let alias = try #require(locals.first { $0.hasPrefix("alias = ") })
            #expect(alias.hasPrefix("alias = @0x") && alias.hasSuffix(": 2"))
            #expect(try main.printSource("alias").hasPrefix("(int &) @0x"))
            #expect(try main.printSource("&alias") == "(int *) " + alias.dropFirst("alias = @".count).prefix { $0 != ":" })
            #expect(try main.printSource("rect", format: .hex) == "{origin_ = {x = 0x1, y = 0x2}, width_ = 0x5, height_ = 0x6}")
            #expect(try main.printSource("sizeof(alias)") == "4")
            #expect(try main.ptypeSource("geo::Point") == "type = struct geo::Point {\n    int x;\n    int y;\n}")
            #expect(try main.whatisSource("rect") == "type = geo::Rect")
        }
    }

    @Test func rustStructsEnumsStringsSlices() throws {
        let start = try sessionStopped("rust-O0.wasm", at: "inventory.rs", containing: "let code = total_count")
        let locals = try start.formattedSourceVariables(arguments: false)
        #expect(locals.contains("label = \"apple\""))
        #expect(locals.contains("sum = 9"))
        #expect(locals.contains("position = 2"))
        #expect(locals.contains("numbers = [5, 8, 13, 21]"))
        #expect(locals.contains("shapes = [inventory::Shape::Circle(1), inventory::Shape::Rect{w: 2, h: 3}, inventory::Shape::Empty]"))
        #expect(locals.contains("items = [inventory::Item {name: \"apple\", count: 3, price: 0.5}, inventory::Item {name: \"pear\", count: 4, price: 0.75}]"))
        #expect(try start.printSource("items[1].price * 4") == "3")
        #expect(try start.printSource("numbers", format: .hex) == "[0x5, 0x8, 0xd, 0x15]")
        #expect(try start.printSource("&items[0]").hasPrefix("(*mut inventory::Item) 0x"))
        #expect(try start.whatisSource("label") == "type = &str")

        let total = try sessionStopped("rust-O0.wasm", at: "inventory.rs", containing: "total += item.count;")
        #expect(try total.formattedSourceVariables(arguments: true)
                == ["items = &[inventory::Item] [inventory::Item {name: \"apple\", count: 3, price: 0.5}, inventory::Item {name: \"pear\", count: 4, price: 0.75}]"])
        #expect(try total.printSource("items[1]") == "inventory::Item {name: \"pear\", count: 4, price: 0.75}")
        #expect(try total.printSource("*item") == "inventory::Item {name: \"apple\", count: 3, price: 0.5}")
        #expect(try total.printSource("item->name") == "\"apple\"")
        #expect(throws: DebuggerError("Attempt to take contents of a non-pointer value.")) { try total.printSource("*items") }

        let area = try sessionStopped("rust-O0.wasm", at: "inventory.rs", containing: "match shape {", hits: 2)
        #expect(try area.printSource("*shape") == "inventory::Shape::Rect{w: 2, h: 3}")
        #expect(try area.printSource("shape").hasPrefix("(*mut inventory::Shape) 0x"))
    }

    @Test func optimizedCodeLocationLists() throws {
        // -O2: a parameter in a Wasm local (through a location list) and locals gone here.
        for fixture in ["c-O2-dwarf4.wasm", "c-O2-dwarf5.wasm"] {
            let s = try sessionStopped(fixture, at: "shapes.c", containing: "int dx = to->x - from->x;")
            let args = try s.formattedSourceVariables(arguments: true)
            #expect(args.count == 2 && args[0].hasPrefix("corners = 0x") && args[1] == "count = 4")
            #expect(try s.printSource("*corners") == "{x = 0, y = 0}")
            #expect(try s.printSource("corners[2]") == "{x = 4, y = 3}")
            let locals = try s.formattedSourceVariables(arguments: false)
            #expect(locals.contains("total = <optimized out>"))
            #expect(try s.printSource("total") == "<optimized out>")
            #expect(throws: DebuggerError("value has been optimized out")) { try s.printSource("total + 1") }
            // A computed value lives nowhere: it cannot be assigned or watched.
            #expect(throws: DebuggerError("Left operand of assignment is not an lvalue.")) { try s.setSourceVariable("count = 3") }
            #expect(throws: DebuggerError("Cannot watch constant value `count'.")) { try s.sourceLvalue("count") }

            let d = try sessionStopped(fixture, at: "shapes.c", containing: "int bonus = shape->op(edges, nodes);")
            #expect(try d.formattedSourceVariables(arguments: false).first == "describe_calls = 1")
        }
    }

    @Test func inlinedCalls() throws {
        // -O2: `square` is inlined into `is_prime`, itself inlined: each call has its own variables.
        let s = try sessionStopped("c-O2-dwarf5.wasm", at: "primes.c", containing: "static inline int square")
        let offset = try #require(try s.frame().position?.position.fileOffset)
        let chain = try #require(s.debugInfo?.inlinedChain(at: offset))
        // The breakpoint's address is inside at least one inlined call; each depth shows that
        // call's parameters, and past the chain the containing function's.
        #expect(!chain.isEmpty)
        let parameters = ["square": ["x"], "is_prime": ["n"], "count_primes": ["limit"], "main": []]
        for (depth, call) in chain.enumerated() {
            #expect(try s.sourceVariables(arguments: true, inlineDepth: depth).map(\.name) == parameters[call.name], "\(call.name)")
        }
        let function = try #require(s.debugInfo?.function(containing: offset))
        #expect(try s.sourceVariables(arguments: true, inlineDepth: chain.count).map(\.name) == parameters[function.name])
    }

    @Test func nestingIsBounded() throws {
        let s = try sessionStopped("c-O0-dwarf5.wasm", at: "shapes.c", containing: "if (shape->color == BLUE)")
        let tooDeep = DebuggerError("Expression nested too deeply (more than \(maximumExpressionNesting) levels).")
        #expect(throws: tooDeep) { try s.printSource(String(repeating: "(", count: 3000) + "1" + String(repeating: ")", count: 3000)) }
        #expect(throws: tooDeep) { try s.printSource(String(repeating: "!", count: 100_000) + "1") }
        #expect(throws: tooDeep) { try s.printSource(Array(repeating: "1", count: 60_000).joined(separator: "+")) }
        #expect(throws: tooDeep) { try s.printSource(String(repeating: "-", count: 5000) + "edges") }
        #expect(throws: tooDeep) { try s.printSource("edges" + String(repeating: "[0]", count: 3000)) }
        #expect(throws: tooDeep) { try s.printSource(String(repeating: "*", count: 3000) + "shape") }
        // Just under the limits still works, however the levels are made.
        #expect(try s.printSource(String(repeating: "1*(", count: 250) + "2" + String(repeating: ")", count: 250)) == "2")
        #expect(try s.printSource(String(repeating: "-(", count: 120) + "2" + String(repeating: ")", count: 120)) == "2")
        #expect(try s.printSource(String(repeating: "sizeof (", count: 120) + "2" + String(repeating: ")", count: 120)) == "4")
        #expect(try s.printSource(String(repeating: "(", count: 200) + "edges" + String(repeating: ")", count: 200)) == "14")
        #expect(try s.printSource(String(repeating: "!", count: 200) + "edges") == "1")
        #expect(try s.printSource(Array(repeating: "1", count: 200).joined(separator: "+")) == "200")
    }

    @Test func typeCyclesInDwarfEnd() throws {
        // typedef A -> typedef B -> typedef A, and a struct S whose member is an S by value.
        var abbrev: [UInt8] = [1, 0x11, 1, 0x13, 0x05, 0, 0]
        abbrev += [2, 0x16, 0, 0x03, 0x08, 0x49, 0x13, 0, 0]
        abbrev += [3, 0x13, 1, 0x03, 0x08, 0x0b, 0x0b, 0, 0]
        abbrev += [4, 0x0d, 0, 0x03, 0x08, 0x49, 0x13, 0x38, 0x0b, 0, 0, 0]
        var body: [UInt8] = [4, 0, 0, 0, 0, 0, 4]                 // version 4, abbrev offset 0, address size 4
        body += [1, 0x0c, 0x00]                                    // CU at 11 (C99)
        body += [2, 0x41, 0] + [21, 0, 0, 0]                       // 14: typedef A -> 21
        body += [2, 0x42, 0] + [14, 0, 0, 0]                       // 21: typedef B -> 14
        body += [3, 0x53, 0, 4]                                    // 28: struct S, 4 bytes
        body += [4, 0x6d, 0] + [28, 0, 0, 0] + [0]                 // 32: member m: S at 0
        body += [0, 0]
        let info = [UInt8(body.count), 0, 0, 0] + body
        let dwarf = DebugInfo(sections: [".debug_info": info, ".debug_abbrev": abbrev], codeSectionPayloadOffset: 0)
        let session = DebugSession()
        let a = try #require(dwarf.type(named: "A"))
        #expect(a.sizeInBytes == 0)
        #expect(!session.formatSourceValue(SourceValue(type: a, bytes: [1, 0, 0, 0])).isEmpty)
        let s = try #require(dwarf.type(named: "struct S"))
        let text = session.formatSourceValue(SourceValue(type: s, bytes: [1, 0, 0, 0]))
        #expect(text.hasPrefix("{m = {m = ") && text.contains("{...}"))
        #expect(session.formatSourceValue(SourceValue(type: s, bytes: [1, 0, 0, 0]), format: .hex).contains("{...}"))
    }
}
