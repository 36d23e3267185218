// Decodes one call's arguments and results for the trace: strings and buffers quoted with C
// escapes and cut at the string limit, flags by name, fds with what they refer to, structs
// field by field. Inputs are decoded before the call (the call may change them, e.g. fd_close
// drops the fd's label); buffers the host fills and out-values after it.

/// One rendered call; text and JSON lines are made from it.
struct RenderedCall {
    var function: WASIFunction
    /// (parameter name, text) for each shown argument; length parameters folded into strings.
    var arguments: [(name: String, text: String)] = []
    var raw: [UInt64] = []
    var outputs: [(name: String, text: String)] = []
}

struct CallRenderer {
    let function: WASIFunction
    let args: [UInt64]
    let memory: GuestView
    let host: WASIHost
    let limit: Int

    /// Maximum list elements (iovecs, dirents, events) shown before `...`.
    static let listLimit = 16

    /// Arguments as known before the call; post-call arguments are left empty (nil).
    func before() -> [String?] {
        let params = function.params
        var texts: [String?] = []
        for (index, param) in params.enumerated() {
            let value = args[index]
            switch param.kind {
            case .length: texts.append(nil)  // folded
            case .fd: texts.append(fdText(UInt32(truncatingIfNeeded: value)))
            case .u32: texts.append(String(UInt32(truncatingIfNeeded: value)))
            case .u64, .timestamp: texts.append(String(value))
            case .s64: texts.append(String(Int64(bitPattern: value)))
            case .pointer, .out: texts.append(hex(value))
            case .string:
                let length = index + 1 < args.count ? args[index + 1] : 0
                texts.append(quotedMemory(value, length))
            case .ciovecs:
                texts.append(iovecText(value, count: next(index), filled: nil))
            case .iovecs, .outBuffer, .dirents, .events: texts.append(nil)
            case .flags(let kind): texts.append(flagsText(value, kind))
            case .whence:
                texts.append(WASIWhence(rawValue: UInt8(truncatingIfNeeded: value)).map(\.name) ?? String(value))
            case .clockID:
                texts.append(WASIClockID(rawValue: UInt32(truncatingIfNeeded: value)).map(\.name) ?? String(value))
            case .advice:
                texts.append(WASIAdvice(rawValue: UInt8(truncatingIfNeeded: value)).map(\.name) ?? String(value))
            case .signal:
                texts.append(value < UInt64(WASISignal.names.count) ? WASISignal.names[Int(value)] : String(value))
            case .subscriptions:
                texts.append(subscriptionsText(value, count: args.count > 2 ? args[2] : 0))
            }
        }
        return texts
    }

    /// Completes the arguments and collects out-values once the call returned `result`.
    func after(_ pre: [String?], result: WASIErrno) -> RenderedCall {
        var call = RenderedCall(function: function, raw: args)
        let params = function.params
        let ok = result == .success
        // The count of bytes or entries the call produced, from its first size out-value.
        let produced: UInt64? = params.indices.first { params[$0].kind == .out(.size) }
            .flatMap { ok ? (try? memory.u32(UInt32(truncatingIfNeeded: args[$0]))).map(UInt64.init) : nil }
        for (index, param) in params.enumerated() {
            if param.kind == .length { continue }
            var text = pre[index] ?? hex(args[index])
            if ok {
                switch param.kind {
                case .iovecs: text = iovecText(args[index], count: next(index), filled: produced ?? 0)
                case .outBuffer: text = quotedMemory(args[index], produced ?? next(index))
                case .dirents: text = direntsText(args[index], used: produced ?? 0)
                case .events: text = eventsText(args[index], count: produced ?? 0)
                case .out(let kind):
                    if let value = outText(kind, UInt32(truncatingIfNeeded: args[index])) {
                        call.outputs.append((param.name, value))
                    }
                default: break
                }
            }
            call.arguments.append((param.name, text))
        }
        return call
    }

    private func next(_ index: Int) -> UInt64 { index + 1 < args.count ? args[index + 1] : 0 }

    // MARK: pieces

    func fdText(_ fd: UInt32) -> String {
        if let label = host.label(ofFD: fd) { return "\(fd)<\(label)>" }
        return String(fd)
    }

    func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    func flagsText(_ value: UInt64, _ kind: WASIFlagsKind) -> String {
        kind == .siflags ? String(value) : formatFlags(value, kind.names)
    }

    /// A string from guest memory, or the address if it is out of bounds.
    func quotedMemory(_ pointer: UInt64, _ length: UInt64) -> String {
        let shown = min(length, UInt64(limit))
        guard pointer <= UInt64(UInt32.max), length <= UInt64(UInt32.max),
              (try? memory.range(UInt32(pointer), Int(length))) != nil,
              let bytes = try? memory.readBytes(UInt32(pointer), UInt32(shown))
        else { return hex(pointer) }
        return TraceText.quote(bytes, truncated: length > shown)
    }

    func iovecText(_ pointer: UInt64, count: UInt64, filled: UInt64?) -> String {
        guard count <= UInt64(UInt32.max),
              let list = try? memory.iovecs(UInt32(truncatingIfNeeded: pointer), UInt32(count))
        else { return hex(pointer) }
        var remaining = filled ?? UInt64.max
        var parts: [String] = []
        for entry in list.prefix(CallRenderer.listLimit) {
            let contentLength = min(UInt64(entry.len), remaining)
            if filled != nil { remaining -= contentLength }
            parts.append("{\(quotedMemory(UInt64(entry.buf), contentLength)), \(entry.len)}")
        }
        if list.count > CallRenderer.listLimit { parts.append("...") }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    func direntsText(_ pointer: UInt64, used: UInt64) -> String {
        var parts: [String] = []
        var offset: UInt64 = 0
        let base = UInt32(truncatingIfNeeded: pointer)
        while offset + UInt64(WASILayout.Dirent.size) <= used {
            if parts.count == CallRenderer.listLimit { parts.append("..."); break }
            let at = base &+ UInt32(offset)
            guard let next = try? memory.u64(at), let ino = try? memory.u64(at &+ 8),
                  let namlen = try? memory.u32(at &+ 16), let type = try? memory.u8(at &+ 20) else { break }
            let nameStart = offset + UInt64(WASILayout.Dirent.size)
            let available = min(UInt64(namlen), used - nameStart)
            let name = quotedMemory(UInt64(at &+ 24), available)
            let typeName = WASIFileType(rawValue: type)?.name ?? String(type)
            parts.append("{d_next=\(next), d_ino=\(ino), d_type=\(typeName), d_name=\(name)}")
            offset = nameStart + UInt64(namlen)
        }
        if offset < used && parts.last != "..." { parts.append("...") }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    func subscriptionsText(_ pointer: UInt64, count: UInt64) -> String {
        typealias S = WASILayout.Subscription
        var parts: [String] = []
        let base = UInt32(truncatingIfNeeded: pointer)
        for index in 0..<min(count, UInt64(CallRenderer.listLimit)) {
            let at = base &+ UInt32(index) &* UInt32(S.size)
            guard let userdata = try? memory.u64(at), let tag = try? memory.u8(at &+ UInt32(S.tag)) else {
                return hex(pointer)
            }
            switch WASIEventType(rawValue: tag) {
            case .clock?:
                let id = (try? memory.u32(at &+ UInt32(S.clockID))) ?? 0
                let timeout = (try? memory.u64(at &+ UInt32(S.clockTimeout))) ?? 0
                let precision = (try? memory.u64(at &+ UInt32(S.clockPrecision))) ?? 0
                let flags = (try? memory.u16(at &+ UInt32(S.clockFlags))) ?? 0
                let idName = WASIClockID(rawValue: id)?.name ?? String(id)
                parts.append("{userdata=\(userdata), CLOCK, id=\(idName), timeout=\(timeout), "
                    + "precision=\(precision), flags=\(formatFlags(UInt64(flags), WASIMiscFlags.subclockNames))}")
            case let type?:
                let fd = (try? memory.u32(at &+ UInt32(S.fd))) ?? 0
                parts.append("{userdata=\(userdata), \(type.name), fd=\(fdText(fd))}")
            case nil:
                parts.append("{userdata=\(userdata), tag=\(tag)}")
            }
        }
        if count > UInt64(CallRenderer.listLimit) { parts.append("...") }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    func eventsText(_ pointer: UInt64, count: UInt64) -> String {
        typealias E = WASILayout.Event
        var parts: [String] = []
        let base = UInt32(truncatingIfNeeded: pointer)
        for index in 0..<min(count, UInt64(CallRenderer.listLimit)) {
            let at = base &+ UInt32(index) &* UInt32(E.size)
            guard let userdata = try? memory.u64(at), let error = try? memory.u16(at &+ UInt32(E.error)),
                  let type = try? memory.u8(at &+ UInt32(E.type)) else { return hex(pointer) }
            let errorName = error == 0 ? "0" : (WASIErrno(rawValue: error)?.name ?? String(error))
            var text = "{userdata=\(userdata), error=\(errorName), type=\(WASIEventType(rawValue: type)?.name ?? String(type))"
            if type != WASIEventType.clock.rawValue {
                let nbytes = (try? memory.u64(at &+ UInt32(E.nbytes))) ?? 0
                let flags = (try? memory.u16(at &+ UInt32(E.flags))) ?? 0
                text += ", nbytes=\(nbytes), flags=\(formatFlags(UInt64(flags), WASIMiscFlags.eventrwNames))"
            }
            parts.append(text + "}")
        }
        if count > UInt64(CallRenderer.listLimit) { parts.append("...") }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    func outText(_ kind: WASIOutKind, _ at: UInt32) -> String? {
        switch kind {
        case .size: return (try? memory.u32(at)).map { String($0) }
        case .u64: return (try? memory.u64(at)).map { String($0) }
        case .fd: return (try? memory.u32(at)).map(fdText)
        case .roflags:
            return (try? memory.u16(at)).map { formatFlags(UInt64($0), WASIMiscFlags.roflagsNames) }
        case .prestat:
            guard let tag = try? memory.u8(at), let length = try? memory.u32(at &+ 4) else { return nil }
            return "{tag=\(tag == 0 ? "DIR" : String(tag)), pr_name_len=\(length)}"
        case .fdstat:
            typealias F = WASILayout.FDStat
            guard let type = try? memory.u8(at), let flags = try? memory.u16(at &+ UInt32(F.flags)),
                  let base = try? memory.u64(at &+ UInt32(F.rightsBase)),
                  let inheriting = try? memory.u64(at &+ UInt32(F.rightsInheriting)) else { return nil }
            return "{fs_filetype=\(WASIFileType(rawValue: type)?.name ?? String(type)), "
                + "fs_flags=\(formatFlags(UInt64(flags), WASIFDFlags.names)), "
                + "fs_rights_base=\(formatFlags(base, WASIRights.names)), "
                + "fs_rights_inheriting=\(formatFlags(inheriting, WASIRights.names))}"
        case .filestat:
            typealias F = WASILayout.FileStat
            func field(_ offset: Int) -> UInt64 { (try? memory.u64(at &+ UInt32(offset))) ?? 0 }
            guard let type = try? memory.u8(at &+ UInt32(F.filetype)) else { return nil }
            return "{dev=\(field(F.dev)), ino=\(field(F.ino)), filetype=\(WASIFileType(rawValue: type)?.name ?? String(type)), "
                + "nlink=\(field(F.nlink)), size=\(field(F.fileSize)), atim=\(field(F.atim)), "
                + "mtim=\(field(F.mtim)), ctim=\(field(F.ctim))}"
        case .stringList:
            let count = function == .args_get ? host.arguments.count : host.environment.count
            var parts: [String] = []
            for index in 0..<count {
                if index == CallRenderer.listLimit { parts.append("..."); break }
                guard let pointer = try? memory.u32(at &+ UInt32(index * 4)) else { return nil }
                parts.append(cString(pointer))
            }
            return "[" + parts.joined(separator: ", ") + "]"
        }
    }

    /// A NUL-terminated string in guest memory, quoted and cut at the limit.
    func cString(_ pointer: UInt32) -> String {
        var bytes: [UInt8] = []
        var at = pointer
        while bytes.count <= limit, let byte = try? memory.u8(at), byte != 0 {
            bytes.append(byte)
            at &+= 1
        }
        let cut = bytes.count > limit
        return TraceText.quote(Array(bytes.prefix(limit)), truncated: cut)
    }
}

enum TraceText {
    /// `"text"` with C escapes; `"text"...` when cut.
    static func quote(_ bytes: [UInt8], truncated: Bool) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case 0x0A: text += "\\n"
            case 0x09: text += "\\t"
            case 0x0D: text += "\\r"
            case 0x5C: text += "\\\\"
            case 0x22: text += "\\\""
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = String(byte, radix: 16)
                text += "\\x" + (digits.count == 1 ? "0" + digits : digits)
            }
        }
        return text + "\"" + (truncated ? "..." : "")
    }

    /// Seconds with six decimals from nanoseconds: `0.000021`.
    static func seconds(_ nanoseconds: UInt64) -> String {
        let micro = (nanoseconds &+ 500) / 1000
        let fraction = String(micro % 1_000_000)
        return "\(micro / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Escapes a string for a JSON string literal (without the quotes).
    static func json(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let digits = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
