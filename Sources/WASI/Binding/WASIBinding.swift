// Binds the VM-independent WASI host to the WasmVM engine: every wasi_snapshot_preview1 import
// becomes a VM host function that enters the host through one method, `dispatch`, which calls
// `WASIHost.call`. Tracing, the summary and fault injection hook in there as the host's observer,
// so with none of them active a WASI call costs one nil check more than the bare host.
//
// `proc_exit` throws `Trap(.exit(code))`: the VM stops the run as for a trap (frames stay
// inspectable), and the runner reports the code instead of a fault.

import WasmCore
import WasmVM

/// The calling instance's memory 0 as the WASI host sees it during one call.
///
/// The guest may grow its memory between calls (which can move it), so the binding points this
/// adapter at the caller's memory on every call and `bytes` asks the VM for the current base and
/// size each time the host fetches it (once per call).
public final class VMGuestMemory: GuestMemory {
    /// The memory of the current call (nil for a module without memory: every access is EFAULT).
    public var memory: MemoryInstance?
    /// Told about every host write into guest memory (a debugger's watchpoints hook in here).
    public var writeObserver: ((_ offset: Int, _ count: Int) -> Void)?

    public init(memory: MemoryInstance? = nil) { self.memory = memory }

    public var bytes: UnsafeMutableRawBufferPointer {
        // The pointer escapes the closure on purpose: the host uses it only during the current
        // WASI call, and no WASI function runs guest code, so the memory cannot grow meanwhile.
        memory?.withUnsafeMutableBytes { $0 } ?? UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    public func didWrite(offset: Int, count: Int) { writeObserver?(offset, count) }
}

/// Registers a `WASIHost` as the `wasi_snapshot_preview1` imports of a runtime.
///
///     let binding = WASIBinding(host: host)
///     var imports = Imports()
///     binding.define(in: &imports, runtime: runtime)
///     let instance = try runtime.instantiate(module, imports: imports)
public final class WASIBinding {
    public static let moduleName = WASIFunction.moduleName

    public let host: WASIHost
    /// Reused for every call (the binding serves one runtime on one thread).
    public let memory = VMGuestMemory()

    public init(host: WASIHost) { self.host = host }

    /// Defines every wasi_snapshot_preview1 function in `imports` as a host function of `runtime`.
    public func define(in imports: inout Imports, runtime: Runtime) {
        for function in WASIFunction.allCases {
            let hostFunction = HostFunction(type: function.funcType) { [self] caller, args in
                try dispatch(function, caller: caller, arguments: args)
            }
            imports.define(Self.moduleName, function.name,
                           .function(runtime.makeFunction(hostFunction, name: "\(Self.moduleName).\(function.name)")))
        }
    }

    /// The one host-call path of every WASI import.
    @inline(__always)
    func dispatch(_ function: WASIFunction, caller: Caller, arguments: [Value]) throws -> [Value] {
        memory.memory = caller.memory
        // Not kept past the call: the memory handle holds its store, whose host functions hold
        // this binding, and that cycle kept every finished instance (and its pages) alive.
        defer { memory.memory = nil }
        let count = arguments.count
        let result = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(count, 1)) { raw -> WASIResult in
            for index in 0..<count { raw[index] = Self.rawBits(arguments[index]) }
            return host.call(function, arguments: UnsafeBufferPointer(rebasing: raw[0..<count]), memory: memory)
        }
        switch result {
        case .errno(let code): return [.i32(UInt32(code.rawValue))]
        case .exit(let code): throw Trap(.exit(code))
        }
    }

    /// WASI parameters are i32 or i64; the host reads the low 32 bits of i32 slots.
    @inline(__always)
    static func rawBits(_ value: Value) -> UInt64 {
        switch value {
        case .i32(let bits): return UInt64(bits)
        case .i64(let bits): return bits
        default: return 0
        }
    }
}
