// The C expression language of `print`, `set var`, `watch` and `ptype` over source variables:
// literals, identifiers, `* & - + ! ~ sizeof`, casts, `[] . ->`, the binary operators with C's
// precedence, `?:`, assignment, and gdb's `@` (an artificial array: `*p@3`).
//
// The parser never recurses without bound: every nesting (parentheses, unary operators,
// brackets) counts, and so does the height of the tree a chain of binary operators builds
// (`1+1+...` is a left-deep tree), so evaluating and releasing the tree stays shallow too.

/// How deeply an expression may nest (parentheses, unary operators, operator chains).
let maximumExpressionNesting = 256

/// A type as a cast or `sizeof` spells it: `unsigned int`, `struct point *`, `char [4]`.
struct CTypeName: Hashable {
    var base: String
    var pointers: Int
    var arrayCount: UInt64?

    var spelling: String {
        base + (pointers > 0 ? " " + String(repeating: "*", count: pointers) : "") + (arrayCount.map { " [\($0)]" } ?? "")
    }
}

/// The type of a literal, as C (and gdb) give it.
enum CLiteralType: Hashable {
    case int, unsignedInt, long, unsignedLong, longLong, unsignedLongLong, char, float, double
}

indirect enum CExpression {
    case integer(UInt64, CLiteralType)
    case floating(Double, CLiteralType)
    case string([UInt8])
    case identifier(String)
    case unary(String, CExpression)
    case binary(String, CExpression, CExpression)
    case conditional(CExpression, CExpression, CExpression)
    /// `=` or a compound assignment (`op` is `+` for `+=`).
    case assign(CExpression, CExpression, op: String?)
    case member(CExpression, String, arrow: Bool)
    case index(CExpression, CExpression)
    /// `f(a, b)`: a call of a guest function (run while the guest is stopped).
    case call(CExpression, [CExpression])
    case cast(CTypeName, CExpression)
    case sizeofType(CTypeName)
    case sizeofExpression(CExpression)
}

enum CToken: Equatable {
    case identifier(String)
    case integer(UInt64, CLiteralType)
    case floating(Double, CLiteralType)
    case character(UInt64)
    case string([UInt8])
    case punct(String)
    case end
}

struct CExpressionParser {
    private var tokens: [CToken] = []
    private var position = 0
    private var depth = 0
    private let text: String
    /// Whether an identifier names a type (a typedef, `point_t`); keywords are known here.
    private let isTypeName: (String) -> Bool

    static let typeKeywords: Set<String> = [
        "int", "char", "short", "long", "unsigned", "signed", "float", "double", "void", "_Bool", "bool",
        "struct", "union", "enum", "class", "const", "volatile",
    ]

    /// Parses a whole expression; gdb's wording for what it cannot read.
    static func parse(_ text: String, isTypeName: @escaping (String) -> Bool = { _ in false }) throws -> CExpression {
        var parser = CExpressionParser(text: text, isTypeName: isTypeName)
        parser.tokens = try CLexer.tokens(of: text)
        guard parser.tokens.count > 1 else { throw DebuggerError("Argument required (expression to compute).") }
        let (expression, _) = try parser.parseAssignment()
        guard parser.peek == .end else { throw parser.syntaxError() }
        return expression
    }

    /// `ptype TYPE`/`whatis TYPE`/`sizeof(TYPE)`: the text as a type name, if it is one.
    static func parseTypeName(_ text: String, isTypeName: @escaping (String) -> Bool) -> CTypeName? {
        var parser = CExpressionParser(text: text, isTypeName: isTypeName)
        guard let tokens = try? CLexer.tokens(of: text) else { return nil }
        parser.tokens = tokens
        guard parser.startsTypeName(), let name = try? parser.typeName(), parser.peek == .end else { return nil }
        return name
    }

    private init(text: String, isTypeName: @escaping (String) -> Bool) {
        self.text = text
        self.isTypeName = isTypeName
    }

    private var peek: CToken { position < tokens.count ? tokens[position] : .end }
    private func peek(_ offset: Int) -> CToken { position + offset < tokens.count ? tokens[position + offset] : .end }

    private mutating func advance() -> CToken {
        let t = peek
        if position < tokens.count { position += 1 }
        return t
    }

    private mutating func take(_ punct: String) -> Bool {
        guard peek == .punct(punct) else { return false }
        position += 1
        return true
    }

    private func syntaxError() -> DebuggerError {
        let rest = CLexer.remainder(of: text, afterTokens: position)
        return DebuggerError(rest.isEmpty ? "A syntax error in expression, near `'." : "A syntax error in expression, near `\(rest)'.")
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= maximumExpressionNesting else {
            throw DebuggerError("Expression nested too deeply (more than \(maximumExpressionNesting) levels).")
        }
    }

    private func checked(_ node: (CExpression, Int)) throws -> (CExpression, Int) {
        guard node.1 <= maximumExpressionNesting else {
            throw DebuggerError("Expression nested too deeply (more than \(maximumExpressionNesting) levels).")
        }
        return node
    }

    // MARK: grammar

    private static let assignmentOperators: [String: String?] = [
        "=": nil, "+=": "+", "-=": "-", "*=": "*", "/=": "/", "%=": "%", "<<=": "<<", ">>=": ">>", "&=": "&", "|=": "|", "^=": "^",
    ]

    private mutating func parseAssignment() throws -> (CExpression, Int) {
        try enter()
        defer { depth -= 1 }
        let left = try parseConditional()
        if case .punct(let p) = peek, let op = CExpressionParser.assignmentOperators[p] {
            position += 1
            let right = try parseAssignment()
            return try checked((.assign(left.0, right.0, op: op), max(left.1, right.1) + 1))
        }
        return left
    }

    private mutating func parseConditional() throws -> (CExpression, Int) {
        let condition = try parseBinary(1)
        guard take("?") else { return condition }
        try enter()
        defer { depth -= 1 }
        let yes = try parseAssignment()
        guard take(":") else { throw syntaxError() }
        let no = try parseConditional()
        return try checked((.conditional(condition.0, yes.0, no.0), max(condition.1, yes.1, no.1) + 1))
    }

    private static let precedence: [String: Int] = [
        "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
        "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "@": 11,
    ]

    /// Precedence climbing: left-associative operators at `minimum` or tighter.
    private mutating func parseBinary(_ minimum: Int) throws -> (CExpression, Int) {
        var left = try parseUnary()
        while case .punct(let op) = peek, let level = CExpressionParser.precedence[op], level >= minimum {
            position += 1
            let right = level < 11 ? try parseBinary(level + 1) : try parseUnary()
            left = try checked((.binary(op, left.0, right.0), max(left.1, right.1) + 1))
        }
        return left
    }

    private mutating func parseUnary() throws -> (CExpression, Int) {
        if case .punct(let p) = peek, ["-", "+", "!", "~", "*", "&"].contains(p) {
            position += 1
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return try checked((.unary(p, operand.0), operand.1 + 1))
        }
        if peek == .identifier("sizeof") {
            position += 1
            if peek == .punct("("), startsTypeName(at: 1) {
                position += 1
                let type = try typeName()
                guard take(")") else { throw syntaxError() }
                return (.sizeofType(type), 1)
            }
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return try checked((.sizeofExpression(operand.0), operand.1 + 1))
        }
        if peek == .punct("("), startsTypeName(at: 1) {
            position += 1
            let type = try typeName()
            guard take(")") else { throw syntaxError() }
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return try checked((.cast(type, operand.0), operand.1 + 1))
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> (CExpression, Int) {
        var node = try parsePrimary()
        while true {
            if take("[") {
                let index = try parseAssignment()
                guard take("]") else { throw syntaxError() }
                node = try checked((.index(node.0, index.0), max(node.1, index.1) + 1))
            } else if take("(") {
                var arguments: [CExpression] = []
                var height = node.1
                if !take(")") {
                    repeat {
                        let argument = try parseAssignment()
                        arguments.append(argument.0)
                        height = max(height, argument.1)
                    } while take(",")
                    guard take(")") else { throw syntaxError() }
                }
                node = try checked((.call(node.0, arguments), height + 1))
            } else if peek == .punct(".") || peek == .punct("->") {
                let arrow = advance() == .punct("->")
                guard case .identifier(let name) = advance() else { throw syntaxError() }
                node = try checked((.member(node.0, name, arrow: arrow), node.1 + 1))
            } else {
                return node
            }
        }
    }

    private mutating func parsePrimary() throws -> (CExpression, Int) {
        switch advance() {
        case .integer(let v, let t): return (.integer(v, t), 1)
        case .floating(let v, let t): return (.floating(v, t), 1)
        case .character(let v): return (.integer(v, .char), 1)
        case .string(let bytes): return (.string(bytes), 1)
        case .identifier(let name) where !CExpressionParser.typeKeywords.contains(name) && name != "sizeof":
            return (.identifier(name), 1)
        case .punct("("):
            let inner = try parseAssignment()
            guard take(")") else { throw syntaxError() }
            return inner
        default:
            position = max(0, position - 1)
            throw syntaxError()
        }
    }

    // MARK: type names

    private func startsTypeName(at offset: Int = 0) -> Bool {
        guard case .identifier(let word) = peek(offset) else { return false }
        return CExpressionParser.typeKeywords.contains(word) || isTypeName(word)
    }

    /// Specifier words (`unsigned long`, `struct point`, `const char`, `point_t`), then `*`s
    /// (qualifiers after them ignored), then an optional `[N]`.
    private mutating func typeName() throws -> CTypeName {
        var words: [String] = []
        while case .identifier(let word) = peek {
            if word == "const" || word == "volatile" { position += 1; continue }
            if ["struct", "union", "enum", "class"].contains(word) {
                position += 1
                guard case .identifier(let tag) = advance() else { throw syntaxError() }
                words.append(word + " " + tag)
                break
            }
            // A typedef name stands alone; keywords combine ("unsigned long long").
            if !CExpressionParser.typeKeywords.contains(word) {
                guard words.isEmpty else { break }
                position += 1
                words.append(word)
                break
            }
            position += 1
            words.append(word)
        }
        guard !words.isEmpty else { throw syntaxError() }
        var pointers = 0
        while true {
            if take("*") { pointers += 1; continue }
            if peek == .identifier("const") || peek == .identifier("volatile") { position += 1; continue }
            break
        }
        var count: UInt64?
        if take("[") {
            guard case .integer(let n, _) = advance(), take("]") else { throw syntaxError() }
            count = n
        }
        return CTypeName(base: words.joined(separator: " "), pointers: pointers, arrayCount: count)
    }
}
