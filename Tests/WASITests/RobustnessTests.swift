// Arbitrary argument values must give an errno, never a crash, and never reach outside the
// preopen. Deterministic (seeded) so a failure can be replayed.

import Foundation
import Testing
@testable import WASI

@Suite struct RobustnessTests {
    @Test func randomArgumentsNeverCrashOrEscape() throws {
        let tree = TempTree()
        tree.mkdir("sandbox/sub")
        tree.write("sandbox/file.txt", "content")
        tree.symlink("sandbox/up", to: "../outside")
        tree.mkdir("outside")
        tree.write("outside/secret.txt", "secret")
        let before = tree.snapshot("outside")
        var config = WASIConfiguration(arguments: ["p", "x"], environment: ["A=1"],
                                       preopens: [WASIPreopen(hostPath: tree.path("sandbox"), guestPath: "/s")])
        let null = Glibc.open("/dev/null", O_RDWR)
        defer { close(null) }
        config.stdin = null
        config.stdout = null
        config.stderr = null
        config.random = SeededRandomSource(seed: 1)
        let host = try WASIHost(configuration: config)
        let memory = TestMemory(size: 65536)
        // Paths the guest might name, placed in memory so that string arguments often hit them.
        let paths = ["file.txt", "sub", "../outside/secret.txt", "up/secret.txt", "/etc/passwd", "new", "sub/../.."]
        var offset = 0x100
        var pathPointers: [(UInt64, UInt64)] = []
        for path in paths {
            for (i, byte) in path.utf8.enumerated() { memory.bytes[offset + i] = byte }
            pathPointers.append((UInt64(offset), UInt64(path.utf8.count)))
            offset += 64
        }
        let rng = SeededRandomSource(seed: 2024)
        let pool: [UInt64] = [0, 1, 2, 3, 4, 5, 7, 8, 16, 0x800, 0xFFF0, 0xFFFF, 0x10000, 0xFFFF_FFFF,
                              0x7FFF_FFFF_FFFF_FFFF, UInt64.max, WASIRights.all.rawValue]
        // Excluded: poll_oneoff could sleep for a random (huge) timeout, fd_allocate could really
        // allocate gigabytes, proc_exit just exits. They have their own tests.
        let functions = WASIFunction.allCases.filter { ![.poll_oneoff, .fd_allocate, .proc_exit].contains($0) }
        var outcomes: [WASIErrno: Int] = [:]
        for _ in 0..<20_000 {
            let function = functions[Int(rng.next() % UInt64(functions.count))]
            var args = function.params.map { _ in pool[Int(rng.next() % UInt64(pool.count))] }
            for (index, param) in function.params.enumerated() where param.kind == .string && rng.next() % 4 != 0 {
                let (pointer, length) = pathPointers[Int(rng.next() % UInt64(pathPointers.count))]
                args[index] = pointer
                args[index + 1] = length
            }
            for (index, param) in function.params.enumerated() where param.kind == .out(.size) || param.kind == .out(.fd) {
                if rng.next() % 2 == 0 { args[index] = 0x4000 }
            }
            let result = host.call(function, args, memory: memory)
            guard case .errno(let code) = result else {
                Issue.record("\(function.name) returned \(result)")
                continue
            }
            outcomes[code, default: 0] += 1
        }
        host.close()
        #expect(outcomes[.success, default: 0] > 100)
        #expect(outcomes[.fault, default: 0] > 100)
        #expect(outcomes[.badf, default: 0] > 100)
        #expect(tree.snapshot("outside") == before)
        #expect(tree.read("outside/secret.txt") == "secret")
    }

    @Test func zeroSizedMemory() throws {
        let g = try Guest(WASIConfiguration(), memorySize: 0)
        #expect(g.errno(.fd_write, 1, 0, 0, 0) == .fault)
        #expect(g.errno(.random_get, 0, 0) == .success)
        #expect(g.errno(.args_sizes_get, 0, 0) == .fault)
    }
}
