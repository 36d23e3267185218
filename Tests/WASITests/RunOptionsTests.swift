import Foundation
import Testing
@testable import WASI

@Suite struct RunOptionsTests {
    @Test func flagsBuildTheHost() throws {
        let tree = TempTree()
        tree.mkdir("rw")
        tree.mkdir("ro")
        var options = WASIRunOptions()
        options.dirs = [tree.path("rw") + "::/rw"]
        options.readOnlyDirs = [tree.path("ro") + "::/ro"]
        options.env = ["A=1"]
        options.tcpListen = ["127.0.0.1:0"]
        options.trace = "fd_write"
        options.traceOutput = tree.path("trace.txt")
        options.inject = ["fd_write:EIO:when=2"]
        let (host, monitor) = try options.makeHost(arguments: ["prog", "x"])
        #expect(monitor != nil)
        #expect(host.label(ofFD: 3) == "/rw")
        #expect(host.label(ofFD: 4) == "/ro")
        #expect(host.label(ofFD: 5)?.hasPrefix("tcp:127.0.0.1:") == true)
        #expect(host.environment == ["A=1"])
        #expect(host.arguments == ["prog", "x"])
        let memory = TestMemory(size: 4096)
        let code = host.call(.fd_write, [1, 0, 0, 16], memory: memory)
        #expect(code == .errno(.success))
        #expect(host.call(.fd_write, [1, 0, 0, 16], memory: memory) == .errno(.io))
        monitor?.finish()
        #expect(tree.read("trace.txt") == "fd_write(1<stdout>, [], 0, 0x10) = 0 (nwritten=0)\nfd_write(1<stdout>, [], 0, 0x10) = EIO (injected)\n")
        host.close()
    }

    @Test func noFlagsNoMonitor() throws {
        var options = WASIRunOptions()
        options.inheritEnvironment = true
        let (host, monitor) = try options.makeHost(arguments: ["p"])
        #expect(monitor == nil)
        #expect(host.observer == nil)
        #expect(host.environment.contains { $0.hasPrefix("PATH=") } == (ProcessInfo.processInfo.environment["PATH"] != nil))
        #expect(!WASIRunOptions.hostEnvironment().isEmpty)
    }

    @Test func traceToADescriptorIsLineBuffered() throws {
        let tree = TempTree()
        let fd = Glibc.open(tree.path("t.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        var options = WASIRunOptions()
        options.trace = ""
        let (host, _) = try options.makeHost(arguments: ["p"], traceFD: fd)
        _ = host.call(.sched_yield, [], memory: TestMemory(size: 16))
        #expect(tree.read("t.txt") == "sched_yield() = 0\n")  // already written, no finish() needed
    }

    @Test func badFlags() {
        var options = WASIRunOptions()
        options.traceFormat = "xml"
        #expect(throws: WASITraceError.self) { try options.traceOptions() }
        options.traceFormat = "json"
        options.trace = "fd_nope"
        #expect(throws: WASITraceError.self) { try options.traceOptions() }
        options.trace = nil
        options.inject = ["fd_write:EIO:when=x"]
        #expect(throws: WASITraceError.self) { try options.traceOptions() }
        options.inject = []
        options.traceSummary = true
        #expect(throws: Never.self) { try options.traceOptions() }
        var missing = WASIRunOptions()
        missing.dirs = ["/nonexistent/wdb-dir"]
        #expect(throws: WASIHostError.self) { _ = try missing.makeHost(arguments: []) }
        var badListen = WASIRunOptions()
        badListen.tcpListen = ["no-port"]
        #expect(throws: WASIHostError.self) { _ = try badListen.makeHost(arguments: []) }
    }
}
