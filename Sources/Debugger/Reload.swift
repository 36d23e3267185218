import WasmCore

extension DebugSession {
    /// Loads a new version of the current module's WAT text (the REPL adds fields typed at the
    /// prompt): as `load(wat:file:)`, but a code breakpoint stays, with its number, condition
    /// and counts, when its function has the same index and the same body bytes in the new
    /// module. Returns the numbers of the code breakpoints that were deleted.
    public func reload(wat text: String, file: String) throws -> [Int] {
        let oldModule = module
        let oldBytes = bytes
        let saved = breakpoints
        try load(wat: text, file: file)
        var deleted: [Int] = []
        for bp in saved {
            guard case .code(let position) = bp.kind else { continue }
            guard let moved = relocate(position.position, from: oldModule, bytes: oldBytes) else {
                deleted.append(bp.number)
                continue
            }
            var kept = bp
            kept.kind = .code(moved)
            breakpoints.append(kept)
            if kept.enabled { debuggee?.armBreakpoint(moved.location) }
        }
        breakpoints.sort { $0.number < $1.number }
        return deleted
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
