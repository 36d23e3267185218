// The names the trace prints, as UTF-8 in raw memory made once from the ABI's own names (the
// enum cases, `WASIErrno.name`, the flag tables of Flags.swift), and the per-function
// parameter tables the renderer walks. Raw memory because every traced call reads several of
// them: held as arrays, each read would cost a retain and a release.

/// A list of names as UTF-8 in one allocation, indexed from 0.
///
/// The renderer copies a name or two per argument of every traced call. Held as arrays, each
/// copy costs a retain and a release; held as raw memory it costs two loads. The tables in
/// `TraceNames` are built once from the ABI's own names and live as long as the process.
struct NameTable: @unchecked Sendable {
    // Name i is bytes[ends[i-1] ..< ends[i]] (from 0 for the first); immutable once built.
    private let bytes: UnsafeMutablePointer<UInt8>
    private let ends: UnsafeMutablePointer<Int>
    let count: Int

    init(_ names: [String]) {
        let utf8 = names.map { Array($0.utf8) }
        let total = utf8.reduce(0) { $0 + $1.count }
        bytes = .allocate(capacity: max(total, 1))
        ends = .allocate(capacity: max(names.count, 1))
        count = names.count
        var end = 0
        for (index, name) in utf8.enumerated() {
            (bytes + end).initialize(from: name, count: name.count)
            end += name.count
            ends[index] = end
        }
    }

    /// Frees a table made for one use (the shared ones are never freed).
    func deallocate() {
        bytes.deallocate()
        ends.deallocate()
    }

    /// Name `index` (empty when out of range).
    @inline(__always)
    func name(_ index: Int) -> UnsafeRawBufferPointer {
        guard index >= 0 && index < count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeRawBufferPointer(start: bytes + start, count: ends[index] - start)
    }
}

/// The names and bits of a flag set, as `NameTable` keeps names.
struct FlagTable: @unchecked Sendable {
    let names: NameTable
    // bits[i] is the bit of name i; immutable once built.
    private let bits: UnsafeMutablePointer<UInt64>
    /// Every bit that has a name.
    let defined: UInt64

    init(_ flags: [WASIFlagName]) {
        names = NameTable(flags.map(\.name))
        bits = .allocate(capacity: max(flags.count, 1))
        for (index, flag) in flags.enumerated() { bits[index] = flag.bit }
        defined = flags.reduce(0) { $0 | $1.bit }
    }

    func deallocate() {
        names.deallocate()
        bits.deallocate()
    }

    @inline(__always)
    func bit(_ index: Int) -> UInt64 { index >= 0 && index < names.count ? bits[index] : 0 }
}

/// Everything the renderer looks up per call, made once from the ABI's own names.
enum TraceNames {
    /// Room per function in the parameter tables (no function has more than 9 parameters).
    static let paramSlots = 16
    static let functions = NameTable(WASIFunction.allCases.map(\.name))
    static let groups = NameTable(WASIFunction.allCases.map(\.group.rawValue))
    /// Parameter `p` of function `f` at `f.rawValue * paramSlots + p`.
    static let params = NameTable(WASIFunction.allCases.flatMap { function in
        (0..<paramSlots).map { $0 < function.params.count ? function.params[$0].name : "" }
    })
    /// The kinds of the parameters, laid out as `params`. Trivial values, so reading one costs
    /// no reference counting (an element of `function.params` carries the name's String).
    static let kinds: UnsafePointer<WASIParamKind> = {
        let table = UnsafeMutablePointer<WASIParamKind>.allocate(capacity: WASIFunction.allCases.count * paramSlots)
        for function in WASIFunction.allCases {
            for slot in 0..<paramSlots {
                let kind = slot < function.params.count ? function.params[slot].kind : .length
                (table + function.rawValue * paramSlots + slot).initialize(to: kind)
            }
        }
        return UnsafePointer(table)
    }()
    static let paramCounts: UnsafePointer<Int> = {
        let table = UnsafeMutablePointer<Int>.allocate(capacity: WASIFunction.allCases.count)
        for function in WASIFunction.allCases { (table + function.rawValue).initialize(to: function.params.count) }
        return UnsafePointer(table)
    }()
    /// Per function, bit p set when parameter p is an out-value.
    static let outMasks: UnsafePointer<UInt16> = {
        let table = UnsafeMutablePointer<UInt16>.allocate(capacity: WASIFunction.allCases.count)
        for function in WASIFunction.allCases {
            var mask: UInt16 = 0
            for (position, param) in function.params.enumerated() {
                if case .out = param.kind { mask |= 1 << UInt16(position) }
            }
            (table + function.rawValue).initialize(to: mask)
        }
        return UnsafePointer(table)
    }()
    /// Indexed by raw value; `ESUCCESS` for 0.
    static let errnos: NameTable = {
        var names = Array(repeating: "", count: Int(WASIErrno.allCases.map(\.rawValue).max() ?? 0) + 1)
        for code in WASIErrno.allCases { names[Int(code.rawValue)] = code.name }
        return NameTable(names)
    }()
    static let whences = NameTable(WASIWhence.allCases.map(\.name))
    static let clocks = NameTable(WASIClockID.allCases.map(\.name))
    static let advices = NameTable(WASIAdvice.allCases.map(\.name))
    static let fileTypes = NameTable(WASIFileType.allCases.map(\.name))
    static let eventTypes = NameTable(WASIEventType.allCases.map(\.name))
    static let signals = NameTable(WASISignal.names)

    static let rights = FlagTable(WASIRights.names)
    static let fdflags = FlagTable(WASIFDFlags.names)
    static let oflags = FlagTable(WASIOFlags.names)
    static let lookupflags = FlagTable(WASILookupFlags.names)
    static let fstflags = FlagTable(WASIFstFlags.names)
    static let riflags = FlagTable(WASIMiscFlags.riflagsNames)
    static let sdflags = FlagTable(WASIMiscFlags.sdflagsNames)
    static let roflags = FlagTable(WASIMiscFlags.roflagsNames)
    static let subclock = FlagTable(WASIMiscFlags.subclockNames)
    static let eventrw = FlagTable(WASIMiscFlags.eventrwNames)

    static func flags(_ kind: WASIFlagsKind) -> FlagTable {
        switch kind {
        case .rights: return rights
        case .fdflags: return fdflags
        case .oflags: return oflags
        case .lookupflags: return lookupflags
        case .fstflags: return fstflags
        case .riflags: return riflags
        case .sdflags: return sdflags
        case .siflags: return riflags  // not used: siflags show as a number
        }
    }
}

/// The tables every traced call reads, gathered so a monitor reads the globals once (each
/// read of a lazily made global costs a `swift_once` check). Errno names stay apart: they are
/// made (by reflection, slow the first time) only when a call fails or JSON is written.
struct TraceTables: @unchecked Sendable {
    let functions = TraceNames.functions
    let groups = TraceNames.groups
    let params = TraceNames.params
    let kinds = TraceNames.kinds
    let paramCounts = TraceNames.paramCounts
    let outMasks = TraceNames.outMasks
    let clocks = TraceNames.clocks

    static let shared = TraceTables()
}

extension TraceBytes {
    @inline(__always)
    mutating func append(_ table: NameTable, _ index: Int) { append(table.name(index)) }

    /// Name `index` of `table` when it exists, else `value` in decimal (an unknown value).
    @inline(__always)
    mutating func name(_ table: NameTable, _ index: UInt64, orDecimal value: UInt64) {
        if index < UInt64(table.count) { append(table.name(Int(index))) } else { decimal(value) }
    }

    /// A flag set as `NAME|NAME`, `0` when empty, leftover unknown bits as hex.
    mutating func flags(_ value: UInt64, _ table: FlagTable) {
        if value == 0 {
            append(0x30)
            return
        }
        var rest = value
        var first = true
        for index in 0..<table.names.count where value & table.bit(index) != 0 {
            if !first { append(0x7C) }
            append(table.names.name(index))
            first = false
            rest &= ~table.bit(index)
        }
        if rest != 0 {
            if !first { append(0x7C) }
            hex(rest)
        }
    }

    /// A rights set, short: `RIGHTS_ALL` when every defined right is there,
    /// `RIGHTS_ALL&~FD_WRITE` or `RIGHTS_ALL&~(FD_SEEK|FD_WRITE)` when fewer than half of them
    /// are missing, else the plain list of `flags` (`0` for none). Bits without a name follow
    /// as `|0x…`, as in the list form. (C precedence reads the result back as the same set.)
    mutating func compactRights(_ value: UInt64, _ table: FlagTable) {
        let missing = table.defined & ~value
        let missingCount = missing.nonzeroBitCount
        guard missingCount * 2 < table.names.count else { return flags(value, table) }
        append("RIGHTS_ALL")
        if missingCount > 0 {
            append("&~")
            if missingCount > 1 { append(0x28) }
            flags(missing, table)
            if missingCount > 1 { append(0x29) }
        }
        let unknown = value & ~table.defined
        if unknown != 0 {
            append(0x7C)
            hex(unknown)
        }
    }
}
