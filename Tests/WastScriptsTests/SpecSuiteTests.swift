import Foundation
import Testing
import WasmCore
import WastScripts

/// The spec scripts run in-process through the WastScripts library (what `wdb wast` prints).
/// The suite lives in `../shared/testsuite`; without it these tests fail, they never pass empty.
@Suite(.serialized) struct SpecSuiteTests {
    /// `shared/testsuite`, searched upward from this file (main checkout and worktrees).
    static func testsuite() throws -> URL {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("shared/testsuite")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("core").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw Missing()
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "the spec test suite (shared/testsuite beside the repository) was not found" }
    }

    /// The 2.0 suite in the 2.0 language (3.0 makes some of its invalid modules valid).
    @Test func coreSpecSuitePassesEveryCommand() throws {
        let summary = try WastSuite.run(paths: [try Self.testsuite().appendingPathComponent("core").path], features: .wasm20)
        #expect(summary.files.count > 50)
        #expect(summary.passed > 27_000)
        #expect(summary.failed == 0, "\(summary.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
    }

    @Test func simdSpecSuitePassesEveryCommand() throws {
        let summary = try WastSuite.run(paths: [try Self.testsuite().appendingPathComponent("core/simd").path], features: .wasm20)
        #expect(summary.passed > 25_000)
        #expect(summary.failed == 0, "\(summary.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
    }

    /// In the 3.0 language the 2.0 scripts fail exactly where 3.0 changed the rules (a second
    /// memory, a non-zero memory-index byte, global.get in constant expressions, large
    /// alignments and offsets), and nowhere else.
    @Test func coreScriptsIn30FailOnlyWhere30ChangedTheRules() throws {
        let summary = try WastSuite.run(paths: [try Self.testsuite().appendingPathComponent("core").path])
        let failures = summary.files.flatMap(\.failures)
        #expect(summary.failed < 60, "\(summary.failed) failures")
        for failure in failures {
            #expect(failure.contains("got a valid module") || failure.contains("expected malformed") || failure.contains("expected invalid"),
                    "\(failure)")
        }
    }

    /// Multi-memory, memory64/table64 and relaxed SIMD scripts of the 3.0 suite (the ones that
    /// run fast in a debug build), run by the engine: every command passes.
    @Test func memoryAndRelaxedSIMDScriptsOf30Pass() throws {
        let dir = try Self.testsuite().appendingPathComponent("proposals/wasm-3.0")
        let names = [
            "address64", "align64", "bulk64", "call_indirect64", "endianness64", "float_memory64", "load64",
            "memory64", "memory64-imports", "memory_fill64", "memory_grow64", "memory_redundancy64", "memory_trap64",
            "table64", "table_copy_mixed", "table_fill64", "table_get64", "table_grow64", "table_set64", "table_size64",
            "memory-multi", "simd_memory-multi", "load1", "load2", "store1", "store2", "memory_copy1", "memory_size1",
            "memory_size2", "memory_size3", "memory_trap1", "address1", "imports2", "linking1", "linking3",
            "relaxed_dot_product", "relaxed_laneselect", "relaxed_madd_nmadd", "relaxed_min_max",
            "i16x8_relaxed_q15mulr_s", "i32x4_relaxed_trunc", "i8x16_relaxed_swizzle",
            "memory_copy64", "table_copy64", "memory_init64", "address0", "align0", "data0",
            "data1", "data_drop0", "exports0", "float_exprs0", "float_exprs1", "float_memory0", "imports0", "imports1",
            "imports3", "imports4", "linking0", "linking2", "load0", "memory_copy0", "memory_fill0", "memory_init0",
            "memory_size0", "memory_size_import", "memory_trap0", "start0", "store0", "traps0", "memory",
            "memory_grow", "memory_init", "binary_leb128_64",
        ]
        let summary = try WastSuite.run(paths: names.map { dir.appendingPathComponent("\($0).wast").path })
        #expect(summary.files.count == names.count)
        #expect(summary.passed > 8_000)
        #expect(summary.failed == 0, "\(summary.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
    }

    /// The older per-proposal folders: relaxed-simd passes whole; multi-memory, extended-const
    /// and memory64 fail only where the final 3.0 text changed an expectation (global.get of a
    /// defined global is valid with GC; a non-zero memory index byte and a second memory are
    /// valid with multi-memory; text memory limits are u64, so `(memory 0x1_0000_0000)` is
    /// invalid rather than malformed).
    @Test func proposalFoldersFailOnlyWhere30ChangedTheRules() throws {
        let root = try Self.testsuite().appendingPathComponent("proposals")
        let relaxed = try WastSuite.run(paths: [root.appendingPathComponent("relaxed-simd").path])
        #expect(relaxed.passed > 90 && relaxed.failed == 0, "\(relaxed.files.flatMap(\.failures).prefix(20).joined(separator: "\n"))")
        let summary = try WastSuite.run(paths: ["multi-memory", "extended-const", "memory64"].map { root.appendingPathComponent($0).path })
        #expect(summary.passed > 16_000)
        #expect(summary.failed <= 25)
        for failure in summary.files.flatMap(\.failures) {
            #expect(failure.contains("expected invalid \"unknown global\", got a valid module")
                        || failure.contains("expected malformed \"i32 constant out of range\", got invalid \"memory size must be at most")
                        || failure.contains("expected malformed \"zero byte expected\"")
                        || failure.contains("expected invalid \"multiple memories\", got a valid module"),
                    "\(failure)")
        }
    }

    /// A module definition is not instantiated (it may ask for more than the runtime allows);
    /// each `(module instance …)` of it is a new instance.
    @Test func moduleInstancesAreGenerative() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-wast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("instances.wast")
        try """
        (module definition $M
          (global (mut i32) (i32.const 0))
          (func (export "inc") (global.set 0 (i32.add (global.get 0) (i32.const 1))))
          (func (export "get") (result i32) (global.get 0)))
        (module instance $I1 $M)
        (module instance $I2 $M)
        (invoke $I1 "inc")
        (assert_return (invoke $I1 "get") (i32.const 1))
        (assert_return (invoke $I2 "get") (i32.const 0))
        (module definition (memory i64 0x1_0000_0000_0000))
        (module instance $I3 $Missing)
        """.write(to: script, atomically: true, encoding: .utf8)
        let summary = try WastSuite.run(paths: [dir.path])
        #expect(summary.passed == 7 && summary.failed == 1)
        #expect(summary.files.flatMap(\.failures).first?.hasSuffix("unknown module definition Missing") == true)
    }

    @Test func failuresNameTheFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-wast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("mixed.wast")
        try """
        (module (func (export "one") (result i32) (i32.const 1))
          (func (export "boom") (unreachable)))
        (assert_return (invoke "one") (i32.const 1))
        (assert_return (invoke "one") (i32.const 2))
        (assert_trap (invoke "boom") "unreachable")
        (assert_trap (invoke "one") "unreachable")
        (register "m")
        (module (import "m" "one" (func (result i32))))
        (assert_unlinkable (module (import "m" "two" (func))) "unknown import")
        (module (import "spectest" "global_i32" (global $g i32))
          (func (export "g") (result i32) (global.get $g)))
        (assert_return (invoke "g") (i32.const 666))
        """.write(to: script, atomically: true, encoding: .utf8)
        let summary = try WastSuite.run(paths: [dir.path])
        #expect(summary.passed == 8 && summary.failed == 2)
        let failures = summary.files.flatMap(\.failures)
        #expect(failures.contains { $0.hasSuffix("mixed.wast:4: assert_return: expected i32:2, got i32:1") })
        #expect(failures.contains { $0.hasSuffix("mixed.wast:6: assert_trap: expected trap \"unreachable\", got i32:1") })
    }

    @Test func aScriptThatDoesNotParseIsOneFailureWithItsPosition() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-wast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("broken.wast")
        try "(module (func (i32.const 1)\n(assert_return".write(to: script, atomically: true, encoding: .utf8)
        let result = WastSuite.run(file: script.path)
        #expect(result.failed == 1 && result.passed == 0)
        #expect(result.failures.first?.hasPrefix(script.path) == true, "\(result.failures)")
    }

    @Test func aMissingPathIsAnError() {
        #expect(throws: WastSuite.MissingPath.self) { try WastSuite.run(paths: ["/nonexistent/wdb-spec"]) }
    }
}

/// `wdb wast --wast2json` reads scripts through wabt's parser (a cross-check of ours): the same
/// scripts give the same commands and the same results either way. Needs `wast2json` on PATH
/// (Scripts/setup.sh installs wabt); without it the conversion fails and so does the test.
@Suite struct Wast2jsonPathTests {
    @Test(arguments: ["i32.wast", "f32.wast", "names.wast", "simd/simd_lane.wast", "br_table.wast"])
    func wabtsParserAndOursGiveTheSameResults(_ name: String) throws {
        let file = try SpecSuiteTests.testsuite().appendingPathComponent("core/\(name)").path
        let ours = WastSuite.run(file: file, features: .wasm20)
        let wabts = WastSuite.run(file: file, viaWast2json: true, features: .wasm20)
        #expect(wabts.failed == 0, "\(wabts.failures.prefix(5).joined(separator: "\n"))")
        #expect(ours.failed == 0)
        #expect(wabts.passed > 50)
        #expect(wabts.passed == ours.passed)
    }

    @Test func aMissingScriptIsAFailureNamingWast2json() throws {
        let result = WastSuite.run(file: "/nonexistent/x.wast", viaWast2json: true, features: .wasm20)
        #expect(result.failed == 1)
        #expect(result.failures.first?.contains("wast2json failed") == true, "\(result.failures)")
    }
}
