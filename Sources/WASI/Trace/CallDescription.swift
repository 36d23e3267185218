// A call decoded as the trace shows it, for a debugger stopping at a WASI catchpoint: the
// inputs are decoded when it stops before the call (the call may change them, e.g. fd_close
// drops the fd's label), and completed with the result and out-values when it stops after.

public struct WASICallDescription: Sendable {
    public let function: WASIFunction
    public let arguments: [UInt64]
    /// The text line up to the last argument, as decoded before the call, with holes for the
    /// arguments the call fills.
    let opening: [UInt8]
    let holes: TraceHoles
    let stringLimit: Int
    let rights: WASITraceRights

    /// Decodes the inputs of `function(arguments)` against the guest memory and host as they
    /// are before the call. Nil when the argument count does not fit the function.
    public init?(_ function: WASIFunction, _ arguments: [UInt64], memory: GuestMemory, host: WASIHost,
                 stringLimit: Int = 32, rights: WASITraceRights = .compact) {
        guard arguments.count == function.params.count else { return nil }
        self.function = function
        self.arguments = arguments
        let limit = max(0, stringLimit)
        self.stringLimit = limit
        self.rights = rights
        (opening, holes) = arguments.withUnsafeBufferPointer { raw in
            let renderer = CallRenderer(function: function, args: raw, memory: TraceMemory(memory.bytes), host: host,
                                        limit: limit, json: false, rights: rights)
            var line = TraceBytes()
            var scratch = TraceBytes()
            let holes = renderer.open(into: &line, scratch: &scratch)
            return (line.array, holes)
        }
    }

    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10)`: the call before it runs.
    public var callText: String {
        // Nothing is read from memory without a result: no memory is needed.
        finish(result: nil, memory: nil, host: nil)
    }

    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10) = 0 (nwritten=3)`: the call once it returned
    /// `result`, buffers and out-values read from `memory` as it is now.
    public func returnText(_ result: WASIErrno, memory: GuestMemory, host: WASIHost) -> String {
        finish(result: result, memory: memory, host: host)
    }

    private func finish(result: WASIErrno?, memory: GuestMemory?, host: WASIHost?) -> String {
        var line = TraceBytes(opening)
        var scratch = TraceBytes()
        var tail = TraceBytes()
        guard let memory, let host else {
            // Holes as addresses, no result.
            for hole in holes.list.reversed() {
                tail.removeAll()
                line.copy(hole.offset, line.count, into: &tail)
                line.truncate(to: hole.offset)
                line.hex(arguments[hole.param])
                tail.withBytes { line.append(UnsafeRawBufferPointer($0)) }
            }
            line.append(0x29)
            return line.string
        }
        return arguments.withUnsafeBufferPointer { raw in
            let renderer = CallRenderer(function: function, args: raw, memory: TraceMemory(memory.bytes), host: host,
                                        limit: stringLimit, json: false, rights: rights)
            renderer.fill(holes, in: &line, result: result, tail: &tail, scratch: &scratch)
            renderer.close(into: &line, result: result, injected: false, duration: nil, scratch: &scratch)
            return line.string
        }
    }
}
