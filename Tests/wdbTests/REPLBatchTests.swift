import Foundation
import Testing
@testable import DebuggerCommands

/// Batch mode of the real binary: command scripts piped into `wdb debug`, whole output compared
/// with the golden files in Tests/Fixtures/repl (NAME.wdb → NAME.out). Set WDB_UPDATE_GOLDEN=1
/// to rewrite the .out files after a deliberate change, then review the diff.
@Suite
struct REPLBatchTests {
    static let sessions = ["modules", "errors", "settings", "help", "wat", "fields", "wast"]

    /// `# args: …` and `# exit: N` from a session file's header.
    static func header(_ script: String) throws -> (arguments: [String], exit: Int32) {
        var arguments: [String] = []
        var exit: Int32 = 0
        for line in script.split(separator: "\n") where line.hasPrefix("# ") {
            if line.hasPrefix("# args:") {
                arguments = try ReplSession.splitArguments(String(line.dropFirst("# args:".count)))
            } else if line.hasPrefix("# exit:"), let code = Int32(String(line.dropFirst("# exit:".count)).trimmed) {
                exit = code
            }
        }
        return (arguments, exit)
    }

    @Test(arguments: sessions)
    func sessionMatchesItsGoldenFile(_ name: String) throws {
        let script = try String(contentsOf: REPLTestSupport.fixtures.appendingPathComponent(name + ".wdb"), encoding: .utf8)
        let (arguments, exit) = try Self.header(script)
        let result = try REPLTestSupport.wdb(arguments, stdin: script, in: REPLTestSupport.fixtures)
        let goldenURL = REPLTestSupport.fixtures.appendingPathComponent(name + ".out")
        if ProcessInfo.processInfo.environment["WDB_UPDATE_GOLDEN"] == "1" {
            try result.output.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(result.output == golden)
        #expect(result.status == exit)
        // Batch mode never writes escape codes or a prompt.
        #expect(!result.output.contains("\u{1B}"))
        #expect(!result.output.contains("(wdb)"))
    }

    @Test func scriptsAndCommandsRunInCommandLineOrder() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let script = directory.appendingPathComponent("one.wdb")
        try "echo from script\\n\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try REPLTestSupport.wdb(
            ["-nx", "-ex", "echo first\\n", "-x", script.path, "-ex", "echo last\\n"], stdin: "echo stdin is not read\\n")
        #expect(result.output == "first\nfrom script\nlast\n")
        #expect(result.status == 0)
    }

    @Test func theDebuggerIsTheDefaultSubcommand() throws {
        guard let executable = WdbTestSupport.executable else { throw WdbTestSupport.Missing(what: "wdb") }
        let result = try REPLTestSupport.run(["../wasm/names.wasm", "-nx", "-ex", "info exports", "--", "a", "b c"],
                                             stdin: "", executable: executable, in: REPLTestSupport.fixtures)
        #expect(result.output == """
            Loaded ../wasm/names.wasm (binary, 3 functions, 1 export).
            Exports (1 of 1):
              func     "main" -> $main (func 2) [] -> []

            """)
        #expect(result.status == 0)
    }

    @Test func verboseEchoesEachCommand() throws {
        let result = try REPLTestSupport.wdb(["-nx", "-v"], stdin: "show dirs\n# a comment\nfo\n")
        #expect(result.output == "(wdb) show dirs\nNo directories are preopened.\n(wdb) fo\nUndefined command: \"fo\". Try \"help\".\n")
        #expect(result.status == 1)
    }

    @Test func quitTakesAnExitCode() throws {
        let result = try REPLTestSupport.wdb(["-nx"], stdin: "quit 7\necho unreachable\n")
        #expect(result.output.isEmpty)
        #expect(result.status == 7)
    }

    @Test func theInitFileRunsUnlessNx() throws {
        let home = REPLTestSupport.home
        let initFile = home.appendingPathComponent(".wdbinit")
        try "echo init ran\\n\n".write(to: initFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: initFile) }
        let with = try REPLTestSupport.wdb([], stdin: "echo cmd\\n\n")
        #expect(with.output == "init ran\ncmd\n")
        let without = try REPLTestSupport.wdb(["-nx"], stdin: "echo cmd\\n\n")
        #expect(without.output == "cmd\n")
    }

    @Test func batchModeWritesNoHistoryFile() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let history = directory.appendingPathComponent("history")
        let result = try REPLTestSupport.wdb(["-nx", "--history-file", history.path], stdin: "show args\nhistory\n")
        #expect(result.output == "Arguments of the next run: \"\".\n    1  show args\n    2  history\n")
        #expect(!FileManager.default.fileExists(atPath: history.path))
    }

    @Test func aModuleThatFailsToLoadFailsTheBatch() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let broken = directory.appendingPathComponent("broken.wasm")
        try Data([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05]).write(to: broken)
        let result = try REPLTestSupport.wdb(["-nx", "broken.wasm"], stdin: "info module\n", in: directory)
        #expect(result.output.hasPrefix("broken.wasm: error: "))
        #expect(result.output.hasSuffix("No module loaded. Use \"file FILE\" first.\n"))
        #expect(result.status == 1)
    }
}
