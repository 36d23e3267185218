import WasmCore

/// The contract between the WAST parser and its users (`wdb wast`, the REPL).
/// The text front end owns this file and may extend it; keep existing shapes stable.

/// A position in a text source (1-based line and column).
public struct SourceLocation: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// How a module appears in a script. Text modules are kept as source text and assembled
/// when the command runs, so an `assert_malformed` module does not stop the script parse.
public enum WastModuleSource: Hashable, Sendable {
    /// `(module …)`: the whole s-expression's text, starting at `location`.
    case text(String)
    /// `(module binary "…")`: the concatenated bytes.
    case binary([UInt8])
    /// `(module quote "…")`: the concatenated strings, to be parsed as a module.
    case quote(String)
}

public struct WastModule: Hashable, Sendable {
    /// `$name` of `(module $name …)`, without the `$`.
    public var name: String?
    public var source: WastModuleSource
    public var location: SourceLocation
    /// `(module definition …)`: validated but not instantiated (only `(module instance …)` of
    /// it makes instances; a definition may declare more than a runtime can allocate).
    public var isDefinition = false
    /// `(module instance $I $M)`: an instance (named `name`) of definition `$M` ("" for the
    /// last definition); `source` is unused.
    public var instanceOf: String?

    public init(name: String?, source: WastModuleSource, location: SourceLocation) {
        self.name = name
        self.source = source
        self.location = location
    }
}

/// An argument or concrete result value.
public enum WastValue: Hashable, Sendable {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)        // raw bits
    case f64(UInt64)        // raw bits
    case v128(V128)
    case refNull(RefType)
    case refExtern(UInt32)
    case refFunc(UInt32)
}

public enum NaNPattern: Hashable, Sendable {
    case canonical
    case arithmetic
}

/// One lane of an expected `v128.const` result.
public enum WastLane: Hashable, Sendable {
    case bits(UInt64)               // exact lane bits
    case f32NaN(NaNPattern)
    case f64NaN(NaNPattern)
}

/// An expected result of `assert_return`.
public enum WastExpected: Hashable, Sendable {
    case value(WastValue)
    case f32NaN(NaNPattern)
    case f64NaN(NaNPattern)
    /// `(v128.const SHAPE lane…)`: shape is `i8x16`, `i16x8`, `i32x4`, `i64x2`, `f32x4`, `f64x2`.
    case v128(shape: String, lanes: [WastLane])
    /// `(ref.extern)` / `(ref.func)` without an index: any non-null reference of that type.
    case anyRef(RefType)
    /// `(either …)`: any one of the alternatives.
    case either([WastExpected])
}

public enum WastAction: Hashable, Sendable {
    /// `(invoke $module? "name" arg…)`; `module` without the `$`.
    case invoke(module: String?, name: String, arguments: [WastValue])
    /// `(get $module? "name")`.
    case get(module: String?, name: String)
}

public enum WastCommand: Hashable, Sendable {
    case module(WastModule)
    case register(name: String, module: String?)
    case action(WastAction)
    case assertReturn(WastAction, [WastExpected])
    case assertTrap(WastAction, message: String)
    /// `assert_trap (module …) "msg"`: instantiation must trap.
    case assertModuleTrap(WastModule, message: String)
    case assertExhaustion(WastAction, message: String)
    case assertMalformed(WastModule, message: String)
    case assertInvalid(WastModule, message: String)
    case assertUnlinkable(WastModule, message: String)
}

public struct WastDirective: Hashable, Sendable {
    public var command: WastCommand
    public var location: SourceLocation

    public init(command: WastCommand, location: SourceLocation) {
        self.command = command
        self.location = location
    }
}
