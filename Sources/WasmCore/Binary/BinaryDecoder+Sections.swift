/// The non-custom sections and the types inside them.

extension ModuleDecoder {
    // MARK: sections (the type section and the types themselves: BinaryDecoder+Types.swift)

    mutating func readImportSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.imports.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            let moduleName = try reader.name()
            let name = try reader.name()
            let offset = reader.position
            let kind = try reader.byte()
            let descriptor: Import.Descriptor
            switch kind {
            case 0: descriptor = .function(typeIndex: try reader.u32())
            case 1: descriptor = .table(try tableType())
            case 2: descriptor = .memory(MemoryType(limits: try limits(forMemory: true)))
            case 3: descriptor = .global(try globalType())
            case 4 where features.contains(.exceptionHandling):
                descriptor = .tag(try tagType())
            case 4:
                throw DecodeError("malformed import kind 4 (a tag: exception handling is not enabled)", at: offset)
            case 0x7E, 0x7F:
                // An empty item name followed by 0x7E/0x7F starts a group of the compact
                // import section proposal (wabt's --enable-compact-imports).
                throw DecodeError("unsupported feature compact imports (import kind 0x\(binaryHex(kind)))", at: offset)
            default:
                throw DecodeError("malformed import kind \(kind)", at: offset)
            }
            module.imports.append(Import(module: moduleName, name: name, descriptor: descriptor))
        }
        return count
    }

    mutating func readFunctionSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        declaredFunctionTypes.reserveCapacity(capacity(for: count))
        for _ in 0..<count { declaredFunctionTypes.append(try reader.u32()) }
        return count
    }

    mutating func readTableSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.tables.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            if reader.peek() == 0x40 && features.contains(.functionReferences) {
                // 0x40 0x00 tabletype expr: a table with an explicit initial element.
                let offset = reader.position
                reader.position += 1
                let reserved = try reader.byte()
                guard reserved == 0 else {
                    throw DecodeError("malformed table: 0x40 must be followed by 0x00, found 0x\(binaryHex(reserved))", at: offset + 1)
                }
                var table = try tableType()
                table.initializer = try expression(sizeHint: 4)
                module.tables.append(table)
                continue
            }
            module.tables.append(try tableType())
        }
        return count
    }

    mutating func readMemorySection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.memories.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            module.memories.append(MemoryType(limits: try limits(forMemory: true)))
        }
        return count
    }

    mutating func readGlobalSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.globals.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            let type = try globalType()
            let initializer = try expression(sizeHint: 4)
            module.globals.append(Global(type: type, initializer: initializer))
        }
        return count
    }

    mutating func readExportSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.exports.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            let name = try reader.name()
            let offset = reader.position
            let kindByte = try reader.byte()
            guard let kind = ExternalKind(rawValue: kindByte), kind != .tag || features.contains(.exceptionHandling) else {
                let detail = kindByte == 4 ? " (a tag: exception handling is not enabled)" : ""
                throw DecodeError("malformed export kind \(kindByte)\(detail)", at: offset)
            }
            module.exports.append(Export(name: name, kind: kind, index: try reader.u32()))
        }
        return count
    }

    mutating func readElementSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.elements.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            module.elements.append(try elementSegment())
        }
        return count
    }

    /// The eight encodings: bit 0 = passive or declarative, bit 1 = explicit table index
    /// (active) or declarative (otherwise), bit 2 = expressions instead of function indices.
    mutating func elementSegment() throws(DecodeError) -> ElementSegment {
        let offset = reader.position
        let flags = try reader.u32()
        guard flags <= 7 else {
            throw DecodeError("malformed elements segment kind \(flags)", at: offset)
        }
        let mode: ElementSegment.Mode
        switch flags & 3 {
        case 0: mode = .active(table: 0, offset: try expression(sizeHint: 4))
        case 2:
            let table = try reader.u32()
            mode = .active(table: table, offset: try expression(sizeHint: 4))
        case 1: mode = .passive
        default: mode = .declarative
        }
        let usesExpressions = flags & 4 != 0
        // Function indices are (ref func) with function references (they are never null).
        var type = features.contains(.functionReferences) && flags & 4 == 0
            ? RefType(nullable: false, .abstract(.func)) : RefType.funcref
        if flags & 3 != 0 {
            if usesExpressions {
                type = try refType()
            } else {
                let kindOffset = reader.position
                let kind = try reader.byte()
                guard kind == 0 else {
                    throw DecodeError("malformed element kind 0x\(binaryHex(kind))", at: kindOffset)
                }
            }
        }
        let itemCount = try reader.u32()
        let items: ElementSegment.Items
        if usesExpressions {
            var expressions: [Expression] = []
            expressions.reserveCapacity(capacity(for: itemCount))
            for _ in 0..<itemCount { expressions.append(try expression(sizeHint: 3)) }
            items = .expressions(expressions)
        } else {
            var functions: [UInt32] = []
            functions.reserveCapacity(capacity(for: itemCount))
            for _ in 0..<itemCount { functions.append(try reader.u32()) }
            items = .functions(functions)
        }
        return ElementSegment(mode: mode, type: type, items: items, encodingFlags: UInt8(flags))
    }

    mutating func readDataSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        module.data.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            let offset = reader.position
            let flags = try reader.u32()
            let mode: DataSegment.Mode
            switch flags {
            case 0: mode = .active(memory: 0, offset: try expression(sizeHint: 4))
            case 1: mode = .passive
            case 2:
                let memory = try reader.u32()
                mode = .active(memory: memory, offset: try expression(sizeHint: 4))
            default:
                throw DecodeError("malformed data segment kind \(flags)", at: offset)
            }
            let length = Int(try reader.u32())
            let bytes = try reader.bytes(length)
            module.data.append(DataSegment(mode: mode, bytes: bytes, encodingFlags: UInt8(flags)))
        }
        return count
    }

    mutating func readCodeSection() throws(DecodeError) -> UInt32 {
        let count = try reader.u32()
        codeBodies.reserveCapacity(capacity(for: count))
        for _ in 0..<count {
            let sizeOffset = reader.position
            let size = Int(try reader.u32())
            guard size <= reader.remaining else {
                throw DecodeError("length out of bounds: function body of \(size) bytes with \(reader.remaining) left", at: sizeOffset)
            }
            let bodyStart = reader.position
            let sectionEnd = containerEnd
            containerEnd = bodyStart + size
            let locals = try localDeclarations()
            let codeStart = reader.position
            let code: FunctionCode
            if deferBodies, let source, reader.position <= bodyStart + size, bodyStart + size <= source.count {
                // Not decoded here: `decodeValidated` decodes each body once, as it checks it.
                reader.position = bodyStart + size
                code = .encoded(EncodedCode(bytes: source[codeStart..<reader.position], features: features))
            } else if let source, bodyStart + size <= source.count {
                // Checked here, kept as bytes: the instructions are decoded into buffers that
                // are reused for the next body, and decoded again by whoever needs them.
                var instructions: [Instruction] = [], offsets: [UInt32] = []
                swap(&instructions, &bodyScratch)
                swap(&offsets, &bodyOffsetScratch)
                instructions.removeAll(keepingCapacity: true)
                offsets.removeAll(keepingCapacity: true)
                try instructionSequence(into: &instructions, offsets: &offsets)
                swap(&instructions, &bodyScratch)
                swap(&offsets, &bodyOffsetScratch)
                code = .encoded(EncodedCode(bytes: source[codeStart..<reader.position], features: features))
            } else {
                code = .decoded(try expression(sizeHint: size))
            }
            containerEnd = sectionEnd
            guard reader.position == bodyStart + size else {
                throw DecodeError("section size mismatch: function body declared \(size) bytes, took \(reader.position - bodyStart)",
                                  at: bodyStart)
            }
            codeBodies.append(Function(typeIndex: 0, locals: locals, code: code,
                                       bodyOffset: UInt32(bodyStart), bodySize: UInt32(size)))
        }
        return count
    }

    mutating func localDeclarations() throws(DecodeError) -> [LocalDeclaration] {
        let start = reader.position
        let count = try reader.u32()
        var locals: [LocalDeclaration] = []
        locals.reserveCapacity(capacity(for: count))
        var total: UInt64 = 0
        for _ in 0..<count {
            let n = try reader.u32()
            total += UInt64(n)
            let type = try valueType()
            locals.append(LocalDeclaration(count: n, type: type))
        }
        guard total <= UInt64(UInt32.max) else {
            throw DecodeError("too many locals (\(total))", at: start)
        }
        return locals
    }
}

@inline(__always)
func binaryHex<T: BinaryInteger>(_ value: T) -> String {
    let s = String(value, radix: 16)
    return s.count % 2 == 1 ? "0" + s : s
}
