import Foundation
import Testing

/// `wdb run` on a GC module: results print in the value notation, and `--max-gc-heap` bounds
/// the live objects with a clear trap.
@Suite struct RunGCTests {
    func runProcess(_ arguments: [String]) throws -> (Int32, String, String) {
        let result = try WdbTestSupport.wdb(arguments)
        return (result.status, result.stdout, result.stderr)
    }

    @Test func maxGCHeapLimitsLiveObjects() throws {
        let trees = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/gc/bintrees.wat").path
        var (status, out, err) = try runProcess(["run", "--invoke", "run", trees, "8"])
        #expect(status == 0 && out == "i32:25774\n", "\(err)")
        (status, out, err) = try runProcess(["run", "--max-gc-heap", "64KiB", "--invoke", "run", trees, "12"])
        #expect(status == 134)
        #expect(err.hasPrefix("error: trap: out of GC heap: live objects would exceed the limit of 65536 bytes (--max-gc-heap)"), "\(err)")
        (status, out, err) = try runProcess(["run", "--max-gc-heap", "lots", "--invoke", "run", trees, "4"])
        #expect(status == 1 && err.contains("--max-gc-heap"))
        _ = out
    }
}
