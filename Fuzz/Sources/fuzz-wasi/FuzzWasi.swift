// Fuzz target: the WASI host (Docs/fuzzing.md).
//
// Each input is a sequence of WASI calls with their arguments, drawn from the input bytes, made
// directly on a `WASIHost` whose preopens are folders of a fresh temporary tree:
//
//   scratch/   writable preopen /scratch (files, a folder, links, one climbing `..` inside it)
//   scratch/sub  also preopened as /nested while it is a folder
//   ro/        read-only preopen /ro
//   outside/   not preopened: a secret file, a folder, a link to /etc/passwd
//
// After the calls (and after every proc_exit) the tree is checked: outside/ and ro/ are exactly
// as they were, nothing new appeared beside the preopens, no symlink under scratch/ leads out
// of it, and a closed host leaves no descriptor open into the tree. A violated check is a
// finding (the target aborts with the reason); so are crashes and memory errors. The idea is
// that of Tests/WASITests/WASIFuzzTests.swift, driven by libFuzzer instead of a seeded stream.

import Foundation
import FuzzSupport
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

/// Guest memory: 64 KiB the calls read and write.
final class FuzzMemory: GuestMemory {
    // Allocated once and never resized: the host reads `bytes` during a call only.
    let bytes: UnsafeMutableRawBufferPointer
    init(size: Int) {
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }
    deinit { bytes.deallocate() }
}

/// The process-wide folder the per-input trees are made in (removed at exit).
/// In /dev/shm when there is one: fd_sync and friends then cost nothing, where a disk makes
/// every input wait for flushes (WDB_FUZZ_TMP chooses another folder).
let fuzzBase: String = {
    let environment = ProcessInfo.processInfo.environment
    var parent = environment["WDB_FUZZ_TMP"] ?? "/dev/shm"
    var info = stat()
    if stat(parent, &info) != 0 || info.st_mode & S_IFMT != S_IFDIR { parent = NSTemporaryDirectory() }
    let path = parent + (parent.hasSuffix("/") ? "" : "/") + "wdb-fuzz-wasi-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    fuzzBaseForExit = strdup(path)
    atexit {
        // Whatever the last input left behind (normally nothing: each removes its tree).
        if let base = fuzzBaseForExit { try? FileManager.default.removeItem(atPath: String(cString: base)) }
    }
    return path
}()
nonisolated(unsafe) var fuzzBaseForExit: UnsafeMutablePointer<CChar>?
let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
var treeCounter = 0

/// One input's tree.
struct World {
    let root: String
    init() {
        treeCounter += 1
        root = fuzzBase + "/t\(treeCounter)"
        let fm = FileManager.default
        for folder in ["scratch/sub/inner", "scratch/d", "ro", "outside/dir"] {
            try? fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        fm.createFile(atPath: root + "/scratch/f.txt", contents: Data("f".utf8))
        fm.createFile(atPath: root + "/scratch/sub/inner/g.txt", contents: Data("g".utf8))
        fm.createFile(atPath: root + "/ro/data.txt", contents: Data("read only".utf8))
        fm.createFile(atPath: root + "/outside/secret.txt", contents: Data("secret".utf8))
        symlink("sub", root + "/scratch/link")
        symlink("..", root + "/scratch/sub/up")
        symlink("loop", root + "/ro/loop")
        symlink("secret.txt", root + "/outside/link")
        symlink("/etc/passwd", root + "/outside/abs")
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func host() -> WASIHost? {
        var preopens = [WASIPreopen(hostPath: root + "/scratch", guestPath: "/scratch"),
                        WASIPreopen(hostPath: root + "/ro", guestPath: "/ro", readOnly: true)]
        var info = stat()
        if lstat(root + "/scratch/sub", &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            preopens.append(WASIPreopen(hostPath: root + "/scratch/sub", guestPath: "/nested"))
        }
        var config = WASIConfiguration(arguments: ["fuzz", "arg"], environment: ["A=1"], preopens: preopens)
        config.stdin = devNull
        config.stdout = devNull
        config.stderr = devNull
        config.random = SeededRandomSource(seed: 7)
        return try? WASIHost(configuration: config)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWasi(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let world = World()
    defer { world.remove() }
    let outsideBefore = TreeCheck.record(world.root + "/outside")
    let readOnlyBefore = TreeCheck.record(world.root + "/ro")
    let rootBefore = TreeCheck.names(world.root)
    guard var host = world.host() else { fatalError("the fuzz world has no host") }
    let memory = FuzzMemory(size: 0x10000)
    var calls: [String] = []

    func check(_ when: String) {
        var problems: [String] = []
        problems += TreeCheck.escapingLinks(under: world.root + "/scratch")
        if TreeCheck.record(world.root + "/outside") != outsideBefore { problems.append("outside/ changed") }
        if TreeCheck.record(world.root + "/ro") != readOnlyBefore { problems.append("the read-only preopen changed") }
        if TreeCheck.names(world.root) != rootBefore { problems.append("something appeared beside the preopens") }
        if !problems.isEmpty {
            fatalError("WASI sandbox violated \(when): \(problems.joined(separator: "; "))\ncalls:\n"
                       + calls.joined(separator: "\n"))
        }
    }

    var count = 0
    while !input.isAtEnd && count < 48 {
        count += 1
        let function = CallMaker.function(&input)
        var maker = CallMaker(host: host, memory: memory)
        let arguments = maker.make(function, from: &input)
        calls.append("\(function.name)(\(arguments.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")))")
        if case .exit = host.call(function, arguments, memory: memory) {
            host.close()
            check("after proc_exit")
            let open = TreeCheck.openDescriptors(under: world.root)
            if !open.isEmpty { fatalError("proc_exit left descriptors open: \(open)\ncalls:\n" + calls.joined(separator: "\n")) }
            guard let next = world.host() else { break }
            host = next
        }
    }
    host.close()
    check("at the end")
    let open = TreeCheck.openDescriptors(under: world.root)
    if !open.isEmpty { fatalError("close() left descriptors open: \(open)\ncalls:\n" + calls.joined(separator: "\n")) }
    return 0
}
