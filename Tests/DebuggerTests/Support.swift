import Testing
import WasmCore
import WasmVM
@testable import Debugger

/// Fixtures live in Tests/Fixtures/debugger, found from this file's path.
func fixturePath(_ name: String, filePath: String = #filePath) -> String {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)   // DebuggerTests/Support.swift
    return parts.joined(separator: "/") + "/Fixtures/debugger/" + name
}

func session(_ fixture: String = "calls.wat") throws -> DebugSession {
    let s = DebugSession()
    try s.load(path: fixturePath(fixture))
    return s
}

extension Stop {
    /// The stop's position text, for exact checks.
    var at: String? { position?.description }
}
