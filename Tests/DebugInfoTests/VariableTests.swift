import Testing
import WasmCore
@testable import DebugInfo

@Suite struct VariableTests {
    /// A frame whose every local holds `value` (the frame pointer local's number is the
    /// producer's choice; the expression names it).
    func frame(allLocals value: UInt64) -> FakeFrame {
        FakeFrame(locals: Dictionary(uniqueKeysWithValues: (0..<32).map { (UInt32($0), value) }))
    }

    @Test func parametersAndLocalsAtO0() throws {
        for fixture in ["c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            let isPrime = try #require(info.functions(named: "is_prime").first)
            let n = try #require(info.variables(in: isPrime, at: isPrime.prologueEnd).first)
            #expect(n.name == "n" && n.isParameter && n.declLine == 9)
            #expect(n.type.map(typeName) == "int")
            #expect(n.location?.description == "DW_OP_fbreg +8")
            #expect(try info.evaluate(try #require(n.location), frame: frame(allLocals: 0x1_0000)) == .memory(address: 0x1_0008))

            // In count_primes, `candidate` belongs to the loop's block: visible inside it only.
            let countPrimes = try #require(info.functions(named: "count_primes").first)
            #expect(info.variables(in: countPrimes, at: countPrimes.prologueEnd).map(\.name) == ["limit", "count"])
            let call = try Fixture.line(of: "primes.c", containing: "if (is_prime(candidate))")
            let inLoop = try #require(info.addresses(forFile: "primes.c", line: call).first?.fileOffset)
            let visible = info.variables(in: countPrimes, at: inLoop)
            #expect(visible.map(\.name) == ["limit", "count", "candidate"])
            #expect(visible.map(\.isParameter) == [true, false, false])
            #expect(visible[1].location?.description == "DW_OP_fbreg +8")
            #expect(visible[2].location?.description == "DW_OP_fbreg +4")
            #expect(visible[2].declLine == 22)
        }
    }

    @Test func innerScopesHideOuterNames() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        let function = try #require(info.functions(named: "shadowing").first)
        let line = try Fixture.line(of: "shapes.c", containing: "result += value;")
        let inner = try #require(info.addresses(forFile: "shapes.c", line: line).first?.fileOffset)
        let visible = info.variables(in: function, at: inner)
        #expect(visible.map(\.name) == ["result", "value"])
        #expect(visible.last?.isParameter == false)
        #expect(visible.last?.declLine == (try Fixture.line(of: "shapes.c", containing: "int value = result * 2;")))
        // Outside the block the parameter is back.
        #expect(info.variables(in: function, at: function.prologueEnd).map(\.name) == ["value", "result"])
    }

    @Test func globalsAndStatics() throws {
        for fixture in ["c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm", "c-O2-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            let module = try Fixture.module(fixture)
            let limit = try #require(info.globalVariables(named: "prime_limit").first)
            #expect(limit.type.map(typeName) == "int")
            guard case .memory(let address) = try info.evaluate(try #require(limit.location), frame: FakeFrame()) else {
                Issue.record("prime_limit is not in memory"); continue
            }
            // The data segment at that address holds the initial value 30.
            #expect(initialBytes(module, at: address, count: 4) == [30, 0, 0, 0], "\(fixture)")
            let banner = try #require(info.globalVariables(named: "banner").first)
            #expect(banner.type.map(typeName) == "char [16]")
            guard case .memory(let bannerAddress) = try info.evaluate(try #require(banner.location), frame: FakeFrame()) else { continue }
            #expect(initialBytes(module, at: bannerAddress, count: 4) == Array("wdb\0".utf8))
            // A function's static, by plain or qualified name; file statics too.
            #expect(info.globalVariables(named: "describe::describe_calls").count == 1)
            #expect(info.globalVariables(named: "describe_calls").first?.qualifiedName == "describe::describe_calls")
            #expect(info.globalVariables(named: "call_count").count == 1)
            #expect(info.globalVariables(named: "matrix").first?.type.map(typeName) == "int [2][3]")
            #expect(info.globalVariables(named: "greeting").first?.type.map(typeName) == "const char *")
            // `favourite` is never used: the linker dropped it (tombstone address).
            #expect(info.globalVariables(named: "favourite").isEmpty)
            #expect(info.globalVariables(named: nil).count >= 8)
        }
    }

    func initialBytes(_ module: Module, at address: UInt64, count: Int) -> [UInt8]? {
        for segment in module.data {
            guard case .active(_, let offsetExpression) = segment.mode,
                  let first = offsetExpression.instructions.first, first.opcode == .i32Const,
                  case .i32(let start) = first.immediate else { continue }
            let base = UInt64(UInt32(bitPattern: start))
            if address >= base && address + UInt64(count) <= base + UInt64(segment.bytes.count) {
                let i = Int(address - base)
                return Array(segment.bytes[i..<i + count])
            }
        }
        return nil
    }

    @Test func locationListsAtO2() throws {
        for fixture in ["c-O2-dwarf4.wasm", "c-O2-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            let describe = try #require(info.functions(named: "describe").first)
            // The parameter lives in Wasm local 0 at entry, and later nowhere.
            let shape = try #require(info.variables(in: describe, at: describe.lowPC).first)
            #expect(shape.name == "shape" && shape.isParameter)
            #expect(shape.location?.description == "DW_OP_WASM_location 0x0 0x0, DW_OP_stack_value")
            #expect(try info.evaluate(try #require(shape.location), frame: FakeFrame(locals: [0: 0x1234])) == .value(bytes: littleEndian(0x1234)))
            let rows = info.lineTableRows(inFunctionAt: describe.lowPC)
            #expect(rows.contains { info.variables(in: describe, at: $0.fileOffset).first?.location == nil }, "\(fixture)")
            // In the copy of perimeter inlined into describe, `dy` moves between locals.
            var dyLocations: Set<String> = []
            var countValues: Set<VariableLocation> = []
            for row in rows {
                for frame in info.inlinedChain(at: row.fileOffset) where frame.name == "perimeter" {
                    let dy = info.variables(in: frame, at: row.fileOffset).first { $0.name == "dy" }
                    dyLocations.insert(dy?.location?.description ?? "optimized out")
                    // `count` is the constant 4 where it is not in a local.
                    let count = info.variables(in: frame, at: row.fileOffset).first { $0.name == "count" }
                    if let location = count?.location, let value = try? info.evaluate(location, frame: FakeFrame()) {
                        countValues.insert(value)
                    }
                }
            }
            #expect(dyLocations.isSuperset(of: ["optimized out", "DW_OP_WASM_location 0x0 0x4, DW_OP_stack_value"]), "\(dyLocations)")
            #expect(dyLocations.count >= 3)
            #expect(countValues == [.value(bytes: littleEndian(4))])
            // main's `fact` is the folded constant 120 once computed.
            let main = try #require(info.functions(named: "main").first)
            let after = try #require(info.addresses(forFile: "primes.c", line: 48).first?.fileOffset)
            let fact = try #require(info.variables(in: main, at: after).first { $0.name == "fact" })
            #expect(fact.location?.description == "DW_OP_consts +120, DW_OP_stack_value")
            #expect(try info.evaluate(try #require(fact.location), frame: FakeFrame()) == .value(bytes: littleEndian(120)))
            #expect(info.variables(in: main, at: main.lowPC).first { $0.name == "fact" }?.location == nil)
            // The frame base at O2 is the __stack_pointer global (kind 3, fixed index).
            #expect(describe.frameBase?.description == "DW_OP_WASM_location 0x3 0x0, DW_OP_stack_value")
            let limit = try #require(info.variables(in: main, at: main.prologueEnd).first { $0.name == "limit" })
            // main keeps a frame pointer in a local (its frame base names it).
            #expect(main.frameBase?.description.hasPrefix("DW_OP_WASM_location 0x0 ") == true, "\(String(describing: main.frameBase))")
            #expect(try info.evaluate(try #require(limit.location), frame: frame(allLocals: 0x2000)) == .memory(address: 0x2000 + 76))
        }
    }

    @Test func cPlusPlusAndRustVariables() throws {
        let cpp = try Fixture.debugInfo("cpp-O0-dwarf5.wasm")
        let main = try #require(cpp.functions(named: "main").first)
        let end = try #require(cpp.addresses(forFile: "rect.cpp", line: 55).first?.fileOffset)
        let types = Dictionary(uniqueKeysWithValues: cpp.variables(in: main, at: end).map { ($0.name, $0.type.map(typeName) ?? "?") })
        #expect(types == ["rect": "geo::Rect", "growth": "int", "alias": "int &", "numbers": "int [3]", "reals": "double [2]",
                          "best": "int", "bestReal": "double"])
        let area = try #require(cpp.functions(named: "Rect::area").first)
        let this = try #require(cpp.variables(in: area, at: area.prologueEnd).first)
        #expect(this.name == "this" && this.isParameter && this.type.map(typeName) == "const geo::Rect *")
        let grow = try #require(cpp.functions(named: "Rect::grow").first)
        #expect(cpp.variables(in: grow, at: grow.prologueEnd).map { $0.type.map(typeName) ?? "?" } == ["geo::Rect *", "const int &"])

        let rust = try Fixture.debugInfo("rust-O0.wasm")
        let find = try #require(rust.functions(named: "panic::find").first)
        let parameters = rust.variables(in: find, at: find.prologueEnd)
        #expect(parameters.map(\.name) == ["haystack", "needle"])
        #expect(parameters.map { $0.type.map(typeName) ?? "?" } == ["&[i32]", "i32"])
        let start = try #require(rust.functions(named: "_start").first)
        let line = try Fixture.line(of: "inventory.rs", containing: "let code = total_count")
        let late = try #require(rust.addresses(forFile: "inventory.rs", line: line).first?.fileOffset)
        let locals = Dictionary(uniqueKeysWithValues: rust.variables(in: start, at: late).map { ($0.name, $0.type.map(typeName) ?? "?") })
        #expect(locals["items"] == "[inventory::Item; 2]")
        #expect(locals["numbers"] == "[i32; 4]")
        #expect(locals["shapes"] == "[inventory::Shape; 3]")
        #expect(locals["label"] == "&str")
        #expect(locals["position"] == "usize")
    }
}
