/// WAT string literals: printable ASCII as is, everything else (and `"` and `\`) as `\hh`.
/// Escaping bytes keeps names and data exact whatever they hold.
enum WatString {
    static func quoted(_ text: String) -> String {
        quoted(Array(text.utf8))
    }

    static func quoted(_ bytes: [UInt8]) -> String {
        var result = "\""
        result.reserveCapacity(bytes.count + 2)
        let hexDigits = Array("0123456789abcdef")
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result.append("\\")
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0xF)])
            }
        }
        result.append("\"")
        return result
    }
}
