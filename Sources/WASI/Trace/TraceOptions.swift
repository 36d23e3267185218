// Trace configuration: which calls (filter), how (format, string limit, times), and which calls
// to fail on purpose (fault injection with strace's `inject` semantics).

/// A problem in a --trace filter or --inject spec.
public struct WASITraceError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum WASITraceFormat: String, Sendable {
    case text, json
}

/// How a text line prints a set of rights (`--trace-rights`). A descriptor usually holds all
/// thirty rights or nearly all, and spelling each one out made a `path_open` line run to
/// nearly a thousand characters; `compact` names what is missing from the full set instead.
/// JSON always lists every right, for tools.
public enum WASITraceRights: String, Sendable {
    /// `RIGHTS_ALL`, `RIGHTS_ALL&~(FD_SEEK|FD_WRITE)` when fewer than half are missing, else the list.
    case compact
    /// Every right by name, `FD_READ|FD_SEEK|…`.
    case full
}

/// The set of traced functions. Parsed from `name,group,!name,...`.
public struct WASICallFilter: Equatable, Sendable {
    /// Indexed by `WASIFunction.rawValue`.
    public private(set) var selected: [Bool]

    public static let all = WASICallFilter(selected: Array(repeating: true, count: WASIFunction.allCases.count))
    public static let none = WASICallFilter(selected: Array(repeating: false, count: WASIFunction.allCases.count))

    private init(selected: [Bool]) { self.selected = selected }

    public func contains(_ function: WASIFunction) -> Bool { selected[function.rawValue] }

    /// Items are applied left to right: a name or group adds, `!name` removes. A list that starts
    /// with a negation starts from every function (`!fd_write` = everything but fd_write), else
    /// from none. Groups may be written `filesystem` or `%filesystem`; `all` is every function.
    public init(parsing spec: String) throws(WASITraceError) {
        let items = spec.split(separator: ",", omittingEmptySubsequences: true).map {
            String($0).trimmingSpaces()
        }
        if items.isEmpty {
            self = .all
            return
        }
        self = items[0].hasPrefix("!") ? .all : .none
        for item in items {
            let negated = item.hasPrefix("!")
            let name = negated ? String(item.dropFirst()) : item
            let functions = try WASICallFilter.functions(named: name)
            for function in functions { selected[function.rawValue] = !negated }
        }
    }

    /// The functions a name stands for: one function, a group, or `all`.
    static func functions(named raw: String) throws(WASITraceError) -> [WASIFunction] {
        let name = raw.hasPrefix("%") ? String(raw.dropFirst()) : raw
        if name == "all" { return WASIFunction.allCases }
        if let function = WASIFunction(name: name) { return [function] }
        if let group = WASIGroup(rawValue: name) {
            return WASIFunction.allCases.filter { $0.group == group }
        }
        throw WASITraceError("unknown WASI function or group '\(raw)'")
    }
}

/// `--inject NAME:ERRNO[:when=N|N+|N..M]`: the matching calls fail with ERRNO without running.
/// Calls are counted per function from 1; without `when` every call fails.
public struct WASIInjection: Equatable, Sendable {
    public var functions: [WASIFunction]
    public var errno: WASIErrno
    public var first: Int
    /// nil: no upper bound.
    public var last: Int?

    public init(functions: [WASIFunction], errno: WASIErrno, first: Int = 1, last: Int? = nil) {
        self.functions = functions
        self.errno = errno
        self.first = first
        self.last = last
    }

    public init(parsing spec: String) throws(WASITraceError) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw WASITraceError("--inject expects NAME:ERRNO[:when=N|N+|N..M], got '\(spec)'")
        }
        var functions: [WASIFunction] = []
        for name in parts[0].split(separator: ",") {
            functions += try WASICallFilter.functions(named: String(name))
        }
        // proc_exit has no errno to return, so it cannot be made to fail.
        functions.removeAll { $0 == .proc_exit }
        guard !functions.isEmpty else { throw WASITraceError("--inject: nothing to inject into in '\(parts[0])'") }
        guard let code = WASIErrno(name: parts[1]), code != .success else {
            throw WASITraceError("--inject: unknown errno '\(parts[1])'")
        }
        self.init(functions: functions, errno: code)
        if parts.count == 3 {
            guard parts[2].hasPrefix("when=") else {
                throw WASITraceError("--inject: expected when=N|N+|N..M, got '\(parts[2])'")
            }
            let when = String(parts[2].dropFirst(5))
            func number(_ text: Substring) throws(WASITraceError) -> Int {
                guard let value = Int(text), value >= 1 else {
                    throw WASITraceError("--inject: '\(when)' is not a call number (from 1)")
                }
                return value
            }
            if when.hasSuffix("+") {
                first = try number(when.dropLast())
                last = nil
            } else if let dots = when.firstRange(of: "..") {
                let low = try number(when[..<dots.lowerBound])
                let high = try number(when[dots.upperBound...])
                guard high >= low else { throw WASITraceError("--inject: empty range '\(when)'") }
                first = low
                last = high
            } else {
                first = try number(Substring(when))
                last = first
            }
        }
    }

    func matches(call number: Int) -> Bool {
        number >= first && (last.map { number <= $0 } ?? true)
    }
}

public struct WASITraceOptions: Sendable {
    /// Print one line per call (`--trace`). Off with only `--trace-summary` or `--inject`.
    public var printCalls = true
    public var filter = WASICallFilter.all
    public var format = WASITraceFormat.text
    /// Bytes of each string or buffer shown before `...` (`--trace-strsize`).
    public var stringLimit = 32
    /// How text lines print rights sets (`--trace-rights`).
    public var rights = WASITraceRights.compact
    /// Append `<seconds>` (`--trace-time`).
    public var showTime = false
    /// Only calls that returned an errno (`--trace-failed`).
    public var failedOnly = false
    /// Collect the strace -c style table (`--trace-summary`).
    public var summary = false
    public var injections: [WASIInjection] = []

    public init() {}
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
