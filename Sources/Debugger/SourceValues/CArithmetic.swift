import DebugInfo

// C's arithmetic over source values on wasm32 (int and long 4 bytes, long long 8, pointers 4):
// integer promotions, the usual arithmetic conversions as gdb applies them, pointer
// arithmetic scaled by the element size, comparisons.

/// The types gdb gives to literals and results (`int`, `unsigned long long`, `double`...).
final class CBuiltins {
    let cPlusPlus: Bool
    init(cPlusPlus: Bool) { self.cPlusPlus = cPlusPlus }

    private func make(_ name: String, _ encoding: BaseEncoding, _ size: UInt64) -> DebugType {
        DebugType.base(name, encoding: encoding, byteSize: size, cPlusPlus: cPlusPlus)
    }
    lazy var int = make("int", .signed, 4)
    lazy var unsignedInt = make("unsigned int", .unsigned, 4)
    lazy var long = make("long", .signed, 4)
    lazy var unsignedLong = make("unsigned long", .unsigned, 4)
    lazy var longLong = make("long long", .signed, 8)
    lazy var unsignedLongLong = make("unsigned long long", .unsigned, 8)
    lazy var char = make("char", .signedChar, 1)
    lazy var unsignedChar = make("unsigned char", .unsignedChar, 1)
    lazy var float = make("float", .float, 4)
    lazy var double = make("double", .float, 8)
    lazy var bool = make(cPlusPlus ? "bool" : "_Bool", .boolean, 1)
    lazy var void = DebugType.base("void", encoding: .unknown, byteSize: 0, cPlusPlus: cPlusPlus)

    func literal(_ type: CLiteralType) -> DebugType {
        switch type {
        case .int: return int
        case .unsignedInt: return unsignedInt
        case .long: return long
        case .unsignedLong: return unsignedLong
        case .longLong: return longLong
        case .unsignedLongLong: return unsignedLongLong
        case .char: return char
        case .float: return float
        case .double: return double
        }
    }

    /// The type of a comparison or logical operation: `int` in C, `bool` in C++.
    var truth: DebugType { cPlusPlus ? bool : int }

    /// Builtin spellings a cast or `sizeof` may use, in gdb's canonical form.
    func named(_ spelling: String) -> DebugType? {
        let words = spelling.split(separator: " ").map(String.init).filter { $0 != "const" && $0 != "volatile" }
        let unsigned = words.contains("unsigned")
        let longs = words.filter { $0 == "long" }.count
        let rest = Set(words.filter { !["unsigned", "signed", "long"].contains($0) })
        switch (rest, longs) {
        case ([], 0), (["int"], 0): return words.isEmpty ? nil : (unsigned ? unsignedInt : int)
        case ([], 1), (["int"], 1): return unsigned ? unsignedLong : long
        case ([], 2), (["int"], 2): return unsigned ? unsignedLongLong : longLong
        case (["char"], 0):
            if unsigned { return unsignedChar }
            return words.contains("signed") ? make("signed char", .signedChar, 1) : char
        case (["short"], 0), (["short", "int"], 0): return unsigned ? make("unsigned short", .unsigned, 2) : make("short", .signed, 2)
        case (["float"], 0): return float
        case (["double"], 0): return double
        case (["double"], 1): return make("long double", .float, 16)
        case (["_Bool"], 0), (["bool"], 0): return bool
        case (["void"], 0): return void
        default: return nil
        }
    }
}

// MARK: reading and making scalars

extension SourceValue {
    /// The value as an integer: sign-extended for signed types, zero-extended otherwise.
    var integerBits: UInt64 {
        let size = min(bytes.count, 8)
        let raw = unsignedInteger(bytes.prefix(size))
        guard size > 0, size < 8, type.isSigned else { return raw }
        let shift = UInt64(64 - 8 * size)
        return UInt64(bitPattern: Int64(bitPattern: raw << shift) >> Int64(shift))
    }

    var floatingValue: Double {
        switch bytes.count {
        case 4: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: unsignedInteger(bytes))))
        case 8: return Double(bitPattern: unsignedInteger(bytes))
        case 16: return quadToDouble(bytes)
        default: return 0
        }
    }

    /// The number as a Double, whatever its arithmetic type.
    var numericValue: Double {
        if type.isFloating { return floatingValue }
        return type.isSigned ? Double(Int64(bitPattern: integerBits)) : Double(integerBits)
    }
}

/// An IEEE binary128 (wasm32's long double) as the nearest double.
func quadToDouble(_ bytes: [UInt8]) -> Double {
    let low = unsignedInteger(bytes[0..<8]), high = unsignedInteger(bytes[8..<16])
    let negative = high >> 63 == 1
    let exponent = Int((high >> 48) & 0x7fff)
    let fraction = (high & 0xffff_ffff_ffff) << 4 | low >> 60
    let value: Double
    if exponent == 0x7fff { value = fraction == 0 ? .infinity : .nan }
    else if exponent == 0 && fraction == 0 && low == 0 { value = 0 }
    else {
        let significand = Double(sign: .plus, exponent: 0, significand: 1 + Double(fraction) / Double(UInt64(1) << 52))
        value = Double(sign: .plus, exponent: exponent - 16383, significand: significand)
    }
    return negative ? -value : value
}

func doubleToQuad(_ value: Double) -> [UInt8] {
    let bits = value.bitPattern
    let sign = bits >> 63
    let exponent = Int((bits >> 52) & 0x7ff)
    let fraction = bits & 0xf_ffff_ffff_ffff
    var high: UInt64 = sign << 63, low: UInt64 = 0
    if exponent == 0x7ff { high |= 0x7fff << 48 | fraction >> 4; low = fraction << 60 }
    else if exponent != 0 { high |= UInt64(exponent - 1023 + 16383) << 48 | fraction >> 4; low = fraction << 60 }
    return littleEndianBytes(low, count: 8) + littleEndianBytes(high, count: 8)
}

extension CEvaluator {
    func integer(_ bits: UInt64, _ type: DebugType) -> SourceValue {
        SourceValue(type: type, bytes: littleEndianBytes(bits, count: Int(type.sizeInBytes)))
    }

    func floating(_ value: Double, _ type: DebugType) -> SourceValue {
        switch type.sizeInBytes {
        case 4: return SourceValue(type: type, bytes: littleEndianBytes(UInt64(Float(value).bitPattern), count: 4))
        case 16: return SourceValue(type: type, bytes: doubleToQuad(value))
        default: return SourceValue(type: type, bytes: littleEndianBytes(value.bitPattern, count: 8))
        }
    }

    func truth(_ flag: Bool) -> SourceValue { integer(flag ? 1 : 0, builtins.truth) }

    /// A scalar's truth for `!`, `&&`, `||`, `?:`.
    func isTrue(_ value: SourceValue) throws -> Bool {
        let v = try rvalue(value)
        if v.type.isFloating { return v.floatingValue != 0 }
        guard v.type.isIntegral || v.type.isPointer else {
            throw DebuggerError("Argument to logical operation not a number or boolean.")
        }
        return v.integerBits != 0
    }

    /// C's integer promotion: types narrower than int (and bool, char, enums) become int.
    func promoted(_ type: DebugType) -> DebugType {
        let size = type.sizeInBytes
        if size < 4 || type.isBool || type.isEnum && size <= 4 { return builtins.int }
        if size == 4 { return type.isSigned ? builtins.int : builtins.unsignedInt }
        return type.isSigned ? builtins.longLong : builtins.unsignedLongLong
    }

    /// The usual arithmetic conversions (gdb's `binop_promote` for C on wasm32).
    func commonType(_ a: DebugType, _ b: DebugType) -> DebugType {
        if a.isFloating || b.isFloating {
            let sa = a.isFloating ? a.sizeInBytes : 0, sb = b.isFloating ? b.sizeInBytes : 0
            let size = max(sa, sb)
            return size >= 16 ? (builtins.named("long double") ?? builtins.double) : size == 8 ? builtins.double : builtins.float
        }
        let pa = promoted(a), pb = promoted(b)
        let la = pa.sizeInBytes, lb = pb.sizeInBytes
        let unsigned = la > lb ? !pa.isSigned : lb > la ? !pb.isSigned : (!pa.isSigned || !pb.isSigned)
        if max(la, lb) <= 4 { return unsigned ? builtins.unsignedInt : builtins.int }
        return unsigned ? builtins.unsignedLongLong : builtins.longLong
    }

    /// Converts a scalar to an arithmetic type (C's conversion as by assignment).
    func convert(_ value: SourceValue, to type: DebugType) throws -> SourceValue {
        let v = try rvalue(value)
        if type.isFloating {
            guard v.type.isFloating || v.type.isIntegral else { throw DebuggerError("Invalid cast.") }
            return floating(v.numericValue, type)
        }
        if type.isBool {
            if v.type.isFloating { return integer(v.floatingValue != 0 ? 1 : 0, type) }
            return integer(v.integerBits != 0 ? 1 : 0, type)
        }
        if v.type.isFloating {
            let d = v.floatingValue
            guard d.isFinite else { return integer(0, type) }
            let bits: UInt64 = type.isSigned || d < 0
                ? UInt64(bitPattern: d >= 9.2e18 ? Int64.max : d <= -9.2e18 ? Int64.min : Int64(d))
                : (d >= 1.8e19 ? UInt64.max : UInt64(d))
            return integer(bits, type)
        }
        guard v.type.isIntegral || v.type.isPointer else { throw DebuggerError("Invalid cast.") }
        return integer(v.integerBits, type)
    }

    // MARK: binary operators

    func binary(_ op: String, _ left: SourceValue, _ right: SourceValue) throws -> SourceValue {
        let a = try decayed(rvalue(left)), b = try decayed(rvalue(right))
        if a.type.isPointer || b.type.isPointer { return try pointerBinary(op, a, b) }
        guard (a.type.isIntegral || a.type.isFloating) && (b.type.isIntegral || b.type.isFloating) else {
            throw DebuggerError("Argument to arithmetic operation not a number or boolean.")
        }
        let comparisons = ["==", "!=", "<", "<=", ">", ">="]
        let shift = op == "<<" || op == ">>"
        let type = shift ? promoted(a.type) : commonType(a.type, b.type)
        if type.isFloating {
            let x = a.numericValue, y = b.numericValue
            switch op {
            case "+": return floating(x + y, type)
            case "-": return floating(x - y, type)
            case "*": return floating(x * y, type)
            case "/": return floating(x / y, type)
            case "==": return truth(x == y)
            case "!=": return truth(x != y)
            case "<": return truth(x < y)
            case "<=": return truth(x <= y)
            case ">": return truth(x > y)
            case ">=": return truth(x >= y)
            default: throw DebuggerError("Integer-only operation \(op).")
            }
        }
        let bits = Int(type.sizeInBytes) * 8
        let x = try convert(a, to: type).integerBits, y = shift ? b.integerBits : try convert(b, to: type).integerBits
        let signed = type.isSigned
        let sx = Int64(bitPattern: x), sy = Int64(bitPattern: y)
        if comparisons.contains(op) {
            switch op {
            case "==": return truth(x == y)
            case "!=": return truth(x != y)
            case "<": return truth(signed ? sx < sy : x < y)
            case "<=": return truth(signed ? sx <= sy : x <= y)
            case ">": return truth(signed ? sx > sy : x > y)
            default: return truth(signed ? sx >= sy : x >= y)
            }
        }
        let result: UInt64
        switch op {
        case "+": result = x &+ y
        case "-": result = x &- y
        case "*": result = x &* y
        case "/", "%":
            guard y != 0 && (signed ? sy != 0 : true) else { throw DebuggerError("Division by zero") }
            if signed {
                let q = sx.dividedReportingOverflow(by: sy), r = sx.remainderReportingOverflow(dividingBy: sy)
                result = UInt64(bitPattern: op == "/" ? q.partialValue : (r.overflow ? 0 : r.partialValue))
            } else {
                result = op == "/" ? x / y : x % y
            }
        case "&": result = x & y
        case "|": result = x | y
        case "^": result = x ^ y
        case "<<", ">>":
            // gdb answers 0 for a count past the width (or negative), after a warning.
            let count = b.type.isSigned ? Int64(bitPattern: b.integerBits) : Int64(clamping: b.integerBits)
            guard count >= 0, count < bits else { return integer(0, type) }
            if op == "<<" { result = x << UInt64(count) }
            else if signed {
                let shifted = Int64(bitPattern: x << UInt64(64 - bits)) >> Int64(64 - bits)
                result = UInt64(bitPattern: shifted >> count)
            } else { result = x >> UInt64(count) }
        default: throw DebuggerError("Invalid binary operation \(op).")
        }
        return integer(result, type)
    }

    /// Pointer arithmetic and comparisons: `p + n` scaled by the pointee's size, `p - q` in
    /// elements (a `long`), comparisons of addresses.
    private func pointerBinary(_ op: String, _ a: SourceValue, _ b: SourceValue) throws -> SourceValue {
        func stride(_ p: SourceValue) -> UInt64 {
            guard let target = p.type.pointee, !target.isVoid else { return 1 }
            return max(target.sizeInBytes, 1)
        }
        switch op {
        case "+" where a.type.isPointer && b.type.isIntegral:
            return pointer(a.type, a.integerBits &+ b.integerBits &* stride(a))
        case "+" where b.type.isPointer && a.type.isIntegral:
            return pointer(b.type, b.integerBits &+ a.integerBits &* stride(b))
        case "-" where a.type.isPointer && b.type.isIntegral:
            return pointer(a.type, a.integerBits &- b.integerBits &* stride(a))
        case "-" where a.type.isPointer && b.type.isPointer:
            guard stride(a) == stride(b) else {
                throw DebuggerError("First argument of `-' is a pointer and second argument is neither\nan integer nor a pointer of the same type.")
            }
            let difference = Int64(Int32(truncatingIfNeeded: a.integerBits &- b.integerBits)) / Int64(stride(a))
            return integer(UInt64(bitPattern: difference), builtins.long)
        case "==", "!=", "<", "<=", ">", ">=":
            guard (a.type.isPointer || a.type.isIntegral) && (b.type.isPointer || b.type.isIntegral) else {
                throw DebuggerError("Argument to comparison operation not a pointer or integer.")
            }
            let x = a.integerBits & 0xffff_ffff, y = b.integerBits & 0xffff_ffff
            switch op {
            case "==": return truth(x == y)
            case "!=": return truth(x != y)
            case "<": return truth(x < y)
            case "<=": return truth(x <= y)
            case ">": return truth(x > y)
            default: return truth(x >= y)
            }
        default:
            throw DebuggerError("Argument to arithmetic operation not a number or boolean.")
        }
    }

    func pointer(_ type: DebugType, _ address: UInt64) -> SourceValue {
        SourceValue(type: type, bytes: littleEndianBytes(address & 0xffff_ffff, count: Int(max(type.sizeInBytes, 4))))
    }

    // MARK: unary operators

    func unary(_ op: String, _ operand: SourceValue) throws -> SourceValue {
        let v = try decayed(rvalue(operand))
        switch op {
        case "!":
            return truth(!(try isTrue(v)))
        case "-", "+":
            if v.type.isFloating { return op == "-" ? floating(-v.floatingValue, v.type) : v }
            guard v.type.isIntegral else { throw DebuggerError("Argument to arithmetic operation not a number or boolean.") }
            let type = promoted(v.type)
            let bits = try convert(v, to: type).integerBits
            return integer(op == "-" ? 0 &- bits : bits, type)
        case "~":
            guard v.type.isIntegral else { throw DebuggerError("Argument to complement operation not an integer, boolean.") }
            let type = promoted(v.type)
            return integer(~(try convert(v, to: type).integerBits), type)
        default:
            throw DebuggerError("Invalid unary operation \(op).")
        }
    }
}
