import WasmCore

/// Reads the value input notation (Docs/architecture.md, Notation: value input): `i32:5`, `f32:1.5`, `f64:0x1p-3`, `-0.0`,
/// `nan`, `nan:0x200000`, `inf`, `(f64.const 1.5)`, `funcref:null`, `externref:7`, and bare
/// numbers when the type is known.
public enum ValueParser {
    public static func parse(_ input: String, as type: ValueType) -> Value? {
        var text = input.trimmingCharacters(in: " ")
        if case .ref(let r) = type, type != .funcref, type != .externref {
            return parseReference(text, r)
        }
        // (f64.const 1.5)
        if text.hasPrefix("("), text.hasSuffix(")") {
            let inner = text.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true)
            guard inner.count == 2, inner[0] == "\(type).const" else { return nil }
            text = String(inner[1])
        }
        // i32:5
        if let colon = text.firstIndex(of: ":"), let prefix = ValueType.named(String(text[..<colon])) {
            guard prefix == type else { return nil }
            text = String(text[text.index(after: colon)...])
        }
        text = text.replacingOccurrences(of: "_", with: "")
        switch type {
        case .i32:
            guard let v = integer(text), v >= -(1 << 31), v < (1 << 32) else { return nil }
            return .i32(UInt32(truncatingIfNeeded: v))
        case .i64:
            if let u = unsigned(text) { return .i64(u) }
            guard let v = integer(text) else { return nil }
            // (unsigned covers 0...UInt64.max; integer the negative range down to Int64.min)
            return .i64(UInt64(bitPattern: Int64(v)))
        case .f32:
            return float(text, nanBits: 0x7FC0_0000, payloadMask: 0x7F_FFFF) { Float($0).map { UInt64($0.bitPattern) } }
                .map { .f32(UInt32(truncatingIfNeeded: $0)) }
        case .f64:
            return float(text, nanBits: 0x7FF8_0000_0000_0000, payloadMask: 0xF_FFFF_FFFF_FFFF) { Double($0)?.bitPattern }
                .map { .f64($0) }
        case .funcref, .externref:
            if text == "null" { return type == .funcref ? .funcref(nil) : .externref(nil) }
            guard let n = UInt32(text) else { return nil }
            return type == .funcref ? .funcref(n) : .externref(n)
        case .v128, .ref:
            return nil
        }
    }

    /// A signed decimal or hexadecimal integer, within Int range (Int.min included:
    /// `-9223372036854775808` and `-0x8000000000000000` are i64's minimum).
    public static func integer(_ text: String) -> Int? {
        var s = Substring(text)
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        let magnitude: UInt64?
        if s.hasPrefix("0x") || s.hasPrefix("0X") { magnitude = UInt64(s.dropFirst(2), radix: 16) } else { magnitude = UInt64(s) }
        guard let m = magnitude else { return nil }
        if negative {
            guard m <= UInt64(Int.max) + 1 else { return nil }
            return Int(truncatingIfNeeded: 0 &- m)
        }
        guard m <= UInt64(Int.max) else { return nil }
        return Int(m)
    }

    private static func unsigned(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    private static func float(_ text: String, nanBits: UInt64, payloadMask: UInt64,
                              _ parse: (String) -> UInt64?) -> UInt64? {
        var s = Substring(text)
        var sign: UInt64 = 0
        let signBit: UInt64 = nanBits > 0xFFFF_FFFF ? 1 << 63 : 1 << 31
        if s.hasPrefix("-") { sign = signBit; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        if s == "nan" { return nanBits | sign }
        if s.hasPrefix("nan:0x") {
            guard let payload = UInt64(s.dropFirst(6), radix: 16), payload != 0, payload & ~payloadMask == 0 else { return nil }
            return (nanBits & ~payloadMask) | payload | sign
        }
        if s == "inf" || s == "infinity" { return parse("inf").map { $0 | sign } }
        // Swift reads decimal and hexadecimal (0x1p-3) floats with correct rounding.
        guard let first = s.first, first.isNumber || first == "." else { return nil }
        return parse(String(s)).map { $0 | sign }
    }
}

extension ValueType {
    /// The type with this text name (`i32`, `funcref`, ...).
    public static func named(_ name: String) -> ValueType? {
        [ValueType.i32, .i64, .f32, .f64, .v128, .funcref, .externref].first { $0.description == name }
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension ValueParser {
    /// A value of a 3.0 reference type typed by hand: `null` (`anyref:null`, …) or `i31:N` for a
    /// type that holds i31s. (Objects cannot be typed: they come from the guest; the debugger
    /// reaches them through names and the value history.)
    fileprivate static func parseReference(_ text: String, _ type: RefType) -> Value? {
        let body = text.split(separator: ":", maxSplits: 1).last.map(String.init) ?? text
        if body == "null" { return type.isNullable ? Value.zero(.ref(type)) : nil }
        if text.hasPrefix("i31:"), case .abstract(let a) = type.heapType, a == .i31 || a == .eq || a == .any,
           let v = integer(body), v >= -(1 << 30), v < (1 << 31) {
            return .anyref(.i31(UInt32(truncatingIfNeeded: v) & 0x7FFF_FFFF))
        }
        return nil
    }
}
