/// A WAT module as text, plus the module fields typed at the prompt on top of it. The module
/// is always re-assembled from this text, so a field may name anything the module defines
/// (`(func (call $helper))`), and the source lines of the original text keep their numbers:
/// fields go in right before the module's closing parenthesis, imports (which WAT wants before
/// every definition) right after the module's last import.
struct WatModuleText {
    /// The module as it was loaded (a `.wat` file, a typed `(module …)`, or `(module)`).
    var base: String
    /// Added imports and other fields, in the order they were typed.
    private(set) var imports: [String] = []
    private(set) var fields: [String] = []

    init(base: String) {
        self.base = base
    }

    /// The keywords that start a module field.
    static let fieldKeywords: Set<String> = ["func", "global", "memory", "data", "export", "table", "elem",
                                             "type", "import", "start"]

    /// The keyword after the opening parenthesis (`func` for `(func $f …)`), if any.
    static func keyword(of text: String) -> String? {
        var rest = Substring(text).drop(while: \.isWhitespace)
        guard rest.first == "(" else { return nil }
        rest = rest.dropFirst().drop(while: \.isWhitespace)
        let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        return word.isEmpty ? nil : String(word)
    }

    /// `func $double` for `(func $double (param i32) …)`: how messages name a field.
    static func title(of text: String) -> String {
        guard let keyword = keyword(of: text) else { return "field" }
        var rest = Substring(text).drop(while: \.isWhitespace).dropFirst().drop(while: \.isWhitespace)
        rest = rest.dropFirst(keyword.count).drop(while: \.isWhitespace)
        if rest.first == "$" {
            let id = rest.prefix { !$0.isWhitespace && $0 != "(" && $0 != ")" }
            return "\(keyword) \(id)"
        }
        // (export "name" …), (import "module" "name" …)
        var names: [String] = []
        while rest.first == "\"", names.count < (keyword == "import" ? 2 : 1) {
            let quoted = rest.dropFirst().prefix { $0 != "\"" && $0 != "\n" }
            names.append("\"\(quoted)\"")
            rest = rest.dropFirst(quoted.count + 2).drop(while: \.isWhitespace)
        }
        if !names.isEmpty { return ([keyword] + names).joined(separator: " ") }
        return keyword
    }

    /// A copy with `field` added (imports go with the imports).
    func adding(_ field: String) -> WatModuleText {
        var copy = self
        if WatModuleText.isImport(field) { copy.imports.append(field) } else { copy.fields.append(field) }
        return copy
    }

    /// Whether the field is an import: `(import …)`, or `(func $f (export …)* (import …) …)`.
    static func isImport(_ field: String) -> Bool {
        let forms = WatForms.scan(Array(field.utf8))
        guard let form = forms.first else { return false }
        return form.isImport
    }

    /// The whole module text, and the line on which each added field starts (imports first,
    /// then the other fields, each in typing order).
    func composed() -> (text: String, importLines: [Int], fieldLines: [Int]) {
        let bytes = Array(base.utf8)
        let (importAt, fieldsAt) = WatModuleText.insertionPoints(bytes)
        var out: [UInt8] = []
        var lines = 1
        func append<C: Collection>(_ chunk: C) where C.Element == UInt8 {
            for byte in chunk where byte == UInt8(ascii: "\n") { lines += 1 }
            out.append(contentsOf: chunk)
        }
        func block(_ text: String) -> Int {
            append(Array("\n".utf8))
            let start = lines
            append(Array(text.utf8))
            append(Array("\n".utf8))
            return start
        }
        append(bytes[..<importAt])
        let importLines = imports.map(block)
        append(bytes[importAt..<fieldsAt])
        let fieldLines = fields.map(block)
        append(bytes[fieldsAt...])
        return (String(decoding: out, as: UTF8.self), importLines, fieldLines)
    }

    /// Byte offsets where imports and other fields are inserted into `bytes`.
    static func insertionPoints(_ bytes: [UInt8]) -> (imports: Int, fields: Int) {
        let top = WatForms.scan(bytes)
        var fields = top
        var end = bytes.count
        if top.count == 1, let module = top.first, module.keyword == "module" {
            fields = module.children
            end = module.end  // the offset of its closing parenthesis
        }
        if let lastImport = fields.lastIndex(where: \.isImport) {
            return (fields[lastImport].end + 1, end)
        }
        return (fields.first?.start ?? end, end)
    }
}

/// Parenthesised forms of WAT text, two levels deep, skipping strings and comments (the same
/// lexical rules as `ParenthesisBalance`). Malformed text gives a best-effort answer; the
/// assembler reports the real error afterwards.
struct WatForms {
    /// Offset of `(`.
    var start: Int
    /// Offset of the matching `)` (or the end of the text when it is missing).
    var end: Int
    var keyword: String
    var children: [WatForms]

    /// An import field, or a definition whose first child after its inline exports is `(import …)`.
    var isImport: Bool {
        if keyword == "import" { return true }
        guard ["func", "table", "memory", "global"].contains(keyword) else { return false }
        return children.first { $0.keyword != "export" }?.keyword == "import"
    }

    static func scan(_ bytes: [UInt8]) -> [WatForms] {
        var stack: [WatForms] = []
        var top: [WatForms] = []
        var index = 0
        func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        // Only three levels are kept: a module, its fields, and each field's children.
        func attach(_ form: WatForms) {
            let depth = stack.count
            if depth == 0 {
                top.append(form)
            } else if depth <= 2 {
                stack[depth - 1].children.append(form)
            }
        }
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: ";"), byte(index + 1) == UInt8(ascii: ";") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            }
            if c == UInt8(ascii: "("), byte(index + 1) == UInt8(ascii: ";") {
                var depth = 1
                index += 2
                while index < bytes.count, depth > 0 {
                    if bytes[index] == UInt8(ascii: ";"), byte(index + 1) == UInt8(ascii: ")") {
                        depth -= 1
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "("), byte(index + 1) == UInt8(ascii: ";") {
                        depth += 1
                        index += 2
                    } else {
                        index += 1
                    }
                }
                continue
            }
            if c == UInt8(ascii: "\"") {
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\n") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index += 1
                continue
            }
            if c == UInt8(ascii: "(") {
                var k = index + 1
                while k < bytes.count, bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t")
                        || bytes[k] == UInt8(ascii: "\n") || bytes[k] == UInt8(ascii: "\r") { k += 1 }
                let wordStart = k
                while k < bytes.count, isKeywordByte(bytes[k]) { k += 1 }
                let keyword = String(decoding: bytes[wordStart..<k], as: UTF8.self)
                stack.append(WatForms(start: index, end: bytes.count, keyword: keyword, children: []))
            } else if c == UInt8(ascii: ")"), var form = stack.popLast() {
                form.end = index
                attach(form)
            }
            index += 1
        }
        // Unclosed forms still count, ending at the end of the text.
        while var form = stack.popLast() {
            form.end = bytes.count
            attach(form)
        }
        return top
    }

    private static func isKeywordByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }
}
