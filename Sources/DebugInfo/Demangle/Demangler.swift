import CDemangle

/// Readable names for linkage names: Itanium C++ (through the C++ runtime's `__cxa_demangle`),
/// legacy Rust (Itanium-shaped, with a hash component, which is dropped) and Rust v0 (`_R`, a
/// decoder of our own).
public enum Demangler {
    /// Mangled names longer than this are left alone (the runtime's demangler recurses).
    static let maximumLength = 4096

    /// The demangled name, or nil when `name` is not a mangled name this knows.
    public static func demangle(_ name: String) -> String? {
        guard name.utf8.count <= maximumLength, !name.utf8.contains(0) else { return nil }
        if name.hasPrefix("_R") { return RustV0Demangler.demangle(name) }
        if name.hasPrefix("_ZN"), let rust = demangleLegacyRust(name) { return rust }
        if name.hasPrefix("_Z") { return demangleItanium(name) }
        return nil
    }

    static func demangleItanium(_ name: String) -> String? {
        guard let result = wdb_cxa_demangle(name) else { return nil }
        defer { wdb_demangle_free(result) }
        return String(cString: result)
    }

    /// `_ZN` {length identifier} `E` whose last identifier is `h` + 16 hex digits: the path
    /// without the hash, each identifier's `$..$` escapes and `..` decoded.
    static func demangleLegacyRust(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        var i = 3
        var parts: [String] = []
        while i < bytes.count && bytes[i] != UInt8(ascii: "E") {
            var length = 0
            let digitsStart = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                length = length * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                i += 1
                if length > bytes.count { return nil }
            }
            guard i > digitsStart, length > 0, i + length <= bytes.count else { return nil }
            parts.append(String(decoding: bytes[i..<i + length], as: UTF8.self))
            i += length
        }
        guard i == bytes.count - 1, parts.count >= 2, let hash = parts.last, isRustHash(hash) else { return nil }
        var decoded: [String] = []
        for part in parts.dropLast() {
            guard let text = decodeLegacyIdentifier(part) else { return nil }
            decoded.append(text)
        }
        return decoded.joined(separator: "::")
    }

    private static func isRustHash(_ part: String) -> Bool {
        let bytes = Array(part.utf8)
        return bytes.count == 17 && bytes[0] == UInt8(ascii: "h") && bytes.dropFirst().allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
        }
    }

    private static let escapes: [String: String] = [
        "SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(", "RP": ")", "C": ",",
    ]

    private static func decodeLegacyIdentifier(_ part: String) -> String? {
        var text = Substring(part)
        // rustc adds "_" before an identifier that would start with "$".
        if text.hasPrefix("_$") { text = text.dropFirst() }
        var out = ""
        while let c = text.first {
            if c == "$" {
                guard let end = text.dropFirst().firstIndex(of: "$") else { return nil }
                let code = String(text[text.index(after: text.startIndex)..<end])
                if let replacement = escapes[code] {
                    out += replacement
                } else if code.hasPrefix("u"), let scalar = UInt32(code.dropFirst(), radix: 16), let u = Unicode.Scalar(scalar) {
                    out.unicodeScalars.append(u)
                } else {
                    return nil
                }
                text = text[text.index(after: end)...]
            } else if text.hasPrefix("..") {
                out += "::"
                text = text.dropFirst(2)
            } else {
                out.append(c)
                text = text.dropFirst()
            }
        }
        return out
    }
}
