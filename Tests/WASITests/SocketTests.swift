import Foundation
import Testing
@testable import WASI

@Suite struct SocketTests {
    /// A guest-side echo: accept one connection on a preopened loopback listener, receive, send
    /// the bytes back, shut down writing.
    @Test func echoOverLoopback() throws {
        let (listener, port) = try WASIConfiguration.tcpListen("127.0.0.1:0")
        var config = WASIConfiguration()
        config.listeners = [listener]
        let g = try Guest(config)
        defer { g.host.close() }
        let stat = g.alloc(24)
        #expect(g.errno(.fd_fdstat_get, 3, UInt64(stat)) == .success)
        #expect(g.u8(stat) == WASIFileType.socketStream.rawValue)
        #expect(g.errno(.fd_prestat_get, 3, UInt64(stat)) == .badf)

        // The test is the client. connect() completes against the listen backlog.
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        #expect(send(client, "ping", 4, 0) == 4)

        let accepted = g.alloc(4)
        #expect(g.errno(.sock_accept, 3, 0, UInt64(accepted)) == .success)
        let conn = g.u32(accepted)
        #expect(conn == 4)
        #expect(g.errno(.sock_accept, UInt64(conn), 0, UInt64(accepted)) == .notcapable)

        let buffer = g.alloc(16), iov = g.alloc(8), datalen = g.alloc(4), roflags = g.alloc(4)
        g.setU32(buffer, iov)
        g.setU32(16, iov + 4)
        #expect(g.errno(.sock_recv, UInt64(conn), UInt64(iov), 1, 0, UInt64(datalen), UInt64(roflags)) == .success)
        #expect(g.string(buffer, Int(g.u32(datalen))) == "ping")
        #expect(g.u16(roflags) == 0)
        g.setU32(g.u32(datalen), iov + 4)
        #expect(g.errno(.sock_send, UInt64(conn), UInt64(iov), 1, 0, UInt64(datalen)) == .success)
        #expect(g.u32(datalen) == 4)
        #expect(g.errno(.sock_shutdown, UInt64(conn), 2) == .success)
        #expect(g.errno(.sock_shutdown, UInt64(conn), 9) == .inval)

        var reply = [UInt8](repeating: 0, count: 16)
        var total = 0
        while true {
            let n = reply.withUnsafeMutableBytes { recv(client, $0.baseAddress! + total, 16 - total, 0) }
            if n <= 0 { break }
            total += n
        }
        #expect(String(decoding: reply[0..<total], as: UTF8.self) == "ping")
        // fd_write also works on the connection; sock_recv on a file is ENOTSOCK.
        #expect(g.errno(.sock_recv, 1, UInt64(iov), 1, 0, UInt64(datalen), UInt64(roflags)) == .notsock)
        // Writing after the guest's own SHUT_WR (and with the client gone) gives the guest EPIPE
        // (or ECONNRESET); wdb gets no SIGPIPE, which would end this test process.
        close(client)
        var last = WASIErrno.success
        for _ in 0..<50 where last == .success {
            last = g.write(conn, "late").0
            usleep(2000)
        }
        #expect(last == .pipe || last == .connreset)
        #expect(g.errno(.fd_close, UInt64(conn)) == .success)
    }

    @Test func nonblockingAcceptWithoutAClient() throws {
        let (listener, _) = try WASIConfiguration.tcpListen("localhost:0")
        var config = WASIConfiguration()
        config.listeners = [listener]
        let g = try Guest(config)
        defer { g.host.close() }
        #expect(g.host.label(ofFD: 3)?.hasPrefix("tcp:127.0.0.1:") == true)
        let out = g.alloc(4)
        // sock_accept's flags are those of the new connection; only NONBLOCK is allowed.
        #expect(g.errno(.sock_accept, 3, UInt64(WASIFDFlags.append.rawValue), UInt64(out)) == .inval)
        #expect(g.errno(.sock_accept, 1, 0, UInt64(out)) == .notsock)  // stdout is no socket: the kind decides first
        // A non-blocking listener without a pending client answers EAGAIN instead of waiting.
        #expect(g.errno(.fd_fdstat_set_flags, 3, UInt64(WASIFDFlags.nonblock.rawValue)) == .success)
        #expect(g.errno(.sock_accept, 3, 0, UInt64(out)) == .again)
        #expect(g.errno(.sock_accept, 3, UInt64(WASIFDFlags.nonblock.rawValue), UInt64(out)) == .again)
    }

    @Test func badListenSpecs() {
        #expect(throws: WASIHostError.self) { try WASIConfiguration.tcpListen("nope") }
        #expect(throws: WASIHostError.self) { try WASIConfiguration.tcpListen("999.1.1.1:80") }
    }
}
