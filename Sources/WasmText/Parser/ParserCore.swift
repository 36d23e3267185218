import WasmCore

/// The index spaces identifiers live in (spec §6.6.3 "identifier context").
enum IndexSpace: Int, CaseIterable {
    case type, function, table, memory, global, elem, data, tag

    var noun: String {
        switch self {
        case .type: "type"
        case .function: "function"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .elem: "elem segment"
        case .data: "data segment"
        case .tag: "tag"
        }
    }

    /// The field keyword, used in "duplicate func" style messages (the spec's wording).
    var fieldKeyword: String {
        switch self {
        case .type: "type"
        case .function: "func"
        case .table: "table"
        case .memory: "memory"
        case .global: "global"
        case .elem: "elem"
        case .data: "data"
        case .tag: "tag"
        }
    }
}

/// Parser for one WAT module (module fields by recursive descent; instruction nesting with an
/// explicit stack, see Instructions.swift). Two passes over the tokens: the first collects
/// every module-level identifier and the explicit types (so forward references resolve and
/// implicit type uses can be matched against all explicit types); the second builds the
/// `Module`, appending implicit types in the order wabt does.
final class WatParser {
    let s: TokenStream
    // The hottest state is exempt from dynamic exclusivity checks (each access to a class
    // property would otherwise go through the runtime's access set). The parser runs on one
    // thread and never holds an inout access to these across a call.
    @exclusivity(unchecked) var pos = 0

    /// The source bytes of `s`, for the lookups that read them unchecked.
    let source: SourceText
    /// `Mnemonics.table`, kept here so a lookup does not check the global's initialisation.
    let mnemonics = Mnemonics.table

    var module = Module()
    /// The language accepted (WebAssembly 3.0 unless the caller asks for 2.0).
    var features: Features = .default
    /// Identifier tables per index space (without the `$`).
    @exclusivity(unchecked) var names: [NameTable] = Array(repeating: NameTable(), count: IndexSpace.allCases.count)
    var counts: [UInt32] = Array(repeating: 0, count: IndexSpace.allCases.count)
    /// The encoding choices the text leaves open are made as this assembler makes them.
    var encodingStyle: EncodingStyle = .wabt
    /// Where instructions name a data segment (`memory.init`, `data.drop`, `array.new_data`,
    /// `array.init_data`): a data count section may then be written.
    var dataSegmentUses = EncodingStyle.DataSegmentUses()
    /// Parameter names of function types (`(type $t (func (param $x i32)))`), by type index:
    /// wasm-tools writes them in its name subsection 12; the module's names do not keep them.
    var typeParameterNames: [UInt32: [UInt32: String]] = [:]
    /// Per defined function: packed `line << 32 | column` of each instruction.
    var functionLocations: [[Int64]] = []
    /// Where module-level items start, for validation errors without an instruction.
    var moduleLocation: Token
    /// Packed line:column of module-level items, keyed as the validator names them.
    var fieldLocations: [String: Int64] = [:]

    // Current function body state.
    @exclusivity(unchecked) var code: [Instruction] = []
    @exclusivity(unchecked) var codeLocations: [Int64] = []
    @exclusivity(unchecked) var recordLocations = false
    /// The instructions of the open folded plain instructions, innermost last (each is
    /// emitted after its operands).
    @exclusivity(unchecked) var pending: [Instruction] = []
    /// The labels of the open blocks, innermost last.
    @exclusivity(unchecked) var labels: [Label] = []
    /// Label names of the current body by block ordinal, and the next ordinal.
    @exclusivity(unchecked) var namedLabels: [(ordinal: UInt32, label: Label)] = []
    var blockOrdinal: UInt32 = 0
    @exclusivity(unchecked) var localNames = NameTable()
    /// Struct field names by type index, for `struct.get $t $field`.
    var fieldNameTables: [UInt32: NameTable] = [:]

    // Annotations (Annotations.swift).
    /// Per entry of `module.customSections` made by `@custom`: 0 when placed after a section
    /// kind, 1 when placed before the next (their order among sections at the same place).
    var customSectionRanks: [UInt8] = []
    /// Whether a function body is being parsed (a branch hint elsewhere is "not in a function").
    var inFunctionBody = false

    /// Records an instruction that names a data segment, in a function body or not.
    func noteDataSegmentUse() {
        if inFunctionBody { dataSegmentUses.inFunctionBodies = true } else { dataSegmentUses.elsewhere = true }
    }

    /// A branch hint read and not yet given to an instruction: its value and token.
    var pendingBranchHint: (UInt8, Token)?
    /// Hints given to an instruction that starts at the token start and is not emitted yet,
    /// and their count, which `emit` tests (one load on its hot path).
    var hintTargets: [(start: Int32, value: UInt8)] = []
    @exclusivity(unchecked) var hintWatch = 0
    /// The current body's hints: instruction index, value.
    var functionHints: [(Int, UInt8)] = []
    /// Label names given by `(@name …)` in the current body, by block ordinal.
    var annotatedLabelNames: [UInt32: String] = [:]
    /// Every branch hint of the module, in function order.
    var branchHints: [BranchHint] = []
    /// The error for the first hint on an instruction that is not a branch. Such a module is
    /// well formed but invalid: the error is reported where the module is validated (or by
    /// `WatAssembler.parse`, whose model cannot hold the hint), and a module assembled
    /// without validation keeps the hint, as `wasm-tools parse` writes it.
    var invalidBranchHint: WatError?

    /// A block's label: the source range of its `$id` without the `$`; empty when unnamed.
    struct Label {
        var start: Int32
        var end: Int32
        static let none = Label(start: 0, end: 0)
        var isNamed: Bool { end > start }
    }

    init(_ stream: TokenStream) {
        self.s = stream
        self.source = stream.source
        self.moduleLocation = stream.tokens[0]
    }

    // MARK: token access

    /// The line (index into `s.lines.starts`) of the last token `packedLocation` placed:
    /// instructions are located in nearly source order, so the next one is usually on that
    /// line or a few after it.
    @exclusivity(unchecked) var lineCursor = 0

    /// `line << 32 | column` of token `t`, the source map's packing.
    @inline(__always)
    func packedLocation(_ t: Token) -> Int64 {
        let offset = Int(t.start)
        let lines = s.lines
        var k = lineCursor
        if Int(lines.starts[k]) <= offset {
            var steps = 0
            while k + 1 < lines.starts.count, Int(lines.starts[k + 1]) <= offset {
                k += 1
                steps += 1
                if steps == 8 {
                    k = lines.lineIndex(of: offset)
                    break
                }
            }
        } else {
            k = lines.lineIndex(of: offset)
        }
        lineCursor = k
        let (line, column) = lines.position(of: offset, onLine: k)
        return Int64(line) << 32 | Int64(column)
    }

    /// `line:column` of token `t`, for messages.
    func place(_ t: Token) -> String {
        let (line, column) = s.position(of: t)
        return "\(line):\(column)"
    }

    @inline(__always) var peek: Token { s.tokens[pos] }

    @inline(__always) func token(_ i: Int) -> Token {
        i < s.tokens.count ? s.tokens[i] : s.tokens[s.tokens.count - 1]
    }

    @inline(__always) func peek(_ ahead: Int) -> Token { token(pos + ahead) }

    @inline(__always) func advance() {
        if pos < s.tokens.count - 1 { pos += 1 }
    }

    /// Whether the next tokens are `(` followed by the keyword `kw`.
    @inline(__always) func atList(_ kw: StaticString) -> Bool {
        peek.kind == .lparen && peek(1).kind == .keyword && s.equals(peek(1), kw)
    }

    func text(_ t: Token) -> String { s.text(t) }

    /// Describes a token for "unexpected token" messages.
    func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .lparen: return "\"(\""
        case .rparen: return "\")\""
        default:
            var word = text(t)
            if word.utf8.count > 40 { word = String(word.prefix(40)) + "…" }
            return "\"\(word)\""
        }
    }

    func error(_ message: String, at t: Token, kind: WatError.Kind = .malformed) -> WatError {
        WatError.at(message, bytes: s.bytes, offset: Int(t.start), length: max(1, Int(t.end - t.start)),
                    file: s.file, baseLine: s.baseLine, baseColumn: s.baseColumn, kind: kind)
    }

    func unexpected(_ t: Token, expected: String) -> WatError {
        if t.kind == .annotation { return misplaced(t) }
        // The spec calls a token that is neither keyword, number, string nor id an operator.
        if t.kind == .reserved { return error("unknown operator \(describe(t))", at: t) }
        return error("unexpected token \(describe(t)), expected \(expected)", at: t)
    }

    func expectLParen() throws(WatError) {
        guard peek.kind == .lparen else { throw unexpected(peek, expected: "\"(\"") }
        advance()
    }

    func expectRParen() throws(WatError) {
        guard peek.kind == .rparen else { throw unexpected(peek, expected: "\")\"") }
        advance()
    }

    func expectKeyword(_ kw: StaticString) throws(WatError) {
        guard peek.kind == .keyword, s.equals(peek, kw) else { throw unexpected(peek, expected: "\"\(kw)\"") }
        advance()
    }

    /// An optional `$id`, without the `$`.
    func optionalID() -> (String, Token)? {
        guard peek.kind == .id else { return nil }
        let t = peek
        advance()
        return (s.name(t), t)
    }

    func idName(_ t: Token) -> String { s.name(t) }

    /// `TokenStream.nameRange` through the parser's own `source` (the hot lookups of
    /// `local.get $x` and `call $f` read it without going through the stream).
    @inline(__always)
    func nameRange(_ t: Token) -> (start: Int, end: Int) {
        let start = Int(t.start) &+ 1
        if source.base[start] != UInt8(ascii: "\"") { return (start, Int(t.end)) }
        return s.nameRange(t)
    }

    // MARK: literals

    func parseString() throws(WatError) -> [UInt8] {
        guard peek.kind == .string else { throw unexpected(peek, expected: "a string") }
        let t = peek
        advance()
        return s.stringValue(t)
    }

    /// A string that must be valid UTF-8 (import and export names).
    func parseName() throws(WatError) -> String {
        let t = peek
        let bytes = try parseString()
        guard let name = String(validating: bytes, as: UTF8.self) else {
            throw error("malformed UTF-8 encoding", at: t)
        }
        return name
    }

    /// The value of `source` bytes `start ..< end` when they are 1 to 18 decimal digits (no
    /// `_`, sign or hex), the usual spelling of numbers; nil otherwise (`Literals` then
    /// parses the general forms and says what is wrong). 18 digits cannot overflow.
    @inline(__always)
    func plainDecimal(_ start: Int, _ end: Int) -> UInt64? {
        guard start < end, end - start <= 18 else { return nil }
        let src = source.base
        var v: UInt64 = 0
        var i = start
        while i < end {
            let d = src[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
            i &+= 1
        }
        return v
    }

    func parseU32() throws(WatError) -> UInt32 {
        let t = peek
        if t.kind == .atom, let v = plainDecimal(Int(t.start), Int(t.end)), let u = UInt32(exactly: v) {
            advance()
            return u
        }
        guard t.kind == .atom, let v = Literals.unsigned(s.bytes, Int(t.start), Int(t.end)) else {
            if t.kind == .atom, Literals.isDigitRun(s.bytes, Int(t.start), Int(t.end)) {
                throw error("i32 constant out of range", at: t)
            }
            if t.kind == .atom { throw error("unknown operator \(describe(t))", at: t) }
            throw unexpected(t, expected: "a natural number")
        }
        guard let u = UInt32(exactly: v) else { throw error("i32 constant out of range", at: t) }
        advance()
        return u
    }

    /// An unsigned 64-bit natural (memory64 limits and offsets).
    func parseU64() throws(WatError) -> UInt64 {
        let t = peek
        guard t.kind == .atom, let v = Literals.unsigned(s.bytes, Int(t.start), Int(t.end)) else {
            if t.kind == .atom, Literals.isDigitRun(s.bytes, Int(t.start), Int(t.end)) {
                throw error("i64 constant out of range", at: t)
            }
            throw unexpected(t, expected: "a natural number")
        }
        advance()
        return v
    }

    func parseInteger(bits: Int) throws(WatError) -> UInt64 {
        let t = peek
        guard t.kind == .atom else { throw unexpected(t, expected: "an i\(bits) literal") }
        // Plain decimals with an optional `-`, with `Literals.integer`'s range rules.
        let negative = source.base[Int(t.start)] == UInt8(ascii: "-")
        if let magnitude = plainDecimal(Int(t.start) + (negative ? 1 : 0), Int(t.end)) {
            let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) &- 1
            if negative, magnitude <= 1 << UInt64(bits - 1) {
                advance()
                return (0 &- magnitude) & mask
            }
            if !negative, magnitude <= mask {
                advance()
                return magnitude
            }
        }
        switch Literals.integer(s.bytes, Int(t.start), Int(t.end), bits: bits) {
        case .value(let v):
            advance()
            return v
        case .outOfRange: throw error("i\(bits) constant out of range", at: t)
        case .malformed: throw malformedNumber(t, expected: "an i\(bits) literal")
        }
    }

    /// A token in a number's place that is not a number. An atom (`0x1p_1`, `1__0`) is what
    /// the spec lexes as a reserved token, an "unknown operator".
    func malformedNumber(_ t: Token, expected: String) -> WatError {
        if t.kind == .atom || (t.kind == .keyword && (s.hasPrefix(t, "inf")
            || (s.hasPrefix(t, "nan:") && !s.equals(t, "nan:canonical") && !s.equals(t, "nan:arithmetic")))) {
            return error("unknown operator \(describe(t)): not \(expected)", at: t)
        }
        return unexpected(t, expected: expected)
    }

    func parseF32() throws(WatError) -> UInt32 {
        let t = peek
        guard t.kind == .atom || t.kind == .keyword else { throw unexpected(t, expected: "an f32 literal") }
        switch Literals.float32(s.bytes, Int(t.start), Int(t.end)) {
        case .value(let v):
            advance()
            return v
        case .outOfRange: throw error("constant out of range", at: t)
        case .malformed: throw malformedNumber(t, expected: "an f32 literal")
        }
    }

    func parseF64() throws(WatError) -> UInt64 {
        let t = peek
        guard t.kind == .atom || t.kind == .keyword else { throw unexpected(t, expected: "an f64 literal") }
        switch Literals.float64(s.bytes, Int(t.start), Int(t.end)) {
        case .value(let v):
            advance()
            return v
        case .outOfRange: throw error("constant out of range", at: t)
        case .malformed: throw malformedNumber(t, expected: "an f64 literal")
        }
    }

    // MARK: types

    /// `min max?` of a table or memory, each a u32 (range checks against the memory page
    /// limit are the validator's).
    func parseLimits() throws(WatError) -> Limits {
        // memory64 / table64: an address type keyword first, then u64 bounds.
        var addressType = AddressType.i32
        if peek.kind == .keyword, s.equals(peek, "i64") || s.equals(peek, "i32") {
            addressType = s.equals(peek, "i64") ? .i64 : .i32
            advance()
        }
        if addressType == .i64 {
            let minimum = try parseU64()
            var maximum: UInt64?
            if peek.kind == .atom { maximum = try parseU64() }
            return Limits(min: minimum, max: maximum, addressType: .i64)
        }
        if features.contains(.memory64) {
            // 3.0: bounds are u64 in the text too; the validator checks their range
            // ("memory size", "table size").
            let minimum = try parseU64()
            var maximum: UInt64?
            if peek.kind == .atom { maximum = try parseU64() }
            return Limits(min: minimum, max: maximum)
        }
        let minimum = try parseU32()
        var maximum: UInt32?
        if peek.kind == .atom { maximum = try parseU32() }
        return Limits(min: UInt64(minimum), max: maximum.map { UInt64($0) })
    }

    // MARK: names and indices

    func define(_ space: IndexSpace, _ name: (String, Token)?, index: UInt32) throws(WatError) {
        guard let (n, t) = name else { return }
        let (start, end) = nameRange(t)
        if !names[space.rawValue].insert(source, start, end, value: index) {
            throw error("duplicate \(space.fieldKeyword) $\(n)", at: t)
        }
    }

    /// Adds a local's name; false when the function already has a local of that name.
    func defineLocal(_ t: Token, index: UInt32) -> Bool {
        let (start, end) = nameRange(t)
        return localNames.insert(source, start, end, value: index)
    }

    /// A numeric or symbolic index into a module-level space.
    func parseIndex(_ space: IndexSpace) throws(WatError) -> UInt32 {
        let t = peek
        if t.kind == .id {
            let (start, end) = nameRange(t)
            guard let index = names[space.rawValue].find(source, start, end) else {
                throw error("unknown \(space.noun) \(text(t))", at: t)
            }
            advance()
            return index
        }
        if t.kind == .atom { return try parseU32() }
        throw unexpected(t, expected: "a \(space.noun) index")
    }

    @inline(__always) var atIndex: Bool { peek.kind == .atom || peek.kind == .id }

    func parseLocalIndex() throws(WatError) -> UInt32 {
        let t = peek
        if t.kind == .id {
            let (start, end) = nameRange(t)
            guard let index = localNames.find(source, start, end) else {
                throw error("unknown local \(text(t))", at: t)
            }
            advance()
            return index
        }
        if t.kind == .atom { return try parseU32() }
        throw unexpected(t, expected: "a local index")
    }

    func parseLabel() throws(WatError) -> UInt32 {
        let t = peek
        if t.kind == .id {
            let (start, end) = nameRange(t)
            let n = end - start
            var depth: UInt32 = 0
            var i = labels.count - 1
            while i >= 0 {
                let label = labels[i]
                if Int(label.end - label.start) == n, source.equal(Int(label.start), start, count: n) {
                    advance()
                    return depth
                }
                depth += 1
                i -= 1
            }
            throw error("unknown label \(text(t))", at: t)
        }
        if t.kind == .atom { return try parseU32() }
        throw unexpected(t, expected: "a label")
    }

    // MARK: type uses

    struct TypeUse {
        var explicit: UInt32?
        var explicitToken: Token?
        var params: [ValueType] = []
        var paramNames: [(String, Token)?] = []
        var results: [ValueType] = []
        var hasInline = false
    }

    /// `(type x)? (param …)* (result …)*`.
    func parseTypeUse(allowParamNames: Bool) throws(WatError) -> TypeUse {
        var use = TypeUse()
        if atList("type") {
            use.explicitToken = peek(2)
            pos += 2
            use.explicit = try parseIndex(.type)
            try expectRParen()
        }
        try parseSignature(into: &use, allowParamNames: allowParamNames)
        return use
    }

    func parseSignature(into use: inout TypeUse, allowParamNames: Bool) throws(WatError) {
        while atList("param") {
            use.hasInline = true
            pos += 2
            if peek.kind == .id {
                guard allowParamNames else { throw unexpected(peek, expected: "a value type") }
                var name = optionalID()
                if let annotated = try optionalNameAnnotation(), let id = name { name = (annotated, id.1) }
                use.params.append(try parseValueType())
                use.paramNames.append(name)
            } else {
                while peek.kind != .rparen {
                    use.params.append(try parseValueType())
                    use.paramNames.append(nil)
                }
            }
            try expectRParen()
        }
        while atList("result") {
            use.hasInline = true
            pos += 2
            while peek.kind != .rparen { use.results.append(try parseValueType()) }
            try expectRParen()
        }
        // The order is fixed: (type) before (param) before (result).
        if atList("param") || atList("type") { throw unexpected(peek(1), expected: "the parts of a type use in the order type, param, result") }
    }

    /// The type index a type use denotes; an implicit signature is looked up among all types
    /// and appended when new (spec §6.6.8, and what wabt does).
    func resolve(_ use: TypeUse, at t: Token) throws(WatError) -> UInt32 {
        let signature = FuncType(params: use.params, results: use.results)
        if let index = use.explicit {
            if use.hasInline, Int(index) >= module.typeDefinitions.count {
                throw error("unknown type \(index)", at: use.explicitToken ?? t)
            }
            if use.hasInline, module.typeDefinitions[Int(index)].functionType != signature {
                throw error("inline function type does not match the type it names", at: use.explicitToken ?? t)
            }
            return index
        }
        return appendImplicitType(signature)
    }

    /// The signature of a resolved type use (empty when the index is out of range; the
    /// validator reports that).
    func signature(of index: UInt32) -> FuncType {
        Int(index) < module.typeDefinitions.count ? module.typeDefinitions[Int(index)].functionType ?? FuncType() : FuncType()
    }
}
