import WasmCore

extension DebugSession {
    /// Loads a new version of the current module's WAT text (the REPL adds fields typed at the
    /// prompt). Breakpoints follow the rules of every load (`droppedBreakpoints`). Returns the
    /// numbers of the code breakpoints that could not be placed again.
    public func reload(wat text: String, file: String) throws -> [Int] {
        try load(wat: text, file: file)
        return droppedBreakpoints.map(\.number)
    }

    /// Places the code breakpoints of the module just replaced in the current one, as gdb
    /// re-resolves breakpoints when the program is read again: a breakpoint whose function
    /// has the same index and body bytes stays at the same place in it; any other is resolved
    /// again from its location text (`$f`, `loop.wat:14`), except a raw file offset (`*0x86`),
    /// which means another instruction in a changed module. The rest are deleted and listed in
    /// `droppedBreakpoints` with the reason.
    func replaceBreakpoints(_ saved: [Breakpoint], from oldModule: Module?, bytes oldBytes: [UInt8]) {
        droppedBreakpoints = []
        for bp in saved {
            let old = bp.codeLocations
            guard !old.isEmpty else { continue }
            var placed: [ResolvedPosition] = []
            var reason = "its function is not the same in the new module"
            // A location resolved from text (a line, a source function) is resolved again, as
            // gdb does; a raw offset can only follow an unchanged function body.
            if !bp.location.isEmpty, !bp.location.hasPrefix("*") {
                do {
                    placed = try resolveLocations(bp.location)
                } catch {
                    reason = "\(error)"
                }
            }
            if placed.isEmpty {
                placed = old.compactMap { relocate($0.position, from: oldModule, bytes: oldBytes) }
            }
            guard let first = placed.first else {
                droppedBreakpoints.append(DroppedBreakpoint(number: bp.number, location: bp.location, reason: reason))
                continue
            }
            var kept = bp
            kept.kind = .code(first)
            kept.otherLocations = Array(placed.dropFirst())
            breakpoints.append(kept)
            if kept.enabled { for p in placed { debuggee?.armBreakpoint(p.location) } }
        }
        breakpoints.sort { $0.number < $1.number }
    }

    /// Where `position` of the old module is in the current one, if its function is unchanged.
    private func relocate(_ position: CodePosition, from oldModule: Module?, bytes oldBytes: [UInt8]) -> ResolvedPosition? {
        guard let oldModule, let module,
              let old = oldModule.definedFunction(position.functionIndex),
              let new = module.definedFunction(position.functionIndex),
              old.bodySize == new.bodySize, position.fileOffset >= old.bodyOffset else { return nil }
        let oldStart = Int(old.bodyOffset), newStart = Int(new.bodyOffset), size = Int(old.bodySize)
        guard oldStart + size <= oldBytes.count, newStart + size <= bytes.count,
              oldBytes[oldStart..<(oldStart + size)] == bytes[newStart..<(newStart + size)] else { return nil }
        let offset = UInt64(new.bodyOffset) + UInt64(position.fileOffset - old.bodyOffset)
        return try? resolveLocation("*0x" + String(offset, radix: 16))
    }
}
