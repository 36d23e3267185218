/// Numeric literals of the text format (spec §6.3.1): integers with optional sign, hex and
/// `_` separators; floats in decimal or hex, `inf`, `nan`, `nan:0x…`.
///
/// Syntax is checked here byte by byte (the spec is strict about where `_` may go); decimal and
/// hex floats are then converted by the standard library, which rounds correctly.

enum Literals {
    /// Parses `num` or `0x hexnum` (no sign) in `bytes[start..<end]`; nil if malformed or > UInt64.
    static func unsigned(_ bytes: [UInt8], _ start: Int, _ end: Int) -> UInt64? {
        guard start < end else { return nil }
        var i = start
        var hex = false
        if end - start > 2, bytes[i] == UInt8(ascii: "0"), bytes[i + 1] == UInt8(ascii: "x") {
            hex = true
            i += 2
        }
        var value: UInt64 = 0
        var lastWasDigit = false
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "_") {
                guard lastWasDigit else { return nil }
                lastWasDigit = false
                i += 1
                continue
            }
            let digit: UInt64
            if hex {
                guard let d = hexDigitValue(b) else { return nil }
                digit = UInt64(d)
                guard value >> 60 == 0 else { return nil }
                value = value << 4 | digit
            } else {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                digit = UInt64(b - UInt8(ascii: "0"))
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(digit)
                guard !o1, !o2 else { return nil }
                value = s
            }
            lastWasDigit = true
            i += 1
        }
        return lastWasDigit ? value : nil
    }

    /// Whether the text looks like a number at all (so errors can say "constant out of range"
    /// rather than "unexpected token").
    static func looksNumeric(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var i = start
        if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { return false }
        let b = bytes[i]
        return (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "i") || b == UInt8(ascii: "n")
    }

    /// An integer of `bits` bits: signed values from -2^(bits-1), unsigned up to 2^bits - 1.
    /// Returns the two's complement bit pattern.
    enum IntResult { case value(UInt64), outOfRange, malformed }

    static func integer(_ bytes: [UInt8], _ start: Int, _ end: Int, bits: Int) -> IntResult {
        guard start < end else { return .malformed }
        var i = start
        var negative = false
        var signed = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            signed = true
            i += 1
        }
        guard let magnitude = unsigned(bytes, i, end) else {
            return isDigitRun(bytes, i, end) ? .outOfRange : .malformed
        }
        let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        if negative {
            let limit: UInt64 = 1 << UInt64(bits - 1)
            guard magnitude <= limit else { return .outOfRange }
            return .value((0 &- magnitude) & mask)
        }
        if signed {
            guard magnitude <= mask else { return .outOfRange }   // `+` allows the unsigned range too
        }
        guard magnitude <= mask else { return .outOfRange }
        return .value(magnitude)
    }

    /// True when the text is well-formed digits (so a failure was overflow).
    static func isDigitRun(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        var i = start
        var hex = false
        if end - start > 2, bytes[i] == UInt8(ascii: "0"), bytes[i + 1] == UInt8(ascii: "x") { hex = true; i += 2 }
        var last = false
        while i < end {
            let b = bytes[i]
            if b == UInt8(ascii: "_") {
                if !last { return false }
                last = false
            } else if hex ? hexDigitValue(b) != nil : (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) {
                last = true
            } else {
                return false
            }
            i += 1
        }
        return last
    }

    enum FloatResult<Bits> { case value(Bits), outOfRange, malformed }

    static func float32(_ bytes: [UInt8], _ start: Int, _ end: Int) -> FloatResult<UInt32> {
        switch float(bytes, start, end, mantissaBits: 23) {
        case .malformed: return .malformed
        case .outOfRange: return .outOfRange
        case .special(let negative, let payload):
            let sign: UInt32 = negative ? 0x8000_0000 : 0
            guard let payload else { return .value(sign | 0x7F80_0000) }   // inf
            return .value(sign | 0x7F80_0000 | UInt32(truncatingIfNeeded: payload))
        case .text(let text):
            guard let f = Float(text) else { return .malformed }
            return f.isInfinite ? .outOfRange : .value(f.bitPattern)
        }
    }

    static func float64(_ bytes: [UInt8], _ start: Int, _ end: Int) -> FloatResult<UInt64> {
        switch float(bytes, start, end, mantissaBits: 52) {
        case .malformed: return .malformed
        case .outOfRange: return .outOfRange
        case .special(let negative, let payload):
            let sign: UInt64 = negative ? 0x8000_0000_0000_0000 : 0
            guard let payload else { return .value(sign | 0x7FF0_0000_0000_0000) }
            return .value(sign | 0x7FF0_0000_0000_0000 | payload)
        case .text(let text):
            guard let d = Double(text) else { return .malformed }
            return d.isInfinite ? .outOfRange : .value(d.bitPattern)
        }
    }

    private enum Scanned {
        case malformed, outOfRange
        /// inf (payload nil) or a NaN with its payload.
        case special(negative: Bool, payload: UInt64?)
        /// Underscore-free text for the standard library to convert.
        case text(String)
    }

    private static func float(_ bytes: [UInt8], _ start: Int, _ end: Int, mantissaBits: UInt64) -> Scanned {
        var i = start
        var negative = false
        if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end else { return .malformed }
        let rest = end - i
        func matches(_ word: StaticString) -> Bool {
            guard rest >= word.utf8CodeUnitCount else { return false }
            for k in 0..<word.utf8CodeUnitCount where bytes[i + k] != word.utf8Start[k] { return false }
            return true
        }
        if rest == 3 && matches("inf") { return .special(negative: negative, payload: nil) }
        if rest == 3 && matches("nan") { return .special(negative: negative, payload: 1 << (mantissaBits - 1)) }
        if matches("nan:0x") {
            guard let payload = unsigned(bytes, i + 4, end) else {
                return isDigitRun(bytes, i + 4, end) ? .outOfRange : .malformed
            }
            guard payload >= 1, payload < (1 << mantissaBits) else { return .outOfRange }
            return .special(negative: negative, payload: payload)
        }
        // Check the syntax and drop the underscores.
        var clean: [UInt8] = []
        clean.reserveCapacity(end - start + 4)
        if negative { clean.append(UInt8(ascii: "-")) }
        var hex = false
        if rest > 2, bytes[i] == UInt8(ascii: "0"), bytes[i + 1] == UInt8(ascii: "x") {
            hex = true
            clean += [UInt8(ascii: "0"), UInt8(ascii: "x")]
            i += 2
        }
        func isDigit(_ b: UInt8) -> Bool {
            hex ? hexDigitValue(b) != nil : (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
        }
        /// Scans `digit (_? digit)*` (decimal when `decimal`), appending digits; false if malformed.
        func digits(decimal: Bool, required: Bool) -> Bool {
            var count = 0
            var last = false
            while i < end {
                let b = bytes[i]
                if b == UInt8(ascii: "_") {
                    guard last else { return false }
                    last = false
                } else if decimal ? (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) : isDigit(b) {
                    clean.append(b)
                    last = true
                    count += 1
                } else {
                    break
                }
                i += 1
            }
            if count > 0 && !last { return false }   // trailing underscore
            return count > 0 || !required
        }
        guard digits(decimal: !hex, required: true) else { return .malformed }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            clean.append(UInt8(ascii: "."))
            i += 1
            guard digits(decimal: !hex, required: false) else { return .malformed }
        }
        if i < end, hex ? (bytes[i] == UInt8(ascii: "p") || bytes[i] == UInt8(ascii: "P"))
                        : (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            clean.append(hex ? UInt8(ascii: "p") : UInt8(ascii: "e"))
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                clean.append(bytes[i])
                i += 1
            }
            guard digits(decimal: true, required: true) else { return .malformed }
        } else if hex {
            clean += Array("p0".utf8)   // the standard library wants an exponent on hex floats
        }
        guard i == end else { return .malformed }
        return .text(String(decoding: clean, as: UTF8.self))
    }
}
