import WASI
import WasmCore
import WasmVM

// A WASI catchpoint's stop shows the call decoded as the WASI trace prints it (Docs/architecture.md, WASI trace; Docs/trace-format.md):
// `fd_write(1<stdout>, [{"hello\n", 6}], 1, 0x1ff8)` before the call and, when it stops after,
// `... = 0 (nwritten=6)`. Inputs are decoded at the stop before the call, since the call may
// change what they refer to.

extension DebugSession {
    /// The inputs of a WASI import call decoded now; nil for other host calls.
    func decodeWASICall(_ name: String, _ arguments: [Value]) -> WASICallDescription? {
        // importName keeps the module prefix for every import outside the wasi_* modules.
        guard let host = wasiHost, !name.contains("."), let function = WASIFunction(name: name) else { return nil }
        let raw = arguments.map { value -> UInt64 in
            switch value {
            case .i32(let bits): return UInt64(bits)
            case .i64(let bits): return bits
            default: return 0
            }
        }
        return WASICallDescription(function, raw, memory: VMGuestMemory(memory: instance?.defaultMemory), host: host)
    }

    /// The decoded call once it returned `results` (the errno), memory read as it is now.
    func decodedReturn(_ call: WASICallDescription?, results: [Value]) -> String? {
        guard let call, let host = wasiHost else { return nil }
        guard case .i32(let code)? = results.first, let errno = UInt16(exactly: code).flatMap(WASIErrno.init(rawValue:))
        else { return call.callText }
        return call.returnText(errno, memory: VMGuestMemory(memory: instance?.defaultMemory), host: host)
    }

    /// Whether an enabled catchpoint stops after a call named `name`.
    func hasAfterCatchpoint(for name: String) -> Bool {
        breakpoints.contains { bp in
            guard bp.enabled, case .catchpoint(let target) = bp.kind, case .hostCall(_, _, true) = target else { return false }
            return catchpointMatches(target, call: name)
        }
    }
}
