import WasmCore

/// The encoding choices the text format leaves to the assembler, made as one of two
/// assemblers makes them. Both give modules with the same meaning; they differ in bytes.
///
/// - `.wabt` (the default): as wabt 1.0.42's `wat2wasm`, so that wdb's output can be compared
///   byte for byte with it (Docs/assembling.md).
/// - `.wasmTools`: as `wasm-tools parse` 1.262, which mostly keeps the form of the text
///   (`wdb wat2wasm --wasm-tools-names`; Docs/wasm-3.0.md, "Parity with wasm-tools").
///
/// Every choice point of the parser and of the name section asks the style here, so the two
/// sets of rules can be read side by side.
public enum EncodingStyle: Hashable, Sendable {
    case wabt, wasmTools

    // MARK: code

    /// Whether `(if … (then …) (else))` and `if … else end` keep an `else` with nothing after
    /// it. wabt drops it (the binary means the same without it); wasm-tools writes what the
    /// text says.
    var keepsEmptyElse: Bool { self == .wasmTools }

    /// Whether a block type written `(type $t)` is encoded in the short form (empty or one
    /// result) when `$t`'s signature allows. wabt does; wasm-tools writes the index it was
    /// given. Block types written inline (`(result i32)`) take the short form in both.
    var shortensExplicitBlockTypes: Bool { self == .wabt }

    // MARK: types

    /// Whether a type use without `(type x)` (a `func`, block type, tag or import written with
    /// only `param`/`result`) may reuse `definition`, a function type of the signature
    /// wanted, alone in its recursion group. wabt reuses a final type without supertypes,
    /// whether or not its group was written `(rec …)`, as the spec's abbreviation says.
    /// wasm-tools reuses any function type written outside `(rec …)`, `sub` and supertypes
    /// notwithstanding, and never one inside it. With no type to reuse, both append the new
    /// type after all others, in the order of the text.
    func implicitUseMayReuse(_ definition: SubType, inExplicitGroup: Bool) -> Bool {
        switch self {
        case .wabt: definition.isPlain
        case .wasmTools: !inExplicitGroup
        }
    }

    /// Where the text has instructions that name a data segment by index (`memory.init`,
    /// `data.drop`, `array.new_data`, `array.init_data`).
    struct DataSegmentUses {
        var inFunctionBodies = false
        /// In a constant expression (a global's initializer …), where they are invalid.
        var elsewhere = false
    }

    /// Whether a data count section is written. A function that names a data segment needs
    /// it. wabt writes it for such an instruction anywhere, but only when there is at least
    /// one data segment; wasm-tools for one in a function body only, even with no data
    /// segment (a count of 0, against which the validator then refuses the index).
    func writesDataCount(_ uses: DataSegmentUses, dataSegments: Int) -> Bool {
        switch self {
        case .wabt: (uses.inFunctionBodies || uses.elsewhere) && dataSegments > 0
        case .wasmTools: uses.inFunctionBodies
        }
    }

    // MARK: element segments

    /// An element segment as the text wrote it, before an encoding is chosen.
    struct WrittenElementSegment {
        var mode: ElementSegment.Mode
        /// The segment's type (`(ref func)` for `func x*` with function references).
        var type: RefType
        /// Function indices (`func x*`, bare `x*`, `(elem x*)` in a table) or expressions.
        var items: ElementSegment.Items
        /// Whether and how the text names an active segment's table.
        var table: TableUse

        /// How an active segment's table appears in the text.
        enum TableUse {
            /// Not written: table 0 (and any segment that is not active).
            case implied
            /// `(table x)` in the segment.
            case named
            /// The segment is the `(elem …)` of a `(table … (elem …))`.
            case inline
        }
    }

    /// The segment to encode: its items (function indices or expressions) and the flag word
    /// (0–7, spec §5.5.12).
    ///
    /// wabt: a `funcref` list whose items are all `ref.func` becomes function indices; the
    /// explicit-table forms (2, 6) only for a table other than 0, a typed list of indices,
    /// or expressions of a type other than `funcref`.
    ///
    /// wasm-tools: the items keep their written form, except that the function indices of a
    /// `(table reftype (elem …))` whose type is not `funcref` become `ref.func` expressions;
    /// an active segment takes the explicit-table form whenever the text names the table
    /// (even table 0), and otherwise whenever the short form cannot express it (expressions
    /// of a type other than `funcref`).
    func elementSegment(_ written: WrittenElementSegment) -> ElementSegment {
        let type = written.type
        var items = written.items
        let indexListType = type == .funcref || type == RefType(nullable: false, .abstract(.func))
        switch self {
        case .wabt:
            if case .functions(let functions) = items, !indexListType {
                // `(table (ref $t) (elem $f …))`: function indices of a typed table are ref.func items.
                items = .expressions(functions.map(Self.refFunc))
            }
            // A funcref list of ref.func items as function indices: with function references
            // the segment's type becomes (ref func), a subtype of funcref, which every use of
            // a funcref list still accepts.
            if case .expressions(let expressions) = items, type == .funcref {
                var functions: [UInt32] = []
                for e in expressions {
                    guard let first = e.instructions.first, first.opcode == .refFunc else { break }
                    functions.append(first.index)
                }
                if functions.count == expressions.count { items = .functions(functions) }
            }
        case .wasmTools:
            if case .functions(let functions) = items, written.table == .inline, type != .funcref {
                items = .expressions(functions.map(Self.refFunc))
            }
        }
        let usesExpressions: Bool
        if case .expressions = items { usesExpressions = true } else { usesExpressions = false }
        var flags: UInt8 = usesExpressions ? 4 : 0
        switch written.mode {
        case .passive: flags |= 1
        case .declarative: flags |= 3
        case .active(let table, _):
            switch self {
            case .wabt:
                if table != 0 || !indexListType || (usesExpressions && type != .funcref) { flags |= 2 }
            case .wasmTools:
                if written.table != .implied || (usesExpressions && type != .funcref) { flags |= 2 }
            }
        }
        return ElementSegment(mode: written.mode, type: type, items: items, encodingFlags: flags)
    }

    private static func refFunc(_ function: UInt32) -> Expression {
        Expression([Instruction(.refFunc, .index(function)), Instruction(.end)])
    }
}
