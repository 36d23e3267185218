import Foundation
import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// Source-level debugging over the DWARF fixtures (Tests/Fixtures/dwarf, built from their
/// sources by Scripts/build-dwarf-fixtures.sh): locations, line stepping, frames.
@Suite struct SourceLevelTests {
    static func dwarfFixture(_ name: String, filePath: String = #filePath) -> String {
        var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures/dwarf/" + name
    }

    func session(_ name: String) throws -> DebugSession {
        let s = DebugSession()
        try s.load(path: Self.dwarfFixture(name))
        return s
    }

    @Test(arguments: ["c-O0-dwarf4.wasm", "c-O0-dwarf5.wasm"])
    func breakAtAFileLineStopsThereWithTheSourceView(_ fixture: String) throws {
        let s = try session(fixture)
        let bp = try s.setBreakpoint("primes.c:14")
        #expect(bp.codeLocations.first?.source?.line == 14)
        let stop = try s.run()
        #expect(stop.reason == .breakpoint(number: bp.number))
        #expect(stop.position?.source?.function == "is_prime")
        #expect(stop.position?.source?.fileAndLine == "primes.c:14")
        // The Wasm view stays: the same position in the Wasm notation.
        #expect(stop.position?.description.hasPrefix("$is_prime+0x") == true)
        let frames = s.backtrace()
        #expect(frames.map { $0.source?.function ?? "-" }.prefix(3) == ["is_prime", "count_primes", "main"])
        #expect(frames[1].source?.line == 23 && frames[2].source?.line == 45)
    }

    @Test func aBareLineAndAPathSuffixAndTheNextLineWithCode() throws {
        let s = try session("c-O0-dwarf4.wasm")
        // Line 35 is a comment: the breakpoint goes to the next line with code (gdb's rule).
        let comment = try s.setBreakpoint("primes.c:35")
        #expect(comment.codeLocations.first?.source?.line == 37)
        #expect(try s.setBreakpoint("./primes.c:30").codeLocations.first?.source?.line == 30)
        _ = try s.start()  // stopped in _start; the current file is now known from main
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("nosuch.c:3") }
    }

    @Test func breakOnASourceFunctionLandsAfterThePrologue() throws {
        let s = try session("c-O0-dwarf4.wasm")
        let main = try s.setBreakpoint("main")  // C's main is __original_main in the Wasm view
        #expect(main.codeLocations.first?.source?.function == "main")
        #expect(main.codeLocations.first?.source?.line == 44)
        let stop = try s.run()
        #expect(stop.reason == .breakpoint(number: main.number))
        #expect(stop.position?.source?.line == 44)
    }

    @Test func nextAndStepGoBySourceLine() throws {
        let s = try session("c-O0-dwarf4.wasm")
        try s.setBreakpoint("primes.c:45")
        _ = try s.run()
        var stop = try s.next()
        #expect(stop.position?.source?.line == 46)  // over count_primes
        stop = try s.step()
        // Into factorial, after its prologue, at its first line.
        #expect(stop.position?.source?.function == "factorial")
        #expect(stop.position?.source?.line == 30)
        stop = try s.next()
        #expect(stop.position?.source?.line == 32)
        // stepi stays Wasm-level: one stop point, the same line.
        let before = stop.position?.position.fileOffset
        stop = try s.stepInstruction()
        #expect(stop.position?.position.fileOffset != before)
        #expect(stop.position?.source?.line == 32)
    }

    @Test func optimizedCodeShowsInlinedCallsAsFrames() throws {
        let s = try session("c-O2-dwarf4.wasm")
        try s.setBreakpoint("primes.c:14")
        _ = try s.run()
        let frames = s.backtrace()
        #expect(frames.prefix(3).map { $0.source?.function ?? "-" } == ["is_prime", "count_primes", "main"])
        #expect(frames[0].source?.isInlined == true && frames[1].source?.isInlined == true)
        #expect(frames[2].source?.isInlined == false)
        #expect(frames[1].source?.line == 23 && frames[2].source?.line == 45)
        // All three are the same Wasm frame.
        #expect(Set(frames.prefix(3).map(\.physicalLevel)) == [0])
        try s.selectFrame(2)
        #expect(try s.frame().source?.function == "main")
    }

    @Test func cppAndRustNames() throws {
        let cpp = try session("cpp-O0-dwarf4.wasm")
        let area = try cpp.setBreakpoint("Rect::area")
        #expect(area.codeLocations.first?.source?.function == "geo::Rect::area")
        #expect(try cpp.run().position?.source?.fileAndLine == "rect.cpp:25")
        let rust = try session("rust-O0.wasm")
        let find = try rust.setBreakpoint("panic::find")
        #expect(find.codeLocations.first?.source?.function == "inventory::panic::find")
        _ = try rust.run()
        #expect(rust.backtrace().first?.source?.function == "inventory::panic::find")
        // Rust's mangled Wasm names are shown demangled.
        let index = try #require(rust.resolveLocation("panic::find").position.functionIndex as UInt32?)
        #expect(!rust.shownName(ofFunction: index).contains("_ZN"))
    }

    @Test func aModuleWithoutDwarfKeepsTheWasmView() throws {
        let s = DebugSession()
        try s.load(path: fixturePath("calls.wat"))
        #expect(s.debugInfo == nil)
        let stop = try s.invoke("a", [.i32(1)])
        #expect(stop.position?.source == nil)
    }

    @Test func malformedDwarfFallsBackToTheWasmView() throws {
        // The C module with its .debug_info cut short: a warning, and the Wasm view works.
        let bytes = try ModuleLoaderBytes.read(Self.dwarfFixture("c-O0-dwarf4.wasm"))
        var module = try BinaryDecoder.decode(bytes)
        for i in module.customSections.indices where module.customSections[i].name == ".debug_info" {
            module.customSections[i].payload = Array(module.customSections[i].payload.prefix(40))
        }
        let s = DebugSession()
        try s.load(wasm: BinaryEncoder.encode(module), file: "cut.wasm")
        let bp = try s.setBreakpoint("$is_prime")
        #expect(try s.run().reason == .breakpoint(number: bp.number))
        #expect(s.backtrace().count >= 3)
        #expect(throws: DebuggerError.self) { try s.setBreakpoint("primes.c:14") }
        #expect(!s.debugInfoWarnings.isEmpty)
    }
}

enum ModuleLoaderBytes {
    static func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
}
