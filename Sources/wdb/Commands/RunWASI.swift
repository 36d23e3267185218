import WASI
import WasmCore
import WasmVM

/// Binds the WASI host (wasi_snapshot_preview1) to the engine: every WASI function becomes a
/// host function that passes its raw arguments to `WASIHost.call`, with the calling instance's
/// memory as the guest memory. proc_exit ends the run as `Trap(.exit(code))`.
enum WASIBinding {
    /// The guest memory of the instance that made the call.
    final class CallerMemory: GuestMemory {
        var memory: MemoryInstance?
        var bytes: UnsafeMutableRawBufferPointer {
            memory?.unsafeBytes ?? UnsafeMutableRawBufferPointer(start: nil, count: 0)
        }
    }

    static func define(_ host: WASIHost, in runtime: Runtime, into imports: inout Imports) {
        let memory = CallerMemory()
        for function in WASIFunction.allCases {
            let type = function.funcType
            let hostFunction = HostFunction(type: type) { caller, arguments in
                let raw: [UInt64] = arguments.map { value in
                    switch value {
                    case .i32(let v): UInt64(v)
                    case .i64(let v): v
                    case .f32(let v): UInt64(v)
                    case .f64(let v): v
                    default: 0
                    }
                }
                memory.memory = caller.memory
                defer { memory.memory = nil }
                switch host.call(function, raw, memory: memory) {
                case .errno(let code):
                    return type.results.isEmpty ? [] : [.i32(UInt32(code.rawValue))]
                case .exit(let status):
                    throw Trap(.exit(status))
                }
            }
            imports.define(WASIFunction.moduleName, function.name,
                           .function(runtime.makeFunction(hostFunction, name: "\(WASIFunction.moduleName).\(function.name)")))
        }
    }
}
