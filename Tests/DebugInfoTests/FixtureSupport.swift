import Foundation
import Testing
import WasmCore
@testable import DebugInfo

/// The committed DWARF fixtures (Tests/Fixtures/dwarf, built by Scripts/build-dwarf-fixtures.sh).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/dwarf")

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureError(message: "missing fixture \(url.path): run Scripts/build-dwarf-fixtures.sh")
        }
        return [UInt8](data)
    }

    static func module(_ name: String) throws -> Module {
        try BinaryDecoder.decode(try bytes(name))
    }

    static func debugInfo(_ name: String) throws -> DebugInfo {
        let module = try module(name)
        guard let info = DebugInfo(module: module) else { throw FixtureError(message: "\(name) has no .debug_info") }
        return info
    }

    /// The debug sections of a fixture by name, and the Code payload offset.
    static func sections(_ name: String) throws -> (sections: [String: [UInt8]], codeOffset: UInt32) {
        let module = try module(name)
        var named: [String: [UInt8]] = [:]
        for section in module.customSections where section.name.hasPrefix(".debug_") { named[section.name] = section.payload }
        return (named, module.sectionLocations.first { $0.id == .code }?.payloadOffset ?? 0)
    }

    /// Line numbers of a fixture source that contain `text` (1-based).
    static func lines(of source: String, containing text: String) throws -> [Int] {
        let contents = String(decoding: try bytes(source), as: UTF8.self)
        return contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.contains(text) }.map { $0.offset + 1 }
    }

    static func line(of source: String, containing text: String) throws -> Int {
        let found = try lines(of: source, containing: text)
        guard found.count == 1 else { throw FixtureError(message: "\(source): \(found.count) lines contain \"\(text)\"") }
        return found[0]
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A frame for evaluating locations: locals, globals and memory given by the test.
struct FakeFrame: LocationContext {
    var locals: [UInt32: UInt64] = [:]
    var globals: [UInt32: UInt64] = [:]
    var operandStack: [UInt64] = []
    var memory: [UInt64: [UInt8]] = [:]

    func wasmLocal(_ index: UInt32) -> UInt64? { locals[index] }
    func wasmGlobal(_ index: UInt32) -> UInt64? { globals[index] }
    func wasmOperandStack(_ depthFromBottom: UInt32) -> UInt64? {
        Int(depthFromBottom) < operandStack.count ? operandStack[Int(depthFromBottom)] : nil
    }
    func readMemory(_ address: UInt64, count: Int) -> [UInt8]? {
        for (base, bytes) in memory where address >= base && address + UInt64(count) <= base + UInt64(bytes.count) {
            let start = Int(address - base)
            return Array(bytes[start..<start + count])
        }
        return nil
    }
}
