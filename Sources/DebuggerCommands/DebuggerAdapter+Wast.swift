import Debugger
import FoundationEssentials
import WasmCore
import WasmText
import WasmVM
import WastScripts

/// WAST commands at the prompt, as the spec interpreter runs them: `(assert_return …)`,
/// `(assert_trap …)`, `(assert_exhaustion …)`, `(assert_invalid …)`, `(assert_malformed …)`,
/// `(assert_unlinkable …)`, `(register …)` and `(get …)`. The checks are `WastRunner`'s; the
/// actions run in the debugger on the current module (so breakpoints inside are honoured), or
/// on an earlier `(module $name …)` typed at the prompt when the action names it.
///
/// Each runtime of the debugger is separate, so a registered module is linked by bridging:
/// its functions become host functions calling into it, its immutable globals are copied.
/// Memories, tables and mutable globals cannot be shared across runtimes.
extension DebuggerAdapter {
    static let wastKeywords: Set<String> = ["assert_return", "assert_trap", "assert_exhaustion", "assert_invalid",
                                            "assert_malformed", "assert_unlinkable", "register", "get"]

    func evaluateWast(_ text: String, in session: ReplSession) throws {
        let directives: [WastDirective]
        do {
            directives = try WastParser.parse(text, file: "<input>")
        } catch {
            throw ReplError(error.description)
        }
        guard directives.count == 1, let directive = directives.first else {
            throw ReplError("Type one WAST command at a time (this input has \(directives.count)).")
        }
        let keyword = WatModuleText.keyword(of: text) ?? "command"
        switch directive.command {
        case .register(let name, let moduleName):
            let (instance, isCurrent) = try wastInstance(moduleName)
            registeredModules[name] = instance
            // Other modules may now call into it: `run` must not reuse it as a fresh instance.
            if isCurrent { debugger.instanceChanged() }
            var shared: [String] = []
            var skipped: [String] = []
            for (export, value) in instance.exports {
                if let bridged = bridge(value, of: instance, name: "\(name).\(export)", into: wastRunner.runtime) {
                    wastRunner.define(name, export, bridged)
                    shared.append(export)
                } else {
                    skipped.append(export)
                }
            }
            let which = (moduleName ?? promptModuleName).map { "$" + $0 } ?? "the current module"
            session.console.line("Registered \(which) as \"\(name)\" (\(shared.count) export\(shared.count == 1 ? "" : "s")).")
            if !skipped.isEmpty {
                session.console.line("Not importable from another module at the prompt (a memory, a table or a mutable global): "
                                     + skipped.map { "\"\($0)\"" }.joined(separator: ", ") + ".")
            }
        case .action(let action):
            var stopped: Stop?
            var interrupted = false
            switch perform(action, stopped: &stopped, interrupted: &interrupted) {
            case .success(let values):
                session.console.line(describeAction(action) + " => " + (values.isEmpty ? "[]" : values.map(\.description).joined(separator: ", ")))
            case .failure(let message):
                if interrupted { throw ReplError("Interrupted: \(describeAction(action)) was abandoned.") }
                if let stopped { report(stopped, in: session) } else { throw ReplError(message) }
            }
        default:
            var stopped: Stop?
            var interrupted = false
            wastRunner.performAction = { [unowned self] action in perform(action, stopped: &stopped, interrupted: &interrupted) }
            // A module the command makes (assert_trap, assert_unlinkable) runs its start
            // function where Ctrl-C reaches it.
            wastRunner.instantiateModule = { [unowned self] runtime, module, imports in
                do {
                    return try debugger.instantiateInterruptibly(module, in: runtime, imports: imports)
                } catch let error as GuestCallInterrupted {
                    interrupted = true
                    throw error
                }
            }
            defer {
                wastRunner.performAction = nil
                wastRunner.instantiateModule = nil
            }
            let failure = wastRunner.execute(directive.command)
            if interrupted {
                throw ReplError("Interrupted: \(keyword) not checked; the call was abandoned.")
            } else if let stopped {
                report(stopped, in: session)
                session.console.line("\(keyword) not checked: the call stopped before it returned.")
            } else if let failure {
                let detail = failure.hasPrefix(keyword + ": ") ? String(failure.dropFirst(keyword.count + 2)) : failure
                session.fail("\(keyword) failed: \(detail)")
            } else {
                session.console.line("\(keyword) passed")
            }
        }
    }

    /// The runner whose checks the prompt uses (with the `spectest` module and registered ones).
    var wastRunner: WastRunner {
        if let promptRunner { return promptRunner }
        let runner = WastRunner(loader: WastSuite.load)
        promptRunner = runner
        return runner
    }

    /// The instance an action names: the current module (no name, or the name it was typed
    /// with), or an earlier `(module $name …)`.
    private func wastInstance(_ name: String?) throws -> (instance: Instance, isCurrent: Bool) {
        if name == nil || name == promptModuleName {
            if let loadError { throw ReplError(loadError) }
            guard let instance = debugger.instance else { throw ReplError("No module loaded. Use \"file FILE\" or (module …) first.") }
            return (instance, true)
        }
        guard let name, let instance = namedModules[name] else {
            let known = namedModules.keys.sorted().map { "$" + $0 }
            throw ReplError("No module named $\(name ?? "")." + (known.isEmpty ? "" : " Modules: \(known.joined(separator: ", "))."))
        }
        return (instance, false)
    }

    /// Runs an action; a call the debugger stopped inside sets `stopped` and fails, and so does
    /// a call on another module that Ctrl-C stopped (`interrupted`; that call is abandoned).
    private func perform(_ action: WastAction, stopped: inout Stop?, interrupted: inout Bool) -> Outcome<[Value]> {
        do {
            switch action {
            case .invoke(let moduleName, let name, let arguments):
                let values = arguments.map(WastRunner.value)
                let (instance, isCurrent) = try wastInstance(moduleName)
                guard isCurrent else {
                    // Another runtime's instance: a call of its own, which Ctrl-C still stops.
                    guard let function = instance.function(name) else { return .failure("no export \"\(name)\"") }
                    return .success(try debugger.callInterruptibly(function, of: instance, values))
                }
                guard debugger.instance?.function(name) != nil else { return .failure("no export \"\(name)\"") }
                pendingInvocations.append(describeAction(action))
                let stop = try debugger.invoke(name, values)
                switch stop.reason {
                case .returned(let results):
                    pendingInvocations.removeLast()
                    return .success(results)
                case .trapped(let trap):
                    pendingInvocations.removeLast()
                    return .failure(trap.message)
                default:
                    // Left on the stack: `continue` prints the call's results when it returns.
                    stopped = stop
                    return .failure("stopped")
                }
            case .get(let moduleName, let name):
                let instance = try wastInstance(moduleName).instance
                guard let global = instance.global(name) else { return .failure("no global \"\(name)\"") }
                return .success([global.value])
            }
        } catch let trap as Trap {
            return .failure(trap.message)
        } catch let error as GuestCallInterrupted {
            interrupted = true
            return .failure(error.description)
        } catch let error as ReplError {
            return .failure(error.message)
        } catch {
            return .failure("\(error)")
        }
    }

    private func describeAction(_ action: WastAction) -> String {
        switch action {
        case .invoke(let module, let name, let arguments):
            return (module.map { "$" + $0 + "." } ?? "") + "\(name)(\(arguments.map { WastRunner.value($0).description }.joined(separator: ", ")))"
        case .get(let module, let name):
            return (module.map { "$" + $0 + "." } ?? "") + name
        }
    }

    /// An export of another runtime's instance, made usable in `runtime`; nil for what cannot
    /// be shared (memories, tables, mutable globals). A bridged function runs as a call of its
    /// own that Ctrl-C stops; the interrupted call traps in its caller.
    func bridge(_ value: ExternalValue, of instance: Instance, name: String, into runtime: Runtime) -> ExternalValue? {
        switch value {
        case .function(let function):
            let host = HostFunction(type: function.type) { [weak debugger = self.debugger] _, arguments in
                guard let debugger else { return try function.invoke(arguments) }
                do {
                    return try debugger.callInterruptibly(function, of: instance, arguments)
                } catch is GuestCallInterrupted {
                    throw Trap(.host("\(name) was interrupted (Ctrl-C)"))
                }
            }
            return .function(runtime.makeFunction(host, name: name))
        case .global(let global) where !global.type.isMutable:
            return .global(runtime.makeGlobal(global.type, value: global.value))
        default:
            return nil
        }
    }

    func linkProblem(_ module: Module) -> String? {
        let imports = importsForDebugger(module, runtime: Runtime())
        for entry in module.imports where entry.module != "wasi_snapshot_preview1" {
            guard let value = imports.lookup(entry.module, entry.name) else {
                return "nothing provides the import \"\(entry.module)\".\"\(entry.name)\" (\(entry.descriptor.kind))"
            }
            guard value.kind == entry.descriptor.kind else {
                return "the import \"\(entry.module)\".\"\(entry.name)\" is a \(value.kind), not a \(entry.descriptor.kind)"
            }
        }
        return nil
    }

    /// The imports of a module the debugger instantiates: registered modules and `spectest`
    /// first, then a trapping stub for any other function import (WASI is the session's own).
    func importsForDebugger(_ module: Module, runtime: Runtime) -> Imports {
        var imports = Imports()
        var spectest: [String: ExternalValue]?
        for entry in module.imports where entry.module != "wasi_snapshot_preview1" {
            if entry.module == "spectest" {
                if spectest == nil { spectest = SpecTestHost.exports(in: runtime) }
                if let value = spectest?[entry.name] {
                    imports.define(entry.module, entry.name, value)
                    continue
                }
            }
            if let instance = registeredModules[entry.module], let export = instance.export(entry.name),
               let value = bridge(export, of: instance, name: "\(entry.module).\(entry.name)", into: runtime) {
                imports.define(entry.module, entry.name, value)
                continue
            }
            guard case .function(let typeIndex) = entry.descriptor,
                  Int(typeIndex) < module.types.count else { continue }
            let name = "\(entry.module).\(entry.name)"
            let stub = HostFunction(type: module.types[Int(typeIndex)]) { _, _ in
                throw Trap(.host("the import \(name) is not provided by wdb"))
            }
            imports.define(entry.module, entry.name, .function(runtime.makeFunction(stub, name: name)))
        }
        return imports
    }
}
