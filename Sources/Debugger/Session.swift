#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DebugInfo
import WASI
import WasmCore
import WasmText
import WasmVM

/// A debugging session over one module: load, run and invoke under control, breakpoints,
/// watchpoints, catchpoints, stepping, inspection. No terminal I/O: every command returns data.
///
///     let session = DebugSession()
///     try session.load(path: "loop.wat")
///     let bp = try session.setBreakpoint("$bump")
///     var stop = try session.invoke("main", [])       // Stop(reason: .breakpoint(number: 1), ...)
///     stop = try session.finish()                       // .finished(values: [i32:3])
public final class DebugSession {
    // MARK: the loaded module

    public private(set) var module: Module?
    public private(set) var sourceMap: SourceMap?
    /// The module's DWARF reader once a question needed it (see Source/SourceInfo.swift).
    var debugInfoStorage: DebugInfo?
    var debugInfoLooked = false
    /// Where source files are read from (`directory`, `set substitute-path`); kept across loads.
    public let sourceFiles = SourceFiles()
    /// Function names as shown (demangled), by function index, filled as they are shown.
    var shownFunctionNames: [UInt32: String] = [:]
    public private(set) var fileName: String = ""
    var bytes: [UInt8] = []

    // MARK: the run's world

    /// WASI argv after argv[0] (`set args`).
    public var arguments: [String] = [] { didSet { if arguments != oldValue { pristine = false } } }
    /// `NAME=VALUE` (`set env`).
    public var environment: [String] = [] { didSet { if environment != oldValue { pristine = false } } }
    /// `HOST[::GUEST]` preopens (`dir`).
    public var directories: [String] = [] { didSet { if directories != oldValue { pristine = false } } }
    /// The guest's standard streams (host file descriptors).
    public var stdinFD: Int32 = 0 { didSet { if stdinFD != oldValue { pristine = false } } }
    public var stdoutFD: Int32 = 1 { didSet { if stdoutFD != oldValue { pristine = false } } }
    public var stderrFD: Int32 = 2 { didSet { if stderrFD != oldValue { pristine = false } } }
    /// Further imports of a new instance (other host modules); WASI is provided by the
    /// session itself when the module imports it.
    public var importProvider: ((DebugSession, Runtime, Module) throws -> Imports)? { didSet { pristine = false } }
    /// The value history's value for a name such as `1`, `$` or `$2` (the command layer keeps
    /// the history): how `print $1.x` reaches into a GC object printed before (HeapValues.swift).
    public var historyReference: ((String) -> Value?)?
    /// The WASI host of the current instance (argv = file name + `arguments`).
    public private(set) var wasiHost: WASIHost?
    /// Recognises the trap that means the guest exited (WASI `proc_exit`).
    public var exitCode: ((Trap) -> Int32?)? = { $0.exitCode.map { Int32(truncatingIfNeeded: $0) } }
    public var configuration = Configuration() { didSet { pristine = false } }

    public private(set) var runtime: Runtime?
    public private(set) var instance: Instance?
    public private(set) var debuggee: Debuggee?
    /// Calls beside the session's own that Ctrl-C must reach too (start functions, actions on
    /// other instances): InterruptibleCalls.swift.
    let sideCalls = InterruptibleCalls()
    /// Whether `instance` is still exactly what `instantiate()` made, with the settings it was
    /// made with: no code has run in it (not even a start function), nothing wrote to it, and it
    /// was not handed out. `run` and `start` then use it instead of instantiating again, which
    /// would compile every function a second time (the load made it, for breakpoints).
    var pristine = false

    /// Calls in progress, outermost first (an `invoke` while stopped nests a call).
    struct Active {
        var invocation: Invocation
        var name: String
        var isStart: Bool
    }
    var active: [Active] = []
    /// How many calls may be stopped inside each other. Each holds its own value stack, and a
    /// breakpoint whose command list invokes the function it is in would otherwise nest calls
    /// until memory runs out (a fuzzed REPL script nested 10,000 before fuel stopped it).
    public static let maxNestedCalls = 100

    /// Refuses one more nested call once `maxNestedCalls` are stopped inside each other.
    func checkNestingLimit(calling name: String) throws {
        guard active.count < Self.maxNestedCalls else {
            throw DebuggerError("cannot call \(name): \(active.count) calls are already stopped inside each other (the limit is \(Self.maxNestedCalls)); \"finish\" or \"kill\" some first")
        }
    }
    /// The frame `frame N`/`up`/`down` selected (0 = innermost).
    public internal(set) var selectedFrame = 0
    /// The frames of the last trap, kept for inspection until the session moves on.
    var trappedInvocation: Invocation?

    // MARK: breakpoints

    public internal(set) var breakpoints: [Breakpoint] = []
    /// The code breakpoints the last load could not place in the new module.
    public internal(set) var droppedBreakpoints: [DroppedBreakpoint] = []
    var nextBreakpointNumber = 1
    /// Reports a stop inside a function an expression called (`print f(1)`), before the call
    /// is unwound; the front end shows it as it shows any stop.
    public var calledFunctionStopReporter: ((Stop) -> Void)?
    /// Scoped watchpoints deleted because their frame returned, not yet reported.
    var endedWatchScopes: [Int] = []
    /// Temporary patches of the stepping verbs: location → call depth to match (nil: any).
    var stepTargets: [CodeLocation: Int?] = [:]
    /// The last write to each watched byte: who wrote it.
    var lastWriters: [UInt64: Accessor] = [:]
    /// A host call reported by a catchpoint, to let through on resume.
    var passHostCall = false
    /// A throw reported by a catchpoint (or passed over), to let through on resume.
    var passThrow = false
    var stepPurpose: StepPurpose = .step
    /// The host call a catchpoint stopped before: (callee, import name, arguments, the WASI
    /// call decoded before it ran).
    var caughtHostCall: (UInt32, String, [Value], WASICallDescription?)?

    public init() {}

    deinit { wasiHost?.close() }

    // MARK: loading

    /// Loads a module file through the one loader (content decides binary or WAT; a WAT
    /// file keeps its source map).
    public func load(path: String) throws {
        do { try load(try ModuleLoader.load(path: path)) } catch let error as ModuleLoadError { throw DebuggerError(error.message) }
    }

    /// WAT text (typed, or read by the caller).
    public func load(wat text: String, file: String) throws {
        do { try load(try ModuleLoader.assemble(text, path: file)) } catch let error as ModuleLoadError { throw DebuggerError(error.message) }
    }

    /// A binary already in memory.
    public func load(wasm: [UInt8], file: String) throws {
        do { try load(try ModuleLoader.load(bytes: wasm, path: file)) } catch let error as ModuleLoadError { throw DebuggerError(error.message) }
    }

    /// A module the loader has already decoded (or assembled) and validated: a front end that
    /// loaded it for its own commands hands it over without a second decode or validation.
    public func load(_ loaded: LoadedModule) throws {
        try install(loaded.module, bytes: loaded.bytes, sourceMap: loaded.sourceMap, file: loaded.path)
    }

    private func install(_ module: Module, bytes: [UInt8], sourceMap: SourceMap?, file: String) throws {
        kill()
        let oldModule = self.module, oldBytes = self.bytes
        let savedCode = breakpoints.filter { if case .code = $0.kind { return true } else { return false } }
        breakpoints.removeAll { if case .code = $0.kind { return true } else { return false } }
        self.module = module
        self.bytes = bytes
        self.sourceMap = sourceMap
        debugInfoStorage = nil
        debugInfoLooked = false
        shownFunctionNames = [:]
        self.fileName = file
        runtime = nil
        instance = nil
        debuggee = nil
        try instantiate()
        replaceBreakpoints(savedCode, from: oldModule, bytes: oldBytes)
        refreshWatches()
        refreshHostFilter()
    }

    /// A fresh instance of the module (memory, globals and tables as at start), with the
    /// breakpoints re-armed on its code.
    func instantiate() throws {
        guard let module else { throw DebuggerError("no module loaded; use file F") }
        let runtime = Runtime(configuration: configuration)
        var imports = try importProvider?(self, runtime, module) ?? Imports()
        wasiHost?.close()
        wasiHost = nil
        if module.imports.contains(where: { $0.module == WASIBinding.moduleName }) {
            var options = WASIRunOptions()
            options.env = environment
            options.dirs = directories
            let (host, _) = try options.makeHost(arguments: [DebugSession.baseName(fileName)] + arguments,
                                                 stdin: stdinFD, stdout: stdoutFD, stderr: stderrFD)
            WASIBinding(host: host).define(in: &imports, runtime: runtime)
            wasiHost = host
        }
        // A start function that never ends must not hang the prompt: it runs where Ctrl-C reaches.
        let instance = try sideCalls.instantiate(module, in: runtime, imports: imports)
        let debuggee = try Debuggee(instance: instance)
        self.runtime = runtime
        self.instance = instance
        self.debuggee = debuggee
        stepTargets.removeAll()
        for bp in breakpoints where bp.enabled {
            for p in bp.codeLocations { debuggee.armBreakpoint(p.location) }
        }
        refreshWatches()
        refreshHostFilter()
        pristine = module.start == nil
    }

    /// The instance was written or handed out outside the session (the REPL restores memory and
    /// globals after a module change, and registers instances for other modules to import):
    /// the next `run` or `start` must make a fresh one.
    public func instanceChanged() { pristine = false }

    // MARK: the program

    /// Whether a call is in progress (stopped somewhere).
    public var isRunning: Bool { !active.isEmpty }

    var current: Active? { active.last }

    /// Stops and forgets every call in progress (`kill`).
    public func kill() {
        active.removeAll()
        trappedInvocation = nil
        selectedFrame = 0
        passHostCall = false
        passThrow = false
        if let debuggee { for (location, _) in stepTargets { debuggee.disarmBreakpoint(location) } }
        stepTargets.removeAll()
        // The frames scoped watchpoints belonged to are gone: their return points are unarmed
        // (the front end deletes such watchpoints at the next report, as at an exit).
        for i in breakpoints.indices {
            guard let scope = breakpoints[i].scope else { continue }
            debuggee?.disarmBreakpoint(scope.returnPoint)
            breakpoints[i].scope = nil
        }
    }

    /// `run`: a fresh instance, then `_start` until a stop.
    public func run() throws -> Stop {
        try begin()
        return resume()
    }

    /// `start`: a fresh instance, stopped at `_start`'s first instruction. A user breakpoint
    /// there is the stop's reason (counted, condition and ignore count honoured), as gdb
    /// reports `Breakpoint N` when one sits where `start` stops.
    public func start() throws -> Stop {
        try begin()
        return breakpointHere() ?? Stop(reason: .stepDone, position: currentPosition)
    }

    /// `starti`: as `start`; the first instruction of `_start` is where the program begins
    /// (a start function, if any, already ran during instantiation).
    public func starti() throws -> Stop { try start() }

    /// `restart`: kill, then `run`.
    public func restart() throws -> Stop {
        kill()
        return try run()
    }

    private func begin() throws {
        kill()
        if !pristine || instance == nil { try instantiate() }
        pristine = false
        guard let instance, let f = instance.function("_start") else {
            throw DebuggerError("the module exports no _start; use invoke FN ARGS")
        }
        let invocation = f.startInvocation([])
        if case .trapped(let trap) = invocation.state { throw DebuggerError("cannot start: \(trap.kind.message)") }
        active.append(Active(invocation: invocation, name: "_start", isStart: true))
    }

    /// A fresh call runs freely from its first instruction (a breakpoint there stops at once).
    func resume() -> Stop { runFree() }

    /// `invoke FN ARGS`: calls an export (or `#N`, `$name`) with typed arguments; breakpoints
    /// inside are honoured. While stopped, the call nests above the stopped one.
    public func invoke(_ name: String, _ arguments: [Value]) throws -> Stop {
        if instance == nil { try instantiate() }
        pristine = false
        guard let function = try resolveFunction(name), let instance, let debuggee else {
            throw DebuggerError("no function \"\(name)\"")
        }
        guard let address = debuggee.functionAddress(ofIndex: function),
              let type = debuggee.functionType(ofAddress: address) else {
            throw DebuggerError("no function \"\(name)\"")
        }
        // References are checked by the engine (a struct for a `(ref $t)` parameter, …).
        guard arguments.count == type.params.count,
              zip(arguments, type.params).allSatisfy({ $0.type == $1 || ($0.type.isReference && $1.isReference) }) else {
            throw DebuggerError("\(name) takes (\(type.params.map(\.description).joined(separator: ", "))), not (\(arguments.map { $0.type.description }.joined(separator: ", ")))")
        }
        guard let f = instance.function(at: function) else { throw DebuggerError("no function \"\(name)\"") }
        if f.isHost { return Stop(reason: .returned(values: try f.invoke(arguments)), position: nil) }
        try checkNestingLimit(calling: name)
        let invocation = f.startInvocation(arguments)
        if case .trapped(let trap) = invocation.state { return Stop(reason: .trapped(trap), position: nil) }
        trappedInvocation = nil
        active.append(Active(invocation: invocation, name: name, isStart: false))
        selectedFrame = 0
        return resume()
    }

    /// Parses typed arguments in value notation for `invoke` (`i32:5`, `1.5` for an f64 param).
    public func parseArguments(_ texts: [String], for name: String) throws -> [Value] {
        guard let index = try resolveFunction(name), let module, let type = module.functionType(of: index) else {
            throw DebuggerError("no function \"\(name)\"")
        }
        guard texts.count == type.params.count else {
            throw DebuggerError("\(name) takes \(type.params.count) argument(s), got \(texts.count)")
        }
        return try zip(texts, type.params).map { text, t in
            guard let v = ValueParser.parse(text, as: t) else { throw DebuggerError("\"\(text)\" is not a \(t) value") }
            return v
        }
    }

    /// Interrupts the running guest from any thread (Ctrl-C): it stops at the next loop
    /// header, function entry or return from a call with `.interrupted`. A host call in
    /// progress (a blocking `fd_read`, a `poll_oneoff` sleep) is not cut short: the guest
    /// stops right after it returns.
    public func interrupt() {
        debuggee?.interrupt()
        sideCalls.interruptAll()
    }

    /// Forgets an interrupt request no run has answered: one that came while only a call beside
    /// the session ran (or none), which would otherwise stop the session's next run at once.
    /// For the end of a command, once no other thread calls `interrupt()` any more.
    public func clearInterrupt() {
        _ = debuggee?.takeInterruptRequest()
    }
}
