import WasmCore

/// Formatting and parsing of the value notation (Docs/architecture.md, Notation: values).
public enum ValueFormatter {
    public static func format(_ value: Value) -> String {
        switch value {
        case .i32(let v): "i32:\(Int32(bitPattern: v))"
        case .i64(let v): "i64:\(Int64(bitPattern: v))"
        case .f32(let bits): "f32:" + formatF32(bits)
        case .f64(let bits): "f64:" + formatF64(bits)
        case .v128(let v):
            "v128:i32x4:" + (0..<4).map { i -> String in
                let word = i < 2 ? v.low : v.high
                return String(UInt32(truncatingIfNeeded: word >> (32 * UInt64(i % 2))))
            }.joined(separator: ",")
        case .funcref(let a): "funcref:" + (a.map { "\($0)" } ?? "null")
        case .externref(let a): "externref:" + (a.map { "\($0)" } ?? "null")
        case .exnref(let a): "exnref:" + (a.map { "\($0)" } ?? "null")
        case .anyref(nil): "anyref:null"
        case .anyref(let a?): format(a)
        case .externAny(let a): "externref:" + format(a)
        }
    }

    /// A GC reference without its object's contents (the debugger shows those, with names:
    /// Debugger/HeapValues.swift): `i31:5`, `structref:#3`, `arrayref:#4`, `anyref:host:7`.
    public static func format(_ reference: AnyReference) -> String {
        switch reference {
        case .i31(let v): "i31:\(AnyReference.signed(v))"
        case .object(let o): (o.isArray ? "arrayref:#" : "structref:#") + "\(o.id)"
        case .host(let h): "anyref:host:\(h)"
        }
    }

    /// Shortest text that reads back to the same bits; NaNs show a non-canonical payload.
    public static func formatF32(_ bits: UInt32) -> String {
        let f = Float(bitPattern: bits)
        if f.isNaN {
            let sign = bits >> 31 == 1 ? "-" : ""
            let payload = bits & 0x7F_FFFF
            return payload == 0x40_0000 ? "\(sign)nan" : "\(sign)nan:0x\(String(payload, radix: 16))"
        }
        if f.isInfinite { return f < 0 ? "-inf" : "inf" }
        return f.description
    }

    public static func formatF64(_ bits: UInt64) -> String {
        let f = Double(bitPattern: bits)
        if f.isNaN {
            let sign = bits >> 63 == 1 ? "-" : ""
            let payload = bits & 0xF_FFFF_FFFF_FFFF
            return payload == 0x8_0000_0000_0000 ? "\(sign)nan" : "\(sign)nan:0x\(String(payload, radix: 16))"
        }
        if f.isInfinite { return f < 0 ? "-inf" : "inf" }
        return f.description
    }
}
