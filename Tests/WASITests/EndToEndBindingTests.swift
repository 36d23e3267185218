// The binding itself: every WASI import goes through the one host-call path where the monitor
// (trace, summary, injection) hooks in; host writes into guest memory reach the watchpoint hook;
// WASI imports coexist with other host functions.

import Foundation
import Testing
import WasmCore
import WasmVM
@testable import WASI

@Suite struct EndToEndBindingTests {
    final class LineCollector: WASITraceSink {
        var lines: [String] = []
        func write(_ line: String) { lines.append(line) }
        func flush() {}
    }

    @Test func monitorSeesEveryCallOfARealProgram() throws {
        var options = WASITraceOptions()
        options.summary = true
        let sink = LineCollector()
        let monitor = WASIMonitor(options: options, sink: sink)
        let result = try E2E.runInProcess(try E2E.module(E2E.fixture("args_env.wasm")), arguments: ["p", "x"],
                                          environment: ["WDB_GREETING=hi"], monitor: monitor)
        #expect(result.outcome == .exited(0))
        let entries = monitor.summary.entries
        #expect(entries[.args_sizes_get]?.calls == 1)
        #expect(entries[.args_get]?.calls == 1)
        #expect(entries[.environ_get]?.calls == 1)
        #expect(entries[.proc_exit] == nil)  // main returned 0: wasi-libc's _start just returns
        #expect((entries[.fd_write]?.calls ?? 0) >= 1)
        // The call lines, then the summary table that finish() wrote.
        #expect(sink.lines.contains { $0.hasPrefix("args_get(") && $0.contains(#""p""#) })
        #expect(sink.lines.last?.hasSuffix(" total") == true)
    }

    @Test func injectedErrnoReachesTheGuestInProcess() throws {
        // The guest returns the errno of its one fd_write as its exit code.
        let module = try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory 1)
          (data (i32.const 32) "x")
          (func (export "_start")
            (i32.store (i32.const 0) (i32.const 32)) (i32.store (i32.const 4) (i32.const 1))
            (call $exit (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
        """)
        var options = WASITraceOptions()
        options.printCalls = false
        options.injections = [try WASIInjection(parsing: "fd_write:EIO")]
        let injected = try E2E.runInProcess(module, arguments: ["w"], monitor: WASIMonitor(options: options, sink: nil))
        #expect(injected.outcome == .exited(UInt32(WASIErrno.io.rawValue)))
        #expect(injected.stdout == "")
        let plain = try E2E.runInProcess(module, arguments: ["w"])
        #expect(plain.outcome == .exited(0))
        #expect(plain.stdout == "x")
    }

    @Test func hostWritesReachTheWatchpointHookAndOtherImportsCoexist() throws {
        let module = try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
          (import "env" "seen" (func $seen (param i64)))
          (memory 1)
          (func (export "_start")
            (drop (call $now (i32.const 1) (i64.const 1) (i32.const 256)))
            (call $seen (i64.load (i32.const 256)))))
        """)
        let host = try WASIHost(configuration: WASIConfiguration(arguments: ["c"]))
        defer { host.close() }
        let runtime = Runtime()
        var imports = Imports()
        nonisolated(unsafe) var seenValue: UInt64 = 0
        imports.define("env", "seen", .function(runtime.makeFunction(HostFunction(type: FuncType(params: [.i64])) { _, args in
            if case .i64(let v) = args[0] { seenValue = v }
            return []
        })))
        let binding = WASIBinding(host: host)
        var writes: [(Int, Int)] = []
        binding.memory.writeObserver = { writes.append(($0, $1)) }
        binding.define(in: &imports, runtime: runtime)
        let instance = try runtime.instantiate(module, imports: imports)
        _ = try instance.invoke("_start")
        #expect(writes.count == 1 && writes.first?.0 == 256 && writes.first?.1 == 8)
        #expect(seenValue > 0, "the monotonic clock value the host stored is what the guest read")
    }

    @Test func badPointersAreEFAULTAndAModuleWithoutMemoryStillRuns() throws {
        // A pointer past the end of memory: the host refuses with EFAULT (21), no trap.
        let outOfBounds = try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory 1)
          (func (export "_start") (call $exit (call $random (i32.const 65530) (i32.const 16)))))
        """)
        #expect(try E2E.runInProcess(outOfBounds, arguments: ["r"]).outcome == .exited(UInt32(WASIErrno.fault.rawValue)))
        let memoryless = try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func (export "_start") (call $exit (call $random (i32.const 0) (i32.const 4)))))
        """)
        #expect(try E2E.runInProcess(memoryless, arguments: ["r"]).outcome == .exited(UInt32(WASIErrno.fault.rawValue)))
        // A WASI import with the wrong signature does not link.
        let wrong = try E2E.module(wat: """
        (module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32))) (func (export "_start")))
        """)
        #expect(throws: LinkError.self) { try E2E.runInProcess(wrong, arguments: ["w"]) }
    }
}
