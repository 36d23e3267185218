// `wdb run --timeout`, through the built binary: the guest is stopped inside the engine and
// reported like a trap (backtrace, trace flushed), and only a guest blocked in a host call
// falls back to the hard exit.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct RunTimeoutTests {
    /// Writes `text` to `name` in a fresh directory; returns the file's path and the directory.
    private func module(_ name: String, _ text: String) throws -> (path: String, directory: URL) {
        let directory = try WdbTestSupport.temporaryDirectory()
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return (url.path, directory)
    }

    /// `_start` calls `$writes`, which writes "x" to stdout `count` times, then (when `spin`)
    /// `$spin`, which loops forever.
    private static func writer(count: Int, spin: Bool) -> String {
        """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "x")
          (func $spin (loop (br 0)))
          (func $writes (local $i i32)
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 1))
            (loop
              (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if 0 (i32.lt_u (local.get $i) (i32.const \(count))))))
          (func (export "_start") (call $writes) \(spin ? "(call $spin)" : "")))
        """
    }

    @Test func loopIsStoppedWithATrapReportAndBacktrace() throws {
        let (path, directory) = try module("spin.wat", """
        (module (func $spin (loop (br 0))) (func (export "_start") (call $spin)))
        """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try WdbTestSupport.wdb(["run", "--timeout", "200ms", path])
        #expect(result.status == 134)
        #expect(result.stderr.hasPrefix("error: trap: time limit exceeded (--timeout 200ms)\n  #0 $spin+"), "\(result.stderr)")
        #expect(result.stderr.contains("\n  #1 _start+"), "\(result.stderr)")
        // Stopped by the interrupt, not by the fallback one second later.
        #expect(!result.stderr.contains("did not stop"))
    }

    @Test func invokedFunctionIsStoppedToo() throws {
        let (path, directory) = try module("f.wat", """
        (module
          (func $loop (export "loop") (param i32) (result i32) (loop (br 0)) (local.get 0))
          (func (export "quick") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
        """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stopped = try WdbTestSupport.wdb(["run", "--timeout", "150ms", "--invoke", "loop", path, "3"])
        #expect(stopped.status == 134)
        #expect(stopped.stderr.hasPrefix("error: trap: time limit exceeded (--timeout 150ms)\n  #0 $loop+"), "\(stopped.stderr)")
        let quick = try WdbTestSupport.wdb(["run", "--timeout", "10s", "--invoke", "quick", path, "41"])
        #expect(quick.status == 0)
        #expect(quick.stdout == "i32:42\n")
        #expect(quick.stderr.isEmpty)
    }

    @Test func traceFileKeepsTheCallsBeforeTheTimeout() throws {
        let (path, directory) = try module("writer.wat", Self.writer(count: 1000, spin: true))
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("trace.txt")
        let result = try WdbTestSupport.wdb(["run", "--timeout", "300ms", "--trace", "--trace-output", trace.path, path])
        #expect(result.status == 134)
        #expect(result.stdout == String(repeating: "x", count: 1000))
        #expect(result.stderr.hasPrefix("error: trap: time limit exceeded (--timeout 300ms)\n  #0 $spin+"), "\(result.stderr)")
        // The 1000 lines fit in the monitor's buffer: only the flush on the trap path writes them.
        let text = try String(contentsOf: trace, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1000)
        #expect(lines.allSatisfy { $0 == #"fd_write(1<stdout>, [{"x", 1}], 1, 0x8) = 0 (nwritten=1)"# },
                "\(lines.first ?? "")")
    }

    @Test func programThatFinishesInTimeIsUnaffected() throws {
        let (path, directory) = try module("writer.wat", Self.writer(count: 50, spin: false))
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = Date()
        let result = try WdbTestSupport.wdb(["run", "--timeout", "20s", path])
        #expect(result.status == 0)
        #expect(result.stdout == String(repeating: "x", count: 50))
        #expect(result.stderr.isEmpty)
        // The watchdog thread does not hold the process until the limit.
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// A guest blocked in `fd_read` cannot reach an interrupt point: the watchdog ends the
    /// process itself after its grace period, with the same message and status.
    @Test func guestBlockedInAHostCallFallsBackToTheHardExit() throws {
        let (path, directory) = try module("reader.wat", """
        (module
          (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 100))
            (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))
        """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("input")
        guard mkfifo(fifo.path, 0o600) == 0 else {
            Issue.record("mkfifo failed: \(String(cString: strerror(errno)))")
            return
        }
        // Held open for writing (and never written), so the guest's read blocks rather than
        // seeing end of file. O_RDWR does not wait for a reader on Linux or macOS.
        let writer = open(fifo.path, O_RDWR)
        #expect(writer >= 0)
        defer { close(writer) }
        let started = Date()
        let result = try WdbTestSupport.wdb(["run", "--timeout", "200ms", "--stdin", fifo.path, path])
        #expect(result.status == 134)
        #expect(result.stderr.hasPrefix("error: trap: time limit exceeded (--timeout 200ms)\n"), "\(result.stderr)")
        #expect(result.stderr.contains("did not stop"))
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 1 && elapsed < 10, "\(elapsed)")
    }
}
