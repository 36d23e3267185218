/// A decoder for Rust's v0 symbol mangling (`_R...`): paths, impls, closures and shims,
/// generic arguments, basic and compound types, const generics and back references. It
/// prints what rustc-demangle's short form prints (no crate disambiguators, no hash). Anything
/// it does not know (unknown tags) makes it give up: `demangle` returns nil.
struct RustV0Demangler {
    private let bytes: [UInt8]
    private var position: Int
    /// Back references can point backwards into themselves; depth and steps bound the work.
    private var depth = 0
    private var steps = 0
    private static let maximumDepth = 64
    private static let maximumSteps = 10_000

    private struct Failure: Error {}

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = 0
    }

    static func demangle(_ name: String) -> String? {
        guard name.hasPrefix("_R") else { return nil }
        var decoder = RustV0Demangler(Array(name.utf8.dropFirst(2)))
        do {
            // An optional encoding version (decimal); only version 0 (absent) exists.
            if let c = decoder.peek(), c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { return nil }
            let path = try decoder.path(inValue: true)
            // The instantiating crate (a path) and a vendor suffix (".llvm.123") may follow.
            return path
        } catch {
            return nil
        }
    }

    // MARK: reading

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func next() throws -> UInt8 {
        guard position < bytes.count else { throw Failure() }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func eat(_ c: Character) -> Bool {
        if peek() == c.asciiValue { position += 1; return true }
        return false
    }

    private mutating func enter() throws {
        depth += 1
        steps += 1
        if depth > Self.maximumDepth || steps > Self.maximumSteps { throw Failure() }
    }

    /// base-62-number: "_" is 0, else digits 0-9a-zA-Z then "_" is value + 1.
    private mutating func base62() throws -> UInt64 {
        if eat("_") { return 0 }
        var value: UInt64 = 0
        while true {
            let c = try next()
            if c == UInt8(ascii: "_") { break }
            let digit: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = UInt64(c - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = UInt64(c - UInt8(ascii: "A")) + 36
            default: throw Failure()
            }
            let (m, o1) = value.multipliedReportingOverflow(by: 62)
            let (s, o2) = m.addingReportingOverflow(digit)
            guard !o1 && !o2 else { throw Failure() }
            value = s
        }
        return value + 1
    }

    private mutating func disambiguator() throws -> UInt64 {
        eat("s") ? try base62() + 1 : 0
    }

    private mutating func decimal() throws -> Int {
        var value = 0
        guard let first = peek(), first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") else { throw Failure() }
        if first == UInt8(ascii: "0") { position += 1; return 0 }
        while let c = peek(), c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
            value = value * 10 + Int(c - UInt8(ascii: "0"))
            guard value <= bytes.count else { throw Failure() }
            position += 1
        }
        return value
    }

    private mutating func identifier() throws -> (disambiguator: UInt64, name: String) {
        let d = try disambiguator()
        let isPunycode = eat("u")
        let length = try decimal()
        _ = eat("_")
        guard position + length <= bytes.count else { throw Failure() }
        let raw = bytes[position..<position + length]
        position += length
        guard isPunycode else { return (d, String(decoding: raw, as: UTF8.self)) }
        guard let name = Self.punycode(Array(raw)) else { throw Failure() }
        return (d, name)
    }

    /// A non-ASCII identifier: RFC 3492 Punycode, with `_` in place of the `-` that ends the
    /// basic (ASCII) code points: `u9Zrich_kva` is `Zürich`.
    static func punycode(_ encoded: [UInt8]) -> String? {
        let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
        var output: [UInt32] = []
        var rest = encoded[...]
        if let delimiter = encoded.lastIndex(of: UInt8(ascii: "_")) {
            guard encoded[..<delimiter].allSatisfy({ $0 < 0x80 }) else { return nil }
            output = encoded[..<delimiter].map { UInt32($0) }
            rest = encoded[(delimiter + 1)...]
        }
        func digit(_ c: UInt8) -> Int? {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(c - UInt8(ascii: "a"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(c - UInt8(ascii: "A"))
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0")) + 26
            default: return nil
            }
        }
        func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
            var delta = first ? delta / damp : delta / 2
            delta += delta / count
            var k = 0
            while delta > ((base - tMin) * tMax) / 2 {
                delta /= base - tMin
                k += base
            }
            return k + (base - tMin + 1) * delta / (delta + skew)
        }
        var n = 128, i = 0, bias = 72
        var input = rest.makeIterator()
        var pending = input.next()
        while pending != nil {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard let c = pending, let d = digit(c) else { return nil }
                pending = input.next()
                // Bounded: identifiers are short, and a hostile one must not overflow.
                guard d <= (Int(Int32.max) - i) / w else { return nil }
                i += d * w
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                guard w <= Int(Int32.max) / (base - t) else { return nil }
                w *= base - t
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            guard i / (output.count + 1) <= Int(Int32.max) - n else { return nil }
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF, Unicode.Scalar(UInt32(n)) != nil, output.count < 4096 else { return nil }
            output.insert(UInt32(n), at: i)
            i += 1
        }
        var text = ""
        for scalar in output {
            guard let u = Unicode.Scalar(scalar) else { return nil }
            text.unicodeScalars.append(u)
        }
        return text
    }

    /// Decodes what a back reference points at, then comes back.
    private mutating func backref<T>(_ body: (inout RustV0Demangler) throws -> T) throws -> T {
        let target = Int(try base62())
        guard target < position else { throw Failure() }
        let saved = position
        position = target
        defer { position = saved }
        return try body(&self)
    }

    // MARK: grammar

    private mutating func path(inValue: Bool) throws -> String {
        try enter()
        defer { depth -= 1 }
        let tag = try next()
        switch tag {
        case UInt8(ascii: "C"):
            return try identifier().name
        case UInt8(ascii: "M"):
            _ = try disambiguator()
            _ = try path(inValue: false)                        // the impl's parent path
            return "<" + (try type()) + ">"
        case UInt8(ascii: "X"):
            _ = try disambiguator()
            _ = try path(inValue: false)
            let selfType = try type()
            return "<\(selfType) as \(try path(inValue: false))>"
        case UInt8(ascii: "Y"):
            let selfType = try type()
            return "<\(selfType) as \(try path(inValue: false))>"
        case UInt8(ascii: "N"):
            let namespace = try next()
            let parent = try path(inValue: inValue)
            let (d, name) = try identifier()
            switch namespace {
            case UInt8(ascii: "C"): return parent + "::{closure" + (name.isEmpty ? "" : ":\(name)") + "#\(d)}"
            case UInt8(ascii: "S"): return parent + "::{shim" + (name.isEmpty ? "" : ":\(name)") + "#\(d)}"
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return parent + "::{" + String(UnicodeScalar(namespace)) + (name.isEmpty ? "" : ":\(name)") + "#\(d)}"
            default: return name.isEmpty ? parent : parent + "::" + name
            }
        case UInt8(ascii: "I"):
            let base = try path(inValue: inValue)
            var arguments: [String] = []
            while !eat("E") { arguments.append(try genericArgument()) }
            return base + (inValue ? "::<" : "<") + arguments.joined(separator: ", ") + ">"
        case UInt8(ascii: "B"):
            return try backref { try $0.path(inValue: inValue) }
        default:
            throw Failure()
        }
    }

    private mutating func genericArgument() throws -> String {
        if eat("L") { _ = try base62(); return "'_" }
        if eat("K") { return try constant() }
        return try type()
    }

    private static let basicTypes: [UInt8: String] = [
        UInt8(ascii: "a"): "i8", UInt8(ascii: "b"): "bool", UInt8(ascii: "c"): "char", UInt8(ascii: "d"): "f64",
        UInt8(ascii: "e"): "str", UInt8(ascii: "f"): "f32", UInt8(ascii: "h"): "u8", UInt8(ascii: "i"): "isize",
        UInt8(ascii: "j"): "usize", UInt8(ascii: "l"): "i32", UInt8(ascii: "m"): "u32", UInt8(ascii: "n"): "i128",
        UInt8(ascii: "o"): "u128", UInt8(ascii: "s"): "i16", UInt8(ascii: "t"): "u16", UInt8(ascii: "u"): "()",
        UInt8(ascii: "v"): "...", UInt8(ascii: "x"): "i64", UInt8(ascii: "y"): "u64", UInt8(ascii: "z"): "!",
        UInt8(ascii: "p"): "_",
    ]

    private mutating func type() throws -> String {
        try enter()
        defer { depth -= 1 }
        guard let tag = peek() else { throw Failure() }
        if let basic = Self.basicTypes[tag] { position += 1; return basic }
        switch tag {
        case UInt8(ascii: "A"):
            position += 1
            let element = try type()
            return "[\(element); \(try constant())]"
        case UInt8(ascii: "S"):
            position += 1
            return "[\(try type())]"
        case UInt8(ascii: "T"):
            position += 1
            var elements: [String] = []
            while !eat("E") { elements.append(try type()) }
            return elements.count == 1 ? "(\(elements[0]),)" : "(" + elements.joined(separator: ", ") + ")"
        case UInt8(ascii: "R"), UInt8(ascii: "Q"):
            position += 1
            if eat("L") { _ = try base62() }
            return (tag == UInt8(ascii: "R") ? "&" : "&mut ") + (try type())
        case UInt8(ascii: "P"):
            position += 1
            return "*const " + (try type())
        case UInt8(ascii: "O"):
            position += 1
            return "*mut " + (try type())
        case UInt8(ascii: "F"):
            position += 1
            return try functionSignature()
        case UInt8(ascii: "D"):
            position += 1
            return try dynBounds()
        case UInt8(ascii: "B"):
            position += 1
            return try backref { try $0.type() }
        default:
            return try path(inValue: false)
        }
    }

    private mutating func functionSignature() throws -> String {
        if eat("G") { _ = try base62() }                        // for<'a> binders
        var prefix = ""
        if eat("U") { prefix += "unsafe " }
        if eat("K") {
            if eat("C") { prefix += "extern \"C\" " } else {
                let (_, abi) = try identifier()
                prefix += "extern \"\(abi.replacingUnderscores())\" "
            }
        }
        var parameters: [String] = []
        while !eat("E") { parameters.append(try type()) }
        let result = try type()
        return prefix + "fn(" + parameters.joined(separator: ", ") + ")" + (result == "()" ? "" : " -> " + result)
    }

    private mutating func dynBounds() throws -> String {
        if eat("G") { _ = try base62() }
        var traits: [String] = []
        while !eat("E") {
            var text = try path(inValue: false)
            var associated: [String] = []
            while eat("p") {
                let (_, name) = try identifier()
                associated.append("\(name) = \(try type())")
            }
            if !associated.isEmpty {
                // Associated types go inside the trait's argument list.
                if text.hasSuffix(">") { text = String(text.dropLast()) + ", " + associated.joined(separator: ", ") + ">" }
                else { text += "<" + associated.joined(separator: ", ") + ">" }
            }
            traits.append(text)
        }
        guard eat("L") else { throw Failure() }
        _ = try base62()
        return "dyn " + traits.joined(separator: " + ")
    }

    private mutating func constant() throws -> String {
        try enter()
        defer { depth -= 1 }
        if eat("p") { return "_" }
        if eat("B") { return try backref { try $0.constant() } }
        let typeTag = try next()
        let negative = eat("n")
        var hexDigits = ""
        while let c = peek(), c != UInt8(ascii: "_") {
            hexDigits.append(Character(UnicodeScalar(c)))
            position += 1
        }
        guard eat("_") else { throw Failure() }
        let value = hexDigits.isEmpty ? 0 : UInt64(hexDigits, radix: 16)
        switch typeTag {
        case UInt8(ascii: "b"): return value == 0 ? "false" : "true"
        case UInt8(ascii: "c"):
            guard let v = value, let scalar = UnicodeScalar(UInt32(truncatingIfNeeded: v)) else { throw Failure() }
            return "'\(Character(scalar))'"
        default:
            guard let v = value, Self.basicTypes[typeTag] != nil else { throw Failure() }
            return (negative ? "-" : "") + String(v)
        }
    }
}

private extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
