import WasmCore

/// The `name` section as wabt's `wat2wasm --debug-names` writes it: module name, function
/// names, then a local-names subsection that lists every function (even with no named local,
/// even when the module has no function at all), then the extended subsections for types,
/// tables, memories, globals, element and data segments, and (a 3.0 addition) the field names
/// of struct types. Label names are not written.
enum DebugNames {
    /// The section's payload after its name.
    static func payload(_ names: NameSection, functionCount: Int) -> [UInt8] {
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
        var locals: [UInt8] = []
        LEB128.appendUnsigned(UInt32(functionCount), to: &locals)
        for f in 0..<UInt32(functionCount) {
            LEB128.appendUnsigned(f, to: &locals)
            locals += nameMap(names.localNames[f] ?? [:])
        }
        subsection(2, locals)
        let extended: [(UInt8, [UInt32: String])] = [
            (4, names.typeNames), (5, names.tableNames), (6, names.memoryNames),
            (7, names.globalNames), (8, names.elementNames), (9, names.dataNames),
        ]
        for (id, map) in extended where !map.isEmpty { subsection(id, nameMap(map)) }
        // Field names of GC struct types (subsection 10: type index → field index → name), so a
        // debugger shows `$p.x` for a module assembled from text as for one compiled with names.
        if !names.fieldNames.isEmpty {
            var fields: [UInt8] = []
            LEB128.appendUnsigned(UInt32(names.fieldNames.count), to: &fields)
            for type in names.fieldNames.keys.sorted() {
                LEB128.appendUnsigned(type, to: &fields)
                fields += nameMap(names.fieldNames[type] ?? [:])
            }
            subsection(10, fields)
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
