// The sandbox escape suite end to end: Tests/Fixtures/wasi/escape.c (built to wasm) makes 46
// attempts through the raw WASI calls, run by the real engine. Each must fail with its named
// errno, no host file outside the preopens may change, and under strace the `wdb run` process
// must never hand the kernel a path outside the preopens.

import Foundation
import Testing
import WasmVM
@testable import WASI

@Suite struct EndToEndSandboxTests {
    /// Attempt name (as escape.c prints it) and the errno it must get.
    static let expected: [(String, WASIErrno)] = [
        ("dotdot_file", .notcapable), ("dotdot_twice", .notcapable), ("dotdot_after_subdir", .notcapable),
        ("dotdot_dir", .notcapable), ("absolute_file", .notcapable), ("absolute_root", .notcapable),
        ("symlink_root_then_path", .notcapable), ("symlink_root_dir", .notcapable),
        ("symlink_up_then_path", .notcapable), ("symlink_absolute", .notcapable), ("symlink_chain", .notcapable),
        ("symlink_nested_up", .notcapable),
        ("symlink_loop", .loop),          // a link cycle inside the sandbox: too many expansions
        ("symlink_nofollow", .loop),      // path_open without SYMLINK_FOLLOW on a link, as O_NOFOLLOW
        ("stat_through_symlink", .notcapable), ("stat_dotdot", .notcapable),
        ("create_outside", .notcapable), ("create_through_symlink", .notcapable), ("mkdir_outside", .notcapable),
        ("unlink_outside", .notcapable), ("rmdir_parent", .notcapable),
        ("rename_out", .notcapable), ("rename_in", .notcapable), ("link_out", .notcapable), ("link_in", .notcapable),
        ("link_follow_symlink", .notcapable),
        ("guest_symlink_absolute", .perm), ("guest_symlink_up", .notcapable),
        ("guest_symlink_up_hidden", .notcapable), ("guest_symlink_then_climb", .notcapable),
        ("readlink_outside", .notcapable), ("subdir_fd_dotdot", .notcapable),
        ("ro_open_write", .notcapable), ("ro_truncate", .notcapable), ("ro_create", .notcapable),
        ("ro_unlink", .notcapable), ("ro_mkdir", .notcapable), ("ro_rename_out", .notcapable),
        ("ro_rename_in", .notcapable), ("ro_symlink", .notcapable), ("ro_set_times", .notcapable),
        ("ro_fd_write", .notcapable), ("ro_fd_set_size", .notcapable),
        ("renumber_ro_over_subdir", .notcapable),  // the read-only rights moved with the descriptor
        ("renumber_missing", .badf),
        ("renumber_file_over_preopen", .notdir),  // fd 3 is now a file: no path calls through it
    ]

    /// The host layout escape.c expects (see its header), under a fresh folder.
    static func layOut() throws -> URL {
        let root = try E2E.temporaryDirectory("sandbox")
        let fm = FileManager.default
        for dir in ["box/inner", "ro", "outside"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try "secret\n".write(to: root.appendingPathComponent("outside/secret.txt"), atomically: true, encoding: .utf8)
        try "file\n".write(to: root.appendingPathComponent("box/file.txt"), atomically: true, encoding: .utf8)
        try "keep\n".write(to: root.appendingPathComponent("ro/keep.txt"), atomically: true, encoding: .utf8)
        let links = [("box/inner/up2", "../../outside"), ("box/link_root", "/"), ("box/link_up", "../outside"),
                     ("box/link_abs", "/etc/passwd"), ("box/chain_a", "chain_b"),
                     ("box/chain_b", "../outside/secret.txt"), ("box/loop1", "loop2"), ("box/loop2", "loop1")]
        for (path, target) in links {
            try fm.createSymbolicLink(atPath: root.appendingPathComponent(path).path, withDestinationPath: target)
        }
        return root
    }

    /// Every file and link under `root` with its contents (or link target), for before/after checks.
    static func snapshot(_ root: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let fm = FileManager.default
        func walk(_ relative: String) throws {
            let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
            for name in try fm.contentsOfDirectory(atPath: url.path) {
                let path = relative.isEmpty ? name : relative + "/" + name
                let full = root.appendingPathComponent(path).path
                let attributes = try fm.attributesOfItem(atPath: full)
                switch attributes[.type] as? FileAttributeType {
                case .typeSymbolicLink?: result[path] = "-> " + (try fm.destinationOfSymbolicLink(atPath: full))
                case .typeDirectory?:
                    result[path] = "dir"
                    try walk(path)
                default:
                    let data = try Data(contentsOf: URL(fileURLWithPath: full))
                    let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                    result[path] = String(decoding: data, as: UTF8.self) + " @\(modified)"
                }
            }
        }
        try walk("")
        return result
    }

    /// Checks escape.c's report against the table.
    static func check(_ output: String) {
        var seen: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let code = Int(parts[1]) { seen[parts[0]] = code }
        }
        #expect(expected.count >= 30)
        for (name, errno) in expected {
            #expect(seen[name] == Int(errno.rawValue),
                    "\(name): expected \(errno.name), got \(seen[name].flatMap { WASIErrno(rawValue: UInt16($0))?.name } ?? "nothing")")
        }
        #expect(seen.count == expected.count + 1, "unexpected lines in \(output)")  // + the escapes line
        #expect(output.hasSuffix("escapes: 0\n"))
    }

    @Test func escapeAttemptsFailInProcess() throws {
        let root = try Self.layOut()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = try Self.snapshot(root)
        let result = try E2E.runInProcess(
            try E2E.module(E2E.fixture("escape.wasm")), arguments: ["escape"],
            preopens: [WASIPreopen(hostPath: root.appendingPathComponent("box").path, guestPath: "/box"),
                       WASIPreopen(hostPath: root.appendingPathComponent("ro").path, guestPath: "/ro", readOnly: true)])
        #expect(result.outcome == .exited(0), "\(result.stdout)")
        Self.check(result.stdout)
        // The only change anywhere: the symlink the guest was allowed to make inside the box.
        var after = try Self.snapshot(root)
        #expect(after.removeValue(forKey: "box/to_inner") == "-> inner")
        #expect(after == before)
    }

    /// `strace -f -e trace=%file` of the real `wdb run`: the host resolves guest paths one name at
    /// a time relative to directory descriptors, so no traced path may name anything outside the
    /// preopens (nor /etc/passwd), and no path relative to a descriptor has a "/" or is "..".
    @Test func straceShowsNoPathOutsideThePreopens() throws {
        guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("missing prerequisite: strace not installed (Scripts/setup.sh installs it)")
            return
        }
        guard let wdb = E2E.wdb else {
            Issue.record("missing prerequisite: wdb is not built (Scripts/test.sh builds it first)")
            return
        }
        let root = try Self.layOut()
        defer { try? FileManager.default.removeItem(at: root) }
        let log = root.appendingPathComponent("strace.log")  // beside the sandbox, written by strace only
        let before = try Self.snapshot(root)
        let box = root.appendingPathComponent("box").path, ro = root.appendingPathComponent("ro").path
        let result = try E2E.run(URL(fileURLWithPath: strace),
                                 ["-f", "-qq", "-e", "trace=%file", "-o", log.path, wdb.path, "run",
                                  "--dir", "\(box)::/box", "--dir-ro", "\(ro)::/ro", E2E.fixture("escape.wasm").path])
        guard let text = try? String(contentsOf: log, encoding: .utf8), text.contains("execve(") else {
            Issue.record("missing prerequisite: strace could not trace here (status \(result.status)): \(result.stderr.prefix(300)) (Scripts/setup.sh installs it)")
            return
        }
        #expect(result.status == 0, "\(result.stderr)")
        Self.check(result.stdout)

        let call = try Regex(#"^\d+\s+(\w+)\((\d+|AT_FDCWD)?,?\s*"([^"]*)""#)
        var relative = 0
        for entry in text.split(separator: "\n").map(String.init) {
            let match = entry.firstMatch(of: call)
            // readlinkat's second string is what the host read (a link's target), not a path it used.
            let named = entry.contains("readlinkat(") ? (match?.output[3].substring.map(String.init) ?? "") : entry
            #expect(!named.contains("/etc/passwd") && !named.contains("outside") && !named.contains("secret"),
                    "the host named a path outside the preopens: \(entry)")
            guard let match, let name = match.output[1].substring, let path = match.output[3].substring else { continue }
            if name == "symlinkat" { continue }  // its first string is the link's contents
            if let dirfd = match.output[2].substring, dirfd != "AT_FDCWD" {
                relative += 1
                #expect(!path.contains("/") && path != "..", "multi-component or parent path: \(entry)")
            } else if path.hasPrefix(root.path) {
                // Absolute paths into the test folder: only the two preopens themselves.
                #expect(path == box || path == ro, "opened inside the test folder but outside a preopen: \(entry)")
            }
        }
        #expect(relative > 40, "expected the host's *at calls in the log")
        var after = try Self.snapshot(root)
        after.removeValue(forKey: "strace.log")
        #expect(after.removeValue(forKey: "box/to_inner") == "-> inner")
        #expect(after == before)
    }
}
