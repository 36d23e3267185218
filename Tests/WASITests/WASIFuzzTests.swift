// A seeded, stateful fuzz of the host: random calls of every WASI function with arguments
// shaped by what each parameter means (paths from a small vocabulary of names, `..`, `/` and
// links, iovec lists, flag sets, descriptors that exist and some that do not), against a scratch
// directory that the calls keep changing. A sibling folder outside the preopens, and a read-only
// preopen, must be exactly as they were (names, contents, link texts, modes, times), no symlink
// in the scratch folder may lead out of it, and once the guest has exited nothing may be left
// open. Every 1,000 calls and at the end the checks run, naming the seed and the last calls.
//
// `swift test` runs 20,000 calls with a fixed seed. Scripts/fuzz-wasi.sh runs it for longer with
// another seed (WDB_WASI_FUZZ_CALLS, WDB_WASI_FUZZ_SEED).

import Foundation
import Testing
@testable import WASI

#if canImport(Glibc)
import Glibc
#endif

@Suite struct WASIFuzzTests {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var calls: Int { environment["WDB_WASI_FUZZ_CALLS"].flatMap { Int($0) } ?? 20_000 }
    static var seed: UInt64 { environment["WDB_WASI_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5EED_2024 }

    /// Argument values for one run, from a SplitMix64 stream.
    final class Generator {
        let random: SeededRandomSource
        init(seed: UInt64) { random = SeededRandomSource(seed: seed) }
        func below(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        func chance(_ percent: Int) -> Bool { below(100) < percent }
        func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

        static let names = ["f.txt", "sub", "sub", "inner", "g.txt", "link", "new", "n2", "d", "d", "x", "x", ".", "..",
                            "up", "loop"]
        func path() -> String {
            if chance(3) { return pick(["", "/", "/etc/passwd", "..", ".", "a\u{0}b", String(repeating: "x/", count: 300)]) }
            let count = chance(60) ? 1 : 2 + below(3)
            var parts = (0..<count).map { _ in pick(Self.names) }
            if chance(5) { parts.insert("", at: 0) }  // a leading "/"
            var text = parts.joined(separator: "/")
            if chance(10) { text += "/" }
            return text
        }
        /// Link texts: often climbing ones (legal where the link sits deep enough, and the ones a
        /// later move could turn into a way out), sometimes absolute or odd.
        func linkText() -> String {
            if chance(10) { return pick(["/", "/etc", "", ".", "..", "../..", "../outside/secret.txt"]) }
            if chance(50) { return String(repeating: "../", count: 1 + below(2)) + pick(Self.names) }
            return path()
        }
        /// Sizes, offsets and lengths: small, or values the host must refuse. Never in between,
        /// so that fd_allocate and friends cannot fill the disk.
        func quantity() -> UInt64 {
            if chance(90) { return UInt64(below(1 << 20)) }
            return pick([0, 1 << 20, UInt64(Int64.max), UInt64.max, 1 << 63])
        }
        func flags(_ kind: WASIFlagsKind) -> UInt64 {
            if chance(5) { return random.next() }
            if kind == .rights { return chance(50) ? WASIRights.all.rawValue : random.next() & WASIRights.all.rawValue }
            var value: UInt64 = 0
            for name in kind.names where chance(30) { value |= name.bit }
            return value
        }
    }

    /// The guest's memory layout: strings and lists at 0x1000…0x7FFF (rewritten every call),
    /// buffers at 0x8000…0xBFFF, results at 0xC000…0xFFFF; some pointers fall outside.
    final class Arguments {
        let g: Guest
        let gen: Generator
        var cursor: UInt32 = 0x1000
        var sparesPreopens = false
        init(_ g: Guest, _ gen: Generator) { self.g = g; self.gen = gen }

        func place(_ bytes: [UInt8]) -> UInt32 {
            let address = cursor
            for (index, byte) in bytes.prefix(0x7000 - Int(cursor - 0x1000)).enumerated() {
                g.memory.bytes[Int(address) + index] = byte
            }
            cursor = min(cursor + UInt32((bytes.count + 8) & ~7), 0x7F00)
            return address
        }
        func pointer() -> UInt64 {
            gen.chance(3) ? gen.pick([0xFFFF_FFF0, 0x10000, 0xFFFC]) : UInt64(0xC000 + gen.below(0x3F00) & ~7)
        }
        func buffer() -> (UInt64, UInt64) { (UInt64(0x8000 + gen.below(0x3000)), UInt64(gen.below(1024))) }
        func vectors() -> (UInt64, UInt64) {
            let count = gen.below(4)
            var bytes: [UInt8] = []
            for _ in 0..<count {
                let (address, length) = buffer()
                for value in [UInt32(address), UInt32(length)] {
                    bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
                }
            }
            return (UInt64(place(bytes)), UInt64(count))
        }
        /// Mostly one that is open (what the guest opened, stdio, the preopens), sometimes a
        /// small number that may not be, a few that cannot be.
        func fd() -> UInt64 {
            if gen.chance(5) { return gen.pick([64, 4095, 4096, UInt64(UInt32.max), UInt64.max]) }
            var open = g.host.table.slots.indices.filter { g.host.table.slots[$0] != nil }
            // Closing or renumbering over a preopen ends most path calls for the rest of the
            // guest's life: let it happen, rarely.
            if sparesPreopens && gen.chance(95) { open.removeAll { (3...5).contains($0) } }
            if gen.chance(70), !open.isEmpty { return UInt64(gen.pick(open)) }
            let number = gen.below(14)
            return UInt64(sparesPreopens && (3...5).contains(number) && gen.chance(95) ? number + 3 : number)
        }
        /// The directory of a path call: mostly the writable preopen or the nested one.
        func directoryFD() -> UInt64 { gen.chance(75) ? gen.pick([3, 3, 3, 5, 4]) : fd() }

        /// Arguments for `function` in import order.
        func make(_ function: WASIFunction) -> [UInt64] {
            cursor = 0x1000
            sparesPreopens = function == .fd_close || function == .fd_renumber
            if function == .poll_oneoff { return poll() }
            let params = function.params
            var values = [UInt64](repeating: 0, count: params.count)
            var index = 0
            while index < params.count {
                let hasNext = index + 1 < params.count
                switch params[index].kind {
                case .fd: values[index] = function.group == .filesystem && function.name.hasPrefix("path_") ? directoryFD() : fd()
                case .string:
                    let text = function == .path_symlink && index == 0 ? gen.linkText() : gen.path()
                    let bytes = Array(text.utf8) + (gen.chance(2) ? [0xFF] : [])
                    values[index] = UInt64(place(bytes))
                    if hasNext {
                        values[index + 1] = gen.chance(3) ? UInt64(gen.below(0x10000)) : UInt64(bytes.count)
                        index += 1
                    }
                case .ciovecs, .iovecs, .outBuffer, .dirents:
                    let kind = params[index].kind
                    let (address, length) = kind == .ciovecs || kind == .iovecs ? vectors() : buffer()
                    values[index] = address
                    if hasNext {
                        values[index + 1] = length
                        index += 1
                    }
                case .length, .u32: values[index] = UInt64(gen.below(64))
                case .u64, .s64: values[index] = gen.quantity()
                case .timestamp: values[index] = gen.random.next()
                case .flags(let kind): values[index] = gen.flags(kind)
                case .whence, .clockID, .advice, .signal: values[index] = UInt64(gen.below(7))
                case .pointer, .out, .subscriptions, .events: values[index] = pointer()
                }
                index += 1
            }
            return values
        }

        /// poll_oneoff with a clock of at most a microsecond, so no call sleeps for long.
        func poll() -> [UInt64] {
            typealias S = WASILayout.Subscription
            let count = 1 + gen.below(3)
            var bytes = [UInt8](repeating: 0, count: count * S.size)
            func put(_ value: UInt64, _ offset: Int, _ width: Int) {
                for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            }
            for index in 0..<count {
                let base = index * S.size
                put(gen.random.next(), base + S.userdata, 8)
                if index == 0 || gen.chance(50) {
                    put(0, base + S.tag, 1)
                    put(UInt64(gen.below(4)), base + S.clockID, 4)
                    put(UInt64(gen.below(1000)), base + S.clockTimeout, 8)
                    put(UInt64(gen.below(2)), base + S.clockFlags, 2)
                } else {
                    put(UInt64(1 + gen.below(3)), base + S.tag, 1)
                    put(fd(), base + S.fd, 4)
                }
            }
            return [UInt64(place(bytes)), 0xA000, UInt64(count), pointer()]
        }
    }

    /// Which functions to call, path and descriptor calls more often.
    static let weighted: [WASIFunction] = WASIFunction.allCases.flatMap { function -> [WASIFunction] in
        switch function {
        case .path_open, .path_symlink, .path_rename, .path_link: return Array(repeating: function, count: 8)
        case .path_create_directory, .path_remove_directory, .path_unlink_file, .fd_close, .fd_renumber:
            return Array(repeating: function, count: 4)
        case .proc_exit: return [function]
        default: return function.group == .filesystem ? [function, function] : [function]
        }
    }

    struct World {
        let tree = TempTree()
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)

        init() {
            tree.write("scratch/f.txt", "f")
            tree.write("scratch/sub/inner/g.txt", "g")
            tree.symlink("scratch/link", to: "sub")
            tree.symlink("scratch/sub/up", to: "..")
            tree.mkdir("scratch/d")
            tree.write("ro/data.txt", "read only")
            tree.symlink("ro/loop", to: "loop")
            tree.write("outside/secret.txt", "secret")
            tree.mkdir("outside/dir")
            tree.symlink("outside/link", to: "secret.txt")
            tree.symlink("outside/abs", to: "/etc/passwd")
            chmod(tree.path("outside/secret.txt"), 0o640)
        }

        func guest() throws -> Guest {
            var preopens = [WASIPreopen(hostPath: tree.path("scratch"), guestPath: "/scratch"),
                            WASIPreopen(hostPath: tree.path("ro"), guestPath: "/ro", readOnly: true)]
            // A preopen inside the other, while the guest has left it a directory.
            if !tree.exists("scratch/sub") { tree.mkdir("scratch/sub") }
            var info = stat()
            if lstat(tree.path("scratch/sub"), &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                preopens.append(WASIPreopen(hostPath: tree.path("scratch/sub"), guestPath: "/nested"))
            }
            var config = WASIConfiguration(arguments: ["fuzz", "arg"], environment: ["A=1"], preopens: preopens)
            config.stdin = null
            config.stdout = null
            config.stderr = null
            config.random = SeededRandomSource(seed: 7)
            config.clock = FixedClock(1_000_000_000)
            return try Guest(config, memorySize: 0x10000)
        }
    }

    @Test func randomCallsStayInside() throws {
        let seed = Self.seed, total = Self.calls
        let world = World()
        defer { close(world.null) }
        let outsideBefore = HostTree.record(world.tree.path("outside"))
        let readOnlyBefore = HostTree.record(world.tree.path("ro"))
        let rootBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: world.tree.root.path)) ?? [])
        let gen = Generator(seed: seed)
        var g = try world.guest()
        var recent: [String] = []
        var results: [WASIErrno: Int] = [:]
        var successes: [WASIFunction: Int] = [:]
        var exits = 0

        func verify(_ at: Int) -> Bool {
            let context = "seed \(seed), after call \(at); last calls:\n" + recent.joined(separator: "\n")
            let escaping = HostTree.escapingLinks(under: world.tree.path("scratch"))
            #expect(escaping == [], "a link leads out of the scratch folder (\(context))")
            #expect(HostTree.record(world.tree.path("outside")) == outsideBefore, "outside changed (\(context))")
            #expect(HostTree.record(world.tree.path("ro")) == readOnlyBefore, "the read-only preopen changed (\(context))")
            let rootNow = Set((try? FileManager.default.contentsOfDirectory(atPath: world.tree.root.path)) ?? [])
            #expect(rootNow == rootBefore, "something appeared beside the preopens (\(context))")
            return escaping.isEmpty && rootNow == rootBefore
        }

        for index in 1...max(total, 1) {
            var function = gen.pick(Self.weighted)
            if function == .proc_exit && !gen.chance(20) { function = .sched_yield }  // a few exits, not hundreds
            let arguments = Arguments(g, gen).make(function)
            recent.append("\(function.name)(\(arguments.map { String($0, radix: 16) }.joined(separator: ", ")))")
            if recent.count > 12 { recent.removeFirst() }
            switch g.host.call(function, arguments, memory: g.memory) {
            case .errno(let code):
                results[code, default: 0] += 1
                if code == .success { successes[function, default: 0] += 1 }
            case .exit:
                exits += 1
                #expect(HostTree.openDescriptors(under: world.tree.root.path) == [], "proc_exit left descriptors open")
                g = try world.guest()
            }
            if index % 1000 == 0 || index == total {
                guard verify(index) else { break }
            }
            if index % 500 == 0 {
                // A new guest now and then: the old one may have closed its preopens.
                g.host.close()
                #expect(HostTree.openDescriptors(under: world.tree.root.path) == [], "close() left descriptors open")
                g = try world.guest()
            }
        }
        g.host.close()
        if Self.environment["WDB_WASI_FUZZ_CALLS"] != nil {  // a long run (Scripts/fuzz-wasi.sh) says what it did
            let made = successes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.name) \($0.value)" }
            print("fuzz-wasi: seed \(seed), \(total) calls, \(exits) exits; succeeded: " + made.joined(separator: ", "))
            print("fuzz-wasi: errnos: " + results.sorted { $0.value > $1.value }.map { "\($0.key.name) \($0.value)" }
                .joined(separator: ", "))
            print("fuzz-wasi: symlinks now in the scratch folder: \(HostTree.symlinks(under: world.tree.path("scratch")))")
        }
        #expect(HostTree.openDescriptors(under: world.tree.root.path) == [])
        // The run must have done real work, not failed every call at the door.
        #expect((results[.success] ?? 0) > total / 20, "too few calls succeeded: \(results)")
        #expect(exits > 0 || total < 5000)
    }
}
