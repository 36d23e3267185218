// Escape attempts against the capability sandbox. Each names the errno it must get; afterwards
// nothing outside the preopens may have been created, changed or removed.

import Foundation
import Testing
@testable import WASI

@Suite struct SandboxTests {
    /// root/{sandbox (rw, fd 3), ro (read-only, fd 4), outside (sentinels)}.
    func makeTree() -> TempTree {
        let tree = TempTree()
        tree.mkdir("sandbox/sub/inner")
        tree.write("sandbox/file.txt", "inside")
        tree.symlink("sandbox/link_root", to: "/")
        tree.symlink("sandbox/link_etc", to: "/etc/passwd")
        tree.symlink("sandbox/link_up", to: "../outside")
        tree.symlink("sandbox/chain1", to: "chain2")
        tree.symlink("sandbox/chain2", to: "sub/../chain3")
        tree.symlink("sandbox/chain3", to: "../outside")
        tree.symlink("sandbox/sub/deeplink", to: "../../outside/secret.txt")
        tree.symlink("sandbox/loop1", to: "loop2")
        tree.symlink("sandbox/loop2", to: "loop1")
        tree.symlink("sandbox/ok_link", to: "sub")
        tree.mkdir("ro/rodir")
        tree.write("ro/data.txt", "read only")
        tree.mkdir("outside/dir")
        tree.write("outside/secret.txt", "secret")
        return tree
    }

    struct Attempt {
        let name: String
        let expected: WASIErrno
        let run: (Guest) -> WASIErrno
    }

    static func open(_ path: String, _ oflags: WASIOFlags = [], rights: WASIRights = [.fdRead],
                     follow: Bool = true, dir: UInt32 = 3) -> (Guest) -> WASIErrno {
        { $0.open(dir, path, oflags: oflags, rights: rights, follow: follow).0 }
    }
    static func path(_ function: WASIFunction, _ path: String, dir: UInt32 = 3) -> (Guest) -> WASIErrno {
        { $0.pathCall(function, dir, path) }
    }
    static func stat(_ path: String, follow: Bool = true) -> (Guest) -> WASIErrno {
        { g in
            let (p, n) = g.put(path)
            return g.errno(.path_filestat_get, 3, follow ? 1 : 0, UInt64(p), UInt64(n), UInt64(g.alloc(64)))
        }
    }
    static func twoPaths(_ function: WASIFunction, _ from: String, _ to: String,
                         fromDir: UInt32 = 3, toDir: UInt32 = 3) -> (Guest) -> WASIErrno {
        { g in
            let (a, an) = g.put(from), (b, bn) = g.put(to)
            switch function {
            case .path_rename:
                return g.errno(.path_rename, UInt64(fromDir), UInt64(a), UInt64(an), UInt64(toDir), UInt64(b), UInt64(bn))
            case .path_link:
                return g.errno(.path_link, UInt64(fromDir), 1, UInt64(a), UInt64(an), UInt64(toDir), UInt64(b), UInt64(bn))
            default:  // path_symlink(contents, fd, new path)
                return g.errno(.path_symlink, UInt64(a), UInt64(an), UInt64(toDir), UInt64(b), UInt64(bn))
            }
        }
    }

    static let attempts: [Attempt] = [
        Attempt(name: "dotdot out of the preopen", expected: .notcapable, run: open("../outside/secret.txt")),
        Attempt(name: "dotdot chain via subdir", expected: .notcapable, run: open("sub/../../outside/secret.txt")),
        Attempt(name: "long dotdot chain", expected: .notcapable, run: open("../../../../../../etc/passwd")),
        Attempt(name: "dotdot after deep descent", expected: .notcapable,
                run: open("sub/inner/../../../outside/secret.txt")),
        Attempt(name: "absolute path", expected: .notcapable, run: open("/etc/passwd")),
        Attempt(name: "absolute root", expected: .notcapable, run: open("/", .directory, rights: .directory)),
        Attempt(name: "symlink to / then below", expected: .notcapable, run: open("link_root/etc/passwd")),
        Attempt(name: "symlink to / followed", expected: .notcapable,
                run: open("link_root", .directory, rights: .directory)),
        Attempt(name: "symlink to / without follow", expected: .loop,
                run: open("link_root", rights: .directory, follow: false)),
        Attempt(name: "absolute symlink to a file", expected: .notcapable, run: open("link_etc")),
        Attempt(name: "relative symlink escaping", expected: .notcapable, run: open("link_up/secret.txt")),
        Attempt(name: "symlink chain escaping", expected: .notcapable, run: open("chain1/secret.txt")),
        Attempt(name: "nested symlink escaping", expected: .notcapable, run: open("sub/deeplink")),
        Attempt(name: "symlink loop", expected: .loop, run: open("loop1")),
        Attempt(name: "inside symlink then dotdot out", expected: .notcapable, run: open("ok_link/../../outside/secret.txt")),
        Attempt(name: "stat through escaping symlink", expected: .notcapable, run: stat("link_root")),
        Attempt(name: "stat of parent", expected: .notcapable, run: stat("..")),
        Attempt(name: "stat outside via dotdot", expected: .notcapable, run: stat("../outside/secret.txt", follow: false)),
        Attempt(name: "mkdir outside", expected: .notcapable, run: path(.path_create_directory, "../newdir")),
        Attempt(name: "mkdir through symlink", expected: .notcapable, run: path(.path_create_directory, "link_up/newdir")),
        Attempt(name: "create file through symlink", expected: .notcapable,
                run: open("link_up/new.txt", .creat, rights: [.fdWrite])),
        Attempt(name: "create file via dotdot", expected: .notcapable,
                run: open("../created.txt", .creat, rights: [.fdWrite])),
        Attempt(name: "create through dangling absolute link", expected: .notcapable,
                run: open("link_etc", [.creat, .trunc], rights: [.fdWrite])),
        Attempt(name: "unlink outside", expected: .notcapable, run: path(.path_unlink_file, "../outside/secret.txt")),
        Attempt(name: "unlink through symlink dir", expected: .notcapable, run: path(.path_unlink_file, "link_up/secret.txt")),
        Attempt(name: "rmdir outside", expected: .notcapable, run: path(.path_remove_directory, "../outside/dir")),
        Attempt(name: "rename out of the preopen", expected: .notcapable, run: twoPaths(.path_rename, "file.txt", "../moved.txt")),
        Attempt(name: "rename into the preopen", expected: .notcapable,
                run: twoPaths(.path_rename, "../outside/secret.txt", "stolen.txt")),
        Attempt(name: "rename via symlinked dir", expected: .notcapable,
                run: twoPaths(.path_rename, "file.txt", "link_up/moved.txt")),
        Attempt(name: "hard link out", expected: .notcapable, run: twoPaths(.path_link, "file.txt", "../linked.txt")),
        Attempt(name: "hard link in from outside", expected: .notcapable,
                run: twoPaths(.path_link, "link_up/secret.txt", "hard.txt")),
        Attempt(name: "guest symlink absolute", expected: .perm,  // wasmtime's answer
                run: twoPaths(.path_symlink, "/etc/passwd", "guest_abs")),
        Attempt(name: "guest symlink escaping", expected: .notcapable,
                run: twoPaths(.path_symlink, "../outside", "guest_up")),
        Attempt(name: "guest symlink escaping through subdir", expected: .notcapable,
                run: twoPaths(.path_symlink, "sub/../..", "guest_up2")),
        Attempt(name: "guest-made inside link then dotdot", expected: .notcapable, run: { g in
            #expect(twoPaths(.path_symlink, "sub", "guest_ok")(g) == .success)
            return g.open(3, "guest_ok/../../outside/secret.txt").0
        }),
        Attempt(name: "guest-made up link in subdir then out", expected: .notcapable, run: { g in
            #expect(twoPaths(.path_symlink, "..", "sub/guest_parent")(g) == .success)
            return g.open(3, "sub/guest_parent/../outside/secret.txt").0
        }),
        Attempt(name: "readlink outside", expected: .notcapable, run: { g in
            let (p, n) = g.put("../sandbox/link_up")
            return g.errno(.path_readlink, 3, UInt64(p), UInt64(n), UInt64(g.alloc(64)), 64, UInt64(g.alloc(4)))
        }),
        Attempt(name: "set times outside", expected: .notcapable, run: { g in
            let (p, n) = g.put("../outside/secret.txt")
            return g.errno(.path_filestat_set_times, 3, 0, UInt64(p), UInt64(n), 0, 0, UInt64(WASIFstFlags.mtimNow.rawValue))
        }),
        Attempt(name: "opened subdir is its own root", expected: .notcapable, run: { g in
            let (code, sub) = g.open(3, "sub", oflags: .directory, rights: .directory, inheriting: .regularFile)
            #expect(code == .success)
            return g.open(sub, "../file.txt").0
        }),
        Attempt(name: "file renumbered over the preopen", expected: .notdir, run: { g in
            let (_, fd) = g.open(3, "file.txt")
            #expect(g.errno(.fd_renumber, UInt64(fd), 3) == .success)
            return g.open(3, "file.txt").0
        }),
        Attempt(name: "read-only preopen renumbered over the writable one", expected: .notcapable, run: { g in
            #expect(g.errno(.fd_renumber, 4, 3) == .success)
            return g.open(3, "data.txt", oflags: .creat, rights: [.fdWrite]).0
        }),
        Attempt(name: "stdout renumbered over the preopen", expected: .notdir, run: { g in
            #expect(g.errno(.fd_renumber, 1, 3) == .success)
            return g.open(3, "file.txt").0
        }),
        Attempt(name: "regain rights on the preopen", expected: .notcapable, run: { g in
            g.errno(.fd_fdstat_set_rights, 4, WASIRights.all.rawValue, WASIRights.all.rawValue)
        }),
        Attempt(name: "ro: open for writing", expected: .notcapable, run: open("data.txt", rights: [.fdWrite], dir: 4)),
        Attempt(name: "ro: create", expected: .notcapable, run: open("new.txt", .creat, rights: [.fdRead], dir: 4)),
        Attempt(name: "ro: truncate", expected: .notcapable, run: open("data.txt", .trunc, rights: [.fdRead], dir: 4)),
        Attempt(name: "ro: unlink", expected: .notcapable, run: path(.path_unlink_file, "data.txt", dir: 4)),
        Attempt(name: "ro: mkdir", expected: .notcapable, run: path(.path_create_directory, "newdir", dir: 4)),
        Attempt(name: "ro: rmdir", expected: .notcapable, run: path(.path_remove_directory, "rodir", dir: 4)),
        Attempt(name: "ro: rename out to writable", expected: .notcapable,
                run: twoPaths(.path_rename, "data.txt", "taken.txt", fromDir: 4, toDir: 3)),
        Attempt(name: "ro: symlink", expected: .notcapable, run: twoPaths(.path_symlink, "data.txt", "l", toDir: 4)),
        Attempt(name: "ro: write through a read-only fd", expected: .notcapable, run: { g in
            let (code, fd) = g.open(4, "data.txt", rights: [.fdRead])
            #expect(code == .success)
            return g.write(fd, "x").0
        }),
        Attempt(name: "ro: truncate through an fd", expected: .notcapable, run: { g in
            let (_, fd) = g.open(4, "data.txt", rights: [.fdRead])
            return g.errno(.fd_filestat_set_size, UInt64(fd), 0)
        }),
        Attempt(name: "ro: subdirectory inherits read-only", expected: .notcapable, run: { g in
            let (code, sub) = g.open(4, "rodir", oflags: .directory, rights: .directory.subtracting(.mutating),
                                     inheriting: .regularFile.subtracting(.mutating))
            #expect(code == .success)
            return g.open(sub, "x.txt", oflags: .creat, rights: [.fdRead]).0
        }),
        Attempt(name: "NUL byte in path", expected: .inval, run: open("file.txt\u{0}../../outside/secret.txt")),
        Attempt(name: "invalid UTF-8 path", expected: .ilseq, run: { g in
            let (p, n) = g.put([0x66, 0xFF, 0x2F, 0x2E, 0x2E])
            let out = g.alloc(4)
            return g.errno(.path_open, 3, 1, UInt64(p), UInt64(n), 0, WASIRights.fdRead.rawValue, 0, 0, UInt64(out))
        }),
    ]

    @Test func escapeAttemptsAllFail() throws {
        #expect(Self.attempts.count >= 30)
        for attempt in Self.attempts {
            let tree = makeTree()
            let outsideBefore = tree.snapshot("outside")
            let rootBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: tree.root.path)) ?? [])
            let roBefore = tree.snapshot("ro")
            let config = WASIConfiguration(preopens: [
                WASIPreopen(hostPath: tree.path("sandbox"), guestPath: "/sandbox"),
                WASIPreopen(hostPath: tree.path("ro"), guestPath: "/ro", readOnly: true),
            ])
            let g = try Guest(config)
            let result = attempt.run(g)
            #expect(result == attempt.expected, "\(attempt.name): got \(result.name)")
            #expect(tree.snapshot("outside") == outsideBefore, "\(attempt.name) changed the outside tree")
            #expect(tree.read("outside/secret.txt") == "secret")
            #expect(tree.snapshot("ro") == roBefore, "\(attempt.name) changed the read-only preopen")
            let rootAfter = Set((try? FileManager.default.contentsOfDirectory(atPath: tree.root.path)) ?? [])
            #expect(rootAfter == rootBefore, "\(attempt.name) created something beside the preopens")
            g.host.close()
        }
    }

    @Test func insideLinksStillWork() throws {
        let tree = makeTree()
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("sandbox"), guestPath: "/s")]))
        #expect(g.open(3, "ok_link/inner/../../file.txt").0 == .success)
        #expect(g.open(3, "sub/../file.txt").0 == .success)
        #expect(g.open(3, "./sub/./inner/..//../file.txt").0 == .success)
        #expect(g.open(3, ".", oflags: .directory, rights: .directory).0 == .success)
        #expect(g.open(3, "sub/..", oflags: .directory, rights: .directory).0 == .success)
        #expect(g.open(3, "").0 == .noent)
    }
}

@Suite struct RightsInheritanceTests {
    @Test func extraRightsAreDroppedButWriteAccessIsRefused() throws {
        let tree = TempTree()
        tree.mkdir("ro")
        tree.write("ro/data.txt", "x")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("ro"), guestPath: "/ro", readOnly: true)]))
        // What Rust's std asks for when opening a file for reading.
        let rustRead: WASIRights = [.fdRead, .fdReaddir, .fdAdvise, .fdFdstatSetFlags, .fdFilestatGet,
                                    .fdFilestatSetTimes, .fdSeek, .fdSync, .fdTell]
        let (code, fd) = g.open(3, "data.txt", rights: rustRead, inheriting: rustRead)
        #expect(code == .success)
        let stat = g.alloc(24)
        #expect(g.errno(.fd_fdstat_get, UInt64(fd), UInt64(stat)) == .success)
        let granted = WASIRights(rawValue: g.u64(stat + 8))
        #expect(granted.contains(.fdRead) && !granted.contains(.fdFilestatSetTimes))
        #expect(g.errno(.fd_filestat_set_times, UInt64(fd), 0, 0, UInt64(WASIFstFlags.mtimNow.rawValue)) == .notcapable)
        #expect(g.open(3, "data.txt", rights: rustRead.union(.fdWrite)).0 == .notcapable)
        #expect(tree.read("ro/data.txt") == "x")
    }
}
