import Testing
@testable import DebugInfo

@Suite struct FunctionTests {
    @Test func cFunctionsByNameAndAddress() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        let base = info.codeSectionPayloadOffset
        let found = info.functions(named: "is_prime")
        #expect(found.count == 1)
        let isPrime = try #require(found.first)
        #expect(isPrime.lowPC == base + 0x1f)
        #expect(isPrime.highPC == base + 0x15f)
        #expect(isPrime.declFile == "primes.c")
        #expect(isPrime.declLine == 9)
        #expect(isPrime.prologueEnd == base + 0x44)
        #expect(isPrime.frameBase?.description == "DW_OP_WASM_location 0x0 0x3, DW_OP_stack_value")
        #expect(info.function(containing: isPrime.lowPC + 10) == isPrime)
        #expect(info.function(containing: isPrime.highPC)?.name != "is_prime")
        #expect(Set(info.allFunctionNames).isSuperset(of: ["is_prime", "count_primes", "factorial", "sum_below", "main",
                                                           "perimeter", "list_length", "describe", "add", "square"]))
        #expect(info.functions(named: "nosuch").isEmpty)
        // libc's units are DWARF 4 in a DWARF 5 module; they are read too.
        #expect(info.functions(named: "memcpy").first?.declFile == "libc-top-half/musl/src/string/memcpy.c")
    }

    @Test func cPlusPlusNamesQualifiedAndLinkage() throws {
        for fixture in ["cpp-O0-dwarf4.wasm", "cpp-O0-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            let area = info.functions(named: "Rect::area")
            #expect(area.count == 1, "\(fixture)")
            #expect(area.first?.qualifiedName == "geo::Rect::area")
            #expect(area.first?.linkageName == "_ZNK3geo4Rect4areaEv")
            #expect(info.functions(named: "geo::Rect::area") == area)
            #expect(info.functions(named: "_ZNK3geo4Rect4areaEv") == area)
            #expect(info.functions(named: "area") == area)
            #expect(area.first?.declLine == 24)
            // A template: both instances, by plain or qualified name, or by one instance's name.
            #expect(Set(info.functions(named: "largest").map(\.qualifiedName)) == ["geo::largest<int>", "geo::largest<double>"])
            #expect(info.functions(named: "geo::largest<double>").count == 1)
            #expect(info.functions(named: "Rect::grow").first?.declFile == "rect.cpp")
            // "ect::area" is not a component suffix.
            #expect(info.functions(named: "ect::area").isEmpty)
        }
    }

    @Test func rustFunctionsInModules() throws {
        let info = try Fixture.debugInfo("rust-O0.wasm")
        let find = info.functions(named: "panic::find")
        #expect(find.count == 1)
        #expect(find.first?.qualifiedName == "inventory::panic::find")
        #expect(find.first?.declFile == "inventory.rs")
        #expect(find.first?.declLine == 7)
        #expect(find.first?.linkageName?.hasPrefix("_ZN9inventory5panic4find17h") == true)
        #expect(info.functions(named: "inventory::area").count == 1)
        #expect(info.functions(named: "_start").count == 1)
        // The prologue ends on the first line of the body.
        let prologue = try #require(find.first?.prologueEnd)
        #expect(info.location(at: prologue)?.line == 8)
    }

    @Test func inlinedCallsAtO2() throws {
        for fixture in ["c-O2-dwarf4.wasm", "c-O2-dwarf5.wasm"] {
            let info = try Fixture.debugInfo(fixture)
            // is_prime, count_primes, factorial and sum_below were all inlined into main and
            // their own copies removed by the linker.
            #expect(info.functions(named: "is_prime").isEmpty, "\(fixture)")
            let line = try Fixture.line(of: "primes.c", containing: "if (n % d == 0)")
            let matches = info.addresses(forFile: "primes.c", line: line)
            #expect(matches.count == 1, "\(fixture): \(matches)")
            let offset = try #require(matches.first?.fileOffset)
            #expect(info.function(containing: offset)?.name == "main")
            let chain = info.inlinedChain(at: offset)
            #expect(chain.map(\.name) == ["is_prime", "count_primes"], "\(fixture)")
            #expect(chain.first?.callFile == "primes.c")
            #expect(chain.first?.callLine == 23)
            #expect(chain.last?.callLine == 45)
            // Outside inlined code the chain is empty.
            let main = try #require(info.functions(named: "main").first)
            #expect(info.inlinedChain(at: main.lowPC).isEmpty)
        }
    }
}
