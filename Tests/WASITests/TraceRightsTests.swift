// Rights sets in the trace: `RIGHTS_ALL`, `RIGHTS_ALL&~(…)` when fewer than half of the thirty
// rights are missing, the list otherwise, and every flag under `--trace-rights=full` and in
// JSON. Checked on the formatter, on trace lines (arguments and fdstat out-values), on a
// catchpoint's description, on the run options and through `wdb run`.

import Foundation
import Testing
@testable import WASI

@Suite struct TraceRightsTests {
    /// The thirty names in bit order, joined as the full form prints them.
    static let everyRight = WASIRights.names.map(\.name).joined(separator: "|")

    @Test func compactForms() {
        let all = WASIRights.all.rawValue
        #expect(formatRights(all) == "RIGHTS_ALL")
        #expect(formatRights(all & ~WASIRights.fdWrite.rawValue) == "RIGHTS_ALL&~FD_WRITE")
        #expect(formatRights(WASIRights.all.subtracting([.fdWrite, .fdSeek]).rawValue) == "RIGHTS_ALL&~(FD_SEEK|FD_WRITE)")
        #expect(formatRights(WASIRights([.fdRead, .fdWrite]).rawValue) == "FD_READ|FD_WRITE")
        #expect(formatRights(0) == "0")
        // Bits without a name follow the set, in either form.
        #expect(formatRights(all | 1 << 40) == "RIGHTS_ALL|0x10000000000")
        #expect(formatRights(all & ~WASIRights.fdRead.rawValue | 1 << 40) == "RIGHTS_ALL&~FD_READ|0x10000000000")
        #expect(formatRights(1 << 40 | 2) == "FD_READ|0x10000000000")
        #expect(formatRights(1 << 40) == "0x10000000000")
    }

    /// 14 of 30 missing is fewer than half: compact. 15 is half: the list of the 15 present.
    @Test func halfIsTheBoundary() {
        let fourteen = (0..<14).reduce(UInt64(0)) { $0 | 1 << UInt64($1) }
        let compact = formatRights(WASIRights.all.rawValue & ~fourteen)
        #expect(compact.hasPrefix("RIGHTS_ALL&~(FD_DATASYNC|FD_READ|"))
        #expect(compact.hasSuffix("|PATH_OPEN)"))
        let fifteen = fourteen | 1 << 14
        let list = formatRights(WASIRights.all.rawValue & ~fifteen)
        #expect(list == WASIRights.names.dropFirst(15).map(\.name).joined(separator: "|"))
    }

    @Test func fullForm() {
        #expect(formatRights(WASIRights.all.rawValue, .full) == Self.everyRight)
        #expect(formatRights(WASIRights.all.rawValue & ~WASIRights.fdWrite.rawValue, .full)
                == WASIRights.names.filter { $0.name != "FD_WRITE" }.map(\.name).joined(separator: "|"))
        #expect(formatRights(0, .full) == "0")
    }

    /// A `path_open` asking for every right, as wasi-libc's `open` does for the inheriting set,
    /// with the monitor's text and JSON output in both forms.
    static func openLine(format: WASITraceFormat = .text, rights: WASITraceRights = .compact) throws -> String {
        let tree = TempTree()
        tree.mkdir("d")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("d"), guestPath: "/d")]))
        let sink = MemoryTraceSink()
        var options = WASITraceOptions()
        options.format = format
        options.rights = rights
        WASIMonitor(options: options, sink: sink).install(on: g.host)
        _ = g.open(3, "f.txt", oflags: [.creat], rights: WASIRights.all.subtracting([.fdSeek, .fdWrite]),
                   inheriting: .all)
        return sink.lines.last ?? ""
    }

    @Test func pathOpenLineIsShort() throws {
        let line = try Self.openLine()
        #expect(line.hasPrefix(#"path_open(3</d>, SYMLINK_FOLLOW, "f.txt", O_CREAT, RIGHTS_ALL&~(FD_SEEK|FD_WRITE), RIGHTS_ALL, 0, 0x"#), "\(line)")
        #expect(line.hasSuffix(" = 0 (opened_fd=4</d/f.txt>)"), "\(line)")
        #expect(line.count < 140, "\(line.count) characters")
    }

    @Test func pathOpenLineInFull() throws {
        let line = try Self.openLine(rights: .full)
        let base = WASIRights.names.map(\.name).filter { $0 != "FD_SEEK" && $0 != "FD_WRITE" }.joined(separator: "|")
        #expect(line.contains(#""f.txt", O_CREAT, \#(base), \#(Self.everyRight), 0, 0x"#), "\(line)")
        #expect(!line.contains("RIGHTS_ALL"))
    }

    /// JSON lists every right, whatever `rights` says: tools should not have to parse `&~`.
    @Test func jsonStaysFull() throws {
        for rights in [WASITraceRights.compact, .full] {
            let line = try Self.openLine(format: .json, rights: rights)
            #expect(line.contains(#""fs_rights_inheriting":"\#(Self.everyRight)""#), "\(line)")
            #expect(!line.contains("RIGHTS_ALL"))
        }
    }

    /// fd_fdstat_get's out-value shows both rights sets in the chosen form.
    @Test func fdstatOutValues() throws {
        let tree = TempTree()
        tree.mkdir("d")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("d"), guestPath: "/d")]))
        let sink = MemoryTraceSink()
        WASIMonitor(options: WASITraceOptions(), sink: sink).install(on: g.host)
        let (_, fd) = g.open(3, "f.txt", oflags: [.creat], rights: [.fdRead, .fdWrite])
        let stat = g.alloc(24)
        g.call(.fd_fdstat_get, 3, UInt64(stat))
        g.call(.fd_fdstat_get, UInt64(fd), UInt64(stat))
        let lines = sink.lines.suffix(2)
        // The preopen lacks only the rights that make no sense on a directory.
        let directory = formatRights(WASIRights.directory.rawValue)
        #expect(directory.hasPrefix("RIGHTS_ALL&~("))
        #expect(lines.first?.contains("fs_rights_base=\(directory), fs_rights_inheriting=") == true, "\(lines)")
        #expect(lines.last?.contains("fs_rights_base=FD_READ|FD_WRITE, fs_rights_inheriting=0}") == true, "\(lines)")
    }

    /// A catchpoint's description uses the same renderer: compact unless asked otherwise.
    @Test func catchpointDescription() throws {
        let g = try Guest(WASIConfiguration())
        let (path, length) = g.put("x")
        let args: [UInt64] = [3, 0, UInt64(path), UInt64(length), 0, WASIRights.all.rawValue, 0, 0, 64]
        let compact = try #require(WASICallDescription(.path_open, args, memory: g.memory, host: g.host))
        #expect(compact.callText == #"path_open(3, 0, "x", 0, RIGHTS_ALL, 0, 0, 0x40)"#)
        let full = try #require(WASICallDescription(.path_open, args, memory: g.memory, host: g.host, rights: .full))
        #expect(full.callText == #"path_open(3, 0, "x", 0, \#(Self.everyRight), 0, 0, 0x40)"#)
        #expect(WASIMonitor.describeCall(.path_open, args, memory: g.memory, host: g.host) == compact.callText)
    }

    @Test func runOption() throws {
        var options = WASIRunOptions()
        #expect(try options.traceOptions().rights == .compact)
        options.traceRights = "full"
        #expect(try options.traceOptions().rights == .full)
        options.traceRights = "short"
        #expect(throws: WASITraceError("--trace-rights must be compact or full, not 'short'")) {
            try options.traceOptions()
        }
    }

    /// Through the executable: the default, `--trace-rights=full`, the spaced form (which must not
    /// stop `--trace=FILTER` after it from being recognised), and a bad value.
    @Test func commandLine() throws {
        let work = try E2E.temporaryDirectory("rights")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let file = work.appendingPathComponent("open.wat")
        try """
        (module
          (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 80) "new.txt")
          (func (export "_start")
            (drop (call $open (i32.const 3) (i32.const 1) (i32.const 80) (i32.const 7) (i32.const 1)
                              (i64.const 0x3fffffbf) (i64.const 0x3fffffff) (i32.const 0) (i32.const 28)))
            (drop (call $close (i32.const 4)))))
        """.write(to: file, atomically: true, encoding: .utf8)
        func run(_ flags: [String]) throws -> E2E.ProcessResult {
            guard let result = try E2E.wdb(["run"] + flags + ["--dir", "\(data.path)::/data", file.path]) else {
                throw E2EError("cannot find the wdb executable (swift build --product wdb)")
            }
            return result
        }
        let compact = try run(["--trace=path_open"])
        #expect(compact.status == 0, "\(compact.stderr)")
        #expect(compact.stderr == #"path_open(3</data>, SYMLINK_FOLLOW, "new.txt", O_CREAT, RIGHTS_ALL&~FD_WRITE, RIGHTS_ALL, 0, 0x1c) = 0 (opened_fd=4</data/new.txt>)"# + "\n")
        let full = try run(["--trace-rights=full", "--trace=path_open"])
        #expect(full.stderr.contains(", \(Self.everyRight), 0, 0x1c) = 0"), "\(full.stderr)")
        let spaced = try run(["--trace-rights", "full", "--trace=path_open"])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(spaced.stderr == full.stderr)
        let bad = try run(["--trace", "--trace-rights=short"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--trace-rights must be compact or full, not 'short'"), "\(bad.stderr)")
    }
}
