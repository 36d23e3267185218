import Foundation
import Testing
@testable import DebuggerCommands

/// gdb's command line end to end: single-dash long options, options after FILE, the guest's
/// arguments after FILE, `--`, `--args`, `--version`, and errors for what is not an option.
@Suite struct CommandLineHabitsTests {
    static let argsProgram = WdbTestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/wasi/args_env.wasm").path
    static let loop = WdbTestSupport.packageRoot.appendingPathComponent("Examples/loop.wat").path

    @Test func batchWithExRunsTheProgramWithTheWordsAfterFile() throws {
        let result = try WdbTestSupport.wdb(["-batch", "-nx", "-ex", "run", Self.argsProgram, "one", "-v", "--two"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("argc=4\nargv[1]=\"one\"\nargv[2]=\"-v\"\nargv[3]=\"--two\""), "\(result.stdout)")
        #expect(result.stdout.contains("[Inferior 1 exited normally]"))
    }

    @Test func optionsMayFollowTheFile() throws {
        let result = try WdbTestSupport.wdb([Self.loop, "-nx", "--batch", "-ex", "show args", "-ex=info functions fact"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Arguments of the next run: \"\"") || result.stdout.contains("No arguments"), "\(result.stdout)")
        #expect(result.stdout.contains("$fact"), "\(result.stdout)")
    }

    @Test func doubleDashAndArgsSendEverythingToTheGuest() throws {
        var result = try WdbTestSupport.wdb(["-nx", "-batch", "-ex", "show args", Self.loop, "--", "-batch", "-x"])
        #expect(result.stdout.contains("\"-batch -x\""), "\(result.stdout)")
        result = try WdbTestSupport.wdb(["-nx", "-batch", "-ex", "show args", "--args", Self.loop, "-q", "in.txt"])
        #expect(result.stdout.contains("\"-q in.txt\""), "\(result.stdout)")
    }

    @Test func versionHelpAndUnknownOptions() throws {
        var result = try WdbTestSupport.wdb(["--version"])
        #expect(result.status == 0 && result.stdout.hasPrefix("wdb "))
        result = try WdbTestSupport.wdb(["--help"])
        #expect(result.status == 0)
        for option in ["-ex CMD", "-x FILE", "-batch", "--args", "-nx"] {
            #expect(result.stdout.contains(option), "help lacks \(option)")
        }
        result = try WdbTestSupport.wdb(["-frobnicate", Self.loop])
        #expect(result.status == 1)
        #expect(result.stderr.contains("unknown option -frobnicate"))
        result = try WdbTestSupport.wdb(["-nx", "-batch", "--env", "NOEQ", Self.loop])
        #expect(result.status == 1 && result.stderr.contains("expected NAME=VALUE"), "\(result.stderr)")
    }

    @Test func theDumpToolKeepsObjdumpsDashH() throws {
        let result = try WdbTestSupport.wdb(["dump", "-h", Self.loop])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Sections:"), "\(result.stdout)")
    }
}
