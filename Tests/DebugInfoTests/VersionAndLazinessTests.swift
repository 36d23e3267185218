import Testing
@testable import DebugInfo

@Suite struct VersionAndLazinessTests {
    /// Everything a debugger asks, in a form that does not depend on the DWARF version: code
    /// addresses (not file offsets), names, lines, variables with types, type bodies.
    func answers(_ info: DebugInfo) -> [String] {
        var out: [String] = []
        let base = info.codeSectionPayloadOffset
        for name in info.allFunctionNames {
            for f in info.functions(named: name) where f.qualifiedName == name {
                out.append("\(name) \(f.lowPC - base) \(f.highPC - base) \(f.prologueEnd - base) \(f.declFile ?? "-"):\(f.declLine ?? 0)")
                for row in info.lineTableRows(inFunctionAt: f.lowPC) {
                    let location = info.location(at: row.fileOffset)
                    out.append("  \(row.fileOffset - base) \(row.line):\(row.column) \(row.isStatement) \(location?.description ?? "-")")
                    let variables = info.variables(in: f, at: row.fileOffset)
                    out.append("    " + variables.map { "\($0.name): \($0.type.map(typeName) ?? "?") \($0.location == nil)" }.joined(separator: ", "))
                    out.append("    " + info.inlinedChain(at: row.fileOffset).map { "\($0.name)@\($0.callLine ?? 0)" }.joined(separator: " "))
                }
            }
        }
        for file in ["primes.c", "shapes.c", "rect.cpp"] {
            for line in 1...60 {
                out.append("\(file):\(line) " + info.addresses(forFile: file, line: line).map { "\($0.line)@\($0.fileOffset - base)" }.joined(separator: " "))
            }
        }
        for type in ["struct shape", "struct flags", "union number", "enum color", "geo::Rect", "geo::Point"] {
            out.append(info.type(named: type).map(ptypeText) ?? "no \(type)")
        }
        out.append(info.globalVariables(named: nil).map { "\($0.qualifiedName): \($0.type.map(typeName) ?? "?")" }.joined(separator: ", "))
        return out
    }

    @Test func dwarf4AndDwarf5GiveTheSameAnswers() throws {
        for (four, five) in [("c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm"), ("c-O2-dwarf4.wasm", "c-O2-dwarf5.wasm"),
                             ("cpp-O0-dwarf4.wasm", "cpp-O0-dwarf5.wasm")] {
            let a = answers(try Fixture.debugInfo(four)), b = answers(try Fixture.debugInfo(five))
            #expect(a.count == b.count && a.count > 100, "\(four)")
            for (x, y) in zip(a, b) where x != y {
                Issue.record("\(four) vs \(five):\n  \(x)\n  \(y)")
                break
            }
        }
    }

    @Test func constructionParsesNothing() throws {
        let info = try Fixture.debugInfo("c-O0-dwarf5.wasm")
        #expect(info.parsedUnitCount == 0)
        // Line questions read line programs and unit DIEs, never whole units.
        _ = info.location(at: info.codeSectionPayloadOffset + 0x44)
        _ = info.sourceFiles
        #expect(info.parsedUnitCount == 0)
        // One function lookup by address parses the one unit that covers it.
        #expect(info.function(containing: info.codeSectionPayloadOffset + 0x44)?.name == "is_prime")
        #expect(info.parsedUnitCount == 1)
        _ = info.function(containing: info.codeSectionPayloadOffset + 0x50)
        #expect(info.parsedUnitCount == 1)
        // A question by name needs every unit.
        _ = info.functions(named: "describe")
        #expect(info.parsedUnitCount == 8)
        #expect(info.warnings.isEmpty)
    }

    @Test func moduleWithoutDebugInfo() throws {
        var module = try Fixture.module("c-O0-dwarf5.wasm")
        module.customSections.removeAll { $0.name == ".debug_info" }
        #expect(DebugInfo(module: module) == nil)
        let empty = DebugInfo(sections: [:], codeSectionPayloadOffset: 0)
        #expect(empty.sourceFiles.isEmpty && empty.allFunctionNames.isEmpty && empty.location(at: 100) == nil)
        #expect(empty.warnings.isEmpty)
    }
}
