import ArgumentParser
import DebugInfo
import FoundationEssentials
import WASI
import WasmCore
import WasmText
import WasmVM

/// `wdb run [RUN OPTIONS] [--invoke NAME] FILE [ARGS...]` (Docs/architecture.md, Command line; the options:
/// RunArguments.swift). Without --invoke it runs
/// a WASI command's `_start` with ARGS as argv (RunWASI.swift); with --invoke it calls one export
/// and prints its results in the value notation (Docs/architecture.md, Notation: values).
struct Run {
    var invoke: String?
    var preload: [String] = []
    var fuel: UInt64?
    var timeout: String?
    var maxMemory: String?
    var maxGCHeap: String?
    var maxCallDepth: Int?
    var features: String = "3.0"
    var wasi = WASIFlags()
    /// The module (.wasm or .wat).
    var file: String = ""
    /// The guest's arguments (argv[1...]); with --invoke, the leading ones are also the function's.
    var arguments: [String] = []

    func run() throws {
        let engine = try engineConfiguration()
        let limit = try timeLimit()
        limit?.start()
        guard let name = invoke else { return try runCommand(engine, limit: limit) }
        let runtime = Runtime(configuration: engine)
        var monitor: WASIMonitor?
        // The module whose DWARF names trap frames' source lines (not with --preload: frames
        // of other modules would be looked up in the wrong DWARF).
        var described: Module?
        do {
            var imports = try preloadedImports(runtime)
            let module = try Run.loadModule(file, features: try language())
            if preload.isEmpty { described = module }
            let args = arguments  // a `--` after FILE is already gone (RunArguments.swift)
            // A reactor may import WASI too: give it the same host a command would get. ARGS are
            // its argv[1...] as well as the export's values (as wasmtime's --invoke does), so an
            // entry point without parameters that reads its command line (CPython's reactor
            // `run`) gets one.
            try wasi.options.validate()
            let stdinFD = try wasi.stdin.map { path throws(WASIHostError) in try WASIRunOptions.openStdin(path) } ?? 0
            let (host, installed) = try wasi.options.makeHost(arguments: [wasi.argv0 ?? file] + args, stdin: stdinFD)
            monitor = installed
            WASIBinding(host: host).define(in: &imports, runtime: runtime)
            let instance = try runtime.instantiate(module, imports: imports, validated: true)
            if let initialize = instance.function("_initialize") {
                _ = try limit?.invoke(initialize, in: instance) ?? initialize.invoke()
            }
            guard let function = instance.function(name) else { throw fail("no exported function \"\(name)\"") }
            let params = function.type.params
            // The leading ARGS are the values; any after them are only the guest's argv.
            guard args.count >= params.count else {
                throw fail("\(name) takes \(params.count) argument(s) (\(params.map(\.description).joined(separator: ", "))), got \(args.count)")
            }
            var values: [Value] = []
            for (i, (text, type)) in zip(args, params).enumerated() {
                guard let value = ValueParser.parse(text, as: type) else {
                    throw fail("argument \(i + 1) \"\(text)\": expected a value of type \(type)")
                }
                values.append(value)
            }
            let results = try limit?.invoke(function, in: instance, values) ?? function.invoke(values)
            host.close()
            monitor?.finish()
            print(results.map(\.description).joined(separator: " "))
        } catch let trap as Trap {
            monitor?.finish()
            if let code = trap.exitCode { Run.exitNow(Int32(truncatingIfNeeded: code)) }
            Run.report(trap, module: described)
            throw ExitCode(134)
        } catch let error as ExitCode {
            throw error
        } catch {
            Output.standardError("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// `--features`: the language version modules are read in.
    func language() throws -> Features {
        guard let language = Features(named: features) else { throw fail("--features \(features): expected 2.0, 3.0 or a list of proposals") }
        return language
    }

    /// The engine limits from --fuel, --max-call-depth, --max-memory and --max-gc-heap.
    func engineConfiguration() throws -> Configuration {
        var configuration = Configuration()
        configuration.fuel = fuel
        if let maxCallDepth {
            guard maxCallDepth > 0 else { throw fail("--max-call-depth must be positive") }
            configuration.maxCallDepth = maxCallDepth
        }
        if let maxMemory {
            guard let pages = Run.parsePages(maxMemory) else { throw fail("bad --max-memory \"\(maxMemory)\"") }
            configuration.maxMemoryPages = pages
        }
        if let maxGCHeap {
            guard let bytes = Run.parseBytes(maxGCHeap), bytes <= UInt64(Int.max) else { throw fail("bad --max-gc-heap \"\(maxGCHeap)\"") }
            configuration.maxGCHeapBytes = Int(bytes)
        }
        return configuration
    }

    /// Instantiates the --preload modules in order, each seeing the ones before it.
    func preloadedImports(_ runtime: Runtime) throws -> Imports {
        var imports = Imports()
        for item in preload {
            let spec: (name: String, file: String)
            do { spec = try WASIRunOptions.parsePreload(item) } catch { throw fail(error.description) }
            let module = try Run.loadModule(spec.file, features: try language())
            let instance = try runtime.instantiate(module, imports: imports, validated: true)
            imports.define(spec.name, exportsOf: instance)
        }
        return imports
    }

    func fail(_ message: String) -> Error {
        Output.standardError("error: \(message)")
        return ExitCode(1)
    }

    /// `error: trap: MESSAGE` and the backtrace, innermost first; with DWARF each frame also
    /// names its source function and line (` in is_prime at primes.c:14`). The DWARF reader is
    /// only made here, after the trap: a free run never touches it.
    static func report(_ trap: Trap, module: Module? = nil) {
        var text = "error: trap: \(trap.message)\n"
        let debugInfo = module.flatMap { DebugInfo(module: $0) }
        let inner = trap.omittedFrameCount > 0 ? 48 : trap.backtrace.count
        for (i, frame) in trap.backtrace.enumerated() {
            if i == inner { text += "  ... \(trap.omittedFrameCount) frames omitted ...\n" }
            let number = i < inner ? i : i + trap.omittedFrameCount
            text += "  #\(number) \(frame.description)"
            if let info = debugInfo, let offset = frame.position?.fileOffset, let location = info.location(at: offset) {
                let function = info.inlinedChain(at: offset).first?.qualifiedName ?? info.function(containing: offset)?.qualifiedName
                text += " in \(function ?? "??") at \(location.file.split(separator: "/").last.map(String.init) ?? location.file):\(location.line)"
            }
            text += "\n"
        }
        Output.writeAll(2, Array(text.utf8))
    }

    /// Loads and validates a module through the one loader; its message goes to stderr.
    static func loadModule(_ path: String, features: Features = .default) throws -> Module {
        do {
            return try ModuleLoader.load(path: path, features: features).module
        } catch {
            Output.standardError(error.message)
            throw ExitCode(1)
        }
    }

    /// `16MiB`, `64KiB`, `1GiB`, or a bare number of 64 KiB pages.
    /// A size in bytes: `64MiB`, `16KiB`, `1GiB`, `100B` or a bare number of bytes.
    static func parseBytes(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = UInt64(text.dropLast(suffix.count)) else { return nil }
            let (bytes, overflow) = n.multipliedReportingOverflow(by: scale)
            return overflow ? nil : bytes
        }
        return UInt64(text)
    }

    static func parsePages(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let n = UInt64(text.dropLast(suffix.count)) else { return nil }
            let (bytes, overflow) = n.multipliedReportingOverflow(by: scale)
            return overflow ? nil : bytes / 65536
        }
        return UInt64(text)
    }
}

