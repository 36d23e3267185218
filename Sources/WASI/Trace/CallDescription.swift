// A call decoded as the trace shows it, for a debugger stopping at a WASI catchpoint: the
// inputs are decoded when it stops before the call (the call may change them, e.g. fd_close
// drops the fd's label), and completed with the result and out-values when it stops after.

public struct WASICallDescription: Sendable {
    public let function: WASIFunction
    public let arguments: [UInt64]
    /// Texts of the arguments known before the call (nil: filled by the call or folded).
    let before: [String?]
    let stringLimit: Int

    /// Decodes the inputs of `function(arguments)` against the guest memory and host as they
    /// are before the call. Nil when the argument count does not fit the function.
    public init?(_ function: WASIFunction, _ arguments: [UInt64], memory: GuestMemory, host: WASIHost,
                 stringLimit: Int = 32) {
        guard arguments.count == function.params.count else { return nil }
        self.function = function
        self.arguments = arguments
        self.stringLimit = max(0, stringLimit)
        before = CallRenderer(function: function, args: arguments, memory: GuestView(memory), host: host,
                              limit: self.stringLimit).before()
    }

    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10)`: the call before it runs.
    public var callText: String {
        var call = RenderedCall(function: function, raw: arguments)
        for (index, param) in function.params.enumerated() where param.kind != .length {
            call.arguments.append((param.name, before[index] ?? "0x" + String(arguments[index], radix: 16)))
        }
        return WASIMonitor.textLine(call, result: nil, injected: false, duration: nil)
    }

    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10) = 0 (nwritten=3)`: the call once it returned
    /// `result`, buffers and out-values read from `memory` as it is now.
    public func returnText(_ result: WASIErrno, memory: GuestMemory, host: WASIHost) -> String {
        let renderer = CallRenderer(function: function, args: arguments, memory: GuestView(memory), host: host,
                                    limit: stringLimit)
        return WASIMonitor.textLine(renderer.after(before, result: result), result: result, injected: false,
                                    duration: nil)
    }
}
