import WasmCore
import WasmVM

/// A position resolved for the user: where a breakpoint landed or where the guest stopped.
public struct ResolvedPosition: Hashable, Sendable {
    public var location: CodeLocation
    public var position: CodePosition
    /// `$name+0x12 (func 3, offset 0x86)` plus ` at file.wat:LINE` when the line is known.
    public var description: String
    /// The WAT line, when a source map knows it.
    public var line: Int?
    /// The offset that was asked for, when the breakpoint slid forward from a folded
    /// instruction (one that has no stop point of its own).
    public var requestedOffset: UInt32?
    /// The source view when DWARF covers the position (function, file, line).
    public var source: SourcePosition?
}

public enum WatchKind: String, Hashable, Sendable {
    /// `watch`: stops when a write changes the value.
    case write
    /// `rwatch`: stops after a read.
    case read
    /// `awatch`: stops after a read or a write.
    case access
}

public enum WatchTarget: Hashable, Sendable {
    /// Bytes [range) of memory `memory` (0 unless multi-memory), read through `view` (nil:
    /// shown as bytes).
    case memory(Range<UInt64>, view: MemoryView?, memory: UInt32 = 0)
    case global(Int)
}

/// A watched value as the watchpoint shows it.
public enum WatchValue: Hashable, Sendable, CustomStringConvertible {
    case value(Value)
    case bytes([UInt8])

    public var description: String {
        switch self {
        case .value(let v): return v.description
        case .bytes(let b): return b.map { $0 < 16 ? "0x0" + String($0, radix: 16) : "0x" + String($0, radix: 16) }.joined(separator: " ")
        }
    }
}

public enum CatchTarget: Hashable, Sendable {
    /// Host calls whose import name is in `names` or whose WASI group is in `groups` (both
    /// empty: every host call); with `after` it stops when the call has returned, not before.
    case hostCall(names: Set<String>, groups: Set<String>, after: Bool)
    case trap
    /// Exceptions whose tag is in `tags` (names without `$`; empty: every tag): where they are
    /// thrown (`catch throw`), or at the handler that caught them (`atCatch`: `catch catch`).
    case exception(tags: Set<String>, atCatch: Bool)
}

public enum BreakpointKind: Hashable, Sendable {
    case code(ResolvedPosition)
    case watch(WatchTarget, WatchKind, expression: String)
    case catchpoint(CatchTarget)
}

/// A breakpoint, watchpoint or catchpoint (one numbering, as gdb).
/// A code breakpoint a new module could not place (`reload`, `file`): why, for the report.
public struct DroppedBreakpoint: Hashable, Sendable {
    public var number: Int
    public var location: String
    public var reason: String
}

public struct Breakpoint: Hashable, Sendable {
    public var number: Int
    public var kind: BreakpointKind
    public var enabled = true
    public var temporary = false
    public var condition: String?
    var parsedCondition: Expression?
    /// The location as the user gave it (`$f`, `loop.wat:14`, `*0x86`): a new version of the
    /// module resolves it again.
    public var location = ""
    /// Further places of a location that is in several (an inlined function, a template, a
    /// line with code in several functions): armed together, one breakpoint as in gdb.
    public var otherLocations: [ResolvedPosition] = []

    /// Every place the breakpoint is armed (a code breakpoint), first the one `kind` names.
    public var codeLocations: [ResolvedPosition] {
        guard case .code(let first) = kind else { return [] }
        return [first] + otherLocations
    }
    /// Hits still to skip before stopping.
    public var ignoreCount = 0
    public var hitCount = 0
    /// A watchpoint on a frame's local ends when that frame returns (gdb deletes it there).
    public var scope: WatchScope?
}

/// Where a scoped watchpoint's frame returns to: the caller's return point at its call depth.
public struct WatchScope: Hashable, Sendable {
    public var returnPoint: CodeLocation
    public var depth: Int
}

/// Who made a watched access.
public enum Accessor: Hashable, Sendable, CustomStringConvertible {
    case instruction(ResolvedPosition)
    /// A host (WASI) call that wrote into watched memory.
    case hostCall(String)

    public var description: String {
        switch self {
        case .instruction(let p): return p.description
        case .hostCall(let name): return "host call \(name)"
        }
    }
}

/// Why the guest stopped (or ended), as data; the REPL formats it.
public enum StopReason: Hashable, Sendable {
    case breakpoint(number: Int)
    case watchpoint(number: Int, old: WatchValue?, new: WatchValue, accessor: Accessor)
    /// Before (results nil) or after a host call. `decoded`: a WASI call as the trace prints
    /// it, `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10)` (after: with ` = 0 (nwritten=3)`).
    case catchpoint(number: Int, call: String, arguments: [Value], results: [Value]?, decoded: String? = nil)
    case trapCaught(number: Int, trap: Trap)
    /// The frame of a watched local returned: its watchpoints were deleted
    /// (`DebugSession.takeEndedWatchScopes`), and the guest stopped in the caller.
    case watchScopeEnded
    /// An exception catchpoint: at the throw (`caught` false) or at its handler.
    case exception(number: Int, caught: Bool, exception: ExceptionInfo)
    case stepDone
    /// `finish` returned from a frame with these values.
    case finished(values: [Value])
    case interrupted
    case trapped(Trap)
    case exited(code: Int32)
    /// An `invoke` (or a `_start` that returned) completed.
    case returned(values: [Value])
}

/// A stop report: the reason and, while the guest is alive, where it is.
public struct Stop: Hashable, Sendable {
    public var reason: StopReason
    public var position: ResolvedPosition?
}

/// A frame as `backtrace` shows it.
public struct FrameInfo: Hashable, Sendable {
    public var level: Int
    public var position: ResolvedPosition?
    /// `#1 $_start+0x8 (func 2, offset 0x86) at loop.wat:14`
    public var description: String
    public var functionIndex: UInt32
    public var locals: [NamedValue]
    public var operandStack: [Value]
    /// The Wasm frame this one is part of: equal to `level` unless inlined frames come first.
    public var physicalLevel: Int = 0
    /// Which inlined call of the Wasm frame this is (0: the innermost; the chain's length: the
    /// function that contains them), for the source values of the frame.
    public var inlineDepth: Int = 0
    /// The source view (DWARF): the function and line; an inlined call is a frame of its own.
    public var source: FrameSource?
}

/// A frame as the source shows it: `is_prime (n=7) at primes.c:14`.
public struct FrameSource: Hashable, Sendable {
    /// The source function's name (qualified, demangled).
    public var function: String
    public var file: String
    public var line: Int
    /// The function was inlined into the next frame's (gdb shows such calls as frames too).
    public var isInlined: Bool
    /// The function whose variables this frame shows (DWARF, opaque).
    public var fileOffset: UInt32

    public var fileAndLine: String { "\(DebugSession.baseName(file)):\(line)" }
}

public struct NamedValue: Hashable, Sendable {
    /// `$name` from the name section, else `local[N]` / `global[N]`.
    public var name: String
    public var index: Int
    public var value: Value
    public var isParameter: Bool
    /// The declared type (a typed null prints with it: `(ref null $point) null`).
    public var type: ValueType? = nil
}

/// Errors of session commands, with a message that says what is accepted.
public struct DebuggerError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StopReason {
    /// The breakpoint, watchpoint or catchpoint that made this stop, if one did.
    public var breakpointNumber: Int? {
        switch self {
        case .breakpoint(let n): return n
        case .watchpoint(let n, _, _, _): return n
        case .catchpoint(let n, _, _, _, _): return n
        case .trapCaught(let n, _): return n
        case .exception(let n, _, _): return n
        default: return nil
        }
    }
}

extension CatchTarget {
    /// A host-call catchpoint set with `after`.
    var stopsAfter: Bool {
        if case .hostCall(_, _, let after) = self { return after }
        return false
    }
}
