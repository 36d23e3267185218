import Testing
@testable import Debugger

/// `info line`'s rows: one line-table row, as gdb reports it.
@Suite struct SourceLineRangeTests {
    @Test func rowsOfALineAFunctionAndAnOffset() throws {
        let session = DebugSession()
        try session.load(path: dwarfFixturePath("c-O0-dwarf5.wasm"))
        let function = try #require(session.resolveLocations("count_primes").first)
        // `break count_primes` lands on line 21; `info line count_primes` names the opening line.
        #expect(function.source?.line == 21)
        let entry = try #require(session.sourceLineRange(of: function, query: .functionEntry))
        #expect(entry.line == 20 && entry.startLabel == "$count_primes" && entry.end == function.position.fileOffset)
        let body = try #require(session.sourceLineRange(of: function, query: .line))
        #expect(body.line == 21 && body.start == function.position.fileOffset && body.end > body.start)

        // Line 38 (the `for`) has code in several places: FILE:LINE is its lowest row, an
        // offset inside the increment is that row.
        let loop = try #require(session.resolveLocations("primes.c:38").first)
        let first = try #require(session.sourceLineRange(of: loop, query: .line))
        #expect(first.line == 38 && first.startLabel.hasPrefix("$sum_below+0x"))
        let increment = try #require(session.resolveLocations("*0x442").first)
        let row = try #require(session.sourceLineRange(of: increment, query: .containingOffset))
        #expect(row.line == 38 && row.start <= 0x442 && 0x442 < row.end && row.start > first.start)
    }
}
