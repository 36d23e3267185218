// Runs the sandbox escape suite again in a child process under strace and checks the system
// calls the host made: every path relative to a directory descriptor is a single name (never
// "..", never containing "/"), and "/" or "/etc/passwd" is never opened or stat'ed. Skipped when
// strace is missing or cannot trace.

import Foundation
import Testing

@Suite struct StraceSandboxTests {
    static let childMarker = "WDB_WASI_STRACE_CHILD"

    @Test func hostOnlyUsesSingleNamesRelativeToDirectoryDescriptors() throws {
        if ProcessInfo.processInfo.environment[Self.childMarker] != nil { return }  // we are the child
        guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("missing prerequisite: strace not installed (Scripts/setup.sh installs it)")
            return
        }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-strace-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = ["-f", "-qq", "-e", "trace=%file,readlinkat", "-o", log.path, executable,
                             "--testing-library", "swift-testing", "--filter", "SandboxTests/escapeAttemptsAllFail"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childMarker] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard let text = try? String(contentsOf: log, encoding: .utf8), text.contains("execve(") else {
            Issue.record("missing prerequisite: strace could not trace here (status \(process.terminationStatus)) (Scripts/setup.sh installs it)")
            return
        }
        #expect(process.terminationStatus == 0, "the escape suite failed under strace")

        let line = try Regex(#"^\d+\s+(\w+)\((\d+|AT_FDCWD), "([^"]*)""#)
        var relative = 0
        for entry in text.split(separator: "\n") {
            let entry = String(entry)
            for forbidden in [#""/etc/passwd", O_"#, #"at(AT_FDCWD, "/", "#, #"(AT_FDCWD, "/etc/passwd""#] {
                #expect(!entry.contains(forbidden), "host touched a forbidden path: \(entry)")
            }
            guard let match = entry.firstMatch(of: line),
                  let call = match.output[1].substring, let dirfd = match.output[2].substring,
                  let name = match.output[3].substring, dirfd != "AT_FDCWD", !name.isEmpty else { continue }
            if call == "symlinkat" { continue }  // its first string is the link contents
            relative += 1
            #expect(!name.contains("/") && name != "..", "multi-component or parent path: \(entry)")
        }
        #expect(relative > 100, "expected the host's *at calls in the log")
    }
}
