#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Testing
import WASI
import WasmCore
import WasmVM
@testable import Debugger

/// A file descriptor reading `text` (a temporary file, already unlinked).
func inputFD(_ text: String) throws -> Int32 {
    var template = Array("/tmp/wdb-debugger-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    guard fd >= 0 else { throw DebuggerError("mkstemp failed") }
    unlink(String(cString: template))
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    lseek(fd, 0, SEEK_SET)
    return fd
}

/// Passes every WASI call through, signalling `entered` as a call of `function` begins.
final class CallSignal: WASICallObserver, @unchecked Sendable {
    let function: WASIFunction
    let entered = DispatchSemaphore(value: 0)
    init(_ function: WASIFunction) { self.function = function }
    func call(_ f: WASIFunction, _ args: [UInt64], _ memory: GuestMemory, host: WASIHost) -> WASIResult {
        if f == function { entered.signal() }
        return host.perform(f, args, memory)
    }
}

@Suite struct WASITests {
    /// Ctrl-C while the guest blocks in fd_read on an empty pipe: the read is not cut short,
    /// and the guest stops at the instruction right after the call once it returns.
    @Test func anInterruptDuringABlockingReadStopsRightAfterTheCall() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw DebuggerError("pipe failed") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd); close(writeEnd) }
        let s = DebugSession()
        s.stdinFD = readEnd
        try s.load(path: fixturePath("wasi.wat"))
        var stop = try s.start()
        let signal = CallSignal(.fd_read)
        s.wasiHost?.observer = signal
        DispatchQueue(label: "interrupter").async {
            signal.entered.wait()
            s.interrupt()
            // Only now does the blocked read get its bytes and return.
            _ = "hi".withCString { write(writeEnd, $0, 2) }
        }
        stop = try s.continueExecution()
        #expect(stop.reason == .interrupted)
        // The stop point after `call $fd_read` (its `drop` is folded): `i32.const 64`.
        #expect(stop.at == "$main+0x1b (func 2, offset 0x9e) at wasi.wat:19")
        #expect(try s.evaluate("mem.i32[16]") == .i32(2))
        #expect(try s.readMemory(64, count: 2) == Array("hi".utf8))
        stop = try s.continueExecution()
        #expect(stop.reason == .exited(code: Int32(UInt8(ascii: "h"))))
    }

    @Test func fdReadIntoAWatchedBufferHitsAndNamesTheCall() throws {
        let s = DebugSession()
        let fd = try inputFD("hello world")
        defer { close(fd) }
        s.stdinFD = fd
        try s.load(path: fixturePath("wasi.wat"))
        let w = try s.watch("mem[64..72]")
        var stop = try s.run()
        #expect(stop.reason == .watchpoint(number: w.number, old: .bytes([0, 0, 0, 0, 0, 0, 0, 0]),
                                           new: .bytes(Array("hello wo".utf8)), accessor: .hostCall("fd_read")))
        #expect(s.lastWrite(70) == .hostCall("fd_read"))
        #expect(stop.at == "$main+0x1b (func 2, offset 0x9e) at wasi.wat:19")
        #expect(try s.evaluate("mem.i32[16]") == .i32(8))
        stop = try s.continueExecution()
        #expect(stop.reason == .exited(code: Int32(UInt8(ascii: "h"))))
        #expect(!s.isRunning)
    }

    @Test func catchWASICallsByNameAndGroup() throws {
        let s = DebugSession()
        let fd = try inputFD("xyz")
        defer { close(fd) }
        s.stdinFD = fd
        try s.load(path: fixturePath("wasi.wat"))
        let read = try s.catchHostCalls(["fd_read"], after: true)
        let proc = try s.catchHostCalls(["proc"])
        // `after`: the first stop is once fd_read returned, with its result and out-values.
        var stop = try s.run()
        #expect(stop.reason == .catchpoint(number: read.number, call: "fd_read",
                                           arguments: [.i32(0), .i32(0), .i32(1), .i32(16)], results: [.i32(0)],
                                           decoded: #"fd_read(0<stdin>, [{"xyz", 8}], 1, 0x10) = 0 (nread=3)"#))
        stop = try s.continueExecution()
        #expect(stop.reason == .catchpoint(number: proc.number, call: "proc_exit", arguments: [.i32(120)], results: nil,
                                           decoded: "proc_exit(120)"))
        stop = try s.continueExecution()
        #expect(stop.reason == .exited(code: 120))
    }

    /// A WASI catchpoint's stop carries the call decoded as the WASI trace prints it.
    @Test func catchpointStopShowsTheCallDecodedAsTheTraceDoes() throws {
        let s = DebugSession()
        let output = try inputFD("")
        defer { close(output) }
        s.stdoutFD = output
        try s.load(wat: """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (memory 1)
              (data (i32.const 256) "hello\\n")
              (func (export "_start")
                ;; one iovec at 0: 6 bytes at 256; the count written goes to 0x1ff8
                (i32.store (i32.const 0) (i32.const 256))
                (i32.store (i32.const 4) (i32.const 6))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0x1ff8)))))
            """, file: "write.wat")
        let before = try s.catchHostCalls(["fd_write"])
        let after = try s.catchHostCalls(["fd_write"], after: true)
        let arguments: [Value] = [.i32(1), .i32(0), .i32(1), .i32(0x1ff8)]
        var stop = try s.run()
        #expect(stop.reason == .catchpoint(number: before.number, call: "fd_write", arguments: arguments, results: nil,
                                           decoded: #"fd_write(1<stdout>, [{"hello\n", 6}], 1, 0x1ff8)"#))
        stop = try s.continueExecution()
        #expect(stop.reason == .catchpoint(number: after.number, call: "fd_write", arguments: arguments, results: [.i32(0)],
                                           decoded: #"fd_write(1<stdout>, [{"hello\n", 6}], 1, 0x1ff8) = 0 (nwritten=6)"#))
        stop = try s.continueExecution()
        #expect(stop.reason == .returned(values: []) || stop.reason == .exited(code: 0))
    }

    /// The C program of the WASI fixtures: fgets from stdin, watched through fd_read.
    @Test func aCProgramReadingStdin() throws {
        let s = DebugSession()
        let input = try inputFD("one\ntwo\n")
        defer { close(input) }
        let output = try inputFD("")
        defer { close(output) }
        s.stdinFD = input
        s.stdoutFD = output
        try s.load(path: fixturePath("../wasi/stdin_echo.wasm"))
        let main = try s.setBreakpoint("$__original_main")
        var stop = try s.run()
        #expect(stop.reason == .breakpoint(number: main.number))
        // Offsets as wasm-objdump -d prints them for this binary.
        #expect(s.backtrace().map(\.description) == [
            "#0 $__original_main+0x3 (func 7, offset 0x1c6)",
            "#1 $_start+0x5 (func 6, offset 0x1ab)",
            "#2 $_start.command_export+0x1 (func 58, offset 0x426c)",
        ])
        let c = try s.catchHostCalls(["fd_read"])
        stop = try s.continueExecution()
        guard case .catchpoint(c.number, "fd_read", let arguments, nil, _) = stop.reason, arguments.count == 4,
              case .i32(let iovs) = arguments[1], case .i32(let count) = arguments[2] else {
            Issue.record("expected a stop before fd_read, got \(stop.reason)")
            return
        }
        // Watch the first non-empty buffer of the iovec list.
        var buffer: UInt32?
        for k in 0..<count {
            guard case .i32(let base) = try s.evaluate("mem.i32[\(iovs + 8 * k)]"),
                  case .i32(let length) = try s.evaluate("mem.i32[\(iovs + 8 * k + 4)]") else { continue }
            if length >= 4 { buffer = base; break }
        }
        guard let buffer else { Issue.record("no buffer"); return }
        try s.delete([c.number, main.number])
        let w = try s.watch("mem[\(buffer)..\(buffer + 4)]")
        stop = try s.continueExecution()
        guard case .watchpoint(w.number, _, let new, .hostCall("fd_read")) = stop.reason else {
            Issue.record("expected fd_read to hit the watchpoint, got \(stop.reason)")
            return
        }
        #expect(new == .bytes(Array("one\n".utf8)))
        try s.delete()
        stop = try s.continueExecution()
        #expect(stop.reason == .exited(code: 0))
        var text = [UInt8](repeating: 0, count: 100)
        lseek(output, 0, SEEK_SET)
        let n = read(output, &text, 100)
        #expect(String(decoding: text[0..<max(n, 0)], as: UTF8.self) == "1: one\n2: two\nlines=2 bytes=8\n")
    }
}
