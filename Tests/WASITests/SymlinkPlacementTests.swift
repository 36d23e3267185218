// The promise on symlinks the guest makes: whatever it creates, renames or hard-links, no
// symlink in the granted directory leads a host process outside it. Each scenario runs on a
// fresh tree; afterwards every symlink's real target (walked as the kernel walks it, and by
// realpath(3)) must be inside its preopen, and the tree outside must be unchanged.

import Foundation
import Testing
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SymlinkPlacementTests {
    /// root/{secret.txt, sandbox (fd 3), other (fd 4), outside/secret.txt}.
    static func makeTree() -> TempTree {
        let tree = TempTree()
        tree.write("secret.txt", "top secret")
        tree.write("sandbox/f.txt", "f")
        tree.mkdir("sandbox/sub/inner")
        tree.mkdir("sandbox/sub2")
        tree.mkdir("sandbox/a/b/c")
        tree.mkdir("other")
        tree.mkdir("outside")
        tree.write("outside/secret.txt", "secret")
        return tree
    }

    struct Scenario {
        let name: String
        /// Links the test placed on the host as traps (they lead out on purpose).
        var traps: [String: String] = [:]
        let run: (Guest) -> Void
    }

    static func symlink(_ g: Guest, _ contents: String, _ path: String, dir: UInt32 = 3) -> WASIErrno {
        let (a, an) = g.put(contents), (b, bn) = g.put(path)
        return g.errno(.path_symlink, UInt64(a), UInt64(an), UInt64(dir), UInt64(b), UInt64(bn))
    }
    static func rename(_ g: Guest, _ from: String, _ to: String, fromDir: UInt32 = 3, toDir: UInt32 = 3) -> WASIErrno {
        let (a, an) = g.put(from), (b, bn) = g.put(to)
        return g.errno(.path_rename, UInt64(fromDir), UInt64(a), UInt64(an), UInt64(toDir), UInt64(b), UInt64(bn))
    }
    static func link(_ g: Guest, _ from: String, _ to: String, follow: Bool = false,
                     fromDir: UInt32 = 3, toDir: UInt32 = 3) -> WASIErrno {
        let (a, an) = g.put(from), (b, bn) = g.put(to)
        return g.errno(.path_link, UInt64(fromDir), follow ? 1 : 0, UInt64(a), UInt64(an), UInt64(toDir), UInt64(b), UInt64(bn))
    }
    static func contents(_ g: Guest, _ path: String, dir: UInt32 = 3) -> String? {
        let (code, fd) = g.open(dir, path, rights: [.fdRead])
        guard code == .success else { return nil }
        defer { g.errno(.fd_close, UInt64(fd)) }
        return g.read(fd, 64).1
    }
    static func mkdir(_ g: Guest, _ path: String) -> WASIErrno { g.pathCall(.path_create_directory, 3, path) }

    static let refused: [Scenario] = [
        Scenario(name: "d -> . then d/../secret.txt") { g in
            #expect(symlink(g, ".", "d") == .success)
            #expect(symlink(g, "d/../secret.txt", "esc") == .notcapable)
            #expect(symlink(g, "d/../../secret.txt", "esc") == .notcapable)
        },
        Scenario(name: "a .. after a name, even one that is a directory now") { g in
            // Harmless while x is a directory; replacing x by `x -> .` would make it lead out.
            #expect(mkdir(g, "x") == .success)
            #expect(symlink(g, "x/../f.txt", "l") == .notcapable)
            #expect(g.pathCall(.path_remove_directory, 3, "x") == .success)
            #expect(symlink(g, ".", "x") == .success)
            #expect(symlink(g, "sub/../f.txt", "l") == .notcapable)
        },
        Scenario(name: "climbing link renamed to the top") { g in
            #expect(symlink(g, "../f.txt", "sub/rel") == .success)
            #expect(rename(g, "sub/rel", "rel") == .notcapable)
            #expect(contents(g, "sub/rel") == "f")
        },
        Scenario(name: "climbing link hard-linked at the top") { g in
            #expect(symlink(g, "../f.txt", "sub/rel") == .success)
            #expect(link(g, "sub/rel", "rel") == .notcapable)
        },
        Scenario(name: "directory holding a climbing link moved up") { g in
            #expect(symlink(g, "../../f.txt", "a/b/l") == .success)
            #expect(rename(g, "a/b", "b") == .notcapable)
            #expect(contents(g, "a/b/l") == "f")
        },
        Scenario(name: "deeper link in a directory moved up") { g in
            #expect(symlink(g, "../../../f.txt", "a/b/c/l") == .success)
            #expect(rename(g, "a/b", "b") == .notcapable)
            #expect(rename(g, "a", "sub2/a") == .success)  // one level deeper: still inside
        },
        Scenario(name: "climbing link moved to a shallower place in another preopen") { g in
            #expect(symlink(g, "../f.txt", "sub/rel") == .success)
            #expect(rename(g, "sub/rel", "rel", toDir: 4) == .notcapable)
            #expect(link(g, "sub/rel", "rel", toDir: 4) == .notcapable)
        },
        Scenario(name: "through a link placed by someone else", traps: ["up": "../outside", "sub/out": "../../outside"]) { g in
            #expect(symlink(g, "up/secret.txt", "l") == .notcapable)
            #expect(symlink(g, "up", "l") == .notcapable)
            #expect(symlink(g, "sub/out", "l") == .notcapable)
            #expect(symlink(g, "../up", "sub/l") == .notcapable)
        },
        Scenario(name: "traps placed by others cannot be renamed, hard-linked or carried",
                 traps: ["up": "../outside", "abs": "/etc/passwd", "a/b/trap": "../../../outside"]) { g in
            #expect(symlink(g, "q/x", "l") == .success)  // dangling: q does not exist
            #expect(rename(g, "up", "q") == .notcapable)  // would complete l's path to the outside
            #expect(rename(g, "up", "up2") == .notcapable)
            #expect(link(g, "up", "up3") == .notcapable)
            #expect(rename(g, "abs", "abs2") == .notcapable)
            #expect(rename(g, "a", "a2") == .notcapable)
            #expect(rename(g, "a/b", "sub/b") == .notcapable)
            #expect(g.pathCall(.path_unlink_file, 3, "up") == .success)  // removing one is fine
        },
        Scenario(name: "absolute, empty and over-climbing targets") { g in
            #expect(symlink(g, "/etc/passwd", "l") == .perm)
            #expect(symlink(g, "/", "l") == .perm)
            #expect(symlink(g, "", "l") == .noent)
            #expect(symlink(g, "..", "l") == .notcapable)
            #expect(symlink(g, "../../f.txt", "sub/l") == .notcapable)
            #expect(symlink(g, "../sandbox/f.txt", "l") == .notcapable)
        },
        Scenario(name: "climbing above a directory the guest opened") { g in
            let (code, sub) = g.open(3, "sub", oflags: .directory, rights: .directory, inheriting: .directory)
            #expect(code == .success)
            #expect(symlink(g, "../f.txt", "l", dir: sub) == .notcapable)
            #expect(symlink(g, "inner", "l", dir: sub) == .success)
        },
        Scenario(name: "a link into a loop (cannot be checked, so refused)") { g in
            #expect(symlink(g, "l2", "l1") == .success)  // dangling for now
            #expect(symlink(g, "l1", "l2") == .success)  // a loop leads nowhere
            #expect(symlink(g, "l1", "l3") == .loop)
        },
    ]

    static let allowed: [Scenario] = [
        Scenario(name: "a climbing link inside") { g in
            #expect(symlink(g, "../f.txt", "sub/rel") == .success)
            #expect(contents(g, "sub/rel") == "f")
            #expect(symlink(g, "../../f.txt", "sub/inner/rel") == .success)
            #expect(contents(g, "sub/inner/rel") == "f")
        },
        Scenario(name: "names through a link to .") { g in
            #expect(symlink(g, ".", "d") == .success)
            #expect(symlink(g, "d/f.txt", "e") == .success)
            #expect(symlink(g, "./sub/inner", "i") == .success)
            #expect(contents(g, "e") == "f")
        },
        Scenario(name: "renamed to the same depth, and within its directory") { g in
            #expect(symlink(g, "../f.txt", "sub/rel") == .success)
            #expect(rename(g, "sub/rel", "sub2/rel") == .success)
            #expect(contents(g, "sub2/rel") == "f")
            #expect(rename(g, "sub2/rel", "sub2/rel2") == .success)
            #expect(link(g, "sub2/rel2", "sub2/rel3") == .success)  // a hard link to the link itself
            #expect(contents(g, "sub2/rel3") == "f")
        },
        Scenario(name: "dangling until the target appears") { g in
            #expect(symlink(g, "later.txt", "l") == .success)
            #expect(symlink(g, "../missing/x", "sub/m") == .success)
            let (code, fd) = g.open(3, "later.txt", oflags: .creat, rights: [.fdWrite])
            #expect(code == .success)
            #expect(g.write(fd, "now").0 == .success)
            #expect(contents(g, "l") == "now")
        },
        Scenario(name: "links to ancestors") { g in
            #expect(symlink(g, "..", "sub/up") == .success)
            #expect(contents(g, "sub/up/f.txt") == "f")
            #expect(symlink(g, "../..", "a/b/top") == .success)
            #expect(contents(g, "a/b/top/f.txt") == "f")
            #expect(symlink(g, ".", "here") == .success)
        },
        Scenario(name: "directories with links moved deeper, within a parent, into another preopen") { g in
            #expect(symlink(g, "../../f.txt", "a/b/l") == .success)
            #expect(rename(g, "a", "sub/a") == .success)
            #expect(rename(g, "sub/a", "sub/a2") == .success)
            #expect(rename(g, "sub/a2", "a", toDir: 4) == .success)  // other/a/b/l -> other/f.txt
        },
        Scenario(name: "hard link through a followed link is a plain file") { g in
            #expect(symlink(g, "../f.txt", "sub/rel") == .success)
            #expect(link(g, "sub/rel", "hard", follow: true) == .success)
            #expect(contents(g, "hard") == "f")
        },
    ]

    func check(_ scenario: Scenario) throws {
        let tree = Self.makeTree()
        for (path, target) in scenario.traps { tree.symlink("sandbox/" + path, to: target) }
        let outsideBefore = HostTree.record(tree.path("outside"))
        let rootBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: tree.root.path)) ?? [])
        let g = try Guest(WASIConfiguration(preopens: [
            WASIPreopen(hostPath: tree.path("sandbox"), guestPath: "/sandbox"),
            WASIPreopen(hostPath: tree.path("other"), guestPath: "/other"),
        ]))
        scenario.run(g)
        g.host.close()
        #expect(HostTree.escapingLinks(under: tree.path("sandbox"), except: Set(scenario.traps.keys)) == [],
                "\(scenario.name): a link leads out of the sandbox")
        #expect(HostTree.escapingLinks(under: tree.path("other")) == [], "\(scenario.name): a link leads out of other")
        #expect(HostTree.record(tree.path("outside")) == outsideBefore, "\(scenario.name) changed the outside tree")
        #expect(tree.read("secret.txt") == "top secret")
        let rootAfter = Set((try? FileManager.default.contentsOfDirectory(atPath: tree.root.path)) ?? [])
        #expect(rootAfter == rootBefore, "\(scenario.name) created something beside the preopens")
    }

    @Test func refusedLinksLeaveNoWayOut() throws {
        for scenario in Self.refused { try check(scenario) }
    }

    @Test func legalLinksStillWork() throws {
        for scenario in Self.allowed { try check(scenario) }
    }

    /// The checker itself must see the escapes the old lexical rule let through.
    @Test func theCheckerSeesRealTargets() throws {
        let tree = Self.makeTree()
        tree.symlink("sandbox/d", to: ".")
        tree.symlink("sandbox/esc", to: "d/../secret.txt")
        tree.symlink("sandbox/sub/rel", to: "../f.txt")
        tree.symlink("sandbox/dangling", to: "nothere/../../x")
        let escaping = HostTree.escapingLinks(under: tree.path("sandbox"))
        #expect(escaping.contains { $0.hasPrefix("esc -> ") && $0.hasSuffix("/secret.txt") })
        #expect(escaping.contains { $0.hasPrefix("esc realpath ") })
        #expect(escaping.contains { $0.hasPrefix("dangling -> ") })
        #expect(!escaping.contains { $0.hasPrefix("sub/rel") || $0.hasPrefix("d ") })
    }
}
