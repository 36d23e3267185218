import Testing
import DebugInfo
@testable import Debugger

/// The DWARF fixtures (Tests/Fixtures/dwarf, built by Scripts/build-dwarf-fixtures.sh).
func dwarfFixturePath(_ name: String, filePath: String = #filePath) -> String {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)
    return parts.joined(separator: "/") + "/Fixtures/dwarf/" + name
}

struct SourceFixtureError: Error, CustomStringConvertible {
    var description: String
}

/// The 1-based line of a fixture source that contains `text` (exactly one must).
func sourceLine(_ source: String, containing text: String) throws -> Int {
    let contents = try String(contentsOfFile: dwarfFixturePath(source), encoding: .utf8)
    let lines = contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated().filter { $0.element.contains(text) }
    guard lines.count == 1 else { throw SourceFixtureError(description: "\(source): \(lines.count) lines contain \"\(text)\"") }
    return lines[0].offset + 1
}

/// A session on a DWARF fixture, run until it reaches the line of `source` that contains
/// `text` (a breakpoint at the line's first address, then `run`; `hits` more continues).
func sessionStopped(_ fixture: String, at source: String, containing text: String, hits: Int = 1) throws -> DebugSession {
    let session = DebugSession()
    try session.load(path: dwarfFixturePath(fixture))
    guard let info = session.debugInfo else { throw SourceFixtureError(description: "\(fixture) has no DWARF") }
    let line = try sourceLine(source, containing: text)
    guard let match = info.addresses(forFile: source, line: line).first else {
        throw SourceFixtureError(description: "no code for \(source):\(line)")
    }
    try session.setBreakpoint("*0x" + String(match.fileOffset, radix: 16))
    var stop = try session.run()
    for _ in 1..<max(hits, 1) { stop = try session.continueExecution() }
    guard case .breakpoint = stop.reason else { throw SourceFixtureError(description: "did not stop at \(source):\(line): \(stop.reason)") }
    return session
}
