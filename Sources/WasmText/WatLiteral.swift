import WasmCore

/// The text format's literals for other parts of wdb (value input in the REPL and
/// `run --invoke`, DESIGN.md §3): the same rules as the WAT parser, so `0x1p-3`, `1_000`,
/// `-nan:0x200000`, `inf` and friends read the same everywhere.
public enum WatLiteral {
    /// An i32 literal: signed or unsigned range, decimal or hex, `_` separators.
    public static func i32(_ text: String) -> UInt32? {
        let b = Array(text.utf8)
        guard case .value(let v) = Literals.integer(b, 0, b.count, bits: 32) else { return nil }
        return UInt32(truncatingIfNeeded: v)
    }

    public static func i64(_ text: String) -> UInt64? {
        let b = Array(text.utf8)
        guard case .value(let v) = Literals.integer(b, 0, b.count, bits: 64) else { return nil }
        return v
    }

    /// The bits of an f32 literal (decimal, hex, `inf`, `nan`, `nan:0x…`, signed).
    public static func f32(_ text: String) -> UInt32? {
        let b = Array(text.utf8)
        guard case .value(let v) = Literals.float32(b, 0, b.count) else { return nil }
        return v
    }

    public static func f64(_ text: String) -> UInt64? {
        let b = Array(text.utf8)
        guard case .value(let v) = Literals.float64(b, 0, b.count) else { return nil }
        return v
    }

    /// A bare literal of a known type, as a script value.
    public static func value(_ text: String, type: ValueType) -> WastValue? {
        switch type {
        case .i32: i32(text).map { .i32($0) }
        case .i64: i64(text).map { .i64($0) }
        case .f32: f32(text).map { .f32($0) }
        case .f64: f64(text).map { .f64($0) }
        case .v128, .ref: nil
        }
    }

    /// A WAT constant: `(i32.const 1)`, `(f64.const -0x1p-3)`, `(v128.const i32x4 1 2 3 4)`,
    /// `(ref.null func)`, `(ref.extern 7)`, `(ref.func 2)`.
    public static func constant(_ text: String) throws(WatError) -> WastValue {
        let directives = try WastParser.parse("(invoke \"\" \(text))", file: "<value>")
        guard directives.count == 1, case .action(.invoke(_, _, let arguments)) = directives[0].command,
              arguments.count == 1 else {
            throw WatError(message: "expected one constant such as (i32.const 1)",
                           location: SourceLocation(file: "<value>", line: 1, column: 1))
        }
        return arguments[0]
    }
}
