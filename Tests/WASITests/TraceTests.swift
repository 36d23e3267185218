import Foundation
import Testing
@testable import WASI

/// A fixed sequence of calls, as a small C program would make them, with a fixed clock, seeded
/// randomness and a fake trace clock, so the trace is byte-for-byte repeatable.
final class TraceScenario {
    let tree = TempTree()
    let guest: Guest
    let sink = MemoryTraceSink()
    let monitor: WASIMonitor
    let stdout: Int32
    private var fakeTime: UInt64 = 0

    init(_ options: WASITraceOptions, sink other: WASITraceSink? = nil) throws {
        tree.mkdir("data")
        var config = WASIConfiguration(arguments: ["prog", "hello world"], environment: ["LANG=C"],
                                       preopens: [WASIPreopen(hostPath: tree.path("data"), guestPath: "/data")])
        config.clock = FixedClock(1_700_000_000_000_000_000)
        config.random = SeededRandomSource(seed: 7)
        stdout = Glibc.open(tree.path("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        config.stdout = stdout
        guest = try Guest(config)
        // Each reading of the trace clock advances it by 1.5 µs: every call "takes" 1.5 µs.
        var ticks: UInt64 = 0
        monitor = WASIMonitor(options: options, sink: other ?? sink, clock: { ticks += 1500; return ticks })
        monitor.install(on: guest.host)
    }

    deinit { close(stdout) }

    /// Runs the program; returns what the guest saw from its fd_write after an injected fault.
    @discardableResult
    func run() -> [WASIErrno] {
        let g = guest
        var seen: [WASIErrno] = []
        let sizes = g.alloc(8)
        g.call(.args_sizes_get, UInt64(sizes), UInt64(sizes + 4))
        let argv = g.alloc(8), argvBuf = g.alloc(32)
        g.call(.args_get, UInt64(argv), UInt64(argvBuf))
        let prestat = g.alloc(8)
        g.call(.fd_prestat_get, 3, UInt64(prestat))
        g.call(.fd_prestat_get, 4, UInt64(prestat))
        let name = g.alloc(8)
        g.call(.fd_prestat_dir_name, 3, UInt64(name), 5)
        let (fd, _) = { () -> (UInt32, WASIErrno) in
            let (code, fd) = g.open(3, "notes.txt", oflags: [.creat, .trunc], rights: [.fdRead, .fdWrite, .fdSeek])
            return (fd, code)
        }()
        seen.append(g.write(fd, "hello\n").0)
        let position = g.alloc(8)
        g.call(.fd_seek, UInt64(fd), 0, 0, UInt64(position))
        _ = g.read(fd, 16)
        _ = g.open(3, "../etc/passwd", rights: .fdRead, follow: false)
        let time = g.alloc(8)
        g.call(.clock_time_get, 0, 1, UInt64(time))
        let random = g.alloc(8)
        g.call(.random_get, UInt64(random), 4)
        g.call(.fd_close, UInt64(fd))
        seen.append(g.write(1, "done\n").0)
        let subs = g.alloc(48), events = g.alloc(32), count = g.alloc(4)
        g.setU64(42, subs)
        g.setU32(1, subs + 16)
        g.setU64(0, subs + 24)
        g.call(.poll_oneoff, UInt64(subs), UInt64(events), 1, UInt64(count))
        g.call(.proc_exit, 0)
        return seen
    }
}

@Suite struct TraceTests {
    static let golden = [
        "args_sizes_get(0x1000, 0x1004) = 0 (argc=2, argv_buf_size=17)",
        #"args_get(0x1008, 0x1010) = 0 (argv=["prog", "hello world"])"#,
        "fd_prestat_get(3</data>, 0x1030) = 0 (buf={tag=DIR, pr_name_len=5})",
        "fd_prestat_get(4, 0x1030) = EBADF",
        #"fd_prestat_dir_name(3</data>, "/data", 5) = 0"#,
        #"path_open(3</data>, SYMLINK_FOLLOW, "notes.txt", O_CREAT|O_TRUNC, FD_READ|FD_SEEK|FD_WRITE, 0, 0, 0x1050) = 0 (opened_fd=4</data/notes.txt>)"#,
        #"fd_write(4</data/notes.txt>, [{"hello\n", 6}], 1, 0x1068) = 0 (nwritten=6)"#,
        "fd_seek(4</data/notes.txt>, 0, SEEK_SET, 0x1070) = 0 (newoffset=0)",
        #"fd_read(4</data/notes.txt>, [{"hello\n", 16}], 1, 0x1090) = 0 (nread=6)"#,
        #"path_open(3</data>, 0, "../etc/passwd", 0, FD_READ, 0, 0, 0x10a8) = ENOTCAPABLE"#,
        "clock_time_get(CLOCK_REALTIME, 1, 0x10b0) = 0 (time=1700000000000000000)",
        #"random_get("\xd7\r2Y", 4) = 0"#,
        "fd_close(4</data/notes.txt>) = 0",
        #"fd_write(1<stdout>, [{"done\n", 5}], 1, 0x10d0) = 0 (nwritten=5)"#,
        "poll_oneoff([{userdata=42, CLOCK, id=CLOCK_MONOTONIC, timeout=0, precision=0, flags=0}], [{userdata=42, error=0, type=CLOCK}], 1, 0x1128) = 0 (nevents=1)",
        "proc_exit(0)",
    ]

    @Test func textGolden() throws {
        let scenario = try TraceScenario(WASITraceOptions())
        scenario.run()
        #expect(scenario.sink.lines == Self.golden)
        #expect(scenario.tree.read("stdout.txt") == "done\n")
    }

    @Test func fileSinkGetsTheSameLines() throws {
        // A file collects lines in the monitor and gets them in chunks: at finish(), or when the
        // monitor goes away without one.
        let tree = TempTree()
        for finishing in [true, false] {
            let path = tree.path("trace-\(finishing).txt")
            do {
                let scenario = try TraceScenario(WASITraceOptions(), sink: try FileTraceSink(path: path))
                scenario.run()
                if finishing { scenario.monitor.finish() }
            }
            #expect(tree.read("trace-\(finishing).txt") == Self.golden.map { $0 + "\n" }.joined())
        }
    }

    @Test func timesAndJSON() throws {
        var options = WASITraceOptions()
        options.showTime = true
        let timed = try TraceScenario(options)
        timed.run()
        #expect(timed.sink.lines[0] == "args_sizes_get(0x1000, 0x1004) = 0 (argc=2, argv_buf_size=17) <0.000002>")
        #expect(timed.sink.lines.last == "proc_exit(0)")

        options.format = .json
        let json = try TraceScenario(options)
        json.run()
        #expect(json.sink.lines.count == Self.golden.count)
        #expect(json.sink.lines[6] == #"{"call":"fd_write","group":"filesystem","args":{"fd":"4</data/notes.txt>","iovs":"[{\"hello\\n\", 6}]","iovs_len":1,"nwritten":"0x1068"},"raw":[4,4192,1,4200],"errno":0,"errno_name":"ESUCCESS","injected":false,"out":{"nwritten":6},"seconds":0.000002}"#)
        #expect(json.sink.lines[9].contains(#""errno":76,"errno_name":"ENOTCAPABLE""#))
        #expect(json.sink.lines.last == #"{"call":"proc_exit","group":"proc","args":{"rval":0},"raw":[0],"returns":false}"#)
        // Every line is valid JSON with the same call names as the text trace.
        for (line, text) in zip(json.sink.lines, Self.golden) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["call"] as? String == String(text.prefix { $0 != "(" }))
        }
    }

    @Test func stringLimit() throws {
        var options = WASITraceOptions()
        options.stringLimit = 3
        let scenario = try TraceScenario(options)
        scenario.run()
        #expect(scenario.sink.lines[6] == #"fd_write(4</data/notes.txt>, [{"hel"..., 6}], 1, 0x1068) = 0 (nwritten=6)"#)
        #expect(scenario.sink.lines[1] == #"args_get(0x1008, 0x1010) = 0 (argv=["pro"..., "hel"...])"#)
    }

    func lines(filter: String) throws -> [String] {
        var options = WASITraceOptions()
        options.filter = try WASICallFilter(parsing: filter)
        let scenario = try TraceScenario(options)
        scenario.run()
        return scenario.sink.lines
    }

    @Test func filters() throws {
        let byName = try lines(filter: "fd_write,path_open")
        #expect(byName == Self.golden.filter { $0.hasPrefix("fd_write(") || $0.hasPrefix("path_open(") })
        #expect(byName.count == 4)
        let byGroup = try lines(filter: "clock,random,%proc")
        #expect(byGroup == [Self.golden[10], Self.golden[11], Self.golden[15]])
        let negated = try lines(filter: "!fd_write,!filesystem")
        #expect(negated == Self.golden.filter {
            ["args_", "clock_", "random_", "poll_", "proc_"].contains(where: $0.hasPrefix)
        })
        let mixed = try lines(filter: "filesystem,!fd_prestat_get,!fd_prestat_dir_name")
        #expect(mixed.count == 7)
        #expect(try lines(filter: "sock") == [])
        #expect(throws: WASITraceError.self) { try WASICallFilter(parsing: "fd_bogus") }
    }

    @Test func failedOnly() throws {
        var options = WASITraceOptions()
        options.failedOnly = true
        let scenario = try TraceScenario(options)
        scenario.run()
        #expect(scenario.sink.lines == [Self.golden[3], Self.golden[9]])
    }

    @Test func injectedEIOIsSeenByTheGuest() throws {
        var options = WASITraceOptions()
        options.injections = [try WASIInjection(parsing: "fd_write:EIO:when=2")]
        let scenario = try TraceScenario(options)
        let seen = scenario.run()
        #expect(seen == [.success, .io])
        #expect(scenario.sink.lines[13] == #"fd_write(1<stdout>, [{"done\n", 5}], 1, 0x10d0) = EIO (injected)"#)
        #expect(scenario.tree.read("stdout.txt") == "")  // the injected call did not run
        #expect(scenario.tree.read("data/notes.txt") == "hello\n")
    }

    @Test func injectionWithoutTracing() throws {
        var options = WASITraceOptions()
        options.printCalls = false
        options.injections = [try WASIInjection(parsing: "path_open:ENOSPC")]
        let scenario = try TraceScenario(options)
        scenario.run()
        #expect(scenario.sink.lines.isEmpty)
        #expect(!scenario.tree.exists("data/notes.txt"))
    }

    @Test func injectionSpecs() throws {
        let a = try WASIInjection(parsing: "fd_read:EAGAIN:when=3+")
        #expect(a.functions == [.fd_read] && a.errno == .again && a.first == 3 && a.last == nil)
        #expect(!a.matches(call: 2) && a.matches(call: 3) && a.matches(call: 100))
        let b = try WASIInjection(parsing: "fd_write:29:when=2..4")
        #expect(b.errno == .io && b.first == 2 && b.last == 4)
        #expect(!b.matches(call: 1) && b.matches(call: 4) && !b.matches(call: 5))
        let c = try WASIInjection(parsing: "clock:EINVAL")
        #expect(c.functions == [.clock_res_get, .clock_time_get] && c.matches(call: 1))
        let d = try WASIInjection(parsing: "proc:EPERM")
        #expect(!d.functions.contains(.proc_exit))
        for bad in ["fd_write", "fd_write:EBOGUS", "fd_write:ESUCCESS", "nope:EIO", "fd_write:EIO:when=0",
                    "fd_write:EIO:when=4..2", "fd_write:EIO:sometimes", "proc_exit:EIO"] {
            #expect(throws: WASITraceError.self, "\(bad)") { try WASIInjection(parsing: bad) }
        }
    }

    @Test func summaryTable() throws {
        var options = WASITraceOptions()
        options.printCalls = false
        options.summary = true
        let scenario = try TraceScenario(options)
        scenario.run()
        #expect(scenario.sink.lines.isEmpty)
        scenario.monitor.finish()
        let expected = """
            % time     seconds  usecs/call     calls    errors call
            ------ ----------- ----------- --------- --------- ----------------
             12.50    0.000003           1         2         1 fd_prestat_get
             12.50    0.000003           1         2           fd_write
             12.50    0.000003           1         2         1 path_open
              6.25    0.000002           1         1           args_get
              6.25    0.000002           1         1           args_sizes_get
              6.25    0.000002           1         1           clock_time_get
              6.25    0.000002           1         1           fd_close
              6.25    0.000002           1         1           fd_prestat_dir_name
              6.25    0.000002           1         1           fd_read
              6.25    0.000002           1         1           fd_seek
              6.25    0.000002           1         1           poll_oneoff
              6.25    0.000002           1         1           proc_exit
              6.25    0.000002           1         1           random_get
            ------ ----------- ----------- --------- --------- ----------------
            100.00    0.000024           1        16         2 total
            """
        #expect(scenario.sink.lines.joined(separator: "\n") == expected)
        #expect(scenario.monitor.summary.entries[.fd_write]?.calls == 2)
    }

    @Test func unselectedCallsAreNotDecoded() throws {
        // The host fetches memory once per call it runs. A call the filter does not select goes
        // straight to the host; a traced one is decoded from the same view it then runs on.
        let g = try Guest(WASIConfiguration())
        let time = g.alloc(8)
        func fetches(_ body: () -> Void) -> Int {
            g.memory.fetches = 0
            body()
            return g.memory.fetches
        }
        #expect(fetches { g.call(.clock_time_get, 1, 0, UInt64(time)) } == 1)
        var options = WASITraceOptions()
        options.filter = try WASICallFilter(parsing: "sock_send")
        let sink = MemoryTraceSink()
        let unselected = WASIMonitor(options: options, sink: sink)
        unselected.install(on: g.host)
        #expect(!unselected.observes(.clock_time_get))
        #expect(fetches { g.call(.clock_time_get, 1, 0, UInt64(time)) } == 1)
        #expect(sink.lines.isEmpty)
        let all = WASIMonitor(options: WASITraceOptions(), sink: sink)
        all.install(on: g.host)
        #expect(all.observes(.clock_time_get))
        #expect(fetches { g.call(.clock_time_get, 1, 0, UInt64(time)) } == 1)
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.hasPrefix("clock_time_get(CLOCK_MONOTONIC, 0, 0x") == true)
    }

    @Test func offCostsNothingAndNonMatchingFilterIsTransparent() throws {
        let untraced = try TraceScenario(WASITraceOptions())
        untraced.guest.host.observer = nil
        untraced.run()
        #expect(untraced.sink.lines.isEmpty)
        #expect(untraced.tree.read("stdout.txt") == "done\n")
        #expect(try lines(filter: "sock_send").isEmpty)
    }
}

@Suite struct TraceRenderingTests {
    @Test func structsListsAndFailures() throws {
        let tree = TempTree()
        tree.mkdir("d/sub")
        tree.write("d/a.txt", "abc")
        tree.symlink("d/link", to: "a.txt")
        let sink = MemoryTraceSink()
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("d"), guestPath: "/d")]))
        var options = WASITraceOptions()
        options.stringLimit = 8
        WASIMonitor(options: options, sink: sink).install(on: g.host)

        let stat = g.alloc(24)
        g.call(.fd_fdstat_get, 3, UInt64(stat))
        #expect(sink.lines.last?.hasPrefix("fd_fdstat_get(3</d>, 0x") == true)
        #expect(sink.lines.last?.hasSuffix("(stat={fs_filetype=DIRECTORY, fs_flags=0, fs_rights_base=RIGHTS_ALL&~(FD_READ|FD_SEEK|FD_TELL|FD_WRITE|FD_ADVISE|FD_ALLOCATE|FD_FILESTAT_SET_SIZE|POLL_FD_READWRITE|SOCK_SHUTDOWN|SOCK_ACCEPT), fs_rights_inheriting=RIGHTS_ALL&~(SOCK_SHUTDOWN|SOCK_ACCEPT)})") == true)

        let buf = g.alloc(128), used = g.alloc(4)
        g.call(.fd_readdir, 3, UInt64(buf), 128, 0, UInt64(used))
        let readdir = sink.lines.last ?? ""
        #expect(readdir.contains(#"{d_next=1, d_ino="#))
        #expect(readdir.contains(#"d_type=DIRECTORY, d_name=".."}"#))
        #expect(readdir.contains(#"d_type=REGULAR_FILE, d_name="a.txt"}"#))
        #expect(readdir.contains(#"d_type=SYMBOLIC_LINK, d_name="link"}"#))
        #expect(readdir.hasSuffix(", 128, 0, \(String(format: "0x%x", used))) = 0 (bufused=128)"))
        #expect(readdir.contains("d_name=\"link\"}, ...]"))  // the cut fifth entry

        let (lp, ln) = g.put("link")
        let file = g.alloc(64)
        g.call(.path_filestat_get, 3, 1, UInt64(lp), UInt64(ln), UInt64(file))
        #expect(sink.lines.last?.contains(#"path_filestat_get(3</d>, SYMLINK_FOLLOW, "link", 0x"#) == true)
        #expect(sink.lines.last?.contains("filetype=REGULAR_FILE, nlink=1, size=3, atim=") == true)
        let target = g.alloc(16)
        g.call(.path_readlink, 3, UInt64(lp), UInt64(ln), UInt64(target), 16, UInt64(used))
        #expect(sink.lines.last == #"path_readlink(3</d>, "link", "a.txt", 16, \#(String(format: "0x%x", used))) = 0 (bufused=5)"#)

        // poll_oneoff with an fd subscription: the file is ready at once.
        let (_, fd) = g.open(3, "a.txt", rights: [.fdRead, .fdSeek, .fdTell, .pollFdReadwrite])
        let subs = g.alloc(48), events = g.alloc(32), n = g.alloc(4)
        g.setU64(9, subs)
        g.memory.bytes[Int(subs) + 8] = WASIEventType.fdRead.rawValue
        g.setU32(fd, subs + 16)
        g.call(.poll_oneoff, UInt64(subs), UInt64(events), 1, UInt64(n))
        #expect(sink.lines.last?.hasPrefix("poll_oneoff([{userdata=9, FD_READ, fd=4</d/a.txt>}], [{userdata=9, error=0, type=FD_READ, nbytes=3, flags=0}], 1, 0x") == true)

        // A long write is cut at the string limit; a bad pointer shows as an address.
        _ = g.write(fd, "0123456789abcdef")
        #expect(sink.lines.last?.contains(#"[{"01234567"..., 16}]"#) == true)
        #expect(sink.lines.last?.hasSuffix("= ENOTCAPABLE") == true)
        g.call(.fd_write, 1, 0xFFFF_FFF0, 1, 0)
        #expect(sink.lines.last == "fd_write(1<stdout>, 0xfffffff0, 1, 0x0) = EFAULT")
        // Read results show what was read.
        _ = g.read(fd, 10)
        #expect(sink.lines.last?.contains(#"fd_read(4</d/a.txt>, [{"abc", 10}], 1, 0x"#) == true)
        #expect(sink.lines.last?.hasSuffix("= 0 (nread=3)") == true)
        // fd_close shows the label of the fd it closes; afterwards the fd is bare.
        g.call(.fd_close, UInt64(fd))
        #expect(sink.lines.last == "fd_close(4</d/a.txt>) = 0")
        g.call(.fd_close, UInt64(fd))
        #expect(sink.lines.last == "fd_close(4) = EBADF")
        g.call(.fd_seek, 0, UInt64(bitPattern: -3), 2, UInt64(g.alloc(8)))
        #expect(sink.lines.last?.hasPrefix("fd_seek(0<stdin>, -3, SEEK_END, 0x") == true)
        g.call(.proc_raise, 15)
        #expect(sink.lines.last == "proc_raise(SIGTERM) = ENOSYS")
    }

    @Test func describeCallForCatchpoints() throws {
        let g = try Guest(WASIConfiguration())
        let (p, n) = g.put("hi\n")
        let iov = g.alloc(8)
        g.setU32(p, iov)
        g.setU32(n, iov + 4)
        let text = WASIMonitor.describeCall(.fd_write, [1, UInt64(iov), 1, 0x10], memory: g.memory, host: g.host)
        #expect(text == #"fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10)"#)
        #expect(WASIMonitor.describeCall(.fd_read, [0, UInt64(iov), 1, 0x10], memory: g.memory, host: g.host)
            == "fd_read(0<stdin>, \(String(format: "0x%x", iov)), 1, 0x10)")
        #expect(WASIMonitor.describeCall(.fd_close, [1, 2], memory: g.memory, host: g.host) == "fd_close(1, 2)")
    }

    @Test func numbersMatchSwiftFormatting() {
        var values: [UInt64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, UInt64.max, UInt64.max - 1, 1 << 63]
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        let random = SeededRandomSource(seed: 3)
        values += (0..<200).map { _ in random.next() >> (random.next() % 64) }
        for value in values {
            var text = TraceBytes(capacity: 16)
            text.decimal(value)
            text.append(0x20)
            text.hex(value)
            text.append(0x20)
            text.signedDecimal(Int64(bitPattern: value))
            #expect(text.string == "\(value) 0x\(String(value, radix: 16)) \(Int64(bitPattern: value))")
        }
        #expect(formatFlags(0x9 | 0x100, WASIOFlags.names) == "O_CREAT|O_TRUNC|0x100")
        #expect(formatFlags(0x100, WASIOFlags.names) == "0x100")
    }

    @Test func quoting() {
        #expect(TraceText.quote([0x61, 0x0A, 0x09, 0x22, 0x5C, 0x00, 0xFF], truncated: true) == #""a\n\t\"\\\x00\xff"..."#)
        #expect(TraceText.seconds(21_400) == "0.000021")
        #expect(TraceText.seconds(1_500_000_000) == "1.500000")
        #expect(TraceText.json("a\"b\\\n\u{1}") == #"a\"b\\\n\u0001"#)
    }
}
