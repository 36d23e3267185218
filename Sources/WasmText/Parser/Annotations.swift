import WasmCore

/// The annotations wdb gives a meaning (the spec's appendix "Custom Sections and
/// Annotations", and the branch hinting proposal):
///
/// - `(@custom "name" (before|after kind)? "bytes"*)` at module-field level: a custom section,
///   placed before or after the named section kind (`first`, `last` allowed), by default after
///   the last section;
/// - `(@name "text")` right after the binder of the module, a function, a parameter or local, a
///   type, struct field, table, memory, global, tag, element or data segment, or a block
///   label: the name the name section gives it (instead of the identifier's);
/// - `(@metadata.code.branch_hint "\00"|"\01")` in a function body, before an `if` or `br_if`:
///   an entry of the `metadata.code.branch_hint` section (written by `WatAssembler.finish`,
///   which knows the instructions' offsets).
///
/// The lexer makes each of them one `.annotation` token; wherever the parser meets one it does
/// not expect, the error is the spec's "misplaced @… annotation". Other annotations are
/// skipped by the lexer.
extension WatParser {
    enum AnnotationKind {
        case custom, name, branchHint

        var spelling: String {
            switch self {
            case .custom: "@custom"
            case .name: "@name"
            case .branchHint: "@metadata.code.branch_hint"
            }
        }
    }

    /// A branch hint of one instruction of a defined function.
    struct BranchHint: Hashable, Sendable {
        /// Index among the module's defined functions (imports not counted).
        var function: Int
        var instruction: Int
        /// 0: unlikely taken, 1: likely.
        var value: UInt8
    }

    /// Which annotation token `t` is (plain or quoted id).
    func annotationKind(_ t: Token) -> AnnotationKind {
        let bytes = s.bytes
        var i = Int(t.start) + 2
        if bytes[i] == UInt8(ascii: "\"") { i += 1 }
        if bytes[i] == UInt8(ascii: "c") { return .custom }
        if bytes[i] == UInt8(ascii: "n") { return .name }
        return .branchHint
    }

    /// The error for an annotation where it has no meaning.
    func misplaced(_ t: Token) -> WatError {
        let kind = annotationKind(t)
        if kind == .branchHint, !inFunctionBody {
            return error("@metadata.code.branch_hint annotation: not in a function", at: t)
        }
        return error("misplaced \(kind.spelling) annotation", at: t)
    }

    /// The tokens inside annotation `t`, after its id (the lexer has checked them already).
    private func annotationContents(_ t: Token) throws(WatError) -> TokenStream {
        var i = Int(t.start) + 2
        let bytes = s.bytes
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            while bytes[i] != UInt8(ascii: "\"") { i += 1 }
            i += 1
        } else {
            while Lexer.isIdchar(bytes[i]) { i += 1 }
        }
        let end = Int(t.end) - 1   // the annotation's `)`
        let (line, column) = s.lines.position(of: i)
        return try Lexer.tokenize(Array(bytes[i..<end]), file: s.file, line: line, column: column)
    }

    private func annotationError(_ stream: TokenStream, _ message: String, at t: Token) -> WatError {
        WatError.at(message, bytes: stream.bytes, offset: Int(t.start), length: max(1, Int(t.end - t.start)),
                    file: stream.file, baseLine: stream.baseLine, baseColumn: stream.baseColumn)
    }

    // MARK: @custom

    /// `@custom` at module-field level: appended to the module's custom sections; `rank`
    /// orders sections that share a place (see `sortCustomSections`).
    func parseCustomAnnotation(_ t: Token) throws(WatError) {
        let c = try annotationContents(t)
        let tokens = c.tokens
        var k = 0
        let nameToken = tokens[k]
        guard nameToken.kind == .string else {
            throw annotationError(c, "@custom annotation: missing section name", at: nameToken)
        }
        guard let name = String(validating: c.stringValue(nameToken), as: UTF8.self) else {
            throw annotationError(c, "@custom annotation: malformed UTF-8 encoding", at: nameToken)
        }
        k += 1
        // The encoder writes a custom section after the section kind `after` (nil: before the
        // first); `rank` 1 puts it after those placed "after" the same kind (it was written
        // "before" the next one, or "after last").
        var after: SectionID? = .data
        var rank: UInt8 = 1
        if tokens[k].kind == .lparen {
            let direction = tokens[k + 1]
            let isBefore = direction.kind == .keyword && c.equals(direction, "before")
            guard isBefore || (direction.kind == .keyword && c.equals(direction, "after")) else {
                throw annotationError(c, "@custom annotation: malformed placement", at: direction)
            }
            let kindToken = tokens[k + 2]
            guard kindToken.kind == .keyword, let place = Self.placement(c.text(kindToken), before: isBefore) else {
                throw annotationError(c, "@custom annotation: malformed section kind", at: kindToken)
            }
            (after, rank) = place
            guard tokens[k + 3].kind == .rparen else {
                throw annotationError(c, "@custom annotation: unexpected token", at: tokens[k + 3])
            }
            k += 4
        }
        var payload: [UInt8] = []
        while tokens[k].kind == .string {
            payload += c.stringValue(tokens[k])
            k += 1
        }
        guard tokens[k].kind == .eof else {
            throw annotationError(c, "@custom annotation: unexpected token", at: tokens[k])
        }
        module.customSections.append(CustomSection(name: name, payload: payload, after: after))
        customSectionRanks.append(rank)
    }

    /// The section order the encoder writes (`ModuleEncoder.encode`).
    static let sectionOrder: [SectionID] = [.type, .import, .function, .table, .memory, .tag, .global, .export,
                                            .start, .element, .dataCount, .code, .data]

    /// Where `(before kind)` / `(after kind)` puts a custom section, in the encoder's terms.
    static func placement(_ kind: String, before: Bool) -> (SectionID?, UInt8)? {
        let id: SectionID
        switch kind {
        case "first": return before ? (nil, 0) : (sectionOrder.first, 0)
        case "last": return before ? (sectionOrder.dropLast().last, 1) : (.data, 1)
        case "type": id = .type
        case "import": id = .import
        case "func": id = .function
        case "table": id = .table
        case "memory": id = .memory
        case "tag": id = .tag
        case "global": id = .global
        case "export": id = .export
        case "start": id = .start
        case "elem": id = .element
        case "datacount": id = .dataCount
        case "code": id = .code
        case "data": id = .data
        default: return nil
        }
        guard before else { return (id, 0) }
        guard let k = sectionOrder.firstIndex(of: id), k > 0 else { return (nil, 1) }
        return (sectionOrder[k - 1], 1)
    }

    /// Orders custom sections that share a place: those written "after" a kind before those
    /// written "before" the next (what the spec's placement means), otherwise in source order.
    func sortCustomSections() {
        guard customSectionRanks.count == module.customSections.count, customSectionRanks.contains(where: { $0 != 0 }) else {
            return
        }
        let order = module.customSections.indices.sorted { a, b in
            let pa = module.customSections[a].after.map { Int($0.order) } ?? -1
            let pb = module.customSections[b].after.map { Int($0.order) } ?? -1
            if pa != pb { return pa < pb }
            if customSectionRanks[a] != customSectionRanks[b] { return customSectionRanks[a] < customSectionRanks[b] }
            return a < b
        }
        module.customSections = order.map { module.customSections[$0] }
        customSectionRanks = order.map { customSectionRanks[$0] }
    }

    // MARK: @name

    /// An optional `(@name "…")` at `pos` (after a binder); its text, or nil.
    func optionalNameAnnotation() throws(WatError) -> String? {
        guard peek.kind == .annotation, annotationKind(peek) == .name else { return nil }
        let t = peek
        let c = try annotationContents(t)
        let tokens = c.tokens
        guard tokens[0].kind == .string else {
            throw annotationError(c, "@name annotation: missing name", at: tokens[0])
        }
        guard let name = String(validating: c.stringValue(tokens[0]), as: UTF8.self) else {
            throw annotationError(c, "@name annotation: malformed UTF-8 encoding", at: tokens[0])
        }
        guard tokens[1].kind == .eof else {
            throw annotationError(c, "@name annotation: unexpected token", at: tokens[1])
        }
        advance()
        return name
    }

    /// The name of a binder: its `(@name …)` if one follows, else its identifier's.
    func binderName(_ id: (String, Token)?) throws(WatError) -> String? {
        try optionalNameAnnotation() ?? id?.0
    }

    // MARK: branch hints

    /// A branch hint in a function body: it applies to the next instruction, which must be
    /// an `if` or `br_if` (checked when that instruction starts, `bindBranchHint`).
    func parseBranchHint(_ t: Token) throws(WatError) {
        guard inFunctionBody else { throw misplaced(t) }
        if pendingBranchHint != nil {
            throw error("@metadata.code.branch_hint annotation: duplicate annotation", at: t)
        }
        let c = try annotationContents(t)
        var value: [UInt8] = []
        for token in c.tokens where token.kind != .eof {
            guard token.kind == .string else {
                throw annotationError(c, "@metadata.code.branch_hint annotation: unexpected token", at: token)
            }
            value += c.stringValue(token)
        }
        guard value.count == 1, value[0] <= 1 else {
            throw error("@metadata.code.branch_hint annotation: invalid hint value", at: t)
        }
        pendingBranchHint = (value[0], t)
        advance()
    }

    /// Called when the instruction `op` at token `t` starts while a hint waits: the hint
    /// goes to that instruction, which is recorded when it is emitted (a folded `if` or
    /// `br_if` is emitted after its operands). A hint on any other instruction makes the
    /// module invalid (`invalidBranchHint`).
    func bindBranchHint(_ op: Opcode, at t: Token) throws(WatError) {
        guard let (value, hintToken) = pendingBranchHint else { return }
        pendingBranchHint = nil
        if op != .if && op != .brIf && invalidBranchHint == nil {
            invalidBranchHint = error("@metadata.code.branch_hint annotation: invalid target", at: hintToken, kind: .invalid)
        }
        hintTargets.append((t.start, value))
        hintWatch = hintTargets.count
    }

    /// `emit` found the instruction a hint was bound to.
    func recordBranchHint(at t: Token) {
        guard let k = hintTargets.firstIndex(where: { $0.start == t.start }) else { return }
        functionHints.append((code.count - 1, hintTargets[k].value))
        hintTargets.remove(at: k)
        hintWatch = hintTargets.count
    }

    /// At the end of a function body: a hint with no instruction after it is misplaced.
    func finishBranchHints(function: Int) throws(WatError) {
        if let (_, t) = pendingBranchHint {
            pendingBranchHint = nil
            throw error("@metadata.code.branch_hint annotation: invalid placement", at: t)
        }
        hintTargets.removeAll()
        hintWatch = 0
        guard !functionHints.isEmpty else { return }
        for (instruction, value) in functionHints.sorted(by: { $0.0 < $1.0 }) {
            branchHints.append(BranchHint(function: function, instruction: instruction, value: value))
        }
        functionHints.removeAll()
    }
}

extension WatAssembler {
    /// The payload of the `metadata.code.branch_hint` section for `hints`, from the encoded
    /// module's instruction offsets: per function (by index, imports counted), the offset of
    /// each hinted instruction from the function body's start, the size 1, and the hint.
    static func branchHintPayload(_ hints: [WatParser.BranchHint], decoded: Module) -> [UInt8]? {
        var out: [UInt8] = []
        var byFunction: [Int: [WatParser.BranchHint]] = [:]
        for hint in hints { byFunction[hint.function, default: []].append(hint) }
        LEB128.appendUnsigned(UInt32(byFunction.count), to: &out)
        for function in byFunction.keys.sorted() {
            guard function < decoded.functions.count else { return nil }
            let f = decoded.functions[function]
            LEB128.appendUnsigned(UInt32(decoded.importedFunctionCount + function), to: &out)
            let list = byFunction[function] ?? []
            LEB128.appendUnsigned(UInt32(list.count), to: &out)
            let offsets = f.body.offsets  // decoded once per function
            for hint in list {
                guard hint.instruction < offsets.count else { return nil }
                LEB128.appendUnsigned(offsets[hint.instruction] &- f.bodyOffset, to: &out)
                LEB128.appendUnsigned(1, to: &out)
                out.append(hint.value)
            }
        }
        return out
    }
}
