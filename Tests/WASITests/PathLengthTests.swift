import Foundation
import Testing
@testable import WASI

/// A guest path is bounded as the kernel bounds it (PATH_MAX, 4096 bytes with the NUL): a
/// longer one is ENAMETOOLONG before the host copies or splits it (a 64 MiB "path" of
/// millions of components once cost the host 27 times its size).
@Suite struct PathLengthTests {
    @Test func pathsBeyondPathMaxAreRefusedBeforeTheyAreRead() throws {
        let tree = TempTree()
        tree.mkdir("sandbox")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("sandbox"), guestPath: "/s")]),
                          memorySize: 64 << 20 + (1 << 20))
        // 32 Mi components of "a/": the whole 64 MiB of a guest memory.
        let huge = String(repeating: "a/", count: 32 << 20)
        let (pointer, length) = g.put(huge)
        let out = g.alloc(4)
        #expect(g.errno(.path_open, 3, 1, UInt64(pointer), UInt64(length), 0, 0, 0, 0, UInt64(out)) == .nametoolong)
        #expect(g.errno(.path_create_directory, 3, UInt64(pointer), UInt64(length)) == .nametoolong)
        #expect(g.errno(.path_symlink, UInt64(pointer), 4096, 3, UInt64(pointer), 1) == .nametoolong)
        // At the limit less the NUL, the path is read and resolved (and is simply not there).
        let (p2, n2) = g.put(String(repeating: "b/", count: 2047) + "c")
        #expect(n2 == 4095)
        #expect(g.errno(.path_open, 3, 1, UInt64(p2), UInt64(n2), 0, 0, 0, 0, UInt64(out)) == .noent)
    }
}
