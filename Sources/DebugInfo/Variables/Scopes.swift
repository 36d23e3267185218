/// Variables grouped by the scope that declares them, for `info locals` (gdb prints the
/// innermost block's locals first) and for name lookup (the innermost declaration wins).
public struct VariableScopes {
    /// The function's (or inlined call's) parameters, in order.
    public var parameters: [Variable]
    /// Locals by scope, innermost block first, the function's own locals last; each group in
    /// declaration order. Names an inner scope declares again are still listed in the outer
    /// group: callers that show values hide them.
    public var locals: [[Variable]]
}

extension DebugInfo {
    /// The parameters and the locals in scope at an address of a concrete function.
    public func variableScopes(in function: FunctionInfo, at fileOffset: UInt32) -> VariableScopes {
        guard let root = entry(for: function.handle) else { return VariableScopes(parameters: [], locals: []) }
        return scopes(root: root, frameBase: function.frameBase?.bytes, at: fileOffset)
    }

    /// The parameters and the locals in scope at an address of an inlined call.
    public func variableScopes(in frame: InlinedFrame, at fileOffset: UInt32) -> VariableScopes {
        guard let root = entry(for: frame.handle) else { return VariableScopes(parameters: [], locals: []) }
        return scopes(root: root, frameBase: function(containing: fileOffset)?.frameBase?.bytes, at: fileOffset)
    }

    private func scopes(root: DIERef, frameBase: [UInt8]?, at fileOffset: UInt32) -> VariableScopes {
        let address = codeAddress(ofFileOffset: fileOffset)
        var parameters: [Variable] = []
        var groups: [[Variable]] = []
        var scope: DIERef? = root
        // One level down a finite tree per step (DIE nesting is bounded by the parser).
        while let current = scope {
            scope = nil
            var locals: [Variable] = []
            for child in current.children {
                switch child.tag {
                case Tag.formalParameter where current.index == root.index:
                    if let v = variable(child, isParameter: true, frameBase: frameBase, address: address) { parameters.append(v) }
                case Tag.variable:
                    if let v = variable(child, isParameter: false, frameBase: frameBase, address: address) { locals.append(v) }
                case Tag.lexicalBlock where scope == nil:
                    let ranges = codeRanges(of: child)
                    if let address, ranges.contains(where: { $0.contains(address) }) { scope = child }
                    else if ranges.isEmpty && !child.has(Attribute.lowPC) && !child.has(Attribute.ranges) { scope = child }
                default:
                    break
                }
            }
            groups.append(locals)
        }
        return VariableScopes(parameters: parameters, locals: groups.reversed())
    }
}
