// Fuzz target: the engine (Docs/fuzzing.md), and the wdb side of the differential harness
// (Fuzz/differential/run.py).
//
// The input is a binary module. One that decodes and validates is instantiated (function
// imports answer zeros, other imports are made to fit) with a fuel limit, and every exported
// function is called once, in export order, with arguments from a fixed rule
// (`ExecArguments`). Traps are expected; a crash, a hang or a memory error is a finding.
//
// With WDB_EXEC_REPORT=1 the target prints what happened, one line per event, in the form the
// differential runner compares with wasmtime's (`ExecReport`); it then uses the runtime's
// default limits, as wasmtime does, and no fuel (the generated modules meter themselves).

import Foundation
import WasmCore
import WasmVM

let reporting = ProcessInfo.processInfo.environment["WDB_EXEC_REPORT"] == "1"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // libFuzzer runs an empty input first, also when it only replays files: no report for it.
    if reporting && size == 0 { return 0 }
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    var report = ExecReport(enabled: reporting)
    defer { report.flush() }
    // libFuzzer may run an input more than once when it replays files: the runner finds each
    // module's report by this line.
    report.line("module \(ExecReport.hex(UInt64(CRC32.of(bytes)), width: 8))")
    let module: Module
    do {
        module = try BinaryDecoder.decode(bytes)
        try Validator.validate(module)
    } catch {
        report.line("invalid")
        return 0
    }
    var configuration = Configuration()
    if !reporting {
        // Room for real programs, not for a fuzzer-made module that grows to gigabytes or
        // recurses for minutes.
        configuration.fuel = 20_000
        configuration.maxMemoryPages = 1024
        configuration.maxTableElements = 100_000
        configuration.maxCallDepth = 5_000
    }
    let runtime = Runtime(configuration: configuration)
    let instance: Instance
    do {
        instance = try runtime.instantiate(module, imports: stubImports(module, runtime), validated: true)
        report.line("instantiate ok")
    } catch let trap as Trap {
        report.line("instantiate trap \(ExecReport.kind(trap.kind))")
        return 0
    } catch {
        report.line("instantiate link-error")
        return 0
    }
    var functionNumber = 0
    for export in module.exports where export.kind == .function {
        defer { functionNumber += 1 }
        guard let function = instance.function(export.name) else { continue }
        let type = function.type
        let arguments = type.params.enumerated().map { ExecArguments.value(function: functionNumber, parameter: $0.offset, type: $0.element) }
        do {
            let results = try function.invoke(arguments)
            report.line("call \(ExecReport.name(export.name)) ok" + results.map { " " + ExecReport.value($0) }.joined())
        } catch let trap as Trap {
            report.line("call \(ExecReport.name(export.name)) trap \(ExecReport.kind(trap.kind))")
        } catch {
            report.line("call \(ExecReport.name(export.name)) error")
        }
    }
    guard reporting else { return 0 }
    for export in module.exports {
        switch export.kind {
        case .global:
            guard let global = instance.global(export.name) else { continue }
            report.line("global \(ExecReport.name(export.name)) \(ExecReport.value(global.value))")
        case .memory:
            guard let memory = instance.memory(export.name) else { continue }
            let count = Int(memory.pageCount) * 65536
            let contents = (try? memory.read(at: 0, count: count)) ?? []
            report.line("memory \(ExecReport.name(export.name)) pages \(memory.pageCount) crc32 \(ExecReport.hex(UInt64(CRC32.of(contents)), width: 8))")
        case .table:
            guard let table = instance.table(export.name) else { continue }
            report.line("table \(ExecReport.name(export.name)) size \(table.count)")
        default:
            break
        }
    }
    return 0
}

/// Imports for a module from the spec tests or the fuzzer: functions that return zeros, and
/// memories, tables and globals of the declared types.
func stubImports(_ module: Module, _ runtime: Runtime) -> Imports {
    var imports = Imports()
    for item in module.imports {
        switch item.descriptor {
        case .function(let typeIndex):
            guard Int(typeIndex) < module.types.count else { continue }
            let type = module.types[Int(typeIndex)]
            let function = HostFunction(type: type) { _, _ in type.results.map { Value.zero($0) } }
            imports.define(item.module, item.name, .function(runtime.makeFunction(function, name: "\(item.module).\(item.name)")))
        case .memory(let type):
            if let memory = runtime.makeMemory(type) { imports.define(item.module, item.name, .memory(memory)) }
        case .table(let type):
            if let table = runtime.makeTable(type) { imports.define(item.module, item.name, .table(table)) }
        case .global(let type):
            imports.define(item.module, item.name, .global(runtime.makeGlobal(type, value: .zero(type.valueType))))
        case .tag:
            continue  // exception tags: the engine does not run 3.0 modules yet
        }
    }
    return imports
}
