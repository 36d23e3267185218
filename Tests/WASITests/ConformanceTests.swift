// Answers that must match Linux and wasmtime (checked against wasmtime 51's preview1 host):
// a trailing `/` on the new name of path_link, path_symlink and path_rename, O_CREAT on a name
// ending in `/`, and the socket calls on descriptors that are not sockets.

import Foundation
import Testing
@testable import WASI

@Suite struct ConformanceTests {
    /// sandbox/{f.txt, sub/, sub2/, ld -> sub, lf -> f.txt, dang -> nothere} as fd 3.
    func makeGuest() throws -> (TempTree, Guest) {
        let tree = TempTree()
        tree.write("sandbox/f.txt", "f")
        tree.mkdir("sandbox/sub")
        tree.mkdir("sandbox/sub2")
        tree.symlink("sandbox/ld", to: "sub")
        tree.symlink("sandbox/lf", to: "f.txt")
        tree.symlink("sandbox/dang", to: "nothere")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("sandbox"), guestPath: "/s")]))
        return (tree, g)
    }

    @Test func symlinkNewNameWithTrailingSlash() throws {
        let expected: [(String, WASIErrno)] = [
            ("new/", .noent), ("dang/", .noent), ("f.txt/", .notdir), ("lf/", .notdir), ("f.txt/.", .notdir),
            ("sub/", .exist), ("ld/", .exist), ("sub/.", .exist), ("sub/..", .exist),
        ]
        for (name, errno) in expected {
            let (tree, g) = try makeGuest()
            #expect(SymlinkPlacementTests.symlink(g, "f.txt", name) == errno, "symlink to \(name)")
            #expect(!tree.exists("sandbox/new") && !tree.exists("sandbox/nothere"))
        }
    }

    @Test func linkNewNameWithTrailingSlash() throws {
        let expected: [(String, WASIErrno)] = [
            ("new/", .noent), ("dang/", .noent), ("f.txt/", .notdir), ("lf/", .notdir),
            ("sub/", .exist), ("ld/", .exist),
        ]
        for (name, errno) in expected {
            let (tree, g) = try makeGuest()
            #expect(SymlinkPlacementTests.link(g, "f.txt", name) == errno, "link to \(name)")
            #expect(!tree.exists("sandbox/new") && !tree.exists("sandbox/nothere"))
        }
        let (tree, g) = try makeGuest()
        defer { withExtendedLifetime(tree) {} }  // the folder lives as long as the tree
        #expect(SymlinkPlacementTests.link(g, "f.txt/", "new") == .notdir)
        #expect(SymlinkPlacementTests.link(g, "sub/", "new") == .perm)
        #expect(SymlinkPlacementTests.link(g, "sub", "new") == .perm)
    }

    @Test func renameWithTrailingSlash() throws {
        let expected: [(String, String, WASIErrno)] = [
            ("f.txt", "new/", .notdir), ("f.txt", "sub2/", .notdir), ("f.txt", "f.txt/", .notdir),
            ("f.txt/", "x", .notdir), ("lf/", "x", .notdir), ("ld/", "x", .notdir),
            ("sub", "lf/", .notdir), ("sub", "dang/", .notdir), ("sub", "sub2/.", .busy), ("sub/.", "x", .busy),
            ("sub", "new/", .success), ("sub/", "y/", .success), ("sub", "sub2/", .success),
        ]
        for (from, to, errno) in expected {
            let (tree, g) = try makeGuest()
            #expect(SymlinkPlacementTests.rename(g, from, to) == errno, "rename \(from) to \(to)")
            if errno != .success {
                #expect(tree.read("sandbox/f.txt") == "f" && tree.exists("sandbox/sub") && !tree.exists("sandbox/new"))
            }
        }
    }

    @Test func createWithTrailingSlashIsEISDIR() throws {
        let (tree, g) = try makeGuest()
        #expect(g.open(3, "new/", oflags: .creat, rights: [.fdRead, .fdWrite]).0 == .isdir)
        #expect(g.open(3, "new/", oflags: [.creat, .excl], rights: [.fdRead]).0 == .isdir)
        #expect(g.open(3, "f.txt/", oflags: .creat, rights: [.fdRead]).0 == .isdir)
        #expect(g.open(3, "sub/", oflags: .creat, rights: [.fdRead]).0 == .isdir)
        #expect(g.open(3, "new/", oflags: [.creat, .directory], rights: [.fdRead]).0 == .inval)
        #expect(g.open(3, "sub", oflags: [.creat, .directory], rights: [.fdRead]).0 == .inval)
        #expect(g.open(3, "new/").0 == .noent)
        #expect(g.open(3, "f.txt/").0 == .notdir)
        #expect(!tree.exists("sandbox/new"))
        #expect(g.open(3, "new", oflags: .creat, rights: [.fdRead]).0 == .success)
    }

    @Test func socketCallsOnOtherDescriptorsAreENOTSOCK() throws {
        let (tree, g) = try makeGuest()
        defer { withExtendedLifetime(tree) {} }
        let (code, file) = g.open(3, "f.txt", rights: [.fdRead])
        #expect(code == .success)
        // Without any rights, the kind still decides first.
        let (_, bare) = g.open(3, "f.txt", rights: [])
        for fd in [0, 1, 2, 3, file, bare] {
            let out = g.alloc(8)
            #expect(g.errno(.sock_shutdown, UInt64(fd), 3) == .notsock, "sock_shutdown(\(fd))")
            #expect(g.errno(.sock_accept, UInt64(fd), 0, UInt64(out)) == .notsock, "sock_accept(\(fd))")
            #expect(g.errno(.sock_recv, UInt64(fd), UInt64(out), 0, 0, UInt64(out), UInt64(out)) == .notsock)
            #expect(g.errno(.sock_send, UInt64(fd), UInt64(out), 0, 0, UInt64(out)) == .notsock)
        }
        #expect(g.errno(.sock_shutdown, 99, 3) == .badf)
    }

    @Test func socketCallsOnSocketsStillCheckRights() throws {
        let (listener, _) = try WASIConfiguration.tcpListen("127.0.0.1:0")
        var config = WASIConfiguration()
        config.listeners = [listener]
        let g = try Guest(config)
        let out = g.alloc(8)
        // The listener is fd 3: not a connection, so it lacks the rights to read, write or shut down.
        #expect(g.errno(.sock_shutdown, 3, 3) == .notcapable)
        #expect(g.errno(.sock_recv, 3, UInt64(out), 0, 0, UInt64(out), UInt64(out)) == .notcapable)
        #expect(g.errno(.sock_send, 3, UInt64(out), 0, 0, UInt64(out)) == .notcapable)
        g.host.close()
    }
}
