import WasmCore
import WasmVM

/// An error in an expression: a name that does not exist, a type mismatch, bad syntax.
public struct ExpressionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Typed memory views of `mem.T[ADDR]`.
public enum MemoryView: String, CaseIterable, Sendable {
    case u8, i8, u16, i16, i32, u32, i64, f32, f64

    public var byteCount: Int {
        switch self {
        case .u8, .i8: 1
        case .u16, .i16: 2
        case .i32, .u32, .f32: 4
        case .i64, .f64: 8
        }
    }

    /// The Wasm type a loaded value has (u32 widens to i64 so it reads as unsigned).
    public var valueType: ValueType {
        switch self {
        case .u8, .i8, .u16, .i16, .i32: .i32
        case .u32, .i64: .i64
        case .f32: .f32
        case .f64: .f64
        }
    }

    /// The value of little-endian `bytes` (exactly `byteCount` of them).
    func value(_ bytes: [UInt8]) -> Value {
        var raw: UInt64 = 0
        for (i, b) in bytes.enumerated() { raw |= UInt64(b) << (8 * UInt64(i)) }
        switch self {
        case .u8, .u16, .i32: return .i32(UInt32(truncatingIfNeeded: raw))
        case .i8: return .i32(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: raw))))
        case .i16: return .i32(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: raw))))
        case .u32, .i64: return .i64(raw)
        case .f32: return .f32(UInt32(truncatingIfNeeded: raw))
        case .f64: return .f64(raw)
        }
    }

    /// Little-endian bytes of `value` stored through this view.
    func bytes(_ value: Value) -> [UInt8] {
        let raw: UInt64
        switch value {
        case .i32(let v): raw = UInt64(v)
        case .i64(let v): raw = v
        case .f32(let v): raw = UInt64(v)
        case .f64(let v): raw = v
        default: raw = 0
        }
        return (0..<byteCount).map { UInt8(truncatingIfNeeded: raw >> (8 * UInt64($0))) }
    }
}

/// Which memory a memory read names: `mem.` and `mem1.` by index (multi-memory), `$heap.` by
/// the memory's name (name section) or export name.
public enum MemorySelector: Hashable, Sendable {
    case index(UInt32)
    case name(String)
}

/// A parsed expression of the debugger's small language (Docs/architecture.md, Notation: value input; Docs/commands.md).
public indirect enum Expression: Hashable, Sendable {
    /// A literal; `typed` is false for a bare number whose type follows its use.
    case literal(Value, typed: Bool)
    /// `$name`: a local of the selected frame, else a global.
    case name(String)
    case local(Int)
    case global(Int)
    /// `stack[N]`, 0 = top.
    case stack(Int)
    /// `mem.T[ADDR]`, `memN.T[ADDR]`, `$name.T[ADDR]`.
    case memory(MemoryView, Expression, MemorySelector)
    case unary(String, Expression)
    case binary(String, Expression, Expression)
    /// `$p.x`: a field of a GC struct (by name or number). A name that is not defined as a whole
    /// is split at its last `.` into a reference and a field (HeapValues.swift).
    case field(Expression, String)
    /// `$arr[3]`: an element of a GC array.
    case element(Expression, Expression)
}

/// What an expression reads: the debugger's session implements it for the selected frame.
protocol ExpressionContext {
    func localIndex(named name: String) -> Int?
    func globalIndex(named name: String) -> Int?
    func local(_ index: Int) throws(ExpressionError) -> Value
    func global(_ index: Int) throws(ExpressionError) -> Value
    func stack(_ index: Int) throws(ExpressionError) -> Value
    func memory(_ address: UInt64, count: Int, memory: UInt32) throws(ExpressionError) -> [UInt8]
    /// The memory named `$name` (name section) or exported as `name`.
    func memoryIndex(named name: String) -> UInt32?
    /// `$pc` and `$sp` (nil: not known here), consulted after locals and globals of that name.
    func register(_ name: String) throws(ExpressionError) -> Value?
    /// A field of the struct `object` refers to (by name, or by number), and an element of an array.
    func field(of object: Value, _ name: String) throws(ExpressionError) -> Value
    func element(of object: Value, _ index: Int) throws(ExpressionError) -> Value
    /// A value-history entry by its name without `$` (`1`, `$`, `$2`), for GC references,
    /// which cannot be substituted into the text as numbers are.
    func history(_ name: String) -> Value?
}

extension ExpressionContext {
    func register(_ name: String) throws(ExpressionError) -> Value? { nil }
    func field(of object: Value, _ name: String) throws(ExpressionError) -> Value {
        throw ExpressionError("\(object) is not a struct")
    }
    func element(of object: Value, _ index: Int) throws(ExpressionError) -> Value {
        throw ExpressionError("\(object) is not an array")
    }
    func history(_ name: String) -> Value? { nil }
}

// MARK: parsing

struct ExpressionParser {
    private let chars: [Character]
    private var i = 0
    /// How deep the expression tree is so far (parentheses, unary operators, brackets, and the
    /// length of an operator chain, which builds a tree as deep as it is long). Parsing and
    /// evaluating recurse along it, so it is bounded: a 6 KB line of parentheses must be an
    /// error, not a crash of the session.
    private var depth = 0
    static let maxDepth = 256

    private mutating func deeper(_ by: Int = 1) throws(ExpressionError) {
        depth += by
        if depth > ExpressionParser.maxDepth {
            throw ExpressionError("expression nested too deeply (more than \(ExpressionParser.maxDepth) levels)")
        }
    }

    init(_ text: String) { chars = Array(text) }

    static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var p = ExpressionParser(text)
        let e = try p.parseBinary(0)
        p.skipSpace()
        guard p.i == p.chars.count else { throw ExpressionError("unexpected \"\(String(p.chars[p.i...]))\" in expression") }
        return e
    }

    private static let levels: [[String]] = [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<=", ">=", "<", ">"], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ]

    private mutating func skipSpace() {
        while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
    }

    /// Whether the next character (after spaces) is `c`, without taking it.
    private mutating func peek(_ c: Character) -> Bool {
        skipSpace()
        return i < chars.count && chars[i] == c
    }

    private mutating func take(_ s: String) -> Bool {
        skipSpace()
        let t = Array(s)
        guard i + t.count <= chars.count, Array(chars[i..<(i + t.count)]) == t else { return false }
        // "|" must not take the first half of "||", nor "&" of "&&", "<" of "<<" or "<=".
        if t.count == 1, i + 1 < chars.count {
            let next = chars[i + 1]
            if (s == "|" && next == "|") || (s == "&" && next == "&") || ((s == "<" || s == ">") && (next == "=" || next == chars[i])) {
                return false
            }
        }
        i += t.count
        return true
    }

    mutating func parseBinary(_ level: Int) throws(ExpressionError) -> Expression {
        if level == ExpressionParser.levels.count { return try parseUnary() }
        let entry = depth
        defer { depth = entry }
        var left = try parseBinary(level + 1)
        var chain = 0
        outer: while true {
            for op in ExpressionParser.levels[level] where take(op) {
                // Each operator of a chain puts the tree one level deeper on the left.
                chain += 1
                depth = entry
                try deeper(chain)
                left = .binary(op, left, try parseBinary(level + 1))
                continue outer
            }
            return left
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        skipSpace()
        for op in ["-", "!", "~"] {
            // A minus before a digit is part of the literal (-7, -0.0, -inf).
            if op == "-", i + 1 < chars.count, chars[i] == "-", chars[i + 1].isNumber || chars[i + 1] == "i" || chars[i + 1] == "n" {
                break
            }
            if take(op) {
                try deeper()
                defer { depth -= 1 }
                return .unary(op, try parseUnary())
            }
        }
        return try parsePrimary()
    }

    private mutating func word() -> String {
        skipSpace()
        let start = i
        // A leading minus of a negative literal (-7, -0.0, -inf).
        if i + 1 < chars.count, chars[i] == "-" { i += 1 }
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || "_.$:+-".contains(chars[i]) {
            // Signs belong to a word only inside a number: after the ':' of a typed literal or
            // an exponent marker (e/E for decimal, p/P for hexadecimal floats).
            if chars[i] == "+" || chars[i] == "-" {
                guard i > start + 1 || (i > start && chars[start] != "-") else { break }
                let sofar = String(chars[start..<i]).lowercased()
                let prev = chars[i - 1]
                let numeric = sofar.contains(":") || (sofar.first?.isNumber ?? false)
                let markers: String = sofar.contains("0x") ? "pP" : "eEpP"
                guard prev == ":" || (numeric && markers.contains(prev)) else { break }
            }
            i += 1
        }
        return String(chars[start..<i])
    }

    private mutating func index() throws(ExpressionError) -> Expression {
        guard take("[") else { throw ExpressionError("expected [ after the name") }
        try deeper()
        defer { depth -= 1 }
        let e = try parseBinary(0)
        guard take("]") else { throw ExpressionError("expected ]") }
        return e
    }

    private mutating func constantIndex(_ what: String) throws(ExpressionError) -> Int {
        let e = try index()
        guard case .literal(let v, _) = e, case .i32(let n) = v else {
            throw ExpressionError("\(what)[N] needs a constant index")
        }
        return Int(n)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        skipSpace()
        guard i < chars.count else { throw ExpressionError("expression expected") }
        if chars[i] == "(" {
            // (f64.const 1.5) is a literal; any other parenthesis groups.
            let save = i
            i += 1
            let w = word()
            if w.hasSuffix(".const"), let type = ValueType.named(String(w.dropLast(6))) {
                let v = word()
                guard take(")"), let value = ValueParser.parse(v, as: type) else {
                    throw ExpressionError("bad constant (\(w) \(v))")
                }
                return .literal(value, typed: true)
            }
            i = save + 1
            try deeper()
            defer { depth -= 1 }
            let e = try parseBinary(0)
            guard take(")") else { throw ExpressionError("expected )") }
            return e
        }
        let start = i
        if chars[i] == "$" {
            i += 1
            let name = word()
            guard !name.isEmpty else { throw ExpressionError("a name must follow $") }
            // `$heap.i32[ADDR]`: a typed read of the memory named $heap.
            if let dot = name.lastIndex(of: "."), let view = MemoryView(rawValue: String(name[name.index(after: dot)...])),
               dot != name.startIndex, peek("[") {
                return .memory(view, try index(), .name(String(name[..<dot])))
            }
            return try postfix(.name(name))
        }
        let w = word()
        if w.isEmpty { throw ExpressionError("unexpected \"\(chars[start])\" in expression") }
        switch w {
        case "local": return .local(try constantIndex("local"))
        case "global": return .global(try constantIndex("global"))
        case "stack": return .stack(try constantIndex("stack"))
        case "mem": return .memory(.u8, try index(), .index(0))
        default: break
        }
        // mem[A], mem.T[A]; memN[A], memN.T[A] for memory N (multi-memory).
        if w.hasPrefix("mem") {
            let rest = w.dropFirst(3)
            let digits = rest.prefix { $0.isNumber }
            let suffix = rest.dropFirst(digits.count)
            if !digits.isEmpty || suffix.hasPrefix(".") {
                guard let memory = digits.isEmpty ? 0 : UInt32(digits) else {
                    throw ExpressionError("bad memory index in \"\(w)\"")
                }
                if suffix.isEmpty { return .memory(.u8, try index(), .index(memory)) }
                guard suffix.hasPrefix("."), let view = MemoryView(rawValue: String(suffix.dropFirst())) else {
                    throw ExpressionError("unknown memory view \"\(w)\"; use mem.u8 i8 u16 i16 i32 u32 i64 f32 f64 (memN.T for memory N)")
                }
                return .memory(view, try index(), .index(memory))
            }
        }
        return try literal(w)
    }

    /// `[index]` and `.field` after a name (GC arrays and structs): `$rows[2].x`.
    private mutating func postfix(_ base: Expression) throws(ExpressionError) -> Expression {
        var e = base
        var steps = 0
        while i < chars.count, chars[i] == "[" || (chars[i] == "." && steps > 0) {
            steps += 1
            try deeper()
            if chars[i] == "[" {
                e = .element(e, try index())
            } else {
                i += 1
                let name = word()
                guard !name.isEmpty else { throw ExpressionError("a field name must follow .") }
                // (word() takes `x.y` whole; split it into two field steps.)
                for part in name.split(separator: ".", omittingEmptySubsequences: false) {
                    guard !part.isEmpty else { throw ExpressionError("empty field name in \"\(name)\"") }
                    e = .field(e, String(part))
                }
            }
        }
        depth -= steps
        return e
    }

    private func literal(_ w: String) throws(ExpressionError) -> Expression {
        // A null reference of any type (`set var $p = null`): the target's type decides.
        if w == "null" { return .literal(.anyref(nil), typed: false) }
        if let colon = w.firstIndex(of: ":"), let type = ValueType.named(String(w[..<colon])) {
            guard let v = ValueParser.parse(w, as: type) else { throw ExpressionError("bad \(type) value \"\(w)\"") }
            return .literal(v, typed: true)
        }
        let isFloat = w.contains(".") || w == "inf" || w == "-inf" || w.hasPrefix("nan") || w.hasPrefix("-nan")
            || (!w.lowercased().hasPrefix("0x") && !w.hasPrefix("-0x") && w.lowercased().contains("e"))
            || (w.lowercased().contains("0x") && w.lowercased().contains("p"))
        if isFloat {
            guard let v = ValueParser.parse(w, as: .f64) else { throw ExpressionError("bad number \"\(w)\"") }
            return .literal(v, typed: false)
        }
        if let v = Self.integerLiteral(w) { return .literal(v, typed: false) }
        throw ExpressionError("unknown name or bad number \"\(w)\" (names start with $)")
    }

    /// An untyped integer takes the first type that holds it, as a C constant does (C11
    /// 6.4.4.1): decimal int, then long long; hex also the unsigned ones. int is i32 and long
    /// long is i64; an unsigned int that int cannot hold reads as the i64 of the same value
    /// (so `0xFFFFFFFF > 0` holds, as in C), and unsigned long long keeps its 64 bits in an i64.
    static func integerLiteral(_ w: String) -> Value? {
        if let v = ValueParser.integer(String(w.filter { $0 != "_" })) {
            if v >= Int(Int32.min) && v <= Int(Int32.max) { return .i32(UInt32(bitPattern: Int32(v))) }
            return .i64(UInt64(bitPattern: Int64(v)))
        }
        // Beyond long long: unsigned long long (hex; decimal too, as gdb accepts it).
        return ValueParser.parse(w, as: .i64)
    }
}

// MARK: evaluation

struct ExpressionEvaluator {
    let context: ExpressionContext

    /// A value and whether its type is still open (a bare literal).
    typealias Typed = (value: Value, open: Bool)

    func evaluate(_ e: Expression) throws(ExpressionError) -> Typed {
        switch e {
        case .literal(let v, let typed): return (v, !typed)
        case .name(let name):
            if let i = context.localIndex(named: name) { return (try context.local(i), false) }
            if let g = context.globalIndex(named: name) { return (try context.global(g), false) }
            if let v = try context.register(name) { return (v, false) }
            if let v = context.history(name) { return (v, false) }
            // `$p.x`: a reference named `p` and its field `x` (the name as a whole is not defined).
            if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
                let object = try evaluate(.name(String(name[..<dot]))).value
                return (try context.field(of: object, String(name[name.index(after: dot)...])), false)
            }
            throw ExpressionError("no local or global named \"$\(name)\"")
        case .field(let object, let name):
            return (try context.field(of: try evaluate(object).value, name), false)
        case .element(let object, let index):
            let target = try evaluate(object).value
            let i = try ExpressionEvaluator.address(try evaluate(index).value)
            guard i <= UInt64(Int32.max) else { throw ExpressionError("array index \(i) is out of range") }
            return (try context.element(of: target, Int(i)), false)
        case .local(let i): return (try context.local(i), false)
        case .global(let i): return (try context.global(i), false)
        case .stack(let i): return (try context.stack(i), false)
        case .memory(let view, let address, let selector):
            let memory = try memoryIndex(selector)
            let a = try evaluate(address)
            let base = try ExpressionEvaluator.address(a.value)
            return (view.value(try context.memory(base, count: view.byteCount, memory: memory)), false)
        case .unary(let op, let operand):
            let x = try evaluate(operand)
            return (try ExpressionEvaluator.unary(op, x.value), x.open)
        case .binary(let op, let l, let r):
            let a = try evaluate(l)
            if op == "&&" || op == "||" {
                let left = try ExpressionEvaluator.truth(a.value)
                if op == "&&" && !left { return (.i32(0), false) }
                if op == "||" && left { return (.i32(1), false) }
                return (.i32(try ExpressionEvaluator.truth(try evaluate(r).value) ? 1 : 0), false)
            }
            let b = try evaluate(r)
            let (x, y) = try ExpressionEvaluator.unify(a, b, op)
            return (try ExpressionEvaluator.binary(op, x, y), a.open && b.open)
        }
    }

    /// The memory index a selector names.
    func memoryIndex(_ selector: MemorySelector) throws(ExpressionError) -> UInt32 {
        switch selector {
        case .index(let i): return i
        case .name(let name):
            if let i = context.memoryIndex(named: name) { return i }
            // `$mem.T[A]` (the Wasm form in a source-level session) is memory 0 unless a memory
            // has that name.
            if name == "mem" { return 0 }
            throw ExpressionError("no memory named \"$\(name)\"")
        }
    }

    static func address(_ v: Value) throws(ExpressionError) -> UInt64 {
        switch v {
        case .i32(let a): return UInt64(a)
        case .i64(let a): return a
        default: throw ExpressionError("a memory address must be an integer, not \(v.type)")
        }
    }

    static func truth(_ v: Value) throws(ExpressionError) -> Bool {
        switch v {
        case .i32(let x): return x != 0
        case .i64(let x): return x != 0
        case .f32(let x): return Float(bitPattern: x) != 0
        case .f64(let x): return Double(bitPattern: x) != 0
        default: throw ExpressionError("a \(v.type) is not a truth value")
        }
    }

    /// Converts an open literal to `type` (an integer literal becomes a float, an i32 literal an i64).
    static func convert(_ v: Value, to type: ValueType) -> Value? {
        if v.type == type { return v }
        switch (v, type) {
        case (.i32(let x), .i64): return .i64(UInt64(bitPattern: Int64(Int32(bitPattern: x))))
        case (.i32(let x), .f32): return .f32(Float(Int32(bitPattern: x)).bitPattern)
        case (.i32(let x), .f64): return .f64(Double(Int32(bitPattern: x)).bitPattern)
        case (.i64(let x), .f32): return .f32(Float(Int64(bitPattern: x)).bitPattern)
        case (.i64(let x), .f64): return .f64(Double(Int64(bitPattern: x)).bitPattern)
        case (.f64(let x), .f32): return .f32(Float(Double(bitPattern: x)).bitPattern)
        case (.i64(let x), .i32) where Int64(bitPattern: x) >= Int64(Int32.min) && Int64(bitPattern: x) <= Int64(UInt32.max):
            return .i32(UInt32(truncatingIfNeeded: x))
        default: return nil
        }
    }

    private static func unify(_ a: Typed, _ b: Typed, _ op: String) throws(ExpressionError) -> (Value, Value) {
        if a.value.type == b.value.type { return (a.value, b.value) }
        if a.open && b.open {
            // Two literals: the narrower widens (C's usual arithmetic conversions), never the
            // wider narrows: `3000000000 > 0` compares as i64.
            if b.value.type.isNarrower(than: a.value.type), let y = convert(b.value, to: a.value.type) { return (a.value, y) }
            if a.value.type.isNarrower(than: b.value.type), let x = convert(a.value, to: b.value.type) { return (x, b.value) }
        }
        if a.open, let x = convert(a.value, to: b.value.type) { return (x, b.value) }
        if b.open, let y = convert(b.value, to: a.value.type) { return (a.value, y) }
        throw ExpressionError("type mismatch: \(a.value.type) \(op) \(b.value.type)")
    }

    static func unary(_ op: String, _ v: Value) throws(ExpressionError) -> Value {
        switch (op, v) {
        case ("-", .i32(let x)): return .i32(0 &- x)
        case ("-", .i64(let x)): return .i64(0 &- x)
        case ("-", .f32(let x)): return .f32(x ^ 0x8000_0000)
        case ("-", .f64(let x)): return .f64(x ^ 0x8000_0000_0000_0000)
        case ("~", .i32(let x)): return .i32(~x)
        case ("~", .i64(let x)): return .i64(~x)
        case ("!", _): return .i32(try truth(v) ? 0 : 1)
        default: throw ExpressionError("\(op) does not apply to \(v.type)")
        }
    }

    static func binary(_ op: String, _ x: Value, _ y: Value) throws(ExpressionError) -> Value {
        switch (x, y) {
        case (.i32(let a), .i32(let b)):
            if let r = try integer(op, Int64(Int32(bitPattern: a)), Int64(Int32(bitPattern: b)), bits: 32) {
                return .i32(UInt32(truncatingIfNeeded: r))
            }
            return try compare(op, Int32(bitPattern: a), Int32(bitPattern: b))
        case (.i64(let a), .i64(let b)):
            if let r = try integer(op, Int64(bitPattern: a), Int64(bitPattern: b), bits: 64) {
                return .i64(UInt64(bitPattern: r))
            }
            return try compare(op, Int64(bitPattern: a), Int64(bitPattern: b))
        case (.f32(let a), .f32(let b)):
            let (p, q) = (Float(bitPattern: a), Float(bitPattern: b))
            if let r = float(op, Double(p), Double(q)) { return .f32(Float(r).bitPattern) }
            return try compare(op, p, q)
        case (.f64(let a), .f64(let b)):
            let (p, q) = (Double(bitPattern: a), Double(bitPattern: b))
            if let r = float(op, p, q) { return .f64(r.bitPattern) }
            return try compare(op, p, q)
        default:
            throw ExpressionError("\(op) does not apply to \(x.type) and \(y.type)")
        }
    }

    /// Integer arithmetic wrapping at `bits` (signed division and shifts); nil for comparisons.
    private static func integer(_ op: String, _ a: Int64, _ b: Int64, bits: Int) throws(ExpressionError) -> Int64? {
        let mask: Int64 = bits == 32 ? 31 : 63
        switch op {
        case "+": return a &+ b
        case "-": return a &- b
        case "*": return a &* b
        case "/", "%":
            guard b != 0 else { throw ExpressionError("division by zero") }
            let minimum: Int64 = bits == 32 ? Int64(Int32.min) : Int64.min
            if a == minimum && b == -1 { return op == "/" ? a : 0 }
            return op == "/" ? a / b : a % b
        case "&": return a & b
        case "|": return a | b
        case "^": return a ^ b
        case "<<": return a << (b & mask)
        case ">>": return a >> (b & mask)
        default: return nil
        }
    }

    private static func float(_ op: String, _ a: Double, _ b: Double) -> Double? {
        switch op {
        case "+": return a + b
        case "-": return a - b
        case "*": return a * b
        case "/": return a / b
        default: return nil
        }
    }

    private static func compare<T: Comparable>(_ op: String, _ a: T, _ b: T) throws(ExpressionError) -> Value {
        let r: Bool
        switch op {
        case "==": r = a == b
        case "!=": r = a != b
        case "<": r = a < b
        case "<=": r = a <= b
        case ">": r = a > b
        case ">=": r = a >= b
        default: throw ExpressionError("\(op) does not apply to \(T.self == Float.self ? "f32" : T.self == Double.self ? "f64" : "this type")")
        }
        return .i32(r ? 1 : 0)
    }
}

extension ValueType {
    /// The order of C's usual arithmetic conversions over the numeric types: i32 < i64 < f32 < f64.
    fileprivate func isNarrower(than other: ValueType) -> Bool {
        let rank: [ValueType: Int] = [.i32: 0, .i64: 1, .f32: 2, .f64: 3]
        guard let a = rank[self], let b = rank[other] else { return false }
        return a < b
    }
}
