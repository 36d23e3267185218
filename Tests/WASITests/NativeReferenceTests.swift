// The expected outputs of the WASI fixtures come from the same C sources built natively. This
// keeps them honest: rebuild with gcc (when installed), rerun with the documented invocations,
// compare with Tests/Fixtures/wasi/expected/. The wasm runs (through the VM) compare against
// the same files.

import Foundation
import Testing

@Suite struct NativeReferenceTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wasi")

    func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
             stdin: String? = nil) throws -> (String, Int32) {
        // stdout goes to a file, not a pipe: Foundation's `readDataToEndOfFile` traps when a
        // signal interrupts the read (SIGCHLD from another test's child, in a parallel run).
        let scratch = try E2E.temporaryDirectory("native")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = output
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        try output.close()
        return (String(decoding: try Data(contentsOf: outURL), as: UTF8.self), process.terminationStatus)
    }

    @Test func nativeBuildsPrintTheExpectedOutputs() throws {
        guard let gcc = ["/usr/bin/gcc", "/usr/bin/cc"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("missing prerequisite: no native C compiler (Scripts/setup.sh installs it)")
            return
        }
        let work = TempTree()
        func build(_ name: String) throws -> String {
            let binary = work.path(name)
            let (_, status) = try run(gcc, ["-O2", "-o", binary, Self.fixtures.appendingPathComponent("\(name).c").path])
            #expect(status == 0, "gcc failed for \(name)")
            return binary
        }
        func expected(_ name: String) -> String? {
            try? String(contentsOf: Self.fixtures.appendingPathComponent("expected/\(name).txt"), encoding: .utf8)
        }
        work.mkdir("data")
        #expect(try run(try build("fileio"), [work.path("data")]).0 == expected("fileio"))
        #expect(try run(try build("args_env"), ["a", "b c"], environment: ["WDB_GREETING": "hi"]).0 == expected("args_env"))
        for name in ["clocks", "random", "poll_timeout"] {
            #expect(try run(try build(name), []).0 == expected(name))
        }
        let (exitOutput, status) = try run(try build("exit_code"), ["42"])
        #expect(exitOutput == expected("exit_code"))
        #expect(status == 42)
        #expect(try run(try build("stdin_echo"), [], stdin: "one\ntwo\nthree").0 == expected("stdin_echo"))
        #expect(expected("fileio")?.contains("readdir: 1000 entries, 2 dot entries, index sum 499500") == true)
    }
}
