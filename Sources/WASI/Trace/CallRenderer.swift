// Decodes one call's arguments and results for the trace: strings and buffers quoted with C
// escapes and cut at the string limit, flags by name, fds with what they refer to, structs
// field by field. Inputs are decoded before the call (the call may change them, e.g. fd_close
// drops the fd's label); buffers the host fills and out-values after it.
//
// Everything is written as bytes straight into the line (see TraceBytes). An argument that
// only the call fills (a read buffer, dirents, poll events) leaves a hole in the line written
// before the call, filled in afterwards.

/// Where an argument decoded after the call goes in the line written before it.
struct TraceHole: Sendable {
    /// Index of the parameter.
    let param: Int
    /// Byte offset in the line.
    let offset: Int
}

/// The holes of one line, kept inline (no function has more than one argument the call fills;
/// room for two keeps this general without an array to allocate and free on every call).
struct TraceHoles: Sendable {
    private(set) var first: TraceHole?
    private(set) var second: TraceHole?

    var isEmpty: Bool { first == nil }

    /// Records a hole; false when both places are taken.
    mutating func add(_ hole: TraceHole) -> Bool {
        if first == nil {
            first = hole
        } else if second == nil {
            second = hole
        } else {
            return false
        }
        return true
    }

    /// The holes in the order of the line.
    var list: [TraceHole] { [first, second].compactMap { $0 } }
}

struct CallRenderer {
    let function: WASIFunction
    let args: UnsafeBufferPointer<UInt64>
    let memory: TraceMemory
    // The renderer lives only during one call of `host` (which its caller holds), so it keeps
    // no reference count on it; `hostRef` lends it to a read without a retain and release
    // (an `unowned(unsafe)` load is retained for the whole of `open`, even for calls without fds).
    private let hostRef: Unmanaged<WASIHost>
    var host: WASIHost { hostRef.takeUnretainedValue() }
    let limit: Int
    /// JSON object instead of a strace-like text line.
    let json: Bool
    /// Rights sets as `RIGHTS_ALL&~(…)` (text lines under `--trace-rights=compact`); JSON
    /// always lists them in full.
    let compactRights: Bool

    /// Maximum list elements (iovecs, dirents, events) shown before `...`.
    static let listLimit = 16

    /// Where this function's parameters start in `TraceNames.params` and `.kinds`.
    private let paramBase: Int
    /// The parameters shown: callers check that `args` has one value per parameter.
    private let paramCount: Int
    /// This function's parameter kinds (`TraceNames.kinds` from `paramBase`).
    private let kinds: UnsafePointer<WASIParamKind>
    /// `TraceNames.params`, and which parameters are out-values: read once here rather than
    /// through the lazily made globals on every use.
    private let paramNames: NameTable
    private let outMask: UInt16

    /// Function and group names.
    private let functionNames: NameTable
    private let groupNames: NameTable
    private let clockNames: NameTable

    init(function: WASIFunction, args: UnsafeBufferPointer<UInt64>, memory: TraceMemory, host: WASIHost,
         limit: Int, json: Bool, rights: WASITraceRights = .compact, tables: TraceTables = .shared) {
        functionNames = tables.functions
        groupNames = tables.groups
        clockNames = tables.clocks
        self.function = function
        self.args = args
        self.memory = memory
        hostRef = Unmanaged.passUnretained(host)
        self.limit = limit
        self.json = json
        compactRights = !json && rights == .compact
        paramBase = function.rawValue &* TraceNames.paramSlots
        paramCount = min(args.count, tables.paramCounts[function.rawValue])
        kinds = tables.kinds + paramBase
        paramNames = tables.params
        outMask = tables.outMasks[function.rawValue]
    }

    @inline(__always)
    private func kind(_ position: Int) -> WASIParamKind { kinds[position] }
    private func next(_ index: Int) -> UInt64 { index + 1 < args.count ? args[index + 1] : 0 }

    // MARK: the line

    /// Writes the start of the line and the arguments known before the call: `fd_write(1<stdout>,
    /// [{"hi\n", 3}], 1, 0x10` or `{"call":"fd_write",...,"args":{"fd":"1<stdout>",...`.
    /// Returns the holes left for arguments the call fills.
    func open(into line: inout TraceBytes, scratch: inout TraceBytes) -> TraceHoles {
        let index = function.rawValue
        if json {
            line.append("{\"call\":\"")
            line.append(functionNames, index)
            line.append("\",\"group\":\"")
            line.append(groupNames, index)
            line.append("\",\"args\":{")
        } else {
            line.append(functionNames, index)
            line.append(0x28)
        }
        var holes = TraceHoles()
        var first = true
        for position in 0..<paramCount {
            let kind = kind(position)
            if case .length = kind { continue }
            separator(&first, position, into: &line)
            let start = line.count
            // The plain numbers, addresses and write buffers right here; the rest through `argument`.
            switch kind {
            case .pointer, .out: line.hex(args[position])
            case .u32: line.decimal(UInt64(UInt32(truncatingIfNeeded: args[position])))
            case .u64, .timestamp: line.decimal(args[position])
            case .fd: fd(UInt32(truncatingIfNeeded: args[position]), into: &line)
            case .clockID:
                let value = args[position]
                line.name(clockNames, UInt64(UInt32(truncatingIfNeeded: value)), orDecimal: value)
            case .ciovecs: iovecs(args[position], count: next(position), filled: nil, into: &line)
            case .iovecs, .outBuffer, .dirents, .events:
                if holes.add(TraceHole(param: position, offset: start)) { continue }
                argument(position, kind, into: &line)
            default: argument(position, kind, into: &line)
            }
            if json { line.makeJSONValue(from: start, scratch: &scratch) }
        }
        return holes
    }

    /// `, ` in text; `,"name":` in JSON (without the comma for the first).
    @inline(__always)
    private func separator(_ first: inout Bool, _ position: Int, into line: inout TraceBytes) {
        if json {
            if !first { line.append(0x2C) }
            line.append(0x22)
            line.append(paramNames, paramBase &+ position)
            line.append("\":")
        } else if !first {
            line.append(", ")
        }
        first = false
    }

    /// Fills the holes once the call returned `result` (nil: it has not run, show addresses).
    /// `tail` and `scratch` are working space.
    func fill(_ holes: TraceHoles, in line: inout TraceBytes, result: WASIErrno?,
              tail: inout TraceBytes, scratch: inout TraceBytes) {
        guard let firstHole = holes.first else { return }
        let holes = holes.list
        tail.removeAll()
        line.copy(firstHole.offset, line.count, into: &tail)
        line.truncate(to: firstHole.offset)
        let produced = result == .success ? producedCount() : nil
        for (number, hole) in holes.enumerated() {
            let start = line.count
            let value = args[hole.param]
            if result == .success {
                switch kind(hole.param) {
                case .iovecs: iovecs(value, count: next(hole.param), filled: produced ?? 0, into: &line)
                case .outBuffer: quotedMemory(value, produced ?? next(hole.param), into: &line)
                case .dirents: dirents(value, used: produced ?? 0, into: &line)
                case .events: events(value, count: produced ?? 0, into: &line)
                default: line.hex(value)
                }
            } else {
                line.hex(value)
            }
            if json { line.makeJSONValue(from: start, scratch: &scratch) }
            let end = number + 1 < holes.count ? holes[number + 1].offset : firstHole.offset + tail.count
            tail.copy(hole.offset - firstHole.offset, end - firstHole.offset, into: &line)
        }
    }

    /// The count of bytes or entries the call produced, from its first size out-value.
    private func producedCount() -> UInt64? {
        for position in 0..<paramCount {
            guard case .out(.size) = kind(position) else { continue }
            return (try? memory.u32(UInt32(truncatingIfNeeded: args[position]))).map(UInt64.init)
        }
        return nil
    }

    /// Ends the line: `) = 0 (nwritten=3) <0.000004>` (`)` alone for a call that does not
    /// return, `result` nil), or the rest of the JSON object.
    func close(into line: inout TraceBytes, result: WASIErrno?, injected: Bool, duration: UInt64?,
               scratch: inout TraceBytes) {
        if json {
            line.append("},\"raw\":[")
            for (position, value) in args.enumerated() {
                if position > 0 { line.append(0x2C) }
                line.decimal(value)
            }
            line.append(0x5D)
            if let result {
                line.append(",\"errno\":")
                line.decimal(UInt64(result.rawValue))
                line.append(",\"errno_name\":\"")
                line.append(TraceNames.errnos, Int(result.rawValue))
                line.append(injected ? "\",\"injected\":true,\"out\":{" : "\",\"injected\":false,\"out\":{")
                if result == .success { outputs(into: &line, scratch: &scratch) }
                line.append(0x7D)
            } else {
                line.append(",\"returns\":false")
            }
            if let duration {
                line.append(",\"seconds\":")
                line.seconds(duration)
            }
            line.append(0x7D)
            return
        }
        line.append(0x29)
        if let result {
            line.append(" = ")
            if result == .success { line.append(0x30) } else { line.append(TraceNames.errnos, Int(result.rawValue)) }
            if injected { line.append(" (injected)") }
            if result == .success {
                let mark = line.count
                line.append(" (")
                if outputs(into: &line, scratch: &scratch) { line.append(0x29) } else { line.truncate(to: mark) }
            }
        }
        if let duration {
            line.append(" <")
            line.seconds(duration)
            line.append(0x3E)
        }
    }

    /// The out-values of a successful call, `name=value, …` (text) or `"name":value,…` (JSON);
    /// one that cannot be read is left out. Whether any was written.
    @discardableResult
    private func outputs(into line: inout TraceBytes, scratch: inout TraceBytes) -> Bool {
        var any = false
        var outs = outMask
        while outs != 0 {
            let position = outs.trailingZeroBitCount
            outs &= outs &- 1
            guard position < paramCount, case .out(let kind) = kind(position) else { continue }
            let mark = line.count
            if json {
                if any { line.append(0x2C) }
                line.append(0x22)
                line.append(paramNames, paramBase &+ position)
                line.append("\":")
            } else {
                if any { line.append(", ") }
                line.append(paramNames, paramBase &+ position)
                line.append(0x3D)
            }
            let start = line.count
            let at = UInt32(truncatingIfNeeded: args[position])
            let written: Bool
            switch kind {
            // The common ones (byte counts, times, offsets) without a call.
            case .size:
                if let value = try? memory.u32(at) { line.decimal(UInt64(value)); written = true } else { written = false }
            case .u64:
                if let value = try? memory.u64(at) { line.decimal(value); written = true } else { written = false }
            default:
                written = out(kind, at, into: &line)
            }
            if written {
                if json { line.makeJSONValue(from: start, scratch: &scratch) }
                any = true
            } else {
                line.truncate(to: mark)
            }
        }
        return any
    }

    // MARK: arguments

    /// An argument known before the call.
    private func argument(_ index: Int, _ kind: WASIParamKind, into line: inout TraceBytes) {
        let value = args[index]
        switch kind {
        case .fd: fd(UInt32(truncatingIfNeeded: value), into: &line)
        case .u32: line.decimal(UInt64(UInt32(truncatingIfNeeded: value)))
        case .u64, .timestamp: line.decimal(value)
        case .s64: line.signedDecimal(Int64(bitPattern: value))
        case .pointer, .out, .length, .iovecs, .outBuffer, .dirents, .events: line.hex(value)
        case .string: quotedMemory(value, next(index), into: &line)
        case .ciovecs: iovecs(value, count: next(index), filled: nil, into: &line)
        case .flags(let flagKind):
            switch flagKind {
            case .siflags: line.decimal(value)
            case .rights: rights(value, into: &line)
            default: line.flags(value, TraceNames.flags(flagKind))
            }
        case .whence: line.name(TraceNames.whences, UInt64(UInt8(truncatingIfNeeded: value)), orDecimal: value)
        case .clockID: line.name(TraceNames.clocks, UInt64(UInt32(truncatingIfNeeded: value)), orDecimal: value)
        case .advice: line.name(TraceNames.advices, UInt64(UInt8(truncatingIfNeeded: value)), orDecimal: value)
        case .signal: line.name(TraceNames.signals, value, orDecimal: value)
        case .subscriptions: subscriptions(value, count: args.count > 2 ? args[2] : 0, into: &line)
        }
    }

    /// A rights set, compact or in full (see `compactRights`).
    private func rights(_ value: UInt64, into line: inout TraceBytes) {
        if compactRights { line.compactRights(value, TraceNames.rights) } else { line.flags(value, TraceNames.rights) }
    }

    @inline(__always)
    func fd(_ fd: UInt32, into line: inout TraceBytes) {
        line.decimal(UInt64(fd))
        if let label = hostRef._withUnsafeGuaranteedRef({ $0.table.traceLabel(fd) }) {
            line.append(0x3C)
            line.append(label)
            line.append(0x3E)
        }
    }

    /// A string from guest memory, or the address if it is out of bounds.
    @inline(__always)
    func quotedMemory(_ pointer: UInt64, _ length: UInt64, into line: inout TraceBytes) {
        guard pointer <= UInt64(UInt32.max), length <= UInt64(UInt32.max),
              let start = try? memory.range(UInt32(pointer), Int(length))
        else { return line.hex(pointer) }
        let shown = Int(min(length, UInt64(limit)))
        line.quoted(UnsafeRawBufferPointer(rebasing: memory.bytes[start..<start + shown]), truncated: length > UInt64(shown))
    }

    /// `[{"text", len}, …]`; the address when the list or a buffer is out of bounds.
    func iovecs(_ pointer: UInt64, count: UInt64, filled: UInt64?, into line: inout TraceBytes) {
        typealias V = WASILayout.IOVec
        let base = UInt32(truncatingIfNeeded: pointer)
        // Every entry must be in bounds, as for the call itself: the shown ones are checked as
        // they are written, the rest after; any failure shows the address instead.
        guard count <= UInt64(UInt32.max), (try? memory.range(base, Int(count) * V.size)) != nil
        else { return line.hex(pointer) }
        let mark = line.count
        let total = UInt32(count)
        var remaining = filled ?? UInt64.max
        line.append(0x5B)
        for index in 0..<total {
            let entry = base &+ index &* UInt32(V.size)
            guard let buf = try? memory.u32(entry &+ UInt32(V.buf)), let len = try? memory.u32(entry &+ UInt32(V.bufLen)),
                  let start = try? memory.range(buf, Int(len)) else {
                line.truncate(to: mark)
                return line.hex(pointer)
            }
            guard index < UInt32(CallRenderer.listLimit) else { continue }
            let contentLength = min(UInt64(len), remaining)
            if filled != nil { remaining -= contentLength }
            if index > 0 { line.append(", ") }
            line.append(0x7B)
            // The content is part of the buffer just checked.
            let shown = Int(min(contentLength, UInt64(limit)))
            line.quoted(UnsafeRawBufferPointer(rebasing: memory.bytes[start..<start + shown]),
                        truncated: contentLength > UInt64(shown))
            line.append(", ")
            line.decimal(UInt64(len))
            line.append(0x7D)
        }
        if total > UInt32(CallRenderer.listLimit) { line.append(", ...") }
        line.append(0x5D)
    }

    func dirents(_ pointer: UInt64, used: UInt64, into line: inout TraceBytes) {
        var shown = 0
        var cut = false
        var offset: UInt64 = 0
        let base = UInt32(truncatingIfNeeded: pointer)
        line.append(0x5B)
        while offset + UInt64(WASILayout.Dirent.size) <= used {
            if shown == CallRenderer.listLimit {
                line.append(", ...")
                cut = true
                break
            }
            let at = base &+ UInt32(truncatingIfNeeded: offset)
            guard let next = try? memory.u64(at), let ino = try? memory.u64(at &+ 8),
                  let namlen = try? memory.u32(at &+ 16), let type = try? memory.u8(at &+ 20) else { break }
            let nameStart = offset + UInt64(WASILayout.Dirent.size)
            let available = min(UInt64(namlen), used - nameStart)
            if shown > 0 { line.append(", ") }
            line.append("{d_next=")
            line.decimal(next)
            line.append(", d_ino=")
            line.decimal(ino)
            line.append(", d_type=")
            line.name(TraceNames.fileTypes, UInt64(type), orDecimal: UInt64(type))
            line.append(", d_name=")
            quotedMemory(UInt64(at &+ 24), available, into: &line)
            line.append(0x7D)
            shown += 1
            offset = nameStart + UInt64(namlen)
        }
        if offset < used && !cut { line.append(shown > 0 ? ", ..." : "...") }
        line.append(0x5D)
    }

    func subscriptions(_ pointer: UInt64, count: UInt64, into line: inout TraceBytes) {
        typealias S = WASILayout.Subscription
        let mark = line.count
        let base = UInt32(truncatingIfNeeded: pointer)
        line.append(0x5B)
        for index in 0..<min(count, UInt64(CallRenderer.listLimit)) {
            let at = base &+ UInt32(index) &* UInt32(S.size)
            guard let userdata = try? memory.u64(at), let tag = try? memory.u8(at &+ UInt32(S.tag)) else {
                line.truncate(to: mark)
                return line.hex(pointer)
            }
            if index > 0 { line.append(", ") }
            line.append("{userdata=")
            line.decimal(userdata)
            switch WASIEventType(rawValue: tag) {
            case .clock?:
                let id = (try? memory.u32(at &+ UInt32(S.clockID))) ?? 0
                let timeout = (try? memory.u64(at &+ UInt32(S.clockTimeout))) ?? 0
                let precision = (try? memory.u64(at &+ UInt32(S.clockPrecision))) ?? 0
                let flags = (try? memory.u16(at &+ UInt32(S.clockFlags))) ?? 0
                line.append(", CLOCK, id=")
                line.name(TraceNames.clocks, UInt64(id), orDecimal: UInt64(id))
                line.append(", timeout=")
                line.decimal(timeout)
                line.append(", precision=")
                line.decimal(precision)
                line.append(", flags=")
                line.flags(UInt64(flags), TraceNames.subclock)
            case .some:
                let fd = (try? memory.u32(at &+ UInt32(S.fd))) ?? 0
                line.append(", ")
                line.append(TraceNames.eventTypes, Int(tag))
                line.append(", fd=")
                self.fd(fd, into: &line)
            case nil:
                line.append(", tag=")
                line.decimal(UInt64(tag))
            }
            line.append(0x7D)
        }
        if count > UInt64(CallRenderer.listLimit) { line.append(", ...") }
        line.append(0x5D)
    }

    func events(_ pointer: UInt64, count: UInt64, into line: inout TraceBytes) {
        typealias E = WASILayout.Event
        let mark = line.count
        let base = UInt32(truncatingIfNeeded: pointer)
        line.append(0x5B)
        for index in 0..<min(count, UInt64(CallRenderer.listLimit)) {
            let at = base &+ UInt32(index) &* UInt32(E.size)
            guard let userdata = try? memory.u64(at), let error = try? memory.u16(at &+ UInt32(E.error)),
                  let type = try? memory.u8(at &+ UInt32(E.type)) else {
                line.truncate(to: mark)
                return line.hex(pointer)
            }
            if index > 0 { line.append(", ") }
            line.append("{userdata=")
            line.decimal(userdata)
            line.append(", error=")
            if error == 0 {
                line.append(0x30)
            } else {
                line.name(TraceNames.errnos, UInt64(error), orDecimal: UInt64(error))
            }
            line.append(", type=")
            line.name(TraceNames.eventTypes, UInt64(type), orDecimal: UInt64(type))
            if type != WASIEventType.clock.rawValue {
                let nbytes = (try? memory.u64(at &+ UInt32(E.nbytes))) ?? 0
                let flags = (try? memory.u16(at &+ UInt32(E.flags))) ?? 0
                line.append(", nbytes=")
                line.decimal(nbytes)
                line.append(", flags=")
                line.flags(UInt64(flags), TraceNames.eventrw)
            }
            line.append(0x7D)
        }
        if count > UInt64(CallRenderer.listLimit) { line.append(", ...") }
        line.append(0x5D)
    }

    // MARK: out-values

    /// An out-value read from `at`; false (with a partial text to drop) when it cannot be read.
    func out(_ kind: WASIOutKind, _ at: UInt32, into line: inout TraceBytes) -> Bool {
        switch kind {
        case .size:
            guard let value = try? memory.u32(at) else { return false }
            line.decimal(UInt64(value))
        case .u64:
            guard let value = try? memory.u64(at) else { return false }
            line.decimal(value)
        case .fd:
            guard let value = try? memory.u32(at) else { return false }
            fd(value, into: &line)
        case .roflags:
            guard let value = try? memory.u16(at) else { return false }
            line.flags(UInt64(value), TraceNames.roflags)
        case .prestat:
            guard let tag = try? memory.u8(at), let length = try? memory.u32(at &+ 4) else { return false }
            line.append("{tag=")
            if tag == 0 { line.append("DIR") } else { line.decimal(UInt64(tag)) }
            line.append(", pr_name_len=")
            line.decimal(UInt64(length))
            line.append(0x7D)
        case .fdstat:
            typealias F = WASILayout.FDStat
            guard let type = try? memory.u8(at), let flags = try? memory.u16(at &+ UInt32(F.flags)),
                  let base = try? memory.u64(at &+ UInt32(F.rightsBase)),
                  let inheriting = try? memory.u64(at &+ UInt32(F.rightsInheriting)) else { return false }
            line.append("{fs_filetype=")
            line.name(TraceNames.fileTypes, UInt64(type), orDecimal: UInt64(type))
            line.append(", fs_flags=")
            line.flags(UInt64(flags), TraceNames.fdflags)
            line.append(", fs_rights_base=")
            rights(base, into: &line)
            line.append(", fs_rights_inheriting=")
            rights(inheriting, into: &line)
            line.append(0x7D)
        case .filestat:
            typealias F = WASILayout.FileStat
            func field(_ offset: Int) -> UInt64 { (try? memory.u64(at &+ UInt32(offset))) ?? 0 }
            guard let type = try? memory.u8(at &+ UInt32(F.filetype)) else { return false }
            line.append("{dev=")
            line.decimal(field(F.dev))
            line.append(", ino=")
            line.decimal(field(F.ino))
            line.append(", filetype=")
            line.name(TraceNames.fileTypes, UInt64(type), orDecimal: UInt64(type))
            line.append(", nlink=")
            line.decimal(field(F.nlink))
            line.append(", size=")
            line.decimal(field(F.fileSize))
            line.append(", atim=")
            line.decimal(field(F.atim))
            line.append(", mtim=")
            line.decimal(field(F.mtim))
            line.append(", ctim=")
            line.decimal(field(F.ctim))
            line.append(0x7D)
        case .stringList:
            let count = function == .args_get ? host.arguments.count : host.environment.count
            line.append(0x5B)
            for index in 0..<count {
                if index > 0 { line.append(", ") }
                if index == CallRenderer.listLimit {
                    line.append("...")
                    break
                }
                guard let pointer = try? memory.u32(at &+ UInt32(truncatingIfNeeded: index * 4)) else { return false }
                cString(pointer, into: &line)
            }
            line.append(0x5D)
        }
        return true
    }

    /// A NUL-terminated string in guest memory, quoted and cut at the limit.
    func cString(_ pointer: UInt32, into line: inout TraceBytes) {
        var length = 0
        var at = pointer
        while length <= limit, let byte = try? memory.u8(at), byte != 0 {
            length += 1
            at &+= 1
        }
        let shown = min(length, limit)
        if let start = try? memory.range(pointer, shown) {
            line.quoted(UnsafeRawBufferPointer(rebasing: memory.bytes[start..<start + shown]), truncated: length > limit)
        } else {
            // The string wrapped around the end of a 4 GiB memory: gather it byte by byte.
            let bytes = (0..<shown).map { (try? memory.u8(pointer &+ UInt32(truncatingIfNeeded: $0))) ?? 0 }
            bytes.withUnsafeBytes { line.quoted($0, truncated: length > limit) }
        }
    }
}

/// String forms of the byte renderers, for the summary table and tests.
enum TraceText {
    /// `"text"` with C escapes; `"text"...` when cut.
    static func quote(_ bytes: [UInt8], truncated: Bool) -> String {
        var text = TraceBytes(capacity: bytes.count * 4 + 8)
        bytes.withUnsafeBytes { text.quoted($0, truncated: truncated) }
        return text.string
    }

    /// Seconds with six decimals from nanoseconds: `0.000021`.
    static func seconds(_ nanoseconds: UInt64) -> String {
        var text = TraceBytes(capacity: 32)
        text.seconds(nanoseconds)
        return text.string
    }

    /// Escapes a string for a JSON string literal (without the quotes).
    static func json(_ text: String) -> String {
        var result = TraceBytes(capacity: text.utf8.count * 6 + 8)
        var copy = text
        copy.withUTF8 { result.jsonEscape(UnsafeRawBufferPointer($0)) }
        return result.string
    }
}
