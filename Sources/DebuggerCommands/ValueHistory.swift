import Debugger
import FoundationEssentials
import WasmVM

/// gdb's value history: `print` numbers its results `$1 = …`, `$2 = …`, and expressions may
/// use them. The rule that keeps them apart from Wasm's `$name` identifiers:
///
/// - `$` followed by digits only (`$1`, `$12`) is always the history (a Wasm name made of
///   digits is reached as `local[N]` or `global[N]` instead);
/// - `$` alone is the last value, `$$` the one before, `$$N` the value N back from the last;
/// - `$_` is the address of the last unit `x` examined, unless the selected frame has a local
///   or the module a global named `$_`, which then wins;
/// - every other `$name` is a local or global, as before.
///
/// History values enter the expression as typed literals (`i32:5`), so they keep their type.
extension DebuggerAdapter {
    /// Records a printed value; returns its number.
    func recordInHistory(_ value: Value) -> Int {
        valueHistory.append(value)
        return valueHistory.count
    }

    /// `text` with the history references replaced by literals.
    func substituteHistory(_ text: String, forSource: Bool = false) throws -> String {
        guard text.contains("$") else { return text }
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            guard chars[i] == "$" else {
                out.append(chars[i])
                i += 1
                continue
            }
            var j = i + 1
            while j < chars.count, Self.isNameCharacter(chars[j]) { j += 1 }
            let name = String(chars[(i + 1)..<j])
            if let value = try historyValue(named: name), !forSource, value.isGCReference {
                // A GC reference stays a name: the evaluator asks the history for it (and the
                // history's `Value` keeps the object alive: Docs/wasm-3.0.md, "GC: the heap and the collector").
                installHistoryReference()
                out += "$" + name
            } else if let value = try historyValue(named: name) {
                out += forSource ? try cLiteral(value, for: "$" + name) : try literal(value, for: "$" + name)
            } else {
                out += "$" + name
            }
            i = j
        }
        return out
    }

    private func installHistoryReference() {
        guard debugger.historyReference == nil else { return }
        debugger.historyReference = { [weak self] name in
            // `1.x` asks for `1` first (the evaluator splits at the last dot).
            guard let self, let value = try? self.historyValue(named: name), value.isGCReference else { return nil }
            return value
        }
    }

    /// The characters of a `$name` in the expression language.
    static func isNameCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "." || c == "$" || c == ":"
    }

    /// The value a history reference names; nil when `name` is a Wasm name.
    private func historyValue(named name: String) throws -> Value? {
        let count = valueHistory.count
        func back(_ n: Int, _ spelled: String) throws -> Value {
            guard count > n else {
                throw ReplError(count == 0 ? "History is empty: \(spelled) needs a value printed first."
                                           : "History has only \(count) value\(count == 1 ? "" : "s"): \(spelled) goes further back.")
            }
            return try usable(count - n, spelled)
        }
        /// A source aggregate (`$3 = {x = 1, y = 2}`) is numbered but not a number to compute with.
        func usable(_ number: Int, _ spelled: String) throws -> Value {
            if aggregateHistory.contains(number) {
                throw ReplError("\(spelled) is a structure, union or array value; only numbers can be used in expressions.")
            }
            return valueHistory[number - 1]
        }
        if name.isEmpty { return try back(0, "$") }
        if name.allSatisfy(\.isASCIIDigit) {
            guard let n = Int(name), n >= 1, n <= count else {
                throw ReplError("History has not yet reached $\(name).")
            }
            return try usable(n, "$" + name)
        }
        if name.hasPrefix("$") {
            let rest = name.dropFirst()
            if rest.isEmpty { return try back(1, "$$") }
            if rest.allSatisfy(\.isASCIIDigit) {
                guard let n = Int(rest) else { throw ReplError("History has not yet reached $\(name).") }
                return try back(n, "$" + name)
            }
            return nil
        }
        if name == "_", !wasmNameExists("$_") {
            guard let address = lastExaminedAddress else {
                throw ReplError("$_ is the last address x examined, and nothing was examined yet.")
            }
            return address <= UInt64(UInt32.max) ? .i32(UInt32(address)) : .i64(address)
        }
        return nil
    }

    private func wasmNameExists(_ name: String) -> Bool {
        let locals = (try? debugger.frame())?.locals.map(\.name) ?? []
        return locals.contains(name) || debugger.globals().contains { $0.name == name }
    }

    /// A history value as a C constant of the same type (for the source view's evaluator).
    private func cLiteral(_ value: Value, for reference: String) throws -> String {
        switch value {
        case .i32(let v): return "(\(Int32(bitPattern: v)))"
        case .i64(let v): return "(\(Int64(bitPattern: v))LL)"
        case .f32(let v): return "((float)\(Double(Float(bitPattern: v))))"
        case .f64(let v): return "(\(Double(bitPattern: v)))"
        default: throw ReplError("\(reference) is \(value), and only numbers can be used in expressions.")
        }
    }

    private func literal(_ value: Value, for reference: String) throws -> String {
        switch value {
        case .i32, .i64, .f32, .f64: return "(\(value.description))"
        default:
            throw ReplError("\(reference) is \(value), and only numbers can be used in expressions.")
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
