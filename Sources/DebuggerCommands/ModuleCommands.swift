import FoundationEssentials
import WasmCore
import WasmText

/// `file`, `reload` and the `info` views of the module's structure.
extension ReplSession {
    func fileCommand(_ invocation: CommandInvocation) throws {
        let path = invocation.arguments
        guard !path.isEmpty else { throw ReplError("Usage: \(invocation.spec.usage)") }
        try load(path: path)
    }

    func reloadCommand(_ invocation: CommandInvocation) throws {
        guard let current = module, current.path != "<input>" else {
            throw ReplError("No module file to reload. Use \"file FILE\" first.")
        }
        try load(path: current.path)
        if moduleEdits != nil { console.line("The fields typed at the prompt are gone: the file was read again.") }
    }

    /// Reads, decodes (or assembles) and validates a module file, as `wdb dump` does. On any
    /// error the current module stays loaded.
    func load(path: String) throws {
        do {
            install(try ModuleLoader.load(path: path, features: features))
        } catch {
            throw ReplError(error.message)
        }
    }

    /// Assembles `(module …)` typed at the prompt (or in a script) and loads it. The script
    /// forms `(module binary "…")` and `(module quote "…")` work too.
    func loadWatModule(text: String, path: String) throws {
        if let scripted = try Self.scriptModule(text) {
            switch scripted.source {
            case .binary(let bytes):
                guard ModuleLoader.isBinary(bytes) else { throw ReplError("\(path): error: (module binary …) must start with the \\0asm magic") }
                do {
                    install(try ModuleLoader.load(bytes: bytes, path: path, features: features))
                } catch {
                    throw ReplError(error.message)
                }
            case .quote(let body), .text(let body):
                let name = scripted.name.map { " $" + $0 } ?? ""
                try loadWatModule(text: "(module\(name)\n\(body))", path: path)
            }
            return
        }
        do {
            install(try ModuleLoader.assemble(text, path: path, features: features))
        } catch {
            throw ReplError(error.message)
        }
    }

    /// `(module $id? binary|quote "…"…)`, parsed as the WAST parser does; nil for other text.
    private static func scriptModule(_ text: String) throws -> WastModule? {
        let words = text.dropFirst("(module".count).split(whereSeparator: { $0.isWhitespace }).prefix(2)
        guard words.contains(where: { $0 == "binary" || $0.hasPrefix("binary\"") || $0 == "quote" || $0.hasPrefix("quote\"") })
        else { return nil }
        do {
            let directives = try WastParser.parse(text, file: "<input>")
            guard directives.count == 1, case .module(let module) = directives[0].command else { return nil }
            return module
        } catch {
            throw ReplError(error.description)
        }
    }

    private func install(_ loaded: LoadedModule) {
        module = loaded
        moduleEdits = nil
        let functions = loaded.module.functionCount
        let exports = loaded.module.exports.count
        console.line("Loaded \(loaded.path) (\(loaded.source == nil ? "binary" : "WAT"), "
                     + "\(functions) function\(functions == 1 ? "" : "s"), "
                     + "\(exports) export\(exports == 1 ? "" : "s")).")
        adapter.moduleDidLoad(loaded, in: self)
    }

    func requireModule() throws -> LoadedModule {
        guard let module else { throw ReplError("No module loaded. Use \"file FILE\" first.") }
        return module
    }

    /// A name filter from an optional REGEX argument.
    private func nameFilter(_ invocation: CommandInvocation) throws -> (String) -> Bool {
        let pattern = invocation.arguments
        if pattern.isEmpty { return { _ in true } }
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern)
        } catch {
            throw ReplError("Invalid regular expression \"\(pattern)\": \(error)")
        }
        return { $0.contains(regex) }
    }

    // MARK: info module, exports, imports, functions, memory, tables, data

    func infoModule(_ invocation: CommandInvocation) throws {
        let loaded = try requireModule()
        let m = loaded.module
        console.line("Module \(loaded.path): \(loaded.source == nil ? "binary" : "assembled from WAT"), \(loaded.bytes.count) bytes")
        if let name = m.names.moduleName { console.line("  name:      $\(name)") }
        console.line("  types:     \(m.types.count)")
        console.line("  imports:   \(m.imports.count)")
        console.line("  functions: \(m.functionCount) (\(m.importedFunctionCount) imported, \(m.functions.count) defined)")
        console.line("  tables:    \(m.tableCount)")
        console.line("  memories:  \(m.memoryCount)")
        console.line("  globals:   \(m.globalCount)")
        console.line("  exports:   \(m.exports.count)")
        console.line("  elements:  \(m.elements.count)")
        console.line("  data:      \(m.data.count)")
        if let start = m.start { console.line("  start:     \(m.displayName(ofFunction: start)) (func \(start))") }
        let custom = m.customSections.map { "\"\($0.name)\"" }
        if !custom.isEmpty { console.line("  custom sections: \(custom.joined(separator: ", "))") }
    }

    func infoExports(_ invocation: CommandInvocation) throws {
        let m = try requireModule().module
        let matches = try nameFilter(invocation)
        let shown = m.exports.filter { matches($0.name) }
        console.line("Exports (\(shown.count) of \(m.exports.count)):")
        for export in shown {
            var target = "\(export.kind) \(export.index)"
            if export.kind == .function {
                target = "\(m.displayName(ofFunction: export.index)) (func \(export.index))"
                if let type = m.functionType(of: export.index) { target += " \(type)" }
            }
            console.line("  \(export.kind.description.padded(8)) \"\(export.name)\" -> \(target)")
        }
    }

    func infoImports(_ invocation: CommandInvocation) throws {
        let m = try requireModule().module
        let matches = try nameFilter(invocation)
        let shown = m.imports.filter { matches("\($0.module).\($0.name)") }
        console.line("Imports (\(shown.count) of \(m.imports.count)):")
        var functionIndex: UInt32 = 0
        for entry in m.imports {
            var detail = ""
            if case .function = entry.descriptor {
                detail = " (func \(functionIndex))"
                if let type = m.functionType(of: functionIndex) { detail += " \(type)" }
                functionIndex += 1
            }
            guard matches("\(entry.module).\(entry.name)") else { continue }
            console.line("  \(entry.descriptor.kind.description.padded(8)) \(entry.module).\(entry.name)\(detail)")
        }
    }

    func infoFunctions(_ invocation: CommandInvocation) throws {
        let m = try requireModule().module
        let matches = try nameFilter(invocation)
        // With DWARF, gdb's view first: source functions by file, with their lines.
        if let info = adapter.debugger.debugInfo {
            let functions = info.allFunctions.filter { matches($0.qualifiedName) || matches($0.name) }
            let byFile = Dictionary(grouping: functions) { $0.declFile ?? "??" }
            console.line(invocation.arguments.isEmpty ? "All defined functions:"
                         : "All functions matching regular expression \"\(invocation.arguments)\":")
            for file in byFile.keys.sorted() {
                console.line("")
                console.line("File \(file):")
                var seen = Set<String>()
                for f in byFile[file, default: []].sorted(by: { ($0.declLine ?? 0, $0.qualifiedName) < ($1.declLine ?? 0, $1.qualifiedName) })
                where seen.insert(f.qualifiedName).inserted {
                    console.line("\(f.declLine.map(String.init) ?? "?"):\t\(f.qualifiedName)")
                }
            }
            console.line("")
            console.line("The Wasm view (every function, with or without DWARF):")
        }
        var lines: [String] = []
        for index in 0..<UInt32(clamping: m.functionCount) {
            let name = adapter.debugger.module == nil ? m.displayName(ofFunction: index) : adapter.debugger.shownName(ofFunction: index)
            let bare = name.hasPrefix("$") ? String(name.dropFirst()) : name
            guard matches(name) || matches(bare) else { continue }
            let type = m.functionType(of: index).map { " \($0)" } ?? ""
            var notes: [String] = []
            if Int(index) < m.importedFunctionCount { notes.append("imported") }
            let exported = m.exports.filter { $0.kind == .function && $0.index == index }.map { "\"\($0.name)\"" }
            if !exported.isEmpty { notes.append("exported as " + exported.joined(separator: ", ")) }
            if let body = m.definedFunction(index) {
                notes.append("body at 0x\(String(body.bodyOffset, radix: 16)), \(body.bodySize) bytes")
            }
            lines.append("  #\(index) \(name)\(type)" + (notes.isEmpty ? "" : "  [\(notes.joined(separator: "; "))]"))
        }
        console.line(invocation.arguments.isEmpty
                     ? "Functions (\(lines.count)):"
                     : "Functions matching \"\(invocation.arguments)\" (\(lines.count) of \(m.functionCount)):")
        for line in lines { console.line(line) }
    }

    func infoMemory(_ invocation: CommandInvocation) throws {
        let m = try requireModule().module
        let memories = m.allMemoryTypes
        if memories.isEmpty { console.line("The module has no memory.") }
        for (index, memory) in memories.enumerated() {
            let limits = memory.limits
            let size = limits.min.multipliedReportingOverflow(by: 64).partialValue
            let maximum = limits.max.map { "max \($0) page\($0 == 1 ? "" : "s")" } ?? "no maximum"
            let origin = index < m.importedMemoryCount ? ", imported" : ""
            let names = m.exports.filter { $0.kind == .memory && $0.index == UInt32(index) }.map { "\"\($0.name)\"" }
            let exported = names.isEmpty ? "" : ", exported as " + names.joined(separator: ", ")
            console.line("memory \(index): \(limits.min) page\(limits.min == 1 ? "" : "s") (\(size) KiB), \(maximum)\(origin)\(exported)")
        }
    }

    func infoTables(_ invocation: CommandInvocation) throws {
        let m = try requireModule().module
        let tables = m.allTableTypes
        if tables.isEmpty { console.line("The module has no table.") }
        for (index, table) in tables.enumerated() {
            let maximum = table.limits.max.map { "max \($0)" } ?? "no maximum"
            let origin = index < m.importedTableCount ? ", imported" : ""
            console.line("table \(index): \(table.elementType), \(table.limits.min) element\(table.limits.min == 1 ? "" : "s"), \(maximum)\(origin)")
        }
        for (index, segment) in m.elements.enumerated() {
            let mode: String
            switch segment.mode {
            case .passive: mode = "passive"
            case .declarative: mode = "declarative"
            case .active(let table, let offset): mode = "table \(table) at \(describeConstant(offset))"
            }
            console.line("  elem \(index): \(mode), \(segment.items.count) \(segment.type)")
        }
    }

    func infoData(_ invocation: CommandInvocation) throws {
        let m = try requireModule().module
        if m.data.isEmpty { console.line("The module has no data segments.") }
        for (index, segment) in m.data.enumerated() {
            let mode: String
            switch segment.mode {
            case .passive: mode = "passive"
            case .active(let memory, let offset): mode = "memory \(memory) at \(describeConstant(offset))"
            }
            let preview = ReplSession.quoteBytes(segment.bytes.prefix(32))
            let more = segment.bytes.count > 32 ? "..." : ""
            console.line("data \(index): \(mode), \(segment.bytes.count) byte\(segment.bytes.count == 1 ? "" : "s"): \(preview)\(more)")
        }
    }

    /// An offset expression: its constant when it is one instruction, else a summary.
    private func describeConstant(_ expression: WasmCore.Expression) -> String {
        let body = expression.instructions.filter { $0.opcode.info.mnemonic != "end" }
        guard body.count == 1, let only = body.first else { return "(expression)" }
        switch only.immediate {
        case .i32(let value): return "\(value)"
        case .i64(let value): return "\(value)"
        case .index(let index) where only.opcode.info.mnemonic == "global.get": return "global \(index)"
        default: return "(\(only.opcode.info.mnemonic))"
        }
    }

    /// Bytes as a C-escaped string, as the WASI trace shows buffers.
    static func quoteBytes<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\t"): text += "\\t"
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20..<0x7F: text.append(Character(Unicode.Scalar(byte)))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + "\""
    }
}

extension String {
    func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
