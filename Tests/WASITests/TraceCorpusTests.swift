// A wide golden corpus of trace lines, so the renderer's output stays byte for byte what it was:
// every function once with arguments that succeed (structs, lists, filled buffers, out-values),
// then a few hundred seeded random calls over random memory, all failed by injection, so only
// the decoding of the inputs shows (bad pointers, unknown enum values and flag bits, cut lists
// and strings, every byte value), in text and JSON and with several string limits.
//
// The golden file is Tests/Fixtures/wasi/expected/trace-corpus.txt. After a deliberate format
// change, regenerate it with `WDB_UPDATE_TRACE_CORPUS=1 swift test --filter TraceCorpusTests`
// and review the diff.

import Foundation
import Testing
@testable import WASI

@Suite struct TraceCorpusTests {
    static let goldenURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wasi/expected/trace-corpus.txt")

    /// Host-dependent numbers (inodes, devices, file times) replaced by `N`.
    static func masked(_ line: String) -> String {
        line.replacing(try! Regex(#"\b(d_ino|dev|ino|atim|mtim|ctim)=\d+"#)) { match in
            "\(match.output[1].substring ?? "")=N"
        }
    }

    @Test func corpusMatchesGolden() throws {
        var lines: [String] = []
        for (format, time) in [(WASITraceFormat.text, false), (.json, false), (.text, true), (.json, true)] {
            lines.append("# success, \(format)\(time ? ", --trace-time" : "")")
            lines += try Self.successRun(format: format, time: time).map(Self.masked)
        }
        for (format, limit) in [(WASITraceFormat.text, 32), (.text, 3), (.text, 0), (.json, 32), (.json, 0)] {
            lines.append("# injected random calls, \(format), strsize \(limit)")
            lines += try Self.fuzzRun(format: format, stringLimit: limit, seed: 0x5EED &+ UInt64(limit))
        }
        lines.append("# failed only")
        var failed = WASITraceOptions()
        failed.failedOnly = true
        lines += try Self.successRun(options: failed).map(Self.masked)
        // Rights sets print compactly above; the long form is the same run as the first text one.
        lines.append("# success, text, --trace-rights=full")
        var fullRights = WASITraceOptions()
        fullRights.stringLimit = 12
        fullRights.rights = .full
        lines += try Self.successRun(options: fullRights).map(Self.masked)
        let text = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["WDB_UPDATE_TRACE_CORPUS"] != nil {
            try text.write(to: Self.goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: Self.goldenURL, encoding: .utf8)
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = golden.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count)
        for (index, (a, b)) in zip(got, want).enumerated() where a != b {
            Issue.record("line \(index + 1) differs:\n got: \(a)\nwant: \(b)")
            break
        }
    }

    static func successRun(format: WASITraceFormat, time: Bool) throws -> [String] {
        var options = WASITraceOptions()
        options.format = format
        options.showTime = time
        options.stringLimit = 12
        return try successRun(options: options)
    }

    /// Every function once, with arguments that work, in a fixed sandbox.
    static func successRun(options: WASITraceOptions) throws -> [String] {
        let tree = TempTree()
        tree.mkdir("d/sub")
        tree.write("d/a.txt", "abcdefghij")
        tree.symlink("d/link", to: "a.txt")
        let stdout = Glibc.open(tree.path("out.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let stdin = Glibc.open(tree.path("d/a.txt"), O_RDONLY)
        defer { close(stdout); close(stdin) }
        let manyArgs = ["prog", "tab\there", "quote\"back\\slash", "é ü", "\u{1}ctl"] + (0..<14).map { "a\($0)" }
        var config = WASIConfiguration(arguments: manyArgs, environment: ["LANG=C", "X=1"],
                                       preopens: [WASIPreopen(hostPath: tree.path("d"), guestPath: "/d"),
                                                  WASIPreopen(hostPath: tree.path("d/sub"), guestPath: "/sub")])
        config.clock = FixedClock(1_700_000_000_123_456_789)
        config.random = SeededRandomSource(seed: 11)
        config.stdout = stdout
        config.stdin = stdin
        let g = try Guest(config)
        let sink = MemoryTraceSink()
        var ticks: UInt64 = 0
        WASIMonitor(options: options, sink: sink, clock: { ticks &+= 1_234_567; return ticks }).install(on: g.host)

        let sizes = g.alloc(8)
        g.call(.args_sizes_get, UInt64(sizes), UInt64(sizes + 4))
        let argv = g.alloc(4 * manyArgs.count), argvBuf = g.alloc(256)
        g.call(.args_get, UInt64(argv), UInt64(argvBuf))
        g.call(.environ_sizes_get, UInt64(sizes), UInt64(sizes + 4))
        let env = g.alloc(16), envBuf = g.alloc(32)
        g.call(.environ_get, UInt64(env), UInt64(envBuf))
        let word = g.alloc(8)
        for id in [0, 1, 2, 3, 9] as [UInt64] { g.call(.clock_res_get, id, UInt64(word)) }
        g.call(.clock_time_get, 1, 1000, UInt64(word))

        let prestat = g.alloc(8)
        g.call(.fd_prestat_get, 3, UInt64(prestat))
        let name = g.alloc(8)
        g.call(.fd_prestat_dir_name, 3, UInt64(name), 2)
        g.call(.fd_prestat_dir_name, 4, UInt64(name), 4)
        let stat = g.alloc(64)
        for fd in [0, 1, 3] as [UInt64] { g.call(.fd_fdstat_get, fd, UInt64(stat)) }

        let (_, fd) = g.open(3, "new.txt", oflags: [.creat, .trunc],
                             rights: [.fdRead, .fdWrite, .fdSeek, .fdTell, .fdAdvise, .fdAllocate, .fdSync,
                                      .fdDatasync, .fdFilestatGet, .fdFilestatSetSize, .fdFilestatSetTimes,
                                      .fdFdstatSetFlags, .pollFdReadwrite],
                             inheriting: WASIRights(rawValue: 1 << 40 | 3), fdflags: [.append])
        // A write of 17 buffers (one past the list limit) holding every byte value.
        let iovs = g.alloc(17 * 8)
        for index in 0..<17 {
            let (p, n) = g.put((0..<15).map { UInt8(truncatingIfNeeded: index * 15 + $0) })
            g.setU32(p, iovs + UInt32(index * 8))
            g.setU32(n, iovs + UInt32(index * 8 + 4))
        }
        let count = g.alloc(8)
        g.call(.fd_write, UInt64(fd), UInt64(iovs), 17, UInt64(count))
        g.call(.fd_pwrite, UInt64(fd), UInt64(iovs), 2, 3, UInt64(count))
        g.call(.fd_seek, UInt64(fd), UInt64(bitPattern: -5), 2, UInt64(word))
        g.call(.fd_seek, UInt64(fd), 0, 0, UInt64(word))
        g.call(.fd_seek, UInt64(fd), 0, 7, UInt64(word))
        g.call(.fd_tell, UInt64(fd), UInt64(word))
        // Reads into three buffers, the last one left partly empty.
        let readIovs = g.alloc(24)
        for (index, size) in [4, 6, 400].enumerated() {
            g.setU32(g.alloc(size), readIovs + UInt32(index * 8))
            g.setU32(UInt32(size), readIovs + UInt32(index * 8 + 4))
        }
        g.call(.fd_read, UInt64(fd), UInt64(readIovs), 3, UInt64(count))
        g.call(.fd_pread, UInt64(fd), UInt64(readIovs), 2, 1, UInt64(count))
        g.call(.fd_read, 0, UInt64(readIovs), 1, UInt64(count))
        g.call(.fd_advise, UInt64(fd), 0, 10, 2)
        g.call(.fd_advise, UInt64(fd), 0, 10, 9)
        g.call(.fd_allocate, UInt64(fd), 0, 100)
        g.call(.fd_datasync, UInt64(fd))
        g.call(.fd_sync, UInt64(fd))
        g.call(.fd_fdstat_set_flags, UInt64(fd), 0x41)
        g.call(.fd_fdstat_set_rights, UInt64(fd), WASIRights.regularFile.rawValue, 0)
        g.call(.fd_filestat_get, UInt64(fd), UInt64(stat))
        g.call(.fd_filestat_set_size, UInt64(fd), 5)
        g.call(.fd_filestat_set_times, UInt64(fd), 1_000_000_000, 2_000_000_000, 0x5)
        g.call(.fd_filestat_set_times, UInt64(fd), 0, 0, 0x30)

        let buf = g.alloc(512), used = g.alloc(4)
        g.call(.fd_readdir, 3, UInt64(buf), 512, 0, UInt64(used))
        g.call(.fd_readdir, 3, UInt64(buf), 60, 0, UInt64(used))

        let (sub, subLen) = g.put("sub/inner")
        g.call(.path_create_directory, 3, UInt64(sub), UInt64(subLen))
        let (lp, ln) = g.put("link")
        for flags in [0, 1, 6] as [UInt64] { g.call(.path_filestat_get, 3, flags, UInt64(lp), UInt64(ln), UInt64(stat)) }
        g.call(.path_filestat_set_times, 3, 1, UInt64(lp), UInt64(ln), 5, 6, 0xA)
        let target = g.alloc(16)
        g.call(.path_readlink, 3, UInt64(lp), UInt64(ln), UInt64(target), 16, UInt64(used))
        g.call(.path_readlink, 3, UInt64(lp), UInt64(ln), UInt64(target), 3, UInt64(used))
        let (ap, an) = g.put("a.txt"), (bp, bn) = g.put("b.txt"), (cp, cn) = g.put("c.txt")
        g.call(.path_link, 3, 0, UInt64(ap), UInt64(an), 3, UInt64(bp), UInt64(bn))
        g.call(.path_rename, 3, UInt64(bp), UInt64(bn), 4, UInt64(cp), UInt64(cn))
        g.call(.path_symlink, UInt64(ap), UInt64(an), 3, UInt64(bp), UInt64(bn))
        g.call(.path_unlink_file, 3, UInt64(bp), UInt64(bn))
        g.call(.path_unlink_file, 4, UInt64(cp), UInt64(cn))
        g.call(.path_remove_directory, 3, UInt64(sub), UInt64(subLen))
        let (bad, badLen) = g.put([0x66, 0x00, 0xFF, 0x0A, 0x22])
        g.call(.path_create_directory, 3, UInt64(bad), UInt64(badLen))
        g.call(.path_create_directory, 3, 0xFFFF_FF00, 10)

        // poll_oneoff: a clock, fd read and write readiness and an unknown tag.
        let subs = g.alloc(4 * 48), events = g.alloc(4 * 32)
        g.setU64(7, subs)
        g.setU32(1, subs + 16)
        g.setU64(0, subs + 24)
        g.memory.bytes[Int(subs) + 40] = 1
        g.setU64(8, subs + 48)
        g.memory.bytes[Int(subs) + 56] = 1
        g.setU32(UInt32(fd), subs + 64)
        g.setU64(9, subs + 96)
        g.memory.bytes[Int(subs) + 104] = 2
        g.setU32(1, subs + 112)
        g.call(.poll_oneoff, UInt64(subs), UInt64(events), 3, UInt64(count))
        g.setU64(10, subs + 144)
        g.memory.bytes[Int(subs) + 152] = 5
        g.call(.poll_oneoff, UInt64(subs), UInt64(events), 4, UInt64(count))

        g.call(.random_get, UInt64(buf), 20)
        g.call(.sched_yield)
        g.call(.proc_raise, 15)
        g.call(.proc_raise, 99)
        g.call(.sock_accept, 3, 4, UInt64(word))
        g.call(.sock_recv, UInt64(fd), UInt64(readIovs), 1, 3, UInt64(count), UInt64(word))
        g.call(.sock_send, UInt64(fd), UInt64(iovs), 1, 0, UInt64(count))
        g.call(.sock_shutdown, UInt64(fd), 3)
        // A label with a control character and non-ASCII letters (raw in text, escaped in JSON).
        let (_, odd) = g.open(3, "\u{e9}\u{1}x", oflags: [.creat], rights: [.fdWrite])
        _ = g.write(odd, "z")
        g.call(.fd_close, UInt64(odd))
        g.call(.fd_renumber, UInt64(fd), 9)
        g.call(.fd_close, UInt64(fd))
        g.call(.fd_close, 9)
        g.call(.proc_exit, 3)
        return sink.lines
    }

    /// Random calls over random memory, each failed by an injected EIO before it runs.
    static func fuzzRun(format: WASITraceFormat, stringLimit: Int, seed: UInt64) throws -> [String] {
        let tree = TempTree()
        tree.mkdir("d")
        var options = WASITraceOptions()
        options.format = format
        options.stringLimit = stringLimit
        options.injections = [WASIInjection(functions: WASIFunction.allCases.filter { $0 != .proc_exit }, errno: .io)]
        let g = try Guest(WASIConfiguration(arguments: ["p"], preopens: [WASIPreopen(hostPath: tree.path("d"), guestPath: "/d")]),
                          memorySize: 1 << 16)
        let random = SeededRandomSource(seed: seed)
        func below(_ n: UInt64) -> UInt64 { random.next() % n }
        // Random bytes, then iovec arrays at 0x2000 pointing into the first 4 KiB, then
        // subscriptions with random tags at 0x3000.
        random.fill(UnsafeMutableRawBufferPointer(rebasing: g.memory.storage[0..<0x4000]))
        for index in 0..<64 {
            g.setU32(UInt32(below(0x1000)), 0x2000 + UInt32(index * 8))
            g.setU32(UInt32(below(40)), 0x2000 + UInt32(index * 8 + 4))
        }
        for index in 0..<20 { g.memory.bytes[0x3000 + index * 48 + 8] = UInt8(below(4)) }
        let sink = MemoryTraceSink()
        WASIMonitor(options: options, sink: sink, clock: { 0 }).install(on: g.host)

        func pointer() -> UInt64 {
            switch below(8) {
            case 0: return 0x2000 + 8 * below(64)
            case 1: return 0x3000 + 48 * below(20)
            case 2: return 0xFFF0 + below(32)
            case 3: return UInt64(UInt32.max) - below(4)
            case 4: return random.next()
            default: return below(0x1000)
            }
        }
        func value(_ kind: WASIParamKind) -> UInt64 {
            switch kind {
            case .fd: return below(4) == 0 ? random.next() : below(7)
            case .u32, .length: return below(4) == 0 ? UInt64(UInt32(truncatingIfNeeded: random.next())) : below(40)
            case .u64, .s64, .timestamp: return below(2) == 0 ? random.next() : below(100)
            case .flags: return below(3) == 0 ? random.next() : below(16)
            case .whence, .clockID, .advice, .signal: return below(4) == 0 ? random.next() : below(40)
            default: return pointer()
            }
        }
        // proc_exit cannot be injected: it runs, and from the first one on the host has closed
        // every descriptor, so the lines after it show bare fd numbers (the guest is gone; only
        // this test keeps calling).
        for _ in 0..<120 {
            let function = WASIFunction.allCases[Int(below(UInt64(WASIFunction.allCases.count)))]
            let args = function.params.map { value($0.kind) }
            _ = g.host.call(function, args, memory: g.memory)
        }
        return sink.lines
    }
}
