// Golden traces through `wdb run --trace…` for a fixed program: text and JSON lines, filters by
// name, group and negation, --trace-failed, --trace-summary, --trace-output, --trace-strsize and
// an injected EIO that the guest observes (its exit code is the errno it got).

import Foundation
import Testing

@Suite struct EndToEndTraceTests {
    /// args_sizes_get, a write of "hello\n", a path_open of a missing file in the preopen, a
    /// second write whose errno becomes the exit code, proc_exit.
    static let program = """
    (module
      (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 64) "hello\\n")
      (data (i32.const 80) "missing.txt")
      (func (export "_start")
        (drop (call $sizes (i32.const 0) (i32.const 4)))
        (i32.store (i32.const 16) (i32.const 64))
        (i32.store (i32.const 20) (i32.const 6))
        (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
        (drop (call $open (i32.const 3) (i32.const 1) (i32.const 80) (i32.const 11) (i32.const 0)
                          (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 28)))
        (call $exit (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
    """

    static let goldenText = """
    args_sizes_get(0x0, 0x4) = 0 (argc=1, argv_buf_size=5)
    fd_write(1<stdout>, [{"hello\\n", 6}], 1, 0x18) = 0 (nwritten=6)
    path_open(3</data>, SYMLINK_FOLLOW, "missing.txt", 0, FD_READ, 0, 0, 0x1c) = ENOENT
    fd_write(1<stdout>, [{"hello\\n", 6}], 1, 0x18) = 0 (nwritten=6)
    proc_exit(0)

    """

    static let goldenJSON = #"""
    {"call":"args_sizes_get","group":"args","args":{"argc":"0x0","argv_buf_size":"0x4"},"raw":[0,4],"errno":0,"errno_name":"ESUCCESS","injected":false,"out":{"argc":1,"argv_buf_size":5}}
    {"call":"fd_write","group":"filesystem","args":{"fd":"1<stdout>","iovs":"[{\"hello\\n\", 6}]","iovs_len":1,"nwritten":"0x18"},"raw":[1,16,1,24],"errno":0,"errno_name":"ESUCCESS","injected":false,"out":{"nwritten":6}}
    {"call":"path_open","group":"filesystem","args":{"fd":"3</data>","dirflags":"SYMLINK_FOLLOW","path":"\"missing.txt\"","oflags":0,"fs_rights_base":"FD_READ","fs_rights_inheriting":0,"fdflags":0,"opened_fd":"0x1c"},"raw":[3,1,80,11,0,2,0,0,28],"errno":44,"errno_name":"ENOENT","injected":false,"out":{}}
    {"call":"fd_write","group":"filesystem","args":{"fd":"1<stdout>","iovs":"[{\"hello\\n\", 6}]","iovs_len":1,"nwritten":"0x18"},"raw":[1,16,1,24],"errno":0,"errno_name":"ESUCCESS","injected":false,"out":{"nwritten":6}}
    {"call":"proc_exit","group":"proc","args":{"rval":0},"raw":[0],"returns":false}

    """#

    /// Runs the fixed program under wdb with `flags`; nil when wdb is not built.
    func trace(_ flags: [String]) throws -> E2E.ProcessResult? {
        let work = try E2E.temporaryDirectory("trace")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let file = work.appendingPathComponent("trace.wat")
        try Self.program.write(to: file, atomically: true, encoding: .utf8)
        var result = try E2E.wdb(["run"] + flags + ["--dir", "\(data.path)::/data", "--argv0", "prog", file.path])
        // --trace-output names a file relative to the work folder: read it back before cleanup.
        if let index = flags.firstIndex(of: "--trace-output"), index + 1 < flags.count, result != nil {
            result?.stderr = (try? String(contentsOfFile: flags[index + 1], encoding: .utf8)) ?? "<no trace file>"
        }
        return result
    }

    @Test func textTraceOfAFixedProgram() throws {
        guard let result = try trace(["--trace"]) else { return }
        #expect(result.status == 0)
        #expect(result.stdout == "hello\nhello\n")
        #expect(result.stderr == Self.goldenText)
    }

    @Test func jsonTraceOfAFixedProgram() throws {
        guard let result = try trace(["--trace", "--trace-format", "json"]) else { return }
        #expect(result.stderr == Self.goldenJSON)
        // Each line is a JSON object of its own.
        for line in result.stderr.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
    }

    @Test func filtersByNameGroupAndNegation() throws {
        let lines = Self.goldenText.split(separator: "\n").map(String.init)
        func expected(_ keep: (String) -> Bool) -> String { lines.filter(keep).map { $0 + "\n" }.joined() }
        guard let byName = try trace(["--trace=fd_write,proc_exit"]) else { return }
        #expect(byName.stderr == expected { $0.hasPrefix("fd_write") || $0.hasPrefix("proc_exit") })
        #expect(try trace(["--trace=filesystem"])?.stderr
                == expected { $0.hasPrefix("fd_write") || $0.hasPrefix("path_open") })
        #expect(try trace(["--trace=args,proc"])?.stderr
                == expected { $0.hasPrefix("args_") || $0.hasPrefix("proc_") })
        #expect(try trace(["--trace=!fd_write"])?.stderr == expected { !$0.hasPrefix("fd_write") })
        #expect(try trace(["--trace=sock"])?.stderr == "")
        // A bad filter is a usage error.
        #expect(try trace(["--trace=no_such_call"])?.status == 1)
    }

    @Test func failedCallsOnly() throws {
        guard let result = try trace(["--trace-failed"]) else { return }
        #expect(result.stderr == """
        path_open(3</data>, SYMLINK_FOLLOW, "missing.txt", 0, FD_READ, 0, 0, 0x1c) = ENOENT

        """)
        #expect(try trace(["--trace=fd_write", "--trace-failed"])?.stderr == "")
    }

    @Test func injectedEIOReachesTheGuest() throws {
        guard let result = try trace(["--trace=fd_write", "--inject", "fd_write:EIO:when=2"]) else { return }
        // The second write did not happen; its EIO (29) came back to the guest as its exit code.
        #expect(result.stdout == "hello\n")
        #expect(result.status == 29)
        #expect(result.stderr == """
        fd_write(1<stdout>, [{"hello\\n", 6}], 1, 0x18) = 0 (nwritten=6)
        fd_write(1<stdout>, [{"hello\\n", 6}], 1, 0x18) = EIO (injected)

        """)
        // Without a trace the injection still happens, silently.
        let silent = try trace(["--inject", "fd_write:EIO:when=2"])
        #expect(silent?.status == 29)
        #expect(silent?.stderr == "")
        // when=1 fails the first write only: the second one succeeds and the exit code is 0.
        let first = try trace(["--inject", "fd_write:EIO:when=1"])
        #expect(first?.stdout == "hello\n")
        #expect(first?.status == 0)
    }

    @Test func summaryTable() throws {
        guard let result = try trace(["--trace-summary"]) else { return }
        let lines = result.stderr.split(separator: "\n").map(String.init)
        try #require(lines.count == 8, "\(result.stderr)")
        #expect(lines[0].split(separator: " ") == ["%", "time", "seconds", "usecs/call", "calls", "errors", "call"])
        // One row per function with its calls and errors (blank when none, as strace -c), then the total.
        func row(_ name: String) -> [Substring]? { lines.first { $0.hasSuffix(" " + name) }?.split(separator: " ") }
        #expect(row("fd_write").map { Array($0[3...]) } == ["2", "fd_write"])
        #expect(row("path_open").map { Array($0[3...]) } == ["1", "1", "path_open"])
        #expect(row("args_sizes_get").map { Array($0[3...]) } == ["1", "args_sizes_get"])
        #expect(row("proc_exit").map { Array($0[3...]) } == ["1", "proc_exit"])
        #expect(row("total").map { Array($0[3...]) } == ["5", "1", "total"])
        #expect(!result.stderr.contains("hello"), "no call lines without --trace")
    }

    @Test func outputFileTimeAndStringSize() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("wdb-trace-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        guard let toFile = try trace(["--trace", "--trace-output", log.path]) else { return }
        #expect(toFile.stderr == Self.goldenText)

        let timed = try trace(["--trace=path_open", "--trace-time"])
        let line = timed?.stderr ?? ""
        #expect(line.hasPrefix(#"path_open(3</data>, SYMLINK_FOLLOW, "missing.txt""#))
        #expect(line.contains(try Regex(#"= ENOENT <\d+\.\d{6}>\n$"#)), "\(line)")

        let short = try trace(["--trace=fd_write", "--trace-strsize", "3"])
        #expect(short?.stderr.hasPrefix(#"fd_write(1<stdout>, [{"hel"..., 6}], 1, 0x18) = 0 (nwritten=6)"#) == true)
    }
}
