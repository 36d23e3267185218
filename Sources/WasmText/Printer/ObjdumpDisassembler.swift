import WasmCore

/// One line of a `wasm-objdump -d` style listing: a local declaration or an instruction.
public struct DisassemblyLine: Hashable, Sendable {
    /// Module file offset of the first byte.
    public var offset: UInt32
    /// The encoded bytes (taken from the file).
    public var bytes: [UInt8]
    /// Instruction text as wasm-objdump writes it, without indentation (`i32.load 2 0`).
    public var text: String
    /// Block nesting depth used for indentation.
    public var depth: Int
    /// Index of the instruction in the function body; nil for a local declaration.
    public var instructionIndex: Int?

    public init(offset: UInt32, bytes: [UInt8], text: String, depth: Int, instructionIndex: Int?) {
        self.offset = offset
        self.bytes = bytes
        self.text = text
        self.depth = depth
        self.instructionIndex = instructionIndex
    }

    /// Indentation stops growing here, so absurdly deep nesting cannot blow up the output.
    public static let maxIndent = 200

    /// ` 000086: 41 01                      | i32.const 1`; instructions longer than nine
    /// bytes continue on further lines with an empty text column, as wasm-objdump does.
    public var formatted: String {
        var out = ""
        var chunkStart = 0
        repeat {
            let chunk = bytes.isEmpty ? [] : Array(bytes[chunkStart..<min(chunkStart + 9, bytes.count)])
            var column = chunk.map { Objdump.hex($0, digits: 2) + " " }.joined()
            column += String(repeating: " ", count: max(0, 27 - column.count))
            let lineOffset = UInt64(offset) + UInt64(chunkStart)
            let body = chunkStart == 0 ? String(repeating: "  ", count: min(depth, Self.maxIndent)) + text : ""
            if !out.isEmpty { out += "\n" }
            out += " \(Objdump.hex(lineOffset, digits: 6)): \(column)| \(body)"
            chunkStart += 9
        } while chunkStart < bytes.count
        return out
    }
}

/// wasm-objdump compatible output: disassembly (`-d`), section headers (`-h`) and details
/// (`-x`). The module must come from `BinaryDecoder` (it needs instruction offsets and
/// section locations) and `bytes` must be the file it was decoded from.
public enum Objdump {
    // MARK: disassembly

    /// The whole `wasm-objdump -d` output for a file.
    public static func disassembly(_ module: Module, bytes: [UInt8], fileName: String) -> String {
        var out = prelude(module, fileName: fileName)
        writeDisassembly(module, bytes: bytes) { out += $0 }
        return out
    }

    /// The disassembly after the prelude (`\nCode Disassembly:\n\n` and each function), given
    /// to `write` in pieces of one function: a caller that prints each piece holds one
    /// function's text (and decoded body) at a time, not the whole module's.
    public static func writeDisassembly(_ module: Module, bytes: [UInt8], to write: (String) -> Void) {
        let names = ObjdumpNames(module)
        write("\nCode Disassembly:\n\n")
        let first = module.importedFunctionCount
        for offset in module.functions.indices {
            let index = UInt32(truncatingIfNeeded: first + offset)
            let function = module.functions[offset]
            var out = "\(hex(function.bodyOffset, digits: 6)) func[\(index)]\(ObjdumpNames.suffix(index, names.functions)):\n"
            let typeIndex = Int(function.typeIndex)
            let paramCount = typeIndex < module.types.count ? module.types[typeIndex].params.count : 0
            for line in disassemble(function, index: index, paramCount: paramCount, bytes: bytes, names: names,
                                    localNames: module.names.localNames[index] ?? [:]) {
                out += line.formatted + "\n"
            }
            write(out)
        }
    }

    /// `\nFILE:\tfile format wasm 0x1\n` (the file's name without its folder, as
    /// wasm-objdump prints it) and the module name line when there is one.
    public static func prelude(_ module: Module, fileName: String) -> String {
        prelude(moduleName: module.names.moduleName, fileName: fileName)
    }

    /// The same from a module name alone (a module that could only be walked, not decoded).
    public static func prelude(moduleName: String?, fileName: String) -> String {
        let baseName = fileName.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? fileName
        var out = "\n\(baseName):\tfile format wasm 0x1\n"
        if let moduleName { out += "module name: <\(moduleName)>\n" }
        return out
    }

    /// The lines of one defined function (index in the function index space): its local
    /// declarations, then its instructions. Empty for an import or an unknown index.
    public static func disassemble(function index: UInt32, module: Module, bytes: [UInt8],
                                   names: ObjdumpNames) -> [DisassemblyLine] {
        guard let function = module.definedFunction(index) else { return [] }
        let paramCount = module.functionType(of: index)?.params.count ?? 0
        return disassemble(function, index: index, paramCount: paramCount, bytes: bytes, names: names,
                           localNames: module.names.localNames[index] ?? [:])
    }

    static func disassemble(_ function: Function, index: UInt32, paramCount: Int, bytes: [UInt8],
                            names: ObjdumpNames, localNames: [UInt32: String]) -> [DisassemblyLine] {
        var lines = localLines(function, paramCount: paramCount, bytes: bytes)

        let body = function.body
        let instructions = body.instructions
        let offsets = body.offsets
        let bodyEnd = UInt64(function.bodyOffset) + UInt64(function.bodySize)
        var depth = 0
        for (i, instruction) in instructions.enumerated() {
            let start = i < offsets.count ? offsets[i] : 0
            let end = i + 1 < offsets.count ? UInt64(offsets[i + 1]) : bodyEnd
            let instructionBytes = slice(bytes, from: UInt64(start), to: end)
            var lineDepth = depth
            switch instruction.opcode {
            case .block, .loop, .if, .try, .tryTable: depth += 1
            case .else, .catch, .catchAll: lineDepth = max(0, depth - 1)
            case .end, .delegate:
                depth = max(0, depth - 1)
                lineDepth = depth
            default: break
            }
            lines.append(DisassemblyLine(offset: start, bytes: instructionBytes,
                                         text: instructionText(instruction, names: names, localNames: localNames),
                                         depth: lineDepth, instructionIndex: i))
        }
        return lines
    }

    /// `local[1] type=i64`, `local[2..3] type=f32`, `local[] type=i32` (a count of zero), read
    /// from the body's bytes so each line has its own offset.
    static func localLines(_ function: Function, paramCount: Int, bytes: [UInt8]) -> [DisassemblyLine] {
        var reader = DumpByteReader(bytes: bytes, position: Int(function.bodyOffset))
        guard let groupCount = reader.readU32() else { return [] }
        var lines: [DisassemblyLine] = []
        var nextLocal = UInt64(paramCount)
        for _ in 0..<min(Int(groupCount), function.locals.count) {
            let start = reader.position
            guard let count = reader.readU32(), let typeByte = reader.readByte() else { break }
            // Multi-byte reference types ((ref $t)) are named from the decoded declaration.
            let declared = function.locals[lines.count].type
            let type = declared.shortByte == typeByte ? declared.description : (declared.shortByte == nil ? declared.description : "0x" + hex(typeByte, digits: 2))
            if declared.shortByte == nil, case .ref(let r) = declared, case .concrete(var index) = r.heapType {
                // 0x63/0x64 then the type index as a signed LEB128 (the abstract case is one byte).
                var length = 1
                while index >= 0x40 { index >>= 7; length += 1 }
                reader.position += length
            } else if declared.shortByte == nil {
                reader.position += 1
            }
            let range: String
            switch count {
            case 0: range = ""
            case 1: range = "\(nextLocal)"
            default: range = "\(nextLocal)..\(nextLocal + UInt64(count) - 1)"
            }
            nextLocal += UInt64(count)
            lines.append(DisassemblyLine(offset: UInt32(truncatingIfNeeded: start),
                                         bytes: Array(bytes[start..<reader.position]),
                                         text: "local[\(range)] type=\(type)", depth: 0, instructionIndex: nil))
        }
        return lines
    }

    /// One instruction as wasm-objdump writes it: indices in binary order, memargs as
    /// `ALIGN_EXPONENT OFFSET`, integer constants unsigned, floats in hex, names in `<…>`.
    /// `localNames` are the local-name-section names of the function the instruction is in.
    public static func instructionText(_ instruction: Instruction, names: ObjdumpNames,
                                       localNames: [UInt32: String] = [:]) -> String {
        let info = instruction.opcode.info
        let mnemonic = info.mnemonic
        switch instruction.immediate {
        case .none:
            return mnemonic
        case .block(let type):
            switch type {
            case .empty: return mnemonic
            case .value(let value): return "\(mnemonic) \(value)"
            case .typeIndex(let index): return "\(mnemonic) type[\(index)]"
            }
        case .index(let index):
            switch info.immediate {
            case .function where instruction.opcode == .call:
                return "\(mnemonic) \(index)\(ObjdumpNames.suffix(index, names.functions))"
            case .global:
                return "\(mnemonic) \(index)\(ObjdumpNames.suffix(index, names.globals))"
            case .data:
                return "\(mnemonic) \(index)\(ObjdumpNames.suffix(index, names.data))"
            case .tag where instruction.opcode == .throw:
                // wasm-objdump names the tag of `throw` (not of a legacy `catch`).
                return "\(mnemonic) \(index)\(ObjdumpNames.suffix(index, names.tags))"
            case .local where instruction.opcode != .localTee:
                // wasm-objdump names the local of local.get and local.set, not of local.tee.
                return "\(mnemonic) \(index)\(ObjdumpNames.suffix(index, localNames))"
            default:
                return "\(mnemonic) \(index)"
            }
        case .indexPair(let a, let b):
            switch info.immediate {
            case .callIndirect where instruction.opcode == .returnCallIndirect:
                // wasm-objdump prints return_call_indirect's two indices as they are encoded.
                return "\(mnemonic) \(a) \(b)"
            case .callIndirect:
                // Encoded as type then table; printed as table then type.
                return "\(mnemonic) \(b)\(ObjdumpNames.suffix(b, names.tables)) (type \(a)\(ObjdumpNames.suffix(a, names.types)))"
            case .memoryInit:
                return "\(mnemonic) \(a) \(b)\(ObjdumpNames.suffix(a, names.data))"
            default:
                return "\(mnemonic) \(a) \(b)"
            }
        case .brTable(let targets, let defaultTarget):
            return ([mnemonic] + (targets + [defaultTarget]).map { String($0) }).joined(separator: " ")
        // A memory other than 0 (multi-memory) is named between the alignment and the offset.
        case .memarg(let memarg):
            return "\(mnemonic) \(memarg.align)\(memarg.memory == 0 ? "" : " \(memarg.memory)") \(memarg.offset)"
        case .memlane(let memarg, let lane):
            return "\(mnemonic) \(memarg.align)\(memarg.memory == 0 ? "" : " \(memarg.memory)") \(memarg.offset) \(lane)"
        case .lane(let lane):
            return "\(mnemonic) \(lane)"
        case .i32(let value):
            return "\(mnemonic) \(UInt32(bitPattern: value))"
        case .i64(let value):
            return "\(mnemonic) \(UInt64(bitPattern: value))"
        case .f32(let bits):
            return "\(mnemonic) \(FloatText.hex(f32: bits))"
        case .f64(let bits):
            return "\(mnemonic) \(FloatText.hex(f64: bits))"
        case .v128(let value):
            let words = [value.low, value.low >> 32, value.high, value.high >> 32]
                .map { "0x" + hex(UInt32(truncatingIfNeeded: $0), digits: 8) }
            return "\(mnemonic) \(words.joined(separator: " "))"
        case .select(let types):
            return ([mnemonic] + types.map(\.description)).joined(separator: " ")
        case .refType(let type):
            if instruction.opcode == .refNull { return "\(mnemonic) \(type.heapType)" }
            return "\(mnemonic) \(type)"
        case .brOnCast(let label, let from, let to):
            return "\(mnemonic) \(label) \(from) \(to)"
        case .tryTable(let type, let clauses):
            var text = mnemonic
            if case .value(let value) = type { text += " \(value)" }
            if case .typeIndex(let index) = type { text += " type[\(index)]" }
            // As wasm-objdump: `try_table catch 0 1 catch_all  0` (an empty tag field for the _all
            // kinds; without a block type, a space after the mnemonic even with no clause).
            let listed = clauses.map { "\($0.kind.keyword) \($0.kind.hasTag ? "\($0.tag)" : "") \($0.label)" }
            if case .empty = type {
                text += " " + listed.joined(separator: " ")
            } else {
                text += listed.map { " " + $0 }.joined()
            }
            return text
        }
    }

    // MARK: helpers

    static func slice(_ bytes: [UInt8], from start: UInt64, to end: UInt64) -> [UInt8] {
        let lower = Int(min(start, UInt64(bytes.count)))
        let upper = Int(min(max(end, start), UInt64(bytes.count)))
        return Array(bytes[lower..<upper])
    }

    /// Lower-case hex, zero-padded to at least `digits`.
    static func hex<T: BinaryInteger>(_ value: T, digits: Int) -> String {
        let text = String(value, radix: 16)
        return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
    }
}

/// A bounds-checked LEB128 reader for the few places the dump reads raw bytes.
struct DumpByteReader {
    let bytes: [UInt8]
    var position: Int

    mutating func readByte() -> UInt8? {
        guard position >= 0, position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readU32() -> UInt32? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 35 {
            guard let byte = readByte() else { return nil }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return UInt32(exactly: result) }
            shift += 7
        }
        return nil
    }
}
