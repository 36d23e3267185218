import Foundation
import Testing
@testable import WASI

@Suite struct HostBasicsTests {
    @Test func argsAndEnvironment() throws {
        var config = WASIConfiguration(arguments: ["prog", "a b", "ü"], environment: ["HOME=/x", "EMPTY="])
        config.stdout = -1
        let g = try Guest(config)
        let sizes = g.alloc(8)
        #expect(g.errno(.args_sizes_get, UInt64(sizes), UInt64(sizes + 4)) == .success)
        #expect(g.u32(sizes) == 3)
        #expect(g.u32(sizes + 4) == UInt32("prog".utf8.count + "a b".utf8.count + "ü".utf8.count + 3))
        let argv = g.alloc(12), buf = g.alloc(Int(g.u32(sizes + 4)))
        #expect(g.errno(.args_get, UInt64(argv), UInt64(buf)) == .success)
        #expect(g.u32(argv) == buf)
        #expect(g.string(g.u32(argv + 4), 3) == "a b")
        #expect(g.u8(g.u32(argv + 4) + 3) == 0)
        #expect(g.string(g.u32(argv + 8), 2) == "ü")

        #expect(g.errno(.environ_sizes_get, UInt64(sizes), UInt64(sizes + 4)) == .success)
        #expect(g.u32(sizes) == 2)
        #expect(g.u32(sizes + 4) == 15)
        let env = g.alloc(8), envBuf = g.alloc(15)
        #expect(g.errno(.environ_get, UInt64(env), UInt64(envBuf)) == .success)
        #expect(g.string(g.u32(env), 7) == "HOME=/x")
        #expect(g.string(g.u32(env + 4), 6) == "EMPTY=")
        // Out of bounds pointer: EFAULT, nothing written.
        #expect(g.errno(.args_get, UInt64(1 << 20) - 4, UInt64(buf)) == .fault)
    }

    @Test func clocks() throws {
        var config = WASIConfiguration()
        let clock = FixedClock(1_700_000_000_123_456_789)
        config.clock = clock
        let g = try Guest(config)
        let out = g.alloc(8)
        #expect(g.errno(.clock_time_get, 0, 1, UInt64(out)) == .success)
        #expect(g.u64(out) == 1_700_000_000_123_456_789)
        #expect(g.errno(.clock_res_get, 1, UInt64(out)) == .success)
        #expect(g.u64(out) == 1000)
        #expect(g.errno(.clock_time_get, 3, 0, UInt64(out)) == .inval)
        #expect(g.errno(.clock_time_get, 9, 0, UInt64(out)) == .inval)

        let real = try Guest(WASIConfiguration())
        let t = real.alloc(16)
        #expect(real.errno(.clock_time_get, 1, 0, UInt64(t)) == .success)
        usleep(2000)
        #expect(real.errno(.clock_time_get, 1, 0, UInt64(t + 8)) == .success)
        #expect(real.u64(t + 8) >= real.u64(t) + 2_000_000)
        #expect(real.errno(.clock_time_get, 0, 0, UInt64(t)) == .success)
        #expect(real.u64(t) > 1_600_000_000 * 1_000_000_000)
    }

    @Test func randomBytes() throws {
        var config = WASIConfiguration()
        config.random = SeededRandomSource(seed: 42)
        let g = try Guest(config)
        let buf = g.alloc(64)
        #expect(g.errno(.random_get, UInt64(buf), 64) == .success)
        let first = g.bytes(buf, 64)
        let expected = SeededRandomSource(seed: 42)
        var words: [UInt8] = []
        for _ in 0..<8 { var w = expected.next(); for _ in 0..<8 { words.append(UInt8(w & 0xFF)); w >>= 8 } }
        #expect(first == words)
        #expect(g.memory.writes.contains { $0.offset == Int(buf) && $0.count == 64 })
        #expect(g.errno(.random_get, UInt64(1 << 20) - 8, 16) == .fault)
        let system = try Guest(WASIConfiguration())
        let b = system.alloc(32)
        #expect(system.errno(.random_get, UInt64(b), 32) == .success)
        #expect(system.bytes(b, 32) != [UInt8](repeating: 0, count: 32))
    }

    @Test func procExitAndMisc() throws {
        let g = try Guest(WASIConfiguration())
        #expect(g.call(.proc_exit, 7) == .exit(7))
        let slots: [UInt64] = [0xFFFF_FFFF_0000_0009]  // only the low 32 bits of an i32 count
        #expect(slots.withUnsafeBufferPointer { g.host.call(.proc_exit, arguments: $0, memory: g.memory) } == .exit(9))
        #expect(g.errno(.sched_yield) == .success)
        #expect(g.errno(.proc_raise, 6) == .nosys)
        // Wrong argument count from a broken binding is an error, not a crash.
        #expect(g.host.call(.fd_write, [1], memory: g.memory) == .errno(.inval))
    }
}

@Suite struct HostFileTests {
    func makeGuest(_ tree: TempTree, stdin: String = "") throws -> (Guest, Int32) {
        tree.mkdir("data")
        tree.write("stdin.txt", stdin)
        var config = WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("data"), guestPath: "/data")])
        config.stdin = Glibc.open(tree.path("stdin.txt"), O_RDONLY)
        let out = Glibc.open(tree.path("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        config.stdout = out
        return (try Guest(config), out)
    }

    @Test func stdioReadWrite() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree, stdin: "line one\nline two\n")
        defer { close(out); close(g.host.configuration.stdin) }
        #expect(g.write(1, "hello\n") == (.success, 6))
        #expect(tree.read("stdout.txt") == "hello\n")
        #expect(g.read(0, 9) == (.success, "line one\n"))
        #expect(g.read(0, 100) == (.success, "line two\n"))
        #expect(g.read(0, 100) == (.success, ""))
        #expect(g.write(0, "x").0 == .badf)  // stdin opened read-only on the host
        #expect(g.write(9, "x").0 == .badf)
        #expect(g.read(g.host.table.slots.count > 3 ? 3 : 99, 4).0 == .notcapable)  // a directory
    }

    @Test func preopenDiscovery() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        let pre = g.alloc(8)
        #expect(g.errno(.fd_prestat_get, 3, UInt64(pre)) == .success)
        #expect(g.u8(pre) == 0)
        #expect(g.u32(pre + 4) == 5)
        let name = g.alloc(8)
        #expect(g.errno(.fd_prestat_dir_name, 3, UInt64(name), 5) == .success)
        #expect(g.string(name, 5) == "/data")
        #expect(g.errno(.fd_prestat_dir_name, 3, UInt64(name), 2) == .nametoolong)
        #expect(g.errno(.fd_prestat_get, 4, UInt64(pre)) == .badf)  // libc stops scanning here
        #expect(g.errno(.fd_prestat_get, 1, UInt64(pre)) == .badf)
        let stat = g.alloc(24)
        #expect(g.errno(.fd_fdstat_get, 3, UInt64(stat)) == .success)
        #expect(g.u8(stat) == WASIFileType.directory.rawValue)
        #expect(WASIRights(rawValue: g.u64(stat + 8)).contains(.pathOpen))
        #expect(WASIRights(rawValue: g.u64(stat + 16)).contains(.fdWrite))
    }

    @Test func createWriteSeekReadTruncate() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        let rw: WASIRights = .regularFile
        let (code, fd) = g.open(3, "notes.txt", oflags: [.creat, .excl], rights: rw)
        #expect(code == .success)
        #expect(fd == 4)
        #expect(g.open(3, "notes.txt", oflags: [.creat, .excl], rights: rw).0 == .exist)
        #expect(g.write(fd, "0123456789") == (.success, 10))
        #expect(tree.read("data/notes.txt") == "0123456789")

        let pos = g.alloc(8)
        #expect(g.errno(.fd_tell, UInt64(fd), UInt64(pos)) == .success)
        #expect(g.u64(pos) == 10)
        #expect(g.errno(.fd_seek, UInt64(fd), UInt64(bitPattern: -4), 1, UInt64(pos)) == .success)
        #expect(g.u64(pos) == 6)
        #expect(g.read(fd, 100) == (.success, "6789"))
        #expect(g.errno(.fd_seek, UInt64(fd), 2, 0, UInt64(pos)) == .success)
        #expect(g.errno(.fd_seek, UInt64(fd), 0, 7, UInt64(pos)) == .inval)
        #expect(g.errno(.fd_seek, UInt64(fd), UInt64(bitPattern: -100), 0, UInt64(pos)) == .inval)

        // pread / pwrite do not move the position.
        let (p, n) = g.put("AB")
        let iov = g.alloc(8)
        g.setU32(p, iov); g.setU32(n, iov + 4)
        let count = g.alloc(4)
        #expect(g.errno(.fd_pwrite, UInt64(fd), UInt64(iov), 1, 4, UInt64(count)) == .success)
        #expect(g.u32(count) == 2)
        #expect(tree.read("data/notes.txt") == "0123AB6789")
        let buf = g.alloc(16)
        g.setU32(buf, iov); g.setU32(3, iov + 4)
        #expect(g.errno(.fd_pread, UInt64(fd), UInt64(iov), 1, 3, UInt64(count)) == .success)
        #expect(g.string(buf, Int(g.u32(count))) == "3AB")
        #expect(g.errno(.fd_tell, UInt64(fd), UInt64(pos)) == .success)
        #expect(g.u64(pos) == 2)
        // stdout here is a file the host opened write-only: the host refuses the read.
        #expect(g.errno(.fd_pread, 1, UInt64(iov), 1, 0, UInt64(count)) == .badf)

        // Two iovecs in one write.
        let (a, an) = g.put("xy"), (b, bn) = g.put("z")
        let two = g.alloc(16)
        g.setU32(a, two); g.setU32(an, two + 4); g.setU32(b, two + 8); g.setU32(bn, two + 12)
        #expect(g.errno(.fd_write, UInt64(fd), UInt64(two), 2, UInt64(count)) == .success)
        #expect(g.u32(count) == 3)
        #expect(tree.read("data/notes.txt") == "01xyzB6789")

        #expect(g.errno(.fd_filestat_set_size, UInt64(fd), 4) == .success)
        #expect(tree.read("data/notes.txt") == "01xy")
        #expect(g.errno(.fd_close, UInt64(fd)) == .success)
        #expect(g.errno(.fd_close, UInt64(fd)) == .badf)

        // O_TRUNC empties an existing file; fd numbers are reused.
        let (c2, fd2) = g.open(3, "notes.txt", oflags: .trunc, rights: rw)
        #expect(c2 == .success)
        #expect(fd2 == 4)
        #expect(tree.read("data/notes.txt") == "")
        // Append mode.
        let (c3, fd3) = g.open(3, "notes.txt", rights: rw, fdflags: .append)
        #expect(c3 == .success)
        #expect(g.write(fd2, "abc").0 == .success)
        #expect(g.write(fd3, "Z").0 == .success)
        #expect(tree.read("data/notes.txt") == "abcZ")
        let fdstat = g.alloc(24)
        #expect(g.errno(.fd_fdstat_get, UInt64(fd3), UInt64(fdstat)) == .success)
        #expect(g.u16(fdstat + 2) == WASIFDFlags.append.rawValue)
        #expect(g.u8(fdstat) == WASIFileType.regularFile.rawValue)
        #expect(g.errno(.fd_fdstat_set_flags, UInt64(fd3), 0) == .success)
        #expect(g.errno(.fd_fdstat_set_flags, UInt64(fd3), UInt64(WASIFDFlags.sync.rawValue)) == .notsup)
        #expect(g.open(3, "missing.txt").0 == .noent)
        #expect(g.open(3, "notes.txt", oflags: .directory).0 == .notdir)
        #expect(g.open(3, "notes.txt/").0 == .notdir)
    }

    @Test func rightsAreEnforced() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        tree.write("data/r.txt", "readonly")
        let (code, fd) = g.open(3, "r.txt", rights: [.fdRead, .fdSeek, .fdTell])
        #expect(code == .success)
        #expect(g.write(fd, "x").0 == .notcapable)
        #expect(g.read(fd, 4) == (.success, "read"))
        #expect(g.errno(.fd_filestat_set_size, UInt64(fd), 0) == .notcapable)
        #expect(g.errno(.fd_fdstat_set_rights, UInt64(fd), WASIRights.fdRead.rawValue, 0) == .success)
        let pos = g.alloc(8)
        #expect(g.errno(.fd_tell, UInt64(fd), UInt64(pos)) == .notcapable)
        // Rights cannot be regained.
        #expect(g.errno(.fd_fdstat_set_rights, UInt64(fd), WASIRights([.fdRead, .fdTell]).rawValue, 0) == .notcapable)
        #expect(tree.read("data/r.txt") == "readonly")
    }

    @Test func statAndTimestamps() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        tree.write("data/t.txt", "12345")
        let (code, fd) = g.open(3, "t.txt")
        #expect(code == .success)
        let st = g.alloc(64)
        #expect(g.errno(.fd_filestat_get, UInt64(fd), UInt64(st)) == .success)
        #expect(g.u8(st + 16) == WASIFileType.regularFile.rawValue)
        #expect(g.u64(st + 32) == 5)
        #expect(g.u64(st + 24) == 1)
        var info = stat()
        stat(tree.path("data/t.txt"), &info)
        #expect(g.u64(st + 8) == UInt64(info.st_ino))

        let atim: UInt64 = 1_000_000_000_123_456_789, mtim: UInt64 = 1_100_000_000_987_654_321
        let flags = WASIFstFlags([.atim, .mtim]).rawValue
        #expect(g.errno(.fd_filestat_set_times, UInt64(fd), atim, mtim, UInt64(flags)) == .success)
        #expect(g.errno(.fd_filestat_get, UInt64(fd), UInt64(st)) == .success)
        #expect(g.u64(st + 40) == atim)
        #expect(g.u64(st + 48) == mtim)
        #expect(g.errno(.fd_filestat_set_times, UInt64(fd), 0, 0, UInt64(WASIFstFlags([.atim, .atimNow]).rawValue)) == .inval)

        let (p, n) = g.put("t.txt")
        #expect(g.errno(.path_filestat_set_times, 3, 0, UInt64(p), UInt64(n), 0, 2_000_000_000_000_000_000,
                        UInt64(WASIFstFlags.mtim.rawValue)) == .success)
        #expect(g.errno(.path_filestat_get, 3, 0, UInt64(p), UInt64(n), UInt64(st)) == .success)
        #expect(g.u64(st + 48) == 2_000_000_000_000_000_000)
        #expect(g.u64(st + 40) == atim)  // omitted, unchanged
        #expect(g.u64(st + 32) == 5)
        // MTIM_NOW sets a current time.
        #expect(g.errno(.path_filestat_set_times, 3, 0, UInt64(p), UInt64(n), 0, 0,
                        UInt64(WASIFstFlags.mtimNow.rawValue)) == .success)
        #expect(g.errno(.path_filestat_get, 3, 0, UInt64(p), UInt64(n), UInt64(st)) == .success)
        #expect(g.u64(st + 48) > 1_600_000_000 * 1_000_000_000)
        #expect(g.u64(st + 48) < 2_000_000_000_000_000_000)
    }

    @Test func directoriesRenameUnlinkLinks() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        #expect(g.pathCall(.path_create_directory, 3, "sub") == .success)
        #expect(g.pathCall(.path_create_directory, 3, "sub") == .exist)
        #expect(g.pathCall(.path_create_directory, 3, "sub/inner/deeper") == .noent)
        tree.write("data/a.txt", "A")
        let (op, on) = g.put("a.txt"), (np, nn) = g.put("sub/b.txt")
        #expect(g.errno(.path_rename, 3, UInt64(op), UInt64(on), 3, UInt64(np), UInt64(nn)) == .success)
        #expect(!tree.exists("data/a.txt"))
        #expect(tree.read("data/sub/b.txt") == "A")
        #expect(g.pathCall(.path_remove_directory, 3, "sub") == .notempty)
        #expect(g.pathCall(.path_unlink_file, 3, "sub") == .isdir)
        #expect(g.pathCall(.path_remove_directory, 3, "sub/b.txt") == .notdir)
        // Hard link and symlink inside the sandbox.
        let (lp, ln) = g.put("sub/hard.txt")
        #expect(g.errno(.path_link, 3, 0, UInt64(np), UInt64(nn), 3, UInt64(lp), UInt64(ln)) == .success)
        #expect(tree.read("data/sub/hard.txt") == "A")
        let (tp, tn) = g.put("b.txt"), (sp, sn) = g.put("sub/soft")
        #expect(g.errno(.path_symlink, UInt64(tp), UInt64(tn), 3, UInt64(sp), UInt64(sn)) == .success)
        let buf = g.alloc(32), used = g.alloc(4)
        #expect(g.errno(.path_readlink, 3, UInt64(sp), UInt64(sn), UInt64(buf), 32, UInt64(used)) == .success)
        #expect(g.string(buf, Int(g.u32(used))) == "b.txt")
        #expect(g.errno(.path_readlink, 3, UInt64(sp), UInt64(sn), UInt64(buf), 2, UInt64(used)) == .success)
        #expect(g.u32(used) == 2)
        #expect(g.errno(.path_readlink, 3, UInt64(np), UInt64(nn), UInt64(buf), 32, UInt64(used)) == .inval)
        #expect(g.open(3, "sub/soft").0 == .success)
        #expect(g.open(3, "sub/soft", follow: false).0 == .loop)
        let st = g.alloc(64)
        #expect(g.errno(.path_filestat_get, 3, 0, UInt64(sp), UInt64(sn), UInt64(st)) == .success)
        #expect(g.u8(st + 16) == WASIFileType.symbolicLink.rawValue)
        #expect(g.errno(.path_filestat_get, 3, 1, UInt64(sp), UInt64(sn), UInt64(st)) == .success)
        #expect(g.u8(st + 16) == WASIFileType.regularFile.rawValue)
        #expect(g.u64(st + 24) == 2)  // two hard links
        for name in ["sub/soft", "sub/hard.txt", "sub/b.txt"] {
            #expect(g.pathCall(.path_unlink_file, 3, name) == .success)
        }
        #expect(g.pathCall(.path_unlink_file, 3, "sub/b.txt") == .noent)
        #expect(g.pathCall(.path_remove_directory, 3, "sub") == .success)
        #expect(!tree.exists("data/sub"))
    }

    @Test func renumber() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        tree.write("data/x.txt", "X")
        let (_, fd) = g.open(3, "x.txt")
        let (_, fd2) = g.open(3, "x.txt")
        #expect(g.errno(.fd_renumber, UInt64(fd), UInt64(fd2)) == .success)
        #expect(g.read(fd2, 1) == (.success, "X"))
        #expect(g.read(fd, 1).0 == .badf)
        #expect(g.errno(.fd_renumber, UInt64(fd2), 77) == .badf)
        #expect(g.errno(.fd_renumber, 77, UInt64(fd2)) == .badf)
        #expect(g.errno(.fd_renumber, UInt64(fd2), UInt64(fd2)) == .success)
    }

    @Test func readdirOfAThousandEntriesWithCookies() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        tree.mkdir("data/many")
        var expected: Set<String> = [".", ".."]
        for i in 0..<1000 {
            let name = "entry-\(String(format: "%04d", i))" + (i % 7 == 0 ? "-with-a-longer-name" : "")
            tree.write("data/many/\(name)", "")
            expected.insert(name)
        }
        tree.mkdir("data/many/zdir")
        expected.insert("zdir")
        let (code, dir) = g.open(3, "many", oflags: .directory, rights: .directory)
        #expect(code == .success)
        // Read like wasi-libc: a fixed buffer; resume from the last complete entry's d_next.
        let size = 300
        let buf = g.alloc(size), used = g.alloc(4)
        var cookie: UInt64 = 0
        var seen: [String] = []
        var types: [String: UInt8] = [:]
        var calls = 0
        while calls < 10_000 {
            calls += 1
            #expect(g.errno(.fd_readdir, UInt64(dir), UInt64(buf), UInt64(size), cookie, UInt64(used)) == .success)
            let filled = Int(g.u32(used))
            var offset = 0
            var progressed = false
            while offset + 24 <= filled {
                let next = g.u64(buf + UInt32(offset))
                let namlen = Int(g.u32(buf + UInt32(offset + 16)))
                guard offset + 24 + namlen <= filled else { break }  // cut entry: re-read it
                let name = g.string(buf + UInt32(offset + 24), namlen)
                seen.append(name)
                types[name] = g.u8(buf + UInt32(offset + 20))
                #expect(next == UInt64(seen.count))
                cookie = next
                offset += 24 + namlen
                progressed = true
            }
            if filled < size { break }  // the end of the directory
            #expect(progressed)
        }
        #expect(seen.count == 1003)
        #expect(Set(seen) == expected)
        #expect(Array(seen.prefix(2)) == [".", ".."])
        #expect(types["zdir"] == WASIFileType.directory.rawValue)
        #expect(types["entry-0001"] == WASIFileType.regularFile.rawValue)
        // A cookie past the end gives an empty buffer; a cookie in the middle resumes there.
        #expect(g.errno(.fd_readdir, UInt64(dir), UInt64(buf), UInt64(size), 5000, UInt64(used)) == .success)
        #expect(g.u32(used) == 0)
        #expect(g.errno(.fd_readdir, UInt64(dir), UInt64(buf), UInt64(size), 1002, UInt64(used)) == .success)
        #expect(g.u64(buf) == 1003)
        #expect(g.string(buf + 24, Int(g.u32(buf + 16))) == seen[1002])
        // A buffer smaller than one header is filled completely (truncated entry).
        #expect(g.errno(.fd_readdir, UInt64(dir), UInt64(buf), 10, 0, UInt64(used)) == .success)
        #expect(g.u32(used) == 10)
        #expect(g.errno(.fd_readdir, 1, UInt64(buf), 10, 0, UInt64(used)) == .notcapable)
    }

    @Test func pollClockTimeoutAndReadyFile() throws {
        let tree = TempTree()
        let (g, out) = try makeGuest(tree)
        defer { close(out) }
        let subs = g.alloc(96), events = g.alloc(64), n = g.alloc(4)
        // One relative monotonic clock of 30 ms.
        g.setU64(0xABCD, subs)
        g.memory.bytes[Int(subs) + 8] = WASIEventType.clock.rawValue
        g.setU32(WASIClockID.monotonic.rawValue, subs + 16)
        g.setU64(30_000_000, subs + 24)
        let start = DispatchTime.now().uptimeNanoseconds
        #expect(g.errno(.poll_oneoff, UInt64(subs), UInt64(events), 1, UInt64(n)) == .success)
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        #expect(elapsed >= 30_000_000)
        #expect(g.u32(n) == 1)
        #expect(g.u64(events) == 0xABCD)
        #expect(g.u16(events + 8) == 0)
        #expect(g.u8(events + 10) == WASIEventType.clock.rawValue)

        // A regular file is ready at once, so a long clock does not delay the call.
        tree.write("data/ready.txt", "12345")
        let (_, fd) = g.open(3, "ready.txt")
        g.setU64(7, subs + 48)
        g.memory.bytes[Int(subs) + 56] = WASIEventType.fdRead.rawValue
        g.setU32(fd, subs + 64)
        g.setU64(10_000_000_000, subs + 24)
        let start2 = DispatchTime.now().uptimeNanoseconds
        #expect(g.errno(.poll_oneoff, UInt64(subs), UInt64(events), 2, UInt64(n)) == .success)
        #expect(DispatchTime.now().uptimeNanoseconds - start2 < 1_000_000_000)
        #expect(g.u32(n) == 1)
        #expect(g.u64(events) == 7)
        #expect(g.u8(events + 10) == WASIEventType.fdRead.rawValue)
        #expect(g.u64(events + 16) == 5)
        // An unknown fd gives an event with EBADF; zero subscriptions are EINVAL.
        g.setU32(99, subs + 64)
        #expect(g.errno(.poll_oneoff, UInt64(subs + 48), UInt64(events), 1, UInt64(n)) == .success)
        #expect(g.u16(events + 8) == WASIErrno.badf.rawValue)
        #expect(g.errno(.poll_oneoff, UInt64(subs), UInt64(events), 0, UInt64(n)) == .inval)
        // An absolute deadline already in the past fires immediately.
        g.setU64(0, subs + 24)
        g.memory.bytes[Int(subs) + 40] = 1
        #expect(g.errno(.poll_oneoff, UInt64(subs), UInt64(events), 1, UInt64(n)) == .success)
        #expect(g.u32(n) == 1)
    }
}

@Suite struct HostMiscFileTests {
    @Test func adviseAllocateSync() throws {
        let tree = TempTree()
        tree.mkdir("d")
        let g = try Guest(WASIConfiguration(preopens: [WASIPreopen(hostPath: tree.path("d"), guestPath: "d")]))
        let (code, fd) = g.open(3, "f.bin", oflags: .creat, rights: .regularFile)
        #expect(code == .success)
        #expect(g.errno(.fd_advise, UInt64(fd), 0, 100, UInt64(WASIAdvice.sequential.rawValue)) == .success)
        #expect(g.errno(.fd_advise, UInt64(fd), 0, 100, 9) == .inval)
        #expect(g.errno(.fd_allocate, UInt64(fd), 0, 4096) == .success)
        let st = g.alloc(64)
        #expect(g.errno(.fd_filestat_get, UInt64(fd), UInt64(st)) == .success)
        #expect(g.u64(st + 32) == 4096)
        #expect(g.errno(.fd_allocate, UInt64(fd), 0, 0) == .inval)
        #expect(g.errno(.fd_sync, UInt64(fd)) == .success)
        #expect(g.errno(.fd_datasync, UInt64(fd)) == .success)
        #expect(g.errno(.fd_sync, 3) == .success)  // directories can be synced
        // Dropping FD_SYNC removes the ability.
        #expect(g.errno(.fd_fdstat_set_rights, UInt64(fd), WASIRights.fdRead.rawValue, 0) == .success)
        #expect(g.errno(.fd_sync, UInt64(fd)) == .notcapable)
        #expect(g.errno(.fd_advise, UInt64(fd), 0, 1, 0) == .notcapable)
        // Reading a directory as a file and seeking it are refused.
        #expect(g.read(3, 4).0 == .notcapable)
        #expect(g.errno(.fd_tell, 3, UInt64(g.alloc(8))) == .notcapable)
        #expect(g.errno(.fd_readdir, UInt64(fd), UInt64(g.alloc(64)), 64, 0, UInt64(g.alloc(4))) == .notcapable)
    }

    @Test func preopenGuestNameAndDirectoryOpen() throws {
        #expect(WASIPreopen(parsing: "/tmp/x::/data") == WASIPreopen(hostPath: "/tmp/x", guestPath: "/data"))
        #expect(WASIPreopen(parsing: "rel/dir").guestPath == "rel/dir")
        #expect(WASIPreopen(parsing: "a::", readOnly: true) == WASIPreopen(hostPath: "a", guestPath: "", readOnly: true))
        #expect(throws: WASIHostError.self) {
            try WASIHost(configuration: WASIConfiguration(preopens: [WASIPreopen(hostPath: "/nonexistent/wdb")]))
        }
    }
}

@Suite struct PollPipeTests {
    @Test func pipeReadinessWinsOverAHugeTimeout() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var config = WASIConfiguration()
        config.stdin = fds[0]
        let g = try Guest(config)
        let stat = g.alloc(24)
        #expect(g.errno(.fd_fdstat_get, 0, UInt64(stat)) == .success)
        #expect(g.u8(stat) == WASIFileType.unknown.rawValue)  // a pipe
        #expect(!WASIRights(rawValue: g.u64(stat + 8)).contains(.fdSeek))

        let subs = g.alloc(96), events = g.alloc(64), n = g.alloc(4)
        g.setU64(1, subs)
        g.memory.bytes[Int(subs) + 8] = WASIEventType.clock.rawValue
        g.setU32(WASIClockID.monotonic.rawValue, subs + 16)
        g.setU64(UInt64.max, subs + 24)
        g.setU64(2, subs + 48)
        g.memory.bytes[Int(subs) + 56] = WASIEventType.fdRead.rawValue
        g.setU32(0, subs + 64)
        #expect(write(fds[1], "x", 1) == 1)
        #expect(g.errno(.poll_oneoff, UInt64(subs), UInt64(events), 2, UInt64(n)) == .success)
        #expect(g.u32(n) == 1)
        #expect(g.u64(events) == 2)
        #expect(g.u8(events + 10) == WASIEventType.fdRead.rawValue)
        #expect(g.read(0, 8) == (.success, "x"))
        // Writer closed: the pipe reports hang-up.
        close(fds[1])
        fds[1] = open("/dev/null", O_WRONLY)
        #expect(g.errno(.poll_oneoff, UInt64(subs), UInt64(events), 2, UInt64(n)) == .success)
        #expect(g.u16(events + 24) == WASIMiscFlags.eventHangup)
    }
}
