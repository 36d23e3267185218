/// DWARF expression operations spelled as llvm-dwarfdump prints them ("DW_OP_fbreg +12").
private let operationNames: [UInt8: String] = [
    0x03: "addr", 0x06: "deref", 0x08: "const1u", 0x09: "const1s", 0x0a: "const2u", 0x0b: "const2s",
    0x0c: "const4u", 0x0d: "const4s", 0x0e: "const8u", 0x0f: "const8s", 0x10: "constu", 0x11: "consts",
    0x12: "dup", 0x13: "drop", 0x14: "over", 0x15: "pick", 0x16: "swap", 0x17: "rot", 0x18: "xderef",
    0x19: "abs", 0x1a: "and", 0x1b: "div", 0x1c: "minus", 0x1d: "mod", 0x1e: "mul", 0x1f: "neg",
    0x20: "not", 0x21: "or", 0x22: "plus", 0x23: "plus_uconst", 0x24: "shl", 0x25: "shr", 0x26: "shra",
    0x27: "xor", 0x28: "bra", 0x29: "eq", 0x2a: "ge", 0x2b: "gt", 0x2c: "le", 0x2d: "lt", 0x2e: "ne",
    0x2f: "skip", 0x90: "regx", 0x91: "fbreg", 0x92: "bregx", 0x93: "piece", 0x94: "deref_size",
    0x96: "nop", 0x9c: "call_frame_cfa", 0x9d: "bit_piece", 0x9e: "implicit_value", 0x9f: "stack_value",
    0xa1: "addrx", 0xa2: "constx", 0xa3: "entry_value", 0xe0: "GNU_push_tls_address", 0xed: "WASM_location",
]

func operationName(_ op: UInt8) -> String {
    switch op {
    case 0x30...0x4f: return "DW_OP_lit\(op - 0x30)"
    case 0x50...0x6f: return "DW_OP_reg\(op - 0x50)"
    case 0x70...0x8f: return "DW_OP_breg\(op - 0x70)"
    default: return operationNames[op].map { "DW_OP_" + $0 } ?? "DW_OP_unknown_0x\(hex(op))"
    }
}

func disassembleExpression(_ bytes: [UInt8], addressSize: Int = 4) -> String {
    var cursor = ByteCursor(bytes: bytes, section: "expression")
    var parts: [String] = []
    func signed(_ v: Int64) -> String { v < 0 ? "\(v)" : "+\(v)" }
    while !cursor.isAtEnd {
        guard let op = try? cursor.u8() else { break }
        var text = operationName(op)
        do {
            switch op {
            case 0x03: text += " 0x\(hex(try cursor.fixed(addressSize)))"
            case 0x08, 0x15, 0x94: text += " 0x\(hex(try cursor.u8()))"
            case 0x09: text += " \(signed(Int64(Int8(bitPattern: try cursor.u8()))))"
            case 0x0a: text += " 0x\(hex(try cursor.u16()))"
            case 0x0b: text += " \(signed(Int64(Int16(bitPattern: try cursor.u16()))))"
            case 0x0c: text += " 0x\(hex(try cursor.u32()))"
            case 0x0d: text += " \(signed(Int64(Int32(bitPattern: try cursor.u32()))))"
            case 0x0e: text += " 0x\(hex(try cursor.u64()))"
            case 0x0f: text += " \(signed(Int64(bitPattern: try cursor.u64())))"
            case 0x10, 0x23, 0x90, 0x93, 0xa1, 0xa2: text += " 0x\(hex(try cursor.uleb()))"
            case 0x11, 0x91, 0x70...0x8f: text += " \(signed(try cursor.sleb()))"
            case 0x92: text += " 0x\(hex(try cursor.uleb())) \(signed(try cursor.sleb()))"
            case 0x28, 0x2f: text += " \(Int16(bitPattern: try cursor.u16()))"
            case 0x9d: text += " 0x\(hex(try cursor.uleb())) 0x\(hex(try cursor.uleb()))"
            case 0x9e:
                let length = try cursor.ulebCount()
                text += " 0x\(hex(length)) " + (try cursor.take(length)).map { String(format2($0)) }.joined(separator: " ")
            case 0xed:
                let kind = try cursor.u8()
                let index = kind == 3 ? UInt64(try cursor.u32()) : try cursor.uleb()
                text += " 0x\(hex(kind)) 0x\(hex(index))"
            default: break
            }
        } catch {
            parts.append(text + " <truncated>")
            break
        }
        parts.append(text)
    }
    return parts.joined(separator: ", ")
}

private func format2(_ byte: UInt8) -> String { byte < 16 ? "0x0\(hex(byte))" : "0x\(hex(byte))" }
