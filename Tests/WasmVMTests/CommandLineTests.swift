import Foundation
import Testing

/// `wdb wast` on the core spec suite and `wdb run --invoke`, through the built binary
/// (release when present, as CI builds it first; else debug).
@Suite(.serialized) struct CommandLineTests {
    @Test func coreSpecSuitePassesEveryCommand() throws {
        guard let suite = TestPaths.testsuite?.appendingPathComponent("core") else {
            print("skipped: shared/testsuite not found next to the repository")
            return
        }
        guard let wdb = TestPaths.wdb else {
            print("skipped: build wdb first (swift build --product wdb)")
            return
        }
        let (status, out, _) = try runProcess(wdb, ["wast", suite.path])
        let summary = out.split(separator: "\n").last.map(String.init) ?? ""
        let numbers = summary.split(separator: " ").compactMap { Int($0) }
        try #require(numbers.count == 2, "unexpected output: \(out.suffix(2000))")
        #expect(numbers[0] > 27_000, "\(summary)")
        #expect(numbers[1] == 0, "\(out.suffix(3000))")
        #expect(status == (numbers[1] == 0 ? 0 : 1))
    }

    @Test func simdSpecSuitePassesEveryCommand() throws {
        guard let suite = TestPaths.testsuite?.appendingPathComponent("core/simd"), let wdb = TestPaths.wdb else {
            print("skipped: shared/testsuite or the wdb build not found")
            return
        }
        let (status, out, _) = try runProcess(wdb, ["wast", suite.path])
        let summary = out.split(separator: "\n").last.map(String.init) ?? ""
        let numbers = summary.split(separator: " ").compactMap { Int($0) }
        try #require(numbers.count == 2, "unexpected output: \(out.suffix(2000))")
        #expect(numbers[0] > 25_000, "\(summary)")
        #expect(numbers[1] == 0, "\(out.suffix(3000))")
        #expect(status == 0)
    }

    @Test func wastReportsFailuresWithFileAndLine() throws {
        guard let wdb = TestPaths.wdb else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-vm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("mixed.wast")
        try """
        (module (func (export "one") (result i32) (i32.const 1))
          (func (export "boom") (unreachable)))
        (assert_return (invoke "one") (i32.const 1))
        (assert_return (invoke "one") (i32.const 2))
        (assert_trap (invoke "boom") "unreachable")
        (assert_trap (invoke "one") "unreachable")
        (register "m")
        (module (import "m" "one" (func (result i32))))
        (assert_unlinkable (module (import "m" "two" (func))) "unknown import")
        (module (import "spectest" "global_i32" (global $g i32))
          (func (export "g") (result i32) (global.get $g)))
        (assert_return (invoke "g") (i32.const 666))
        """.write(to: script, atomically: true, encoding: .utf8)
        let (status, out, _) = try runProcess(wdb, ["wast", dir.path])
        #expect(status == 1)
        #expect(out.contains("mixed.wast:4: assert_return: expected i32:2, got i32:1"))
        #expect(out.contains("mixed.wast:6: assert_trap: expected trap \"unreachable\", got i32:1"))
        #expect(out.hasSuffix("8 passed, 2 failed\n"))
    }

    @Test func runInvokesAndReportsTraps() throws {
        guard let wdb = TestPaths.wdb else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-vm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("m.wat")
        try """
        (module
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "pair") (param f64) (result f64 i64) (local.get 0) (i64.const -7))
          (func $down (export "down") (param i32) (result i32) (call $down (local.get 0)))
          (func (export "spin") (loop (br 0)))
          (func (export "hog") (result i32) (memory.grow (i32.const 100)))
          (memory 1))
        """.write(to: file, atomically: true, encoding: .utf8)
        var (status, out, err) = try runProcess(wdb, ["run", "--invoke", "div", file.path, "7", "i32:-2"])
        #expect(status == 0 && out == "i32:-3\n")
        (status, out, err) = try runProcess(wdb, ["run", "--invoke", "pair", file.path, "0x1p-3"])
        #expect(status == 0 && out == "f64:0.125 i64:-7\n")
        (status, out, err) = try runProcess(wdb, ["run", "--invoke", "div", file.path, "1", "0"])
        #expect(status == 134)
        #expect(err.hasPrefix("error: trap: integer divide by zero\n  #0 div+0x"))
        (status, out, err) = try runProcess(wdb, ["run", "--invoke", "down", file.path, "1"])
        #expect(status == 134 && err.hasPrefix("error: trap: call stack exhausted"))
        (status, out, err) = try runProcess(wdb, ["run", "--fuel", "5000", "--invoke", "spin", file.path])
        #expect(status == 134 && err.hasPrefix("error: trap: all fuel consumed"))
        (status, out, err) = try runProcess(wdb, ["run", "--max-memory", "1MiB", "--invoke", "hog", file.path])
        #expect(status == 0 && out == "i32:-1\n")
        (status, out, err) = try runProcess(wdb, ["run", "--invoke", "div", file.path, "1", "f32:2"])
        #expect(status == 1 && err.contains("argument 2") && err.contains("i32"))
        (status, out, err) = try runProcess(wdb, ["run", "--invoke", "nope", file.path])
        #expect(status == 1)
    }

    @Test func runPreloadsLibrariesAndInitialisesReactors() throws {
        guard let wdb = TestPaths.wdb else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-vm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = dir.appendingPathComponent("lib.wat"), app = dir.appendingPathComponent("app.wat")
        try #"(module (func (export "twice") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2))))"#
            .write(to: lib, atomically: true, encoding: .utf8)
        try """
        (module
          (import "lib" "twice" (func $twice (param i64) (result i64)))
          (global $base (mut i64) (i64.const 0))
          (func (export "_initialize") (global.set $base (i64.const 100)))
          (func (export "calc") (param i64) (result i64) (i64.add (global.get $base) (call $twice (local.get 0)))))
        """.write(to: app, atomically: true, encoding: .utf8)
        var (status, out, err) = try runProcess(wdb, ["run", "--preload", "lib=\(lib.path)", "--invoke", "calc", app.path, "21"])
        #expect(status == 0 && out == "i64:142\n", "\(err)")
        (status, out, err) = try runProcess(wdb, ["run", "--invoke", "calc", app.path, "21"])
        #expect(status == 1 && err.contains("unknown import"))
    }
}
