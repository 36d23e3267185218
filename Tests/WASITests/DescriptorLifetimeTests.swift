// When the guest is gone, nothing it opened stays open: proc_exit closes the host's
// descriptors at once, and so does the end of `_start` under `WASIRun`, even while the host
// object itself lives on (a debugger keeps it until the next run).

import Foundation
import Testing
import WasmCore
import WasmVM
@testable import WASI

@Suite(.serialized) struct DescriptorLifetimeTests {
    /// A guest that opens `data.txt` (fd 3's) `count` times, keeping every descriptor, then
    /// ends by `ending` (`call $exit` or nothing). An open that fails traps.
    static func opener(count: Int, exits: Bool) throws -> Module {
        try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "path_open"
            (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory 1)
          (data (i32.const 16) "data.txt")
          (func (export "_start") (local $i i32)
            (loop $again
              (if (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 0)
                              (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 64))
                (then unreachable))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $again (i32.lt_u (local.get $i) (i32.const \(count)))))
            \(exits ? "(call $exit (i32.const 7))" : ""))
        )
        """)
    }

    func run(exits: Bool) throws {
        let tree = TempTree()
        tree.write("dir/data.txt", "x")
        let baseline = HostTree.openDescriptorCount()
        let host = try WASIHost(configuration: WASIConfiguration(arguments: ["p"], preopens: [
            WASIPreopen(hostPath: tree.path("dir"), guestPath: "/d"),
        ]))
        #expect(HostTree.openDescriptors(under: tree.root.path).count == 1)  // the preopen
        let count = 1000
        let outcome = try WASIRun.run(module: try Self.opener(count: count, exits: exits), host: host,
                                      runtime: Runtime())
        #expect(outcome == .exited(exits ? 7 : 0))
        // `host` is still referenced here: closing must not wait for it to go away.
        #expect(HostTree.openDescriptors(under: tree.root.path) == [])
        #expect(host.label(ofFD: 3) == nil)
        // The process's own count is back near where it was: other suites run concurrently and
        // open a few files of their own (this suite runs its tests one at a time), but not the
        // guest's thousand. The exact check is the one above, on descriptors into the tree.
        #expect(HostTree.openDescriptorCount() < baseline + count / 2)
        withExtendedLifetime(host) {}
    }

    @Test func returningFromStartClosesEverything() throws { try run(exits: false) }

    @Test func procExitClosesEverything() throws { try run(exits: true) }

    @Test func procExitClosesWithoutTheEngine() throws {
        let tree = TempTree()
        tree.write("dir/data.txt", "x")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("dir"), guestPath: "/d")]))
        for _ in 0..<50 { #expect(g.open(3, "data.txt", rights: [.fdRead]).0 == .success) }
        #expect(HostTree.openDescriptors(under: tree.root.path).count == 51)
        #expect(g.call(.proc_exit, 3) == .exit(3))
        #expect(HostTree.openDescriptors(under: tree.root.path) == [])
        #expect(g.errno(.fd_close, 3) == .badf)
    }

    @Test func theTableLimitIsReachedAndReleased() throws {
        // The limit case of the report: a guest that fills the whole table.
        let tree = TempTree()
        tree.write("dir/data.txt", "x")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("dir"), guestPath: "/d")]))
        var opened = 0
        while g.open(3, "data.txt", rights: [.fdRead]).0 == .success { opened += 1 }
        #expect(opened == DescriptorTable.limit - 4)
        #expect(HostTree.openDescriptors(under: tree.root.path).count == opened + 1)
        _ = g.call(.proc_exit, 0)
        #expect(HostTree.openDescriptors(under: tree.root.path) == [])
    }
}
