// `wdb run` parses its own arguments directly (WDB.main's fast path); anything that path does
// not accept goes through the root parser, so usage errors and help read as before.

import Testing

@Suite struct RunArgumentTests {
    @Test func usageErrorsNameWdbRunAndExitWithOne() throws {
        let missing = try WdbTestSupport.wdb(["run"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Missing expected argument '<file>'"))
        #expect(missing.stderr.contains("Usage: wdb run [<options>] <file>"))
        let unknown = try WdbTestSupport.wdb(["run", "--no-such-flag", "x.wasm"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Unknown option '--no-such-flag'"))
        #expect(unknown.stderr.contains("See 'wdb run --help'"))
    }

    @Test func helpIsTheSubcommandsAndSucceeds() throws {
        let help = try WdbTestSupport.wdb(["run", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: wdb run [<options>] <file> [<arguments> ...]"))
    }

    @Test func aModuleRunsThroughTheFastPath() throws {
        let directory = try WdbTestSupport.temporaryDirectory()
        let url = directory.appendingPathComponent("forty.wat")
        try "(module (func (export \"f\") (result i32) (i32.const 40)))".write(to: url, atomically: true, encoding: .utf8)
        let result = try WdbTestSupport.wdb(["run", "--invoke", "f", url.path])
        #expect(result.status == 0)
        #expect(result.stdout == "i32:40\n")
    }
}
