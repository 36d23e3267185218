import Testing
@testable import wdb
@testable import DebuggerCommands

/// The parser of `wdb [OPTIONS] [FILE] [OPTIONS] [ARGS...]` on its own.
@Suite struct InteractiveArgumentsTests {
    func options(_ words: [String]) throws -> ReplOptions {
        guard case .session(let options) = try InteractiveArguments.parse(words) else {
            Issue.record("not a session: \(words)")
            return ReplOptions()
        }
        return options
    }

    @Test func singleAndDoubleDashSpellingsAndOrder() throws {
        let o = try options(["-batch", "-x", "a.wdb", "--ex=bt", "prog.wasm", "-nx", "-ex", "run", "-q"])
        #expect(o.file == "prog.wasm")
        #expect(o.batch && o.skipInitFile && o.quiet)
        #expect(o.steps == [.file("a.wdb"), .command("bt"), .command("run")])
        #expect(o.guestArguments.isEmpty)
    }

    @Test func theFirstNonOptionAfterFileStartsTheGuestArguments() throws {
        let o = try options(["prog.wasm", "-batch", "in.txt", "-batch", "--", "x"])
        #expect(o.batch)
        #expect(o.guestArguments == ["in.txt", "-batch", "--", "x"])
        #expect(try options(["prog.wasm", "--unknown", "1"]).guestArguments == ["--unknown", "1"])
        #expect(try options(["prog.wasm", "--", "-batch"]).guestArguments == ["-batch"])
        #expect(try options(["--args", "prog.wasm", "-batch"]).guestArguments == ["-batch"])
        #expect(try options(["-nx"]).file == nil)
    }

    @Test func mistakesAreUsageErrors() {
        #expect(throws: InteractiveArguments.UsageError.self) { try InteractiveArguments.parse(["-frob"]) }
        #expect(throws: InteractiveArguments.UsageError.self) { try InteractiveArguments.parse(["-ex"]) }
        #expect(throws: InteractiveArguments.UsageError.self) { try InteractiveArguments.parse(["--env", "NOEQ"]) }
        #expect(throws: InteractiveArguments.UsageError.self) { try InteractiveArguments.parse(["--args"]) }
        #expect(throws: InteractiveArguments.UsageError.self) { try InteractiveArguments.parse(["-batch=1", "f"]) }
        #expect((try? InteractiveArguments.parse(["--version"])) == .version)
        #expect((try? InteractiveArguments.parse(["-h"])) == .help)
    }
}
