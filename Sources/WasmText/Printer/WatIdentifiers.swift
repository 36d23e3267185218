import WasmCore

/// The `$ids` the printer gives to module entities, made from name-section names.
///
/// A name section may hold any UTF-8 text and may repeat a name, while a WAT identifier must
/// be unique in its index space. A name made of idchars prints as `$name`; any other name in
/// the quoted form `$"…"` (WebAssembly 3.0), so the text names exactly what the binary does.
/// On a collision the later names are numbered (`$f`, `$f.1`, `$f.2`, …). Entities without a
/// usable (non-empty) name get no id and print by index.
struct WatIdentifiers {
    var types: [UInt32: String] = [:]
    var functions: [UInt32: String] = [:]
    var tables: [UInt32: String] = [:]
    var memories: [UInt32: String] = [:]
    var globals: [UInt32: String] = [:]
    var elements: [UInt32: String] = [:]
    var data: [UInt32: String] = [:]
    /// Function index → local index (parameters first) → id.
    var locals: [UInt32: [UInt32: String]] = [:]
    /// Function index → label index (block/loop/if in order of appearance) → id.
    var labels: [UInt32: [UInt32: String]] = [:]
    var module: String?

    init(_ names: NameSection) {
        types = Self.unique(names.typeNames)
        functions = Self.unique(names.functionNames)
        tables = Self.unique(names.tableNames)
        memories = Self.unique(names.memoryNames)
        globals = Self.unique(names.globalNames)
        elements = Self.unique(names.elementNames)
        data = Self.unique(names.dataNames)
        locals = names.localNames.mapValues { Self.unique($0) }
        labels = names.labelNames.mapValues { Self.unique($0) }
        module = names.moduleName.flatMap(Self.identifier)
    }

    /// Deduplicated ids for one index space, assigned in index order.
    static func unique(_ names: [UInt32: String]) -> [UInt32: String] {
        var result: [UInt32: String] = [:]
        var used = Set<String>()
        for index in names.keys.sorted() {
            guard let base = names[index], !base.isEmpty else { continue }
            var candidate = base
            var suffix = 1
            while used.contains(candidate) {
                candidate = "\(base).\(suffix)"
                suffix += 1
            }
            used.insert(candidate)
            result[index] = identifier(candidate)
        }
        return result
    }

    /// `$name` when the name is all idchars, else `$"…"` with the name's bytes as a WAT
    /// string; nil for an empty name.
    static func identifier(_ name: String) -> String? {
        guard !name.isEmpty else { return nil }
        if name.unicodeScalars.allSatisfy(isIdCharacter) { return "$" + name }
        return "$" + WatString.quoted(name)
    }

    /// The WAT `idchar` set: printable ASCII except space, quotes, comma, semicolon,
    /// brackets and braces.
    static func isIdCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "0"..."9", "a"..."z", "A"..."Z": return true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "/", ":", "<", "=", ">", "?", "@",
             "\\", "^", "_", "`", "|", "~":
            return true
        default: return false
        }
    }
}
