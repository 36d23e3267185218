import Foundation
import Testing
import WasmCore
import WasmVM
@testable import Debugger
@testable import WasmVM

/// Resources a session holds do not pile up: a finished run's instance (its memory pages
/// included) is released when the next run makes a fresh one, and reloading a module does not
/// keep the old one.
@Suite(.serialized) struct ResourceTests {
    /// A WASI command that touches every 4 KiB of its 100 pages (6.4 MB resident per run).
    static let toucher = """
        (module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 100)
          (func (export "_start")
            (local $i i32)
            (loop $l
              (i32.store (i32.mul (local.get $i) (i32.const 4096)) (i32.const 1))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_u (local.get $i) (i32.const 1600))))))
        """

    @Test func aFinishedRunsRuntimeIsReleasedByTheNextRun() throws {
        let s = DebugSession()
        try s.load(wat: Self.toucher, file: "touch.wat")
        #expect(try s.run().reason == .exited(code: 0))
        weak var first = s.runtime
        weak var firstStore = s.runtime?.store
        #expect(first != nil && firstStore != nil)
        #expect(try s.run().reason == .exited(code: 0))
        #expect(first == nil, "the first run's runtime is still alive")
        #expect(firstStore == nil, "the first run's store (memories, tables) is still alive")
    }

    @Test func manyRunsKeepResidentMemoryFlat() throws {
        let s = DebugSession()
        try s.load(wat: Self.toucher, file: "touch.wat")
        _ = try s.run()
        let afterOne = Self.residentBytes()
        for _ in 0..<300 { _ = try s.run() }
        let afterMany = Self.residentBytes()
        // 300 leaked instances would hold 300 × 6.4 MB (1.9 GB); the margin is wide because the
        // other suites run in this process at the same time and move its RSS by tens of MB.
        #expect(afterMany < afterOne + 400 << 20, "RSS \(afterOne >> 20) MiB after one run, \(afterMany >> 20) MiB after 301")
    }

    @Test func reloadingReleasesTheOldModule() throws {
        let s = DebugSession()
        try s.load(wat: Self.toucher, file: "touch.wat")
        _ = try s.run()
        weak var first = s.runtime
        try s.load(wat: Self.toucher, file: "touch.wat")
        #expect(first == nil, "the runtime of the module loaded before is still alive")
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(getpagesize()) : 0
    }
}
