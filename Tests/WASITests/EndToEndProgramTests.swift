// The C fixtures run through the real engine print exactly what their native gcc builds print:
// in process through WASIRun, and through `wdb run`.

import Foundation
import Testing
import WasmCore
import WasmVM
@testable import WASI

@Suite struct EndToEndProgramTests {
    // MARK: In process

    @Test func fileIOMatchesNative() throws {
        let work = try E2E.temporaryDirectory("fileio")
        defer { try? FileManager.default.removeItem(at: work) }
        let wasmDir = work.appendingPathComponent("wasm"), nativeDir = work.appendingPathComponent("native")
        try FileManager.default.createDirectory(at: wasmDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: nativeDir, withIntermediateDirectories: true)
        let (expected, status) = try E2E.nativeOutput("fileio", [nativeDir.path])
        let result = try E2E.runInProcess(try E2E.module(E2E.fixture("fileio.wasm")), arguments: ["fileio", "data"],
                                          preopens: [WASIPreopen(hostPath: wasmDir.path, guestPath: "data")])
        #expect(status == nil || status == 0)
        #expect(result.outcome == .exited(0))
        #expect(result.stdout == expected)
        #expect(result.stdout.contains("readdir: 1000 entries"))
        // The program cleans up after itself, in the preopen only.
        #expect(try FileManager.default.contentsOfDirectory(atPath: wasmDir.path).sorted()
                == FileManager.default.contentsOfDirectory(atPath: nativeDir.path).sorted())
    }

    @Test func argumentsAndEnvironmentMatchNative() throws {
        let (expected, _) = try E2E.nativeOutput("args_env", ["a", "b c"], environment: ["WDB_GREETING": "hi"])
        let result = try E2E.runInProcess(try E2E.module(E2E.fixture("args_env.wasm")),
                                          arguments: ["args_env.wasm", "a", "b c"], environment: ["WDB_GREETING=hi"])
        #expect(result.outcome == .exited(0))
        #expect(result.stdout == expected)
    }

    @Test(arguments: ["clocks", "random", "poll_timeout"])
    func programWithoutInputMatchesNative(_ name: String) throws {
        let (expected, _) = try E2E.nativeOutput(name, [])
        let result = try E2E.runInProcess(try E2E.module(E2E.fixture("\(name).wasm")), arguments: [name])
        #expect(result.outcome == .exited(0))
        #expect(result.stdout == expected)
        #expect(!expected.contains(": no"), "the native build itself failed a check: \(expected)")
    }

    @Test func exitCodeIsProcExitsArgument() throws {
        let (expected, status) = try E2E.nativeOutput("exit_code", ["42"])
        let module = try E2E.module(E2E.fixture("exit_code.wasm"))
        let result = try E2E.runInProcess(module, arguments: ["exit_code", "42"])
        #expect(status == nil || status == 42)
        #expect(result.outcome == .exited(42))
        #expect(result.outcome.exitStatus == 42)
        #expect(result.stdout == expected)
        #expect(try E2E.runInProcess(module, arguments: ["exit_code", "7"]).outcome == .exited(7))
    }

    @Test func stdinIsPassedThrough() throws {
        let input = "one\ntwo\nthree"
        let (expected, _) = try E2E.nativeOutput("stdin_echo", [], stdin: input)
        let result = try E2E.runInProcess(try E2E.module(E2E.fixture("stdin_echo.wasm")), arguments: ["stdin_echo"],
                                          stdin: input)
        #expect(result.outcome == .exited(0))
        #expect(result.stdout == expected)
    }

    /// The binding fetches the memory on every call: a guest that grows its memory (which may
    /// move it) and then writes from the new pages still gets its bytes out.
    @Test func memoryGrowthBetweenCallsIsSeen() throws {
        let module = try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory 1)
          (data (i32.const 16) "before\\n")
          (func (export "_start") (local $base i32)
            (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 7))
            (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
            (local.set $base (i32.mul (memory.grow (i32.const 200)) (i32.const 65536)))
            (i64.store (i32.add (local.get $base) (i32.const 100000)) (i64.const 0x0a72657466612d77))
            (i32.store (local.get $base) (i32.add (local.get $base) (i32.const 100000)))
            (i32.store (i32.add (local.get $base) (i32.const 4)) (i32.const 8))
            (drop (call $write (i32.const 1) (local.get $base) (i32.const 1) (i32.add (local.get $base) (i32.const 8))))))
        """)
        let result = try E2E.runInProcess(module, arguments: ["grow"])
        #expect(result.outcome == .exited(0))
        #expect(result.stdout == "before\nw-after\n")
    }

    @Test func trapsAndFuelAreOutcomesNotErrors() throws {
        let trapping = try E2E.module(wat: #"(module (func $boom (unreachable)) (func (export "_start") (call $boom)))"#)
        guard case .trapped(let trap) = try E2E.runInProcess(trapping, arguments: ["t"]).outcome else {
            Issue.record("expected a trap")
            return
        }
        #expect(trap.message == "unreachable")
        #expect(trap.backtrace.count == 2)
        let spinning = try E2E.module(wat: #"(module (func (export "_start") (loop (br 0))))"#)
        var engine = Configuration()
        engine.fuel = 10_000
        let outcome = try E2E.runInProcess(spinning, arguments: ["s"], engine: engine).outcome
        guard case .trapped(let fuelTrap) = outcome else {
            Issue.record("expected running out of fuel, got \(outcome)")
            return
        }
        #expect(fuelTrap.kind == .outOfFuel)
        #expect(outcome.exitStatus == 134)
    }

    @Test func missingStartIsAnErrorAndStartFunctionExitCounts() throws {
        let library = try E2E.module(wat: #"(module (func (export "f")))"#)
        #expect(throws: WASIRunError.self) { try E2E.runInProcess(library, arguments: ["lib"]) }
        // proc_exit in the module's start function (before _start) also ends the run with its code.
        let early = try E2E.module(wat: """
        (module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (func $init (call $exit (i32.const 9)))
          (start $init)
          (func (export "_start") unreachable))
        """)
        #expect(try E2E.runInProcess(early, arguments: ["e"]).outcome == .exited(9))
    }

    @Test func exitTrapKindCarriesTheCode() {
        let trap = Trap(.exit(3))
        #expect(trap.exitCode == 3)
        #expect(trap.message == "exit with code 3")
        #expect(Trap(.unreachable).exitCode == nil)
        #expect(WASIRunOutcome.exited(256 + 5).exitStatus == 261)  // the OS keeps the low 8 bits
    }

    // MARK: Through the wdb binary

    @Test func binaryRunsFixturesLikeNative() throws {
        let work = try E2E.temporaryDirectory("bin")
        defer { try? FileManager.default.removeItem(at: work) }
        guard let fileio = try E2E.wdb(["run", "--dir", "\(work.path)::data", E2E.fixture("fileio.wasm").path, "data"])
        else { return }
        let nativeDir = work.appendingPathComponent("native")
        try FileManager.default.createDirectory(at: nativeDir, withIntermediateDirectories: true)
        #expect(fileio.status == 0, "\(fileio.stderr)")
        #expect(fileio.stdout == (try E2E.nativeOutput("fileio", [nativeDir.path])).0)

        let args = try E2E.wdb(["run", "--env", "WDB_GREETING=hi", E2E.fixture("args_env.wasm").path, "a", "b c"])
        #expect(args?.stdout == (try E2E.nativeOutput("args_env", ["a", "b c"], environment: ["WDB_GREETING": "hi"])).0)

        let exit = try E2E.wdb(["run", E2E.fixture("exit_code.wasm").path, "42"])
        #expect(exit?.status == 42)
        #expect(exit?.stdout == "exiting with 42\n")
        // 64 is ArgumentParser's usage status; the guest's code must still pass through unchanged.
        #expect(try E2E.wdb(["run", E2E.fixture("exit_code.wasm").path, "64"])?.status == 64)

        let input = "one\ntwo\nthree"
        let piped = try E2E.wdb(["run", E2E.fixture("stdin_echo.wasm").path], stdin: input)
        #expect(piped?.stdout == (try E2E.nativeOutput("stdin_echo", [], stdin: input)).0)

        let poll = try E2E.wdb(["run", E2E.fixture("poll_timeout.wasm").path])
        #expect(poll?.stdout == (try E2E.nativeOutput("poll_timeout", [])).0)
    }

    @Test func binaryHonoursArgv0StdinFileAndEnvInherit() throws {
        let work = try E2E.temporaryDirectory("flags")
        defer { try? FileManager.default.removeItem(at: work) }
        let printer = work.appendingPathComponent("argv0.wat")
        // Prints argv[0] via args_get/fd_write.
        try """
        (module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
          (memory 1)
          (func (export "_start") (local $p i32) (local $n i32)
            (drop (call $sizes (i32.const 0) (i32.const 4)))
            (drop (call $get (i32.const 100) (i32.const 1000)))
            (local.set $p (i32.load (i32.const 100)))
            (block $done (loop $scan
              (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
              (local.set $n (i32.add (local.get $n) (i32.const 1))) (br $scan)))
            (i32.store (i32.const 8) (local.get $p)) (i32.store (i32.const 12) (local.get $n))
            (drop (call $write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))
        """.write(to: printer, atomically: true, encoding: .utf8)
        guard let named = try E2E.wdb(["run", "--argv0", "myprog", printer.path, "x"]) else { return }
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout == "myprog")
        #expect(try E2E.wdb(["run", printer.path])?.stdout == printer.path)

        let input = work.appendingPathComponent("input.txt")
        try "from a file\n".write(to: input, atomically: true, encoding: .utf8)
        #expect(try E2E.wdb(["run", "--stdin", input.path, E2E.fixture("stdin_echo.wasm").path])?.stdout
                == (try E2E.nativeOutput("stdin_echo", [], stdin: "from a file\n")).0)

        var environment = ProcessInfo.processInfo.environment
        environment["WDB_GREETING"] = "inherited"
        let inherited = try E2E.wdb(["run", "--env-inherit", E2E.fixture("args_env.wasm").path], environment: environment)
        #expect(inherited?.stdout.contains("WDB_GREETING=inherited") == true)
        let isolated = try E2E.wdb(["run", E2E.fixture("args_env.wasm").path], environment: environment)
        #expect(isolated?.stdout.contains("environ has 0 entries") == true)
    }

    @Test func binaryReportsTrapsLimitsAndBadUsage() throws {
        let work = try E2E.temporaryDirectory("limits")
        defer { try? FileManager.default.removeItem(at: work) }
        func wat(_ name: String, _ text: String) throws -> String {
            let url = work.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let boom = try wat("boom.wat", #"(module (func $boom (unreachable)) (func (export "_start") (call $boom)))"#)
        guard let trapped = try E2E.wdb(["run", boom]) else { return }
        #expect(trapped.status == 134)
        #expect(trapped.stderr.hasPrefix("error: trap: unreachable\n  #0 $boom+"), "\(trapped.stderr)")
        #expect(trapped.stderr.contains("  #1 "))

        let spin = try wat("spin.wat", #"(module (func (export "_start") (loop (br 0))))"#)
        let fuel = try E2E.wdb(["run", "--fuel", "5000", spin])
        #expect(fuel?.status == 134)
        #expect(fuel?.stderr.hasPrefix("error: trap: all fuel consumed") == true)
        let timeout = try E2E.wdb(["run", "--timeout", "300ms", spin])
        #expect(timeout?.status == 134)
        #expect(timeout?.stderr.contains("time limit") == true)

        let deep = try wat("deep.wat", #"(module (func $d (call $d)) (func (export "_start") (call $d)))"#)
        let depth = try E2E.wdb(["run", "--max-call-depth", "1000", deep])
        #expect(depth?.status == 134)
        #expect(depth?.stderr.hasPrefix("error: trap: call stack exhausted") == true)

        // memory.grow beyond --max-memory fails (-1); the guest reports it through its exit code.
        let hog = try wat("hog.wat", """
        (module
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory 1)
          (func (export "_start")
            (call $exit (select (i32.const 3) (i32.const 4) (i32.eq (memory.grow (i32.const 100)) (i32.const -1))))))
        """)
        #expect(try E2E.wdb(["run", "--max-memory", "1MiB", hog])?.status == 3)
        #expect(try E2E.wdb(["run", hog])?.status == 4)

        let garbage = try wat("garbage.wasm", "not a module")
        #expect(try E2E.wdb(["run", garbage])?.status == 1)
        #expect(try E2E.wdb(["run", work.appendingPathComponent("missing.wasm").path])?.status == 1)
        let noStart = try wat("lib.wat", #"(module (func (export "f")))"#)
        let missing = try E2E.wdb(["run", noStart])
        #expect(missing?.status == 1)
        #expect(missing?.stderr.contains("_start") == true)
        let badDir = try E2E.wdb(["run", "--dir", work.appendingPathComponent("nowhere").path, E2E.fixture("clocks.wasm").path])
        #expect(badDir?.status == 1)
        #expect(try E2E.wdb(["run", "--inject", "fd_write:NOPE", E2E.fixture("clocks.wasm").path])?.status == 1)
        #expect(try E2E.wdb(["run", "--timeout", "soon", spin])?.status == 1)
    }

    @Test func guestArgumentsThatLookLikeFlagsReachTheGuest() throws {
        guard let result = try E2E.wdb(["run", E2E.fixture("args_env.wasm").path, "--trace=x", "--dir", "-v"]) else { return }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#"argv[1]="--trace=x""#))
        #expect(result.stdout.contains(#"argv[3]="-v""#))
        #expect(result.stderr.isEmpty)
    }
}
