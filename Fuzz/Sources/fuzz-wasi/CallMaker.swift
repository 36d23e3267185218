// Arguments for one WASI call, shaped by what each parameter means and chosen by the input:
// paths from a small vocabulary (names in the tree, `.`, `..`, `/`, links, odd strings), iovec
// lists over a buffer area, flag sets, descriptors that are open and some that are not.
// Guest memory layout: strings and lists at 0x1000…0x7FFF (rewritten for every call), buffers
// at 0x8000…0xBFFF, out-values at 0xC000…0xFFFF; some pointers fall outside the memory.

import FuzzSupport
@testable import WASI

struct CallMaker {
    let host: WASIHost
    let memory: FuzzMemory
    var cursor = 0x1000

    init(host: WASIHost, memory: FuzzMemory) {
        self.host = host
        self.memory = memory
    }

    /// Path calls and descriptor moves come up more often than the rest; exits are rare.
    static let weighted: [WASIFunction] = WASIFunction.allCases.flatMap { function -> [WASIFunction] in
        switch function {
        case .path_open, .path_symlink, .path_rename, .path_link: return Array(repeating: function, count: 6)
        case .path_create_directory, .path_remove_directory, .path_unlink_file, .fd_close, .fd_renumber:
            return Array(repeating: function, count: 3)
        case .proc_exit: return [function]
        default: return function.group == .filesystem ? [function, function] : [function]
        }
    }

    static func function(_ input: inout FuzzInput) -> WASIFunction { input.pick(weighted) }

    static let names = ["f.txt", "sub", "inner", "g.txt", "link", "new", "n2", "d", "x", ".", "..", "up", "loop",
                        "data.txt", "secret.txt", "outside"]

    func path(_ input: inout FuzzInput) -> String {
        if input.chance(4) {
            return input.pick(["", "/", "/etc/passwd", "..", ".", "a\u{0}b", String(repeating: "x/", count: 300),
                               "../outside/secret.txt", "sub/up/../..", "link/../../outside"])
        }
        let count = input.chance(60) ? 1 : 2 + input.below(3)
        var parts = (0..<count).map { _ in input.pick(Self.names) }
        if input.chance(5) { parts.insert("", at: 0) }
        var text = parts.joined(separator: "/")
        if input.chance(10) { text += "/" }
        return text
    }

    func linkText(_ input: inout FuzzInput) -> String {
        if input.chance(10) { return input.pick(["/", "/etc", "", ".", "..", "../..", "../outside/secret.txt"]) }
        if input.chance(50) { return String(repeating: "../", count: 1 + input.below(2)) + input.pick(Self.names) }
        return path(&input)
    }

    /// Sizes and offsets: small, or values the host must refuse; never large enough to fill the disk.
    func quantity(_ input: inout FuzzInput) -> UInt64 {
        if input.chance(90) { return UInt64(input.below(1 << 16)) }
        return input.pick([0, 1 << 20, UInt64(Int64.max), UInt64.max, 1 << 63])
    }

    func flags(_ kind: WASIFlagsKind, _ input: inout FuzzInput) -> UInt64 {
        if input.chance(5) { return input.u64() }
        if kind == .rights { return input.chance(50) ? WASIRights.all.rawValue : input.u64() & WASIRights.all.rawValue }
        var value: UInt64 = 0
        for name in kind.names where input.chance(30) { value |= name.bit }
        return value
    }

    mutating func place(_ bytes: [UInt8]) -> UInt64 {
        let address = cursor
        let room = max(0, 0x7F00 - cursor)
        for (index, byte) in bytes.prefix(room).enumerated() { memory.bytes[address + index] = byte }
        cursor = min(cursor + ((bytes.count + 8) & ~7), 0x7F00)
        return UInt64(address)
    }

    func pointer(_ input: inout FuzzInput) -> UInt64 {
        input.chance(3) ? input.pick([0xFFFF_FFF0, 0x10000, 0xFFFC]) : UInt64((0xC000 + input.below(0x3F00)) & ~7)
    }

    func buffer(_ input: inout FuzzInput) -> (UInt64, UInt64) {
        (UInt64(0x8000 + input.below(0x3000)), UInt64(input.below(1024)))
    }

    mutating func vectors(_ input: inout FuzzInput) -> (UInt64, UInt64) {
        let count = input.below(4)
        var bytes: [UInt8] = []
        for _ in 0..<count {
            let (address, length) = buffer(&input)
            for value in [UInt32(address), UInt32(length)] {
                bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
            }
        }
        return (place(bytes), UInt64(count))
    }

    /// Mostly an open descriptor, sometimes a small number that may not be, rarely absurd ones.
    func fd(_ input: inout FuzzInput, sparePreopens: Bool) -> UInt64 {
        if input.chance(5) { return input.pick([64, 4095, 4096, UInt64(UInt32.max), UInt64.max]) }
        var open = host.table.slots.indices.filter { host.table.slots[$0] != nil }
        // Closing a preopen ends every later path call of this host: allowed, rarely.
        if sparePreopens && input.chance(95) { open.removeAll { (3...5).contains($0) } }
        if input.chance(70), !open.isEmpty { return UInt64(input.pick(open)) }
        return UInt64(input.below(14))
    }

    func directoryFD(_ input: inout FuzzInput) -> UInt64 {
        input.chance(75) ? input.pick([3, 3, 3, 5, 4]) : fd(&input, sparePreopens: false)
    }

    /// Arguments of `function` in parameter order.
    mutating func make(_ function: WASIFunction, from input: inout FuzzInput) -> [UInt64] {
        if function == .poll_oneoff { return poll(&input) }
        let spare = function == .fd_close || function == .fd_renumber
        let params = function.params
        var values = [UInt64](repeating: 0, count: params.count)
        var index = 0
        while index < params.count {
            let hasNext = index + 1 < params.count
            switch params[index].kind {
            case .fd:
                values[index] = function.name.hasPrefix("path_") ? directoryFD(&input) : fd(&input, sparePreopens: spare)
            case .string:
                let text = function == .path_symlink && index == 0 ? linkText(&input) : path(&input)
                let bytes = Array(text.utf8) + (input.chance(2) ? [0xFF] : [])
                values[index] = place(bytes)
                if hasNext {
                    values[index + 1] = input.chance(3) ? UInt64(input.below(0x10000)) : UInt64(bytes.count)
                    index += 1
                }
            case .ciovecs, .iovecs, .outBuffer, .dirents:
                let kind = params[index].kind
                let (address, length) = kind == .ciovecs || kind == .iovecs ? vectors(&input) : buffer(&input)
                values[index] = address
                if hasNext {
                    values[index + 1] = length
                    index += 1
                }
            case .length, .u32: values[index] = UInt64(input.below(64))
            case .u64, .s64: values[index] = quantity(&input)
            case .timestamp: values[index] = input.u64()
            case .flags(let kind): values[index] = flags(kind, &input)
            case .whence, .clockID, .advice, .signal: values[index] = UInt64(input.below(7))
            case .pointer, .out, .subscriptions, .events: values[index] = pointer(&input)
            }
            index += 1
        }
        return values
    }

    /// poll_oneoff with clocks of at most a microsecond, so no input sleeps for long.
    mutating func poll(_ input: inout FuzzInput) -> [UInt64] {
        typealias S = WASILayout.Subscription
        let count = 1 + input.below(3)
        var bytes = [UInt8](repeating: 0, count: count * S.size)
        func put(_ value: UInt64, _ offset: Int, _ width: Int) {
            for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        for index in 0..<count {
            let base = index * S.size
            put(UInt64(index), base + S.userdata, 8)
            if index == 0 || input.chance(50) {
                put(0, base + S.tag, 1)
                put(UInt64(input.below(4)), base + S.clockID, 4)
                put(UInt64(input.below(1000)), base + S.clockTimeout, 8)
                put(UInt64(input.below(2)), base + S.clockFlags, 2)
            } else {
                put(UInt64(1 + input.below(3)), base + S.tag, 1)
                put(fd(&input, sparePreopens: false), base + S.fd, 4)
            }
        }
        return [place(bytes), 0xA000, UInt64(count), pointer(&input)]
    }
}
