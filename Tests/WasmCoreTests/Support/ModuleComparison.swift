@testable import WasmCore

/// A module with everything that depends on byte positions cleared (section locations,
/// instruction offsets, body offsets and sizes), to compare two decodings of binaries that
/// differ only in encoding length.
func positionFree(_ module: Module) -> Module {
    var m = module
    m.sectionLocations = []
    func strip(_ e: Expression) -> Expression { Expression(e.instructions) }
    m.functions = m.functions.map { f in
        Function(typeIndex: f.typeIndex, locals: f.locals, body: strip(f.body))
    }
    m.globals = m.globals.map { Global(type: $0.type, initializer: strip($0.initializer)) }
    m.elements = m.elements.map { segment in
        var s = segment
        if case .active(let table, let offset) = s.mode { s.mode = .active(table: table, offset: strip(offset)) }
        if case .expressions(let items) = s.items { s.items = .expressions(items.map(strip)) }
        return s
    }
    m.data = m.data.map { segment in
        var s = segment
        if case .active(let memory, let offset) = s.mode { s.mode = .active(memory: memory, offset: strip(offset)) }
        return s
    }
    return m
}
