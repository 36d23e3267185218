import Foundation
import Testing

/// `wdb run --invoke` through the built binary: results, traps and their exit status.
@Suite struct RunInvokeTests {
    func runProcess(_ arguments: [String]) throws -> (Int32, String, String) {
        let result = try WdbTestSupport.wdb(arguments)
        return (result.status, result.stdout, result.stderr)
    }

    @Test func runInvokesAndReportsTraps() throws {
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
          (func (export "id64") (param i64) (result i64) (local.get 0))
          (func (export "hog") (result i32) (memory.grow (i32.const 100)))
          (memory 1))
        """.write(to: file, atomically: true, encoding: .utf8)
        var (status, out, err) = try runProcess(["run", "--invoke", "div", file.path, "7", "i32:-2"])
        #expect(status == 0 && out == "i32:-3\n")
        (status, out, err) = try runProcess(["run", "--invoke", "pair", file.path, "0x1p-3"])
        #expect(status == 0 && out == "f64:0.125 i64:-7\n")
        // Every integer type's limits read, in decimal and hex (i64 through the identity of pair's result).
        (status, out, err) = try runProcess(["run", "--invoke", "div", file.path, "-2147483648", "0x7fffffff"])
        #expect(status == 0 && out == "i32:-1\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--invoke", "id64", file.path, "-9223372036854775808"])
        #expect(status == 0 && out == "i64:-9223372036854775808\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--invoke", "id64", file.path, "i64:-0x8000000000000000"])
        #expect(status == 0 && out == "i64:-9223372036854775808\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--invoke", "id64", file.path, "0xFFFFFFFFFFFFFFFF"])
        #expect(status == 0 && out == "i64:-1\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--invoke", "id64", file.path, "-9223372036854775809"])
        #expect(status == 1)
        (status, out, err) = try runProcess(["run", "--invoke", "div", file.path, "1", "0"])
        #expect(status == 134)
        #expect(err.hasPrefix("error: trap: integer divide by zero\n  #0 div+0x"))
        (status, out, err) = try runProcess(["run", "--invoke", "down", file.path, "1"])
        #expect(status == 134 && err.hasPrefix("error: trap: call stack exhausted"))
        (status, out, err) = try runProcess(["run", "--fuel", "5000", "--invoke", "spin", file.path])
        #expect(status == 134 && err.hasPrefix("error: trap: all fuel consumed"))
        (status, out, err) = try runProcess(["run", "--max-memory", "1MiB", "--invoke", "hog", file.path])
        #expect(status == 0 && out == "i32:-1\n")
        (status, out, err) = try runProcess(["run", "--invoke", "div", file.path, "1", "f32:2"])
        #expect(status == 1 && err.contains("argument 2") && err.contains("i32"))
        (status, out, err) = try runProcess(["run", "--invoke", "nope", file.path])
        #expect(status == 1)
    }

    @Test func runPreloadsLibrariesAndInitialisesReactors() throws {
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
        var (status, out, err) = try runProcess(["run", "--preload", "lib=\(lib.path)", "--invoke", "calc", app.path, "21"])
        #expect(status == 0 && out == "i64:142\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--invoke", "calc", app.path, "21"])
        #expect(status == 1 && err.contains("unknown import"))
    }

    /// A reactor's entry point without parameters reads its command line and stdin through WASI
    /// (CPython for WASI's `run`): ARGS are its argv[1...] and the export's leading values too.
    @Test func invokeGivesTheArgumentsToTheGuestAsArgv() throws {
        let dir = try WdbTestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("reactor.wat"), input = dir.appendingPathComponent("in.txt")
        try """
        (module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
          (memory 1)
          (func (export "argc") (result i32) (drop (call $sizes (i32.const 0) (i32.const 4))) (i32.load (i32.const 0)))
          (func (export "argv_bytes") (param i32) (result i32)
            (drop (call $sizes (i32.const 0) (i32.const 4))) (i32.add (local.get 0) (i32.load (i32.const 4))))
          (func (export "stdin_bytes") (result i32)
            (i32.store (i32.const 16) (i32.const 64)) (i32.store (i32.const 20) (i32.const 100))
            (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 8))) (i32.load (i32.const 8))))
        """.write(to: file, atomically: true, encoding: .utf8)
        try "hello".write(to: input, atomically: true, encoding: .utf8)
        var (status, out, err) = try runProcess(["run", "--invoke", "argc", file.path, "-c", "print(1)"])
        #expect(status == 0 && out == "i32:3\n", "\(err)")
        // argv is "x" "1000" "ab": 2 + 5 + 3 bytes with their NULs, plus the value 1000.
        (status, out, err) = try runProcess(["run", "--argv0", "x", "--invoke", "argv_bytes", file.path, "1000", "ab"])
        #expect(status == 0 && out == "i32:1010\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--stdin", input.path, "--invoke", "stdin_bytes", file.path])
        #expect(status == 0 && out == "i32:5\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--invoke", "argv_bytes", file.path])
        #expect(status == 1 && err.contains("argv_bytes takes 1 argument(s) (i32), got 0"))
    }
}
