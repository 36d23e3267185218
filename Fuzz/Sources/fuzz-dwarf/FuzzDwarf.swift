// Fuzz target: the DWARF reader (Docs/fuzzing.md).
//
// The input is a set of debug sections in a small container (`DwarfContainer`, written by
// Scripts/build-fuzz-corpus.py from the modules in Tests/Fixtures/dwarf); libFuzzer mutates the
// section contents. A `DebugInfo` over them answers the debugger's questions: line table rows,
// the function and source location at a spread of addresses, variables with their locations
// evaluated against a fake frame, inlined frames, types printed as gdb does, breakpoints by
// file:line and by name. Malformed DWARF must give empty answers and warnings; a crash, a hang
// or a memory error is a finding.

import DebugInfo
import FuzzSupport

/// Section container: u32 LE code-section payload offset, u16 LE probe seed, then records of
/// [u8 section number][u32 LE length][bytes]; a length past the end takes what is there.
enum DwarfContainer {
    static let sectionNames = [".debug_info", ".debug_abbrev", ".debug_line", ".debug_str", ".debug_line_str",
                               ".debug_ranges", ".debug_rnglists", ".debug_loc", ".debug_loclists", ".debug_addr",
                               ".debug_str_offsets", ".debug_aranges"]

    static func parse(_ input: inout FuzzInput) -> (sections: [String: [UInt8]], codeOffset: UInt32, seed: UInt16) {
        let codeOffset = input.u32()
        let seed = input.u16()
        var sections: [String: [UInt8]] = [:]
        while !input.isAtEnd {
            let name = sectionNames[Int(input.byte()) % sectionNames.count]
            let length = Int(input.u32() & 0x00FF_FFFF)
            let payload = input.take(length)
            if sections[name] == nil { sections[name] = payload }
        }
        return (sections, codeOffset, seed)
    }
}

/// A stopped frame whose locals, globals, stack and memory hold made-up values.
struct FakeFrame: LocationContext {
    func wasmLocal(_ index: UInt32) -> UInt64? { index < 64 ? 0x1000 + UInt64(index) * 16 : nil }
    func wasmGlobal(_ index: UInt32) -> UInt64? { index < 8 ? 0x2000 : nil }
    func wasmOperandStack(_ depthFromBottom: UInt32) -> UInt64? { depthFromBottom < 8 ? UInt64(depthFromBottom) : nil }
    func readMemory(_ address: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, count <= 64, address < 0x10000 else { return nil }
        return (0..<count).map { UInt8(truncatingIfNeeded: address &+ UInt64($0)) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDwarf(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let (sections, codeOffset, seed) = DwarfContainer.parse(&input)
    let info = DebugInfo(sections: sections, codeSectionPayloadOffset: codeOffset)

    // Addresses: the starts of line-table rows of the functions found, plus a spread over the
    // first 64 KiB of code that the seed shifts.
    var probes: [UInt32] = (0..<24).map { codeOffset &+ UInt32($0 * $0 * 97) &+ UInt32(seed % 251) }
    var seenFunctions = 0
    for probe in probes.prefix(24) {
        _ = info.location(at: probe)
        _ = info.inlinedChain(at: probe)
        guard let function = info.function(containing: probe) else { continue }
        seenFunctions += 1
        if seenFunctions > 8 { continue }
        for row in info.lineTableRows(inFunctionAt: probe).prefix(16) { probes.append(row.fileOffset) }
    }
    let frame = FakeFrame()
    for probe in probes.dropFirst(24).prefix(48) {
        _ = info.location(at: probe)
        if let function = info.function(containing: probe) {
            inspect(info.variables(in: function, at: probe), info, frame)
            _ = function.frameBase.map { try? info.evaluate($0, frame: frame) }
        }
        for inlined in info.inlinedChain(at: probe).prefix(4) {
            inspect(info.variables(in: inlined, at: probe), info, frame)
        }
    }
    // Breakpoints by file:line and by name, the way `break` asks.
    for file in ["primes.c", "shapes.c", "shapes.h", "rect.cpp", "inventory.rs", "c", ""] {
        for line in [1, 5, 10, 16, 20, 30, Int(seed % 64)] { _ = info.addresses(forFile: file, line: line) }
    }
    for name in ["main", "is_prime", "area", "describe", "find", "geo::Rect::area", "", "operator()"] {
        _ = info.functions(named: name)
        _ = info.inlinedInstances(named: name)
    }
    for name in ["int", "struct shape", "Rect", "unsigned int", "char", "inventory::Item", "shape"] {
        if let type = info.type(named: name) {
            _ = typeName(type)
            _ = ptypeText(type)
        }
    }
    inspect(info.globalVariables(named: nil).prefix(32).map { $0 }, info, frame)
    return 0
}

/// What `info locals`, `print` and `ptype` do with variables: locations evaluated, types named.
func inspect(_ variables: [Variable], _ info: DebugInfo, _ frame: FakeFrame) {
    for variable in variables.prefix(32) {
        _ = variable.description
        if let location = variable.location { _ = try? info.evaluate(location, frame: frame) }
        if let type = variable.type {
            _ = typeName(type)
            _ = ptypeText(type)
            _ = typeName(type.stripped)
        }
    }
}
