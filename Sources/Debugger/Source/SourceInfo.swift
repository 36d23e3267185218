import DebugInfo
import WasmCore

// The source-level view: a module compiled with -g carries DWARF in custom sections. The
// reader is made on the first question that needs it (a module opens as fast without), and
// answers in module file offsets, the positions the Wasm view uses everywhere.

extension DebugSession {
    /// The DWARF of the loaded module; nil when it has none. Made on first use.
    public var debugInfo: DebugInfo? {
        if !debugInfoLooked, let module {
            debugInfoLooked = true
            debugInfoStorage = DebugInfo(module: module)
        }
        return debugInfoStorage
    }

    /// What the reader could not make sense of so far (section, offset, why); the Wasm view
    /// stands in for whatever it could not answer.
    public var debugInfoWarnings: [DebugInfoWarning] { debugInfoStorage?.warnings ?? [] }
}
