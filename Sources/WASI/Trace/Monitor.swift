// The observer the host calls when tracing, summary or fault injection is on. With none of
// them on the host has no observer and its call path costs one nil check. A call the filter
// does not select and no injection targets costs one array lookup more.

public final class WASIMonitor: WASICallObserver {
    public let options: WASITraceOptions
    private let sink: WASITraceSink?
    private let now: () -> UInt64
    /// Per function: traced or summarised (filter), or targeted by an injection.
    private var interesting: [Bool]
    private var rules: [[InjectionState]]
    private var summaryTable = WASICallSummary()

    private struct InjectionState {
        let rule: WASIInjection
        var calls = 0
    }

    /// - Parameters:
    ///   - sink: where lines and the summary go (nil: keep the summary for `summaryText()`).
    ///   - clock: monotonic nanoseconds for `--trace-time` and the summary (tests pass a fake).
    public init(options: WASITraceOptions, sink: WASITraceSink?, clock: (() -> UInt64)? = nil) {
        self.options = options
        self.sink = sink
        self.now = clock ?? POSIX.monotonicNow
        var table: [[InjectionState]] = Array(repeating: [], count: WASIFunction.allCases.count)
        for rule in options.injections {
            for function in rule.functions { table[function.rawValue].append(InjectionState(rule: rule)) }
        }
        rules = table
        let observed = options.printCalls || options.summary
        interesting = WASIFunction.allCases.map {
            (observed && options.filter.contains($0)) || !table[$0.rawValue].isEmpty
        }
    }

    public func observes(_ function: WASIFunction) -> Bool { interesting[function.rawValue] }

    /// Installs this monitor on `host` (replacing any other observer).
    public func install(on host: WASIHost) { host.observer = self }

    public func call(_ function: WASIFunction, _ args: [UInt64], _ memory: GuestMemory, host: WASIHost)
        -> WASIResult {
        let index = function.rawValue
        guard interesting[index] else { return host.perform(function, args, memory) }

        var injected: WASIErrno?
        for slot in rules[index].indices {
            rules[index][slot].calls += 1
            if injected == nil && rules[index][slot].rule.matches(call: rules[index][slot].calls) {
                injected = rules[index][slot].rule.errno
            }
        }
        let selected = options.filter.contains(function)
        let printing = selected && options.printCalls && args.count == function.params.count
        let timing = selected && (options.summary || options.showTime)
        var renderer: CallRenderer?
        var before: [String?] = []
        if printing {
            renderer = CallRenderer(function: function, args: args, memory: GuestView(memory), host: host,
                                    limit: max(0, options.stringLimit))
            before = renderer?.before() ?? []
            if function == .proc_exit && !options.failedOnly, let renderer {
                // It does not return: write the line at entry.
                emit(renderer.after(before, result: .success), result: nil, injected: false, duration: nil)
            }
        }

        let start = timing ? now() : 0
        let result = injected.map { WASIResult.errno($0) } ?? host.perform(function, args, memory)
        let duration = timing ? now() &- start : 0

        let code: WASIErrno
        switch result {
        case .errno(let value): code = value
        case .exit: code = .success
        }
        if selected && options.summary {
            summaryTable.record(function, failed: code != .success, nanoseconds: duration)
        }
        if let renderer, function != .proc_exit, !options.failedOnly || code != .success {
            emit(renderer.after(before, result: code), result: code, injected: injected != nil,
                 duration: options.showTime ? duration : nil)
        }
        return result
    }

    private func emit(_ call: RenderedCall, result: WASIErrno?, injected: Bool, duration: UInt64?) {
        guard let sink else { return }
        switch options.format {
        case .text: sink.write(Self.textLine(call, result: result, injected: injected, duration: duration))
        case .json: sink.write(Self.jsonLine(call, result: result, injected: injected, duration: duration))
        }
    }

    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10) = 0 (nwritten=3) <0.000004>`
    static func textLine(_ call: RenderedCall, result: WASIErrno?, injected: Bool, duration: UInt64?) -> String {
        var line = call.function.name + "(" + call.arguments.map(\.text).joined(separator: ", ") + ")"
        if let result {
            line += " = " + (result == .success ? "0" : result.name)
            if injected { line += " (injected)" }
            if !call.outputs.isEmpty {
                line += " (" + call.outputs.map { "\($0.name)=\($0.text)" }.joined(separator: ", ") + ")"
            }
        }
        if let duration { line += " <" + TraceText.seconds(duration) + ">" }
        return line
    }

    /// The same facts as one JSON object.
    static func jsonLine(_ call: RenderedCall, result: WASIErrno?, injected: Bool, duration: UInt64?) -> String {
        func value(_ text: String) -> String {
            !text.isEmpty && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) && text.count < 20
                ? text : "\"" + TraceText.json(text) + "\""
        }
        var fields = ["\"call\":\"\(call.function.name)\"", "\"group\":\"\(call.function.group.rawValue)\""]
        let args = call.arguments.map { "\"\($0.name)\":\(value($0.text))" }.joined(separator: ",")
        fields.append("\"args\":{\(args)}")
        fields.append("\"raw\":[" + call.raw.map { String($0) }.joined(separator: ",") + "]")
        if let result {
            fields.append("\"errno\":\(result.rawValue)")
            fields.append("\"errno_name\":\"\(result == .success ? "ESUCCESS" : result.name)\"")
            fields.append("\"injected\":\(injected)")
            let outs = call.outputs.map { "\"\($0.name)\":\(value($0.text))" }.joined(separator: ",")
            fields.append("\"out\":{\(outs)}")
        } else {
            fields.append("\"returns\":false")
        }
        if let duration { fields.append("\"seconds\":" + TraceText.seconds(duration)) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The call as the trace would show it before it runs (out-values and filled buffers as
    /// addresses), for a debugger stopping at a WASI catchpoint:
    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10)`.
    public static func describeCall(_ function: WASIFunction, _ args: [UInt64], memory: GuestMemory,
                                    host: WASIHost, stringLimit: Int = 32) -> String {
        guard args.count == function.params.count else {
            return function.name + "(" + args.map { String($0) }.joined(separator: ", ") + ")"
        }
        let renderer = CallRenderer(function: function, args: args, memory: GuestView(memory), host: host,
                                    limit: max(0, stringLimit))
        let before = renderer.before()
        var call = RenderedCall(function: function, raw: args)
        for (index, param) in function.params.enumerated() where param.kind != .length {
            call.arguments.append((param.name, before[index] ?? renderer.hex(args[index])))
        }
        return textLine(call, result: nil, injected: false, duration: nil)
    }

    /// The strace -c style table of the calls so far.
    public func summaryText() -> String { summaryTable.table() }

    public var summary: WASICallSummary { summaryTable }

    /// Writes the summary (when enabled) and flushes the sink. Call when the guest finished.
    public func finish() {
        if options.summary { for line in summaryTable.table().split(separator: "\n") { sink?.write(String(line)) } }
        sink?.flush()
    }
}
