import WasmCore

/// The names `wasm-objdump` shows in `<…>`, resolved the way it does: an import is named
/// `module.field`, an export name replaces that (the last export of an entity wins), and a
/// name-section name replaces both. Tables take import and name-section names only; types,
/// memories and segments take name-section names only.
public struct ObjdumpNames: Sendable {
    public var functions: [UInt32: String] = [:]
    public var globals: [UInt32: String] = [:]
    public var tables: [UInt32: String] = [:]
    public var memories: [UInt32: String] = [:]
    public var types: [UInt32: String] = [:]
    public var data: [UInt32: String] = [:]
    public var elements: [UInt32: String] = [:]
    /// Tags take import and name-section names only (an export does not name a tag).
    public var tags: [UInt32: String] = [:]

    public init(_ module: Module) {
        var counters: [ExternalKind: UInt32] = [:]
        for imp in module.imports {
            let kind = imp.descriptor.kind
            let index = counters[kind, default: 0]
            counters[kind] = index &+ 1
            let name = "\(imp.module).\(imp.name)"
            switch kind {
            case .function: functions[index] = name
            case .global: globals[index] = name
            case .table: tables[index] = name
            case .memory: memories[index] = name
            case .tag: tags[index] = name
            }
        }
        for export in module.exports {
            switch export.kind {
            case .function: functions[export.index] = export.name
            case .global: globals[export.index] = export.name
            default: break
            }
        }
        let names = module.names
        functions.merge(names.functionNames) { $1 }
        globals.merge(names.globalNames) { $1 }
        tags.merge(names.tagNames) { $1 }
        tables.merge(names.tableNames) { $1 }
        memories.merge(names.memoryNames) { $1 }
        types = names.typeNames
        data = names.dataNames
        elements = names.elementNames
    }

    /// ` <name>` when the entity has a name, else nothing. As in wasm-objdump, an empty name
    /// is no name, and a name is printed as a C string: up to its first NUL.
    static func suffix(_ index: UInt32, _ table: [UInt32: String]) -> String {
        guard let name = table[index], !name.isEmpty else { return "" }
        return " <\(cString(name))>"
    }

    /// The part of `text` before its first NUL.
    static func cString(_ text: String) -> String {
        guard let nul = text.firstIndex(of: "\0") else { return text }
        return String(text[..<nul])
    }
}
