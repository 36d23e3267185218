// Loopback socket test: the echo_server fixture accepts one connection on a socket the host
// preopened (--tcplisten), echoes what the test sends, and reports the byte count when the test
// shuts its side down. Only 127.0.0.1 is used; every wait is bounded.

import Foundation
import Testing
import WasmVM
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

@Suite struct EndToEndSocketTests {
    /// Connects to 127.0.0.1:port, retrying for up to `seconds` while the server starts.
    static func connectLoopback(port: UInt16, seconds: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return nil }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected == 0 {
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                return fd
            }
            close(fd)
            usleep(50_000)
        }
        return nil
    }

    /// Sends `message`, reads the same number of bytes back, then shuts down the write side.
    static func echo(_ fd: Int32, _ message: String) -> String {
        let bytes = Array(message.utf8)
        // Calls a signal interrupts (EINTR, say SIGCHLD from another test's child) are retried.
        var sent: Int
        repeat {
            sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        } while sent < 0 && errno == EINTR
        guard sent == bytes.count else { return "<send failed>" }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while received.count < bytes.count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        shutdown(fd, Int32(SHUT_WR))
        return String(decoding: received, as: UTF8.self)
    }

    @Test func guestEchoServerInProcess() throws {
        let (listener, port) = try WASIConfiguration.tcpListen("127.0.0.1:0")
        let module = try E2E.module(E2E.fixture("echo_server.wasm"))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: E2E.InProcessResult?
        nonisolated(unsafe) var failure: Error?
        Thread {
            do { result = try E2E.runInProcess(module, arguments: ["echo_server"], listeners: [listener]) } catch { failure = error }
            done.signal()
        }.start()
        let fd = try #require(Self.connectLoopback(port: port))
        #expect(Self.echo(fd, "ping over loopback") == "ping over loopback")
        #expect(done.wait(timeout: .now() + 30) == .success, "the guest server did not finish")
        close(fd)
        #expect(failure == nil)
        #expect(result?.outcome == .exited(0))
        #expect(result?.stdout == "echoed 18 bytes\n")
    }

    @Test func guestEchoServerThroughWdbRun() throws {
        guard let wdb = E2E.wdb else {
            Issue.record("missing prerequisite: wdb is not built (Scripts/test.sh builds it first)")
            return
        }
        // A port that was free a moment ago (bind to 0, read it, release it).
        let (probe, port) = try WASIConfiguration.tcpListen("127.0.0.1:0")
        close(probe.hostFD)
        // Output goes to files, not pipes: Foundation's `readDataToEndOfFile` traps when a signal
        // interrupts the read (SIGCHLD from another test's child), and two pipes read one after
        // the other can fill up and deadlock. Nothing here needs the output before the exit.
        let scratch = try E2E.temporaryDirectory("socket")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = wdb
        process.arguments = ["run", "--tcplisten", "127.0.0.1:\(port)", "--trace=sock",
                             E2E.fixture("echo_server.wasm").path]
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let fd = try #require(Self.connectLoopback(port: port))
        #expect(Self.echo(fd, "hello, guest") == "hello, guest")
        process.waitUntilExit()
        close(fd)
        try out.close()
        try err.close()
        let output = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let trace = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(trace)")
        #expect(output == "echoed 12 bytes\n")
        #expect(trace.hasPrefix("sock_accept(3<tcp:127.0.0.1:\(port)>"), "\(trace)")
        #expect(trace.contains("sock_recv(") && trace.contains("sock_send(") && trace.contains("sock_shutdown("))
    }
}
