import DebugInfo

// `print/F`: a scalar's bytes shown in another base or as another kind (gdb's
// `print_scalar_formatted`). Floats under any format but /f show their bits; /f shows bytes
// of a float's size as that float; /c shows the value as a one-byte character.

extension SourceValueFormatter {
    func formatted(_ value: SourceValue, _ format: SourcePrintFormat) -> String {
        let bytes = value.bytes
        let type = value.type
        guard !bytes.isEmpty else { return "void" }
        let wide = bytes.count > 8
        let bits = unsignedInteger(bytes.prefix(8))
        let signedBits: Int64 = {
            guard bytes.count < 8 else { return Int64(bitPattern: bits) }
            let shift = Int64(64 - 8 * bytes.count)
            return Int64(bitPattern: bits << UInt64(shift)) >> shift
        }()
        switch format {
        case .hex:
            return wide ? "0x" + bytes.reversed().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined().drop(while: { $0 == "0" })
                : "0x" + String(bits, radix: 16)
        case .zeroHex:
            return "0x" + bytes.reversed().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        case .octal:
            return bits == 0 ? "0" : "0" + String(bits, radix: 8)
        case .binary:
            return String(bits, radix: 2)
        case .decimal:
            return String(signedBits)
        case .unsigned:
            return String(bits)
        case .float:
            if type.isFloating || bytes.count == 4 || bytes.count == 8 {
                return floatText(SourceValue(type: type, bytes: bytes))
            }
            return type.isSigned ? String(signedBits) : String(bits)
        case .character:
            // The value as `char` (or `unsigned char` for an unsigned type), cut to a byte.
            let byte = UInt8(truncatingIfNeeded: bits)
            let number = type.isSigned || type.isFloating || type.isPointer ? String(Int8(bitPattern: byte)) : String(byte)
            return number + " " + characterLiteral(byte)
        case .address:
            let address = bits & 0xffff_ffff
            if let symbol = symbol(at: address) { return hexAddress(address) + " <\(symbol)>" }
            if let f = session.debugInfo?.function(containing: UInt32(truncatingIfNeeded: address)), address > 0 {
                return hexAddress(address) + " <\(f.name)+\(address - UInt64(f.lowPC))>"
            }
            return hexAddress(address)
        case .string:
            return scalar(value)
        }
    }
}
