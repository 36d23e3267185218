// Counts for `--trace-summary`, printed like `strace -c`.

public struct WASICallSummary: Sendable {
    public struct Entry: Sendable, Equatable {
        public var calls = 0
        public var errors = 0
        public var nanoseconds: UInt64 = 0
    }

    /// Indexed by `WASIFunction.rawValue` (counting a call is an array update, not a hash).
    private var counts = Array(repeating: Entry(), count: WASIFunction.allCases.count)

    /// The functions called so far.
    public var entries: [WASIFunction: Entry] {
        var result: [WASIFunction: Entry] = [:]
        for function in WASIFunction.allCases where counts[function.rawValue].calls > 0 {
            result[function] = counts[function.rawValue]
        }
        return result
    }

    mutating func record(_ function: WASIFunction, failed: Bool, nanoseconds: UInt64) {
        counts[function.rawValue].calls += 1
        if failed { counts[function.rawValue].errors += 1 }
        counts[function.rawValue].nanoseconds &+= nanoseconds
    }

    /// Rows sorted by time (then calls, then name), a rule, and a total row.
    public func table() -> String {
        let entries = self.entries
        let total = entries.values.reduce(UInt64(0)) { $0 &+ $1.nanoseconds }
        let rows = entries.sorted {
            if $0.value.nanoseconds != $1.value.nanoseconds { return $0.value.nanoseconds > $1.value.nanoseconds }
            if $0.value.calls != $1.value.calls { return $0.value.calls > $1.value.calls }
            return $0.key.name < $1.key.name
        }
        let rule = "------ ----------- ----------- --------- --------- ----------------"
        var lines = ["% time     seconds  usecs/call     calls    errors call", rule]
        func row(_ nanoseconds: UInt64, _ calls: Int, _ errors: Int, _ name: String) -> String {
            let percent = total == 0 ? 0 : (nanoseconds &* 10_000 &+ total / 2) / total
            let fraction = String(percent % 100)
            let percentText = "\(percent / 100)." + (fraction.count == 1 ? "0" : "") + fraction
            let perCall = calls == 0 ? 0 : nanoseconds / 1000 / UInt64(calls)
            return pad(percentText, 6) + " " + pad(TraceText.seconds(nanoseconds), 11) + " "
                + pad(String(perCall), 11) + " " + pad(String(calls), 9) + " "
                + pad(errors == 0 ? "" : String(errors), 9) + " " + name
        }
        for (function, entry) in rows {
            lines.append(row(entry.nanoseconds, entry.calls, entry.errors, function.name))
        }
        lines.append(rule)
        let calls = entries.values.reduce(0) { $0 + $1.calls }
        let errors = entries.values.reduce(0) { $0 + $1.errors }
        lines.append(row(total, calls, errors, "total"))
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
