import WasmCore

/// The `name` section `--debug-names` writes, in one of two layouts:
///
/// - `.wabt` (the default), as wabt's `wat2wasm --debug-names`: module name, function names,
///   then a local-names subsection that lists every function (even with no named local, even
///   when the module has no function at all), then the extended subsections for types,
///   tables, memories, globals, element and data segments, and (a 3.0 addition) the field
///   names of struct types (subsection 10, so a debugger shows `$p.x` for a module assembled
///   from text), and tag names (subsection 11). Label names are not written.
/// - `.wasmTools`, as `wasm-tools parse`: every subsection that has a name, and only the
///   functions that have named locals or labels: module (0), functions (1), locals (2),
///   labels (3), types (4), tables (5), memories (6), globals (7), element segments (8), data
///   segments (9), struct fields (10), tags (11), and wasm-tools' own subsection 12: the
///   parameter names of function types (type index → parameter index → name), which the
///   spec's name section does not have; no section when nothing is named.
enum DebugNames {
    /// The section's payload after its name; nil when the layout writes no section.
    static func payload(_ names: NameSection, functionCount: Int, typeParameterNames: [UInt32: [UInt32: String]] = [:],
                        style: EncodingStyle = .wabt) -> [UInt8]? {
        var out: [UInt8] = []
        func subsection(_ id: UInt8, _ content: [UInt8]) {
            out.append(id)
            LEB128.appendUnsigned(UInt32(content.count), to: &out)
            out += content
        }
        if let moduleName = names.moduleName {
            var content: [UInt8] = []
            appendName(moduleName, to: &content)
            subsection(0, content)
        }
        if !names.functionNames.isEmpty { subsection(1, nameMap(names.functionNames)) }
        switch style {
        case .wabt:
            var locals: [UInt8] = []
            LEB128.appendUnsigned(UInt32(functionCount), to: &locals)
            for f in 0..<UInt32(functionCount) {
                LEB128.appendUnsigned(f, to: &locals)
                locals += nameMap(names.localNames[f] ?? [:])
            }
            subsection(2, locals)
        case .wasmTools:
            let locals = names.localNames.filter { !$0.value.isEmpty }
            if !locals.isEmpty { subsection(2, indirectNameMap(locals)) }
            let labels = names.labelNames.filter { !$0.value.isEmpty }
            if !labels.isEmpty { subsection(3, indirectNameMap(labels)) }
        }
        let extended: [(UInt8, [UInt32: String])] = [
            (4, names.typeNames), (5, names.tableNames), (6, names.memoryNames),
            (7, names.globalNames), (8, names.elementNames), (9, names.dataNames),
        ]
        for (id, map) in extended where !map.isEmpty { subsection(id, nameMap(map)) }
        // Field names of GC struct types (subsection 10: type index → field index → name).
        let fields = names.fieldNames.filter { !$0.value.isEmpty }
        if !fields.isEmpty { subsection(10, indirectNameMap(fields)) }
        // Tag names (subsection 11): wabt writes them too, and the debugger names a thrown
        // exception's tag by them.
        if !names.tagNames.isEmpty { subsection(11, nameMap(names.tagNames)) }
        if style == .wasmTools {
            let parameters = typeParameterNames.filter { !$0.value.isEmpty }
            if !parameters.isEmpty { subsection(12, indirectNameMap(parameters)) }
        }
        if style == .wasmTools && out.isEmpty { return nil }
        return out
    }

    private static func indirectNameMap(_ map: [UInt32: [UInt32: String]]) -> [UInt8] {
        var out: [UInt8] = []
        LEB128.appendUnsigned(UInt32(map.count), to: &out)
        for index in map.keys.sorted() {
            LEB128.appendUnsigned(index, to: &out)
            out += nameMap(map[index] ?? [:])
        }
        return out
    }

    private static func nameMap(_ map: [UInt32: String]) -> [UInt8] {
        var out: [UInt8] = []
        LEB128.appendUnsigned(UInt32(map.count), to: &out)
        for index in map.keys.sorted() {
            LEB128.appendUnsigned(index, to: &out)
            appendName(map[index] ?? "", to: &out)
        }
        return out
    }

    private static func appendName(_ name: String, to out: inout [UInt8]) {
        let bytes = Array(name.utf8)
        LEB128.appendUnsigned(UInt32(bytes.count), to: &out)
        out += bytes
    }
}
