/// The position notation (Docs/architecture.md, Notation: code positions): `$name+0x12 (func 3, offset 0x86)`.

/// A code position: a function and a module file offset inside its body.
public struct CodePosition: Hashable, Sendable {
    public var functionIndex: UInt32
    /// Module file offset of the instruction (what `wasm-objdump -d` prints).
    public var fileOffset: UInt32

    public init(functionIndex: UInt32, fileOffset: UInt32) {
        self.functionIndex = functionIndex
        self.fileOffset = fileOffset
    }
}

extension Module {
    /// How a function is named in positions: `$name` from the name section, else a bare export
    /// name, else `#index`.
    public func displayName(ofFunction index: UInt32) -> String {
        if let name = names.functionNames[index] { return "$" + name }
        if let export = exports.first(where: { $0.kind == .function && $0.index == index }) {
            return export.name
        }
        if Int(index) < importedFunctionCount {
            var n = 0
            for imp in imports where imp.descriptor.kind == .function {
                if n == Int(index) { return "\(imp.module).\(imp.name)" }
                n += 1
            }
        }
        return "#\(index)"
    }

    /// `$name+0x12 (func 3, offset 0x86)`.
    public func describe(_ position: CodePosition) -> String {
        let name = displayName(ofFunction: position.functionIndex)
        let start = definedFunction(position.functionIndex)?.bodyOffset ?? position.fileOffset
        let delta = position.fileOffset >= start ? position.fileOffset - start : 0
        return "\(name)+0x\(String(delta, radix: 16)) (func \(position.functionIndex), offset 0x\(String(position.fileOffset, radix: 16)))"
    }
}
