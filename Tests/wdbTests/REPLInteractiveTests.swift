import Foundation
import Testing

/// Drives `wdb debug` in a real terminal: a detached tmux pane of fixed size on a private
/// server socket, keys sent with `send-keys`, the screen read with `capture-pane` and polled
/// (never fixed sleeps) until the expected text shows.
final class TmuxPane {
    let tmux: URL
    let socket = "wdbtest-\(getpid())-\(UUID().uuidString.prefix(8))"
    let home: URL

    init(tmux: URL) throws {
        self.tmux = tmux
        home = try WdbTestSupport.temporaryDirectory()
    }

    deinit { _ = try? run(["kill-server"]) }

    /// Runs one tmux client and returns what it printed. posix_spawn and waitpid rather than
    /// Foundation's Process: the client forks the tmux server, which must not inherit any of
    /// this process's descriptors (it lives on), and Process's exit monitoring was seen to
    /// miss these clients under the parallel test runner.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let outputPath = home.appendingPathComponent("tmux-output-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for fd in Self.openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = [tmux.path, "-L", socket, "-f", "/dev/null"] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // The test runner may block or ignore SIGINT; the terminal's Ctrl-C must reach wdb.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &interrupt)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, tmux.path, &actions, &attributes, &cArguments, environ)
        guard status == 0 else { throw SpawnFailed(code: status) }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    struct SpawnFailed: Error { var code: Int32 }

    /// This process's open descriptors (from /proc/self/fd), to close in the child.
    static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
    }

    /// Starts `wdb debug -nx -q ARGS` in the pane; the pane shows `EXIT:<status>` when it ends.
    func start(_ arguments: [String]) throws {
        guard let wdb = WdbTestSupport.executable else { throw WdbTestSupport.Missing(what: "the wdb executable") }
        let quoted = ([wdb.path, "debug", "-nx", "-q"] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        let command = "env TERM=xterm-256color LANG=C.UTF-8 HOME='\(home.path)' \(quoted); echo EXIT:$?; sleep 60"
        try run(["new-session", "-d", "-s", "repl", "-x", "100", "-y", "30", "-c", REPLTestSupport.fixtures.path, command])
        try waitFor("(wdb) ")
    }

    func keys(_ keys: String...) throws { try run(["send-keys", "-t", "repl"] + keys) }

    /// Types text literally (no key names).
    func type(_ text: String) throws { try run(["send-keys", "-t", "repl", "-l", text]) }

    func screen() throws -> String { try run(["capture-pane", "-p", "-N", "-t", "repl"]) }

    /// The screen's lines with trailing spaces kept (`-N`), without the empty lines below.
    func lines() throws -> [String] {
        var lines = try screen().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        return lines
    }

    /// Polls the screen until `condition` holds; the screen is in the failure message.
    func waitUntil(_ what: String, timeout: TimeInterval = 15, _ condition: ([String]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var current: [String] = []
        while Date() < deadline {
            current = try lines()
            if condition(current) { return }
            usleep(50_000)
        }
        Issue.record("timed out waiting for \(what); screen:\n\(current.joined(separator: "\n"))")
        throw Timeout()
    }

    func waitFor(_ text: String, timeout: TimeInterval = 15) throws {
        try waitUntil("\"\(text)\"", timeout: timeout) { $0.joined(separator: "\n").contains(text) }
    }

    /// The line the cursor is on and the cursor's column.
    func cursorLine() throws -> (text: String, column: Int) {
        let position = try run(["display-message", "-p", "-t", "repl", "#{cursor_x} #{cursor_y}"])
        let numbers = position.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard numbers.count == 2 else { return ("", -1) }
        let screen = try screen().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return (numbers[1] < screen.count ? screen[numbers[1]] : "", numbers[0])
    }

    /// Waits until the cursor's line reads `line` (trailing blanks aside) with the cursor at its
    /// end: a fresh prompt `(wdb) `, the continuation prompt `  `, or a completed word.
    func waitForLastLine(_ line: String, timeout: TimeInterval = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var current: (text: String, column: Int) = ("", -1)
        while Date() < deadline {
            current = try cursorLine()
            if current.text.trimmingTrailingBlanks() == line.trimmingTrailingBlanks() && current.column == line.count {
                return
            }
            usleep(50_000)
        }
        Issue.record("timed out waiting for the cursor line \"\(line)\"; it is \"\(current.text)\" at column \(current.column); screen:\n\(try screen())")
        throw Timeout()
    }

    struct Timeout: Error {}
}

@Suite
struct REPLInteractiveTests {
    func pane() throws -> TmuxPane {
        try TmuxPane(tmux: #require(WdbTestSupport.tool("tmux")))
    }

    @Test func historyIsRecalledInTheNextSession() throws {
        let first = try pane()
        let history = first.home.appendingPathComponent("history").path
        try first.start(["--history-file", history])
        try first.type("set args alpha beta")
        try first.keys("Enter")
        try first.waitForLastLine("(wdb) ")
        try first.keys("C-d")
        try first.waitFor("EXIT:0")
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains(#"set\040args\040alpha\040beta"#))

        let second = try pane()
        try second.start(["--history-file", history])
        try second.keys("Up")
        try second.waitForLastLine("(wdb) set args alpha beta")
        try second.keys("Enter")
        try second.type("show args")
        try second.keys("Enter")
        try second.waitFor("Arguments of the next run: \"alpha beta\".")
    }

    @Test func tabCompletesCommandsSubcommandsAndFunctionNames() throws {
        let pane = try pane()
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path, "../wasm/names.wasm"])
        try pane.type("backt")
        try pane.keys("Tab")
        try pane.waitForLastLine("(wdb) backtrace ")
        try pane.keys("C-u")
        try pane.type("info fu")
        try pane.keys("Tab")
        try pane.waitForLastLine("(wdb) info functions ")
        try pane.keys("Enter")
        try pane.waitFor("#2 $main [] -> []")
        try pane.type("break $m")
        try pane.keys("Tab")
        try pane.waitForLastLine("(wdb) break $main ")
        // Several choices and no longer prefix: they are listed, and the line is kept.
        try pane.keys("C-u")
        try pane.type("ste")
        try pane.keys("Tab")
        try pane.waitForLastLine("(wdb) step")
        try pane.keys("Tab")
        try pane.waitUntil("the list of step, stepi") { lines in
            lines.contains { $0.hasPrefix("step") && $0.contains("stepi") }
        }
        try pane.waitForLastLine("(wdb) step")
    }

    @Test func ctrlCDiscardsTheLineAndCtrlDQuits() throws {
        let pane = try pane()
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path])
        try pane.type("partial")
        try pane.waitForLastLine("(wdb) partial")
        try pane.keys("C-c")
        try pane.waitForLastLine("(wdb) ")
        #expect(try pane.lines().contains { $0.hasPrefix("(wdb) partial^C") })
        try pane.type("echo still here\\n")
        try pane.keys("Enter")
        try pane.waitFor("still here")
        try pane.waitForLastLine("(wdb) ")
        try pane.keys("C-d")
        try pane.waitFor("EXIT:0")
        // The discarded line never reached the history.
        let saved = try String(contentsOfFile: pane.home.appendingPathComponent("h").path, encoding: .utf8)
        #expect(!saved.contains("partial"))
    }

    @Test func utf8InputArrivesIntact() throws {
        let pane = try pane()
        let history = pane.home.appendingPathComponent("h").path
        try pane.start(["--history-file", history])
        try pane.type("echo café € ✓\\n")
        try pane.keys("Enter")
        try pane.waitUntil("the echoed text") { $0.contains("café € ✓") }
        // Editing works on whole characters: delete the last one and retype it.
        try pane.type("echo né")
        try pane.keys("BSpace")
        try pane.type("è\\n")
        try pane.keys("Enter")
        try pane.waitUntil("the edited text") { $0.contains("nè") }
        try pane.keys("C-d")
        try pane.waitFor("EXIT:0")
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("café"))
    }

    @Test func unbalancedWatContinuesOnASecondPrompt() throws {
        let pane = try pane()
        try pane.start(["--history-file", pane.home.appendingPathComponent("h").path])
        try pane.type("(module")
        try pane.keys("Enter")
        try pane.waitForLastLine("  ")
        try pane.type("(func)")
        try pane.keys("Enter")
        try pane.waitForLastLine("  ")
        try pane.type(")")
        try pane.keys("Enter")
        try pane.waitForLastLine("(wdb) ")
        let lines = try pane.lines()
        #expect(lines.contains("(wdb) (module"))
        #expect(lines.contains("  (func)"))
    }
}

extension String {
    func trimmingTrailingBlanks() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
