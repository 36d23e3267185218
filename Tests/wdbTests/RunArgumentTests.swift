// `wdb run` parses its command line by hand from one option table (RunArguments.swift); these
// tests hold it to the conventions of the other subcommands: both spellings of a value,
// repeatable options, the usage messages and status 1, the guest's words untouched.

import Foundation
import Testing

@Suite struct RunArgumentTests {
    static let argsEnv = WdbTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/wasi/args_env.wasm").path

    @Test func usageErrorsNameWdbRunAndExitWithOne() throws {
        let cases: [([String], String)] = [
            (["run"], "Error: Missing expected argument '<file>'"),
            (["run", "--no-such-flag", "x.wasm"], "Error: Unknown option '--no-such-flag'"),
            (["run", "-z", "x.wasm"], "Error: Unknown option '-z'"),
            (["run", "--fuel", "abc", "x.wasm"], "Error: The value 'abc' is invalid for '--fuel <fuel>'"),
            (["run", "--max-call-depth=-", "x.wasm"], "Error: The value '-' is invalid for '--max-call-depth <max-call-depth>'"),
            (["run", "--trace-strsize", "1e3", "x.wasm"], "Error: The value '1e3' is invalid for '--trace-strsize <n>'"),
            (["run", "--env-inherit=yes", "x.wasm"], "Error: The option '--env-inherit' does not take a value"),
            (["run", "x.wasm", "--invoke"].filter { $0 != "x.wasm" }, "Error: Missing value for '--invoke <invoke>'"),
        ]
        for (arguments, message) in cases {
            let result = try WdbTestSupport.wdb(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix(message + "\n"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Usage: wdb run [<options>] <file> [<arguments> ...]"))
            #expect(result.stderr.contains("See 'wdb run --help'"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func helpListsEveryOptionAndSucceeds() throws {
        for arguments in [["run", "--help"], ["run", "-h"], ["help", "run"], ["run", "--fuel", "3", "--help", "x.wasm"]] {
            let help = try WdbTestSupport.wdb(arguments)
            #expect(help.status == 0, "\(arguments)")
            #expect(help.stdout.hasPrefix("OVERVIEW: Run a module to completion without a prompt.\n\nUSAGE: wdb run [<options>] <file> [<arguments> ...]\n"))
            for option in ["--invoke <invoke>", "--dir-ro <host[::guest]>", "--trace-rights <compact|full>", "--inject <name:errno[:when=…]>", "--env-inherit", "-h, --help"] {
                #expect(help.stdout.contains("\n  \(option)"), "\(option)")
            }
            // Help wraps before column 80, with the text in a 26-column margin.
            #expect(help.stdout.split(separator: "\n").allSatisfy { $0.count < 80 })
            #expect(help.stdout.contains("  --features <features>   The language: 3.0 (default), 2.0, or proposals.\n                          (default: 3.0)\n"))
        }
        let overview = try WdbTestSupport.wdb(["help"])
        #expect(overview.status == 0)
        #expect(overview.stdout.contains("run        Run a module to completion"))
    }

    @Test func aModuleRunsWithItsResult() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let url = directory.appendingPathComponent("forty.wat")
        try "(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 40))))".write(to: url, atomically: true, encoding: .utf8)
        for arguments in [["run", "--invoke", "f", url.path, "2"], ["run", "--invoke=f", url.path, "--", "2"],
                          ["run", "--fuel=100", "--invoke", "f", "--", url.path, "2"]] {
            let result = try WdbTestSupport.wdb(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout == "i32:42\n", "\(arguments)")
        }
    }

    /// Options stop at FILE: words after it that look like wdb's options are the guest's.
    @Test func wordsAfterTheFileAreTheGuestsWhateverTheyLookLike() throws {
        let result = try WdbTestSupport.wdb(["run", "--env", "WDB_GREETING=hi", "--env=HOME=/h", "--argv0", "prog", Self.argsEnv,
                                             "--fuel", "-h", "--", "x"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("argc=5\n"), "\(result.stdout)")
        for line in ["argv[1]=\"--fuel\"", "argv[2]=\"-h\"", "argv[3]=\"--\"", "argv[4]=\"x\"", "environ has 2 entries", "WDB_GREETING=hi", "HOME is set"] {
            #expect(result.stdout.contains(line), "\(line) in \(result.stdout)")
        }
        // A `--` right after FILE separates, as for every subcommand; it does not reach the guest.
        let separated = try WdbTestSupport.wdb(["run", Self.argsEnv, "--", "-x"])
        #expect(separated.stdout.hasPrefix("argc=2\n"), "\(separated.stdout)")
        #expect(separated.stdout.contains("argv[1]=\"-x\""))
        // Only the first `--` separates: a second one is the guest's.
        let twice = try WdbTestSupport.wdb(["run", Self.argsEnv, "--", "--", "-x"])
        #expect(twice.stdout.hasPrefix("argc=3\n"), "\(twice.stdout)")
        #expect(twice.stdout.contains("argv[1]=\"--\""))
        let before = try WdbTestSupport.wdb(["run", "--", Self.argsEnv, "--", "--"])
        #expect(before.stdout.hasPrefix("argc=2\n"), "\(before.stdout)")
    }

    /// `--trace` alone traces every call; `--trace=FILTER` only the calls it names.
    @Test func traceTakesAnOptionalValueThroughTheEqualsSign() throws {
        let all = try WdbTestSupport.wdb(["run", "--trace", Self.argsEnv])
        #expect(all.stderr.contains("args_sizes_get("), "\(all.stderr)")
        #expect(all.stderr.contains("fd_write("))
        let filtered = try WdbTestSupport.wdb(["run", "--trace=fd_write", Self.argsEnv])
        #expect(filtered.stderr.contains("fd_write("), "\(filtered.stderr)")
        #expect(!filtered.stderr.contains("args_sizes_get("))
    }
}
