// Tokens of the C expression language: identifiers (with C++'s `::`), numbers with C's
// suffixes and types, character and string literals with their escapes, operators.

enum CLexer {
    private static let punctuators: [String] = [
        "<<=", ">>=", "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
        "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|", "^", "(", ")", "[", "]", ".", ",", "?", ":", "@",
    ]

    static func tokens(of text: String) throws -> [CToken] { try lex(text).tokens }

    /// The tokens and where each starts (in Unicode scalars).
    static func lex(_ text: String) throws -> (tokens: [CToken], offsets: [Int]) {
        let chars = Array(text.unicodeScalars)
        var i = 0
        var result: [CToken] = []
        var offsets: [Int] = []
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            offsets.append(i)
            if isIdentifierStart(c) {
                var j = i
                var word = ""
                // `geo::Rect`, `inventory::Item`: one identifier.
                while j < chars.count {
                    if isIdentifierPart(chars[j]) { word.unicodeScalars.append(chars[j]); j += 1 }
                    else if chars[j] == ":", j + 2 < chars.count, chars[j + 1] == ":", isIdentifierStart(chars[j + 2]) {
                        word += "::"; j += 2
                    } else { break }
                }
                result.append(.identifier(word))
                i = j
                continue
            }
            // Rust's tuple fields, `pair.1`, `some_ref.0`: after a value (a name, `)` or `]`) a
            // dot and digits are a member access, to rustc's field name `__1` (not a float).
            if c == ".", i + 1 < chars.count, isDigit(chars[i + 1]), let last = result.last, last.endsAValue {
                var j = i + 1
                var digits = ""
                while j < chars.count, isDigit(chars[j]) { digits.unicodeScalars.append(chars[j]); j += 1 }
                result.append(.punct("."))
                offsets.append(i + 1)
                result.append(.identifier("__" + digits))
                i = j
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                let (token, next) = try number(chars, from: i)
                result.append(token)
                i = next
                continue
            }
            if c == "'" {
                var j = i + 1
                guard j < chars.count else { throw DebuggerError("Unmatched single quote.") }
                guard chars[j] != "'" else { throw DebuggerError("Empty character constant.") }
                let value = try escapedCharacter(chars, &j)
                guard j < chars.count, chars[j] == "'" else { throw DebuggerError("Unmatched single quote.") }
                result.append(.character(value))
                i = j + 1
                continue
            }
            if c == "\"" {
                var j = i + 1
                var bytes: [UInt8] = []
                while j < chars.count, chars[j] != "\"" {
                    let value = try escapedCharacter(chars, &j)
                    if value < 0x80 { bytes.append(UInt8(value)) }
                    else if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: value)), chars[j - 1] != "\\" || value > 0xff {
                        bytes += Array(String(scalar).utf8)
                    } else { bytes.append(UInt8(truncatingIfNeeded: value)) }
                }
                guard j < chars.count else { throw DebuggerError("Unterminated string in expression.") }
                result.append(.string(bytes))
                i = j + 1
                continue
            }
            var matched = false
            for p in punctuators where matches(chars, at: i, p) {
                result.append(.punct(p))
                i += p.unicodeScalars.count
                matched = true
                break
            }
            if !matched { throw DebuggerError("Invalid character '\(c)' in expression.") }
        }
        result.append(.end)
        offsets.append(chars.count)
        return (result, offsets)
    }

    /// The source text from the token at `index` on (for "near `...'" in syntax errors).
    static func remainder(of text: String, afterTokens index: Int) -> String {
        guard let (tokens, offsets) = try? lex(text), index < tokens.count - 1, index < offsets.count else { return "" }
        let scalars = Array(text.unicodeScalars)
        var rest = String.UnicodeScalarView()
        rest.append(contentsOf: scalars[offsets[index]...])
        return String(rest)
    }

    private static func matches(_ chars: [Unicode.Scalar], at i: Int, _ p: String) -> Bool {
        let ps = Array(p.unicodeScalars)
        guard i + ps.count <= chars.count else { return false }
        for k in 0..<ps.count where chars[i + k] != ps[k] { return false }
        return true
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt64? {
        switch c {
        case "0"..."9": return UInt64(c.value - 48)
        case "a"..."f": return UInt64(c.value - 87)
        case "A"..."F": return UInt64(c.value - 55)
        default: return nil
        }
    }

    /// One character of a literal at `j` (an escape or the character itself); moves `j` past it.
    private static func escapedCharacter(_ chars: [Unicode.Scalar], _ j: inout Int) throws -> UInt64 {
        let c = chars[j]
        j += 1
        guard c == "\\" else { return UInt64(c.value) }
        guard j < chars.count else { throw DebuggerError("Unmatched single quote.") }
        let e = chars[j]
        j += 1
        switch e {
        case "n": return 10
        case "t": return 9
        case "r": return 13
        case "a": return 7
        case "b": return 8
        case "f": return 12
        case "v": return 11
        case "e": return 27
        case "x":
            var value: UInt64 = 0
            var digits = 0
            while j < chars.count, let h = hexValue(chars[j]), digits < 16 { value = value << 4 | h; j += 1; digits += 1 }
            guard digits > 0 else { throw DebuggerError("\\x escape without a following hex digit") }
            return value
        case "0"..."7":
            var value = UInt64(e.value - 48)
            var digits = 1
            while j < chars.count, digits < 3, chars[j] >= "0", chars[j] <= "7" { value = value * 8 + UInt64(chars[j].value - 48); j += 1; digits += 1 }
            return value
        default: return UInt64(e.value)
        }
    }

    /// A number: decimal, `0x` hex, `0` octal, `0b` binary, or a float; with C's suffixes.
    private static func number(_ chars: [Unicode.Scalar], from start: Int) throws -> (CToken, Int) {
        var j = start
        var body = ""
        while j < chars.count, isIdentifierPart(chars[j]) || chars[j] == "." ||
                ((chars[j] == "+" || chars[j] == "-") && j > start && (chars[j - 1] == "e" || chars[j - 1] == "E") && !body.lowercased().hasPrefix("0x")) {
            body.unicodeScalars.append(chars[j])
            j += 1
        }
        let lower = body.lowercased()
        let isHex = lower.hasPrefix("0x")
        let isFloat = !isHex && (lower.contains(".") || lower.contains("e"))
        if isFloat {
            var digits = Substring(lower)
            var type = CLiteralType.double
            if digits.hasSuffix("f") { type = .float; digits = digits.dropLast() }
            else if digits.hasSuffix("l") { digits = digits.dropLast() }
            guard let value = Double(digits) else { throw DebuggerError("Invalid number \"\(body)\".") }
            return (.floating(value, type), j)
        }
        var digits = Substring(lower)
        var unsigned = false
        var longs = 0
        while let last = digits.last, last == "u" || last == "l" {
            if last == "u" { unsigned = true } else { longs += 1 }
            digits = digits.dropLast()
        }
        let radix: Int
        if digits.hasPrefix("0x") { radix = 16; digits = digits.dropFirst(2) }
        else if digits.hasPrefix("0b") { radix = 2; digits = digits.dropFirst(2) }
        else if digits.count > 1 && digits.hasPrefix("0") { radix = 8; digits = digits.dropFirst() }
        else { radix = 10 }
        guard !digits.isEmpty, longs <= 2 else { throw DebuggerError("Invalid number \"\(body)\".") }
        guard let value = UInt64(digits, radix: radix) else {
            if digits.allSatisfy({ $0.isHexDigit }) { throw DebuggerError("Numeric constant too large.") }
            throw DebuggerError("Invalid number \"\(body)\".")
        }
        return (.integer(value, try literalType(value, decimal: radix == 10, unsigned: unsigned, longs: longs)), j)
    }

    /// C's (and gdb 13's) choice for an integer literal on wasm32 (int and long 32 bits, long
    /// long 64): the first of int, unsigned int (not for decimals), long, unsigned long, long
    /// long, unsigned long long that holds it, as the suffixes allow.
    static func literalType(_ n: UInt64, decimal: Bool, unsigned: Bool, longs: Int) throws -> CLiteralType {
        let haveSigned = !unsigned
        let haveUnsigned = unsigned || !decimal || n > UInt64(Int64.max)
        let fitsSigned32 = n <= UInt64(Int32.max), fitsUnsigned32 = n <= UInt64(UInt32.max)
        if longs == 0 && haveSigned && fitsSigned32 { return .int }
        if longs == 0 && haveUnsigned && fitsUnsigned32 { return .unsignedInt }
        if longs <= 1 && haveSigned && fitsSigned32 { return .long }
        if longs <= 1 && haveUnsigned && fitsUnsigned32 { return .unsignedLong }
        if haveSigned && n <= UInt64(Int64.max) { return .longLong }
        if haveUnsigned { return .unsignedLongLong }
        throw DebuggerError("Numeric constant too large.")
    }
}

private extension CToken {
    /// A token after which `.` can only be a member access.
    var endsAValue: Bool {
        switch self {
        case .identifier, .punct(")"), .punct("]"): return true
        default: return false
        }
    }
}
