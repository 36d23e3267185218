// The observer the host calls when tracing, summary or fault injection is on. With none of
// them on the host has no observer and its call path costs one nil check. A call the filter
// does not select and no injection targets costs one array lookup more.

public final class WASIMonitor: WASICallObserver {
    public let options: WASITraceOptions
    private let sink: WASITraceSink?
    /// `sink` when it is a file.
    private let fileSink: FileTraceSink?
    /// Lines for a (not line-buffered) file collect in `line`, which goes to the file in
    /// chunks of `batchSize` bytes: a traced call then does not touch the sink at all.
    private let batching: Bool
    private static let batchSize = 1 << 16
    private let now: () -> UInt64
    // Per function (by raw value), fixed at init: observed at all (traced, summarised or
    // targeted by an injection), selected by the filter, printed, targeted by an injection.
    private let interesting: [Bool]
    private let selected: [Bool]
    private let printed: [Bool]
    private let injectable: [Bool]
    // The options read on every call, kept apart so a call does not copy `options`.
    private let failedOnly: Bool
    private let showTime: Bool
    private let summarising: Bool
    private let json: Bool
    private let stringLimit: Int
    private let rights: WASITraceRights
    private let tables = TraceTables.shared

    // Mutable state. The monitor serves one host on one thread and nothing it calls while it
    // updates these re-enters it, so accesses cannot overlap: `unchecked` spares the runtime
    // exclusivity check (~100 instructions) each access would otherwise cost, several a call.
    @exclusivity(unchecked) private var rules: [[InjectionState]]
    @exclusivity(unchecked) private var summaryTable = WASICallSummary()
    /// The line being written, and working space for the renderer (reused for every call).
    @exclusivity(unchecked) private var line = TraceBytes()
    @exclusivity(unchecked) private var scratch = TraceBytes()
    @exclusivity(unchecked) private var tail = TraceBytes()

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
        fileSink = sink as? FileTraceSink
        batching = fileSink.map { !$0.lineBuffered } ?? false
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
        selected = WASIFunction.allCases.map { options.filter.contains($0) }
        printed = WASIFunction.allCases.map { options.printCalls && options.filter.contains($0) }
        injectable = table.map { !$0.isEmpty }
        failedOnly = options.failedOnly
        showTime = options.showTime
        summarising = options.summary
        json = options.format == .json
        stringLimit = max(0, options.stringLimit)
        rights = options.rights
    }

    public func observes(_ function: WASIFunction) -> Bool { interesting[function.rawValue] }

    deinit { flushBatch() }

    /// Installs this monitor on `host` (replacing any other observer).
    public func install(on host: WASIHost) { host.observer = self }

    public func call(_ function: WASIFunction, _ args: [UInt64], _ memory: GuestMemory, host: WASIHost)
        -> WASIResult {
        args.withUnsafeBufferPointer { call(function, arguments: $0, memory, host: host) }
    }

    public func call(_ function: WASIFunction, arguments args: UnsafeBufferPointer<UInt64>, _ memory: GuestMemory,
                     host: WASIHost) -> WASIResult {
        let index = function.rawValue
        guard interesting[index] else { return host.perform(function, args, memory) }
        let injected = injectable[index] ? countInjections(index) : nil
        if printed[index] && sink != nil && args.count == tables.paramCounts[index] {
            return printedCall(function, args, memory, host: host, injected: injected)
        }
        let timing = selected[index] && summarising
        let start = timing ? now() : 0
        let result = injected.map { WASIResult.errno($0) } ?? host.perform(function, args, memory)
        if timing { summaryTable.record(function, failed: Self.failed(result), nanoseconds: now() &- start) }
        return result
    }

    /// Counts the call for each injection rule of its function; the errno of the first rule
    /// that fails it.
    private func countInjections(_ index: Int) -> WASIErrno? {
        var injected: WASIErrno?
        for slot in rules[index].indices {
            rules[index][slot].calls += 1
            if injected == nil && rules[index][slot].rule.matches(call: rules[index][slot].calls) {
                injected = rules[index][slot].rule.errno
            }
        }
        return injected
    }

    private static func failed(_ result: WASIResult) -> Bool {
        if case .errno(let code) = result { return code != .success }
        return false
    }

    /// A call with a trace line: decoded before it runs, completed after.
    private func printedCall(_ function: WASIFunction, _ args: UnsafeBufferPointer<UInt64>, _ memory: GuestMemory,
                             host: WASIHost, injected: WASIErrno?) -> WASIResult {
        // The call runs on the same bytes of memory it is decoded from: one fetch.
        let bytes = memory.bytes
        let renderer = CallRenderer(function: function, args: args, memory: TraceMemory(bytes), host: host,
                                    limit: stringLimit, json: json, rights: rights, tables: tables)
        if batching {
            let result = printedCall(renderer, memory, host: host, injected: injected, into: &line) { _ in }
            if line.count >= Self.batchSize { flushBatch() }
            return result
        }
        line.removeAll()
        return printedCall(renderer, memory, host: host, injected: injected, into: &line) { line in
            line.withBytes { sink?.write(utf8: $0) }
            line.removeAll()
        }
    }

    /// Hands the collected lines to the file.
    private func flushBatch() {
        guard batching, line.count > 0 else { return }
        line.withBytes { fileSink?.write(lines: $0) }
        line.removeAll()
    }

    /// Appends the call's line to `line` (ended by a newline when batching; `emit` hands it on
    /// otherwise). A line the trace does not show (`--trace-failed`) is taken back.
    private func printedCall(_ renderer: CallRenderer, _ memory: GuestMemory, host: WASIHost, injected: WASIErrno?,
                             into line: inout TraceBytes, emit: (inout TraceBytes) -> Void) -> WASIResult {
        let function = renderer.function
        let lineStart = line.count
        let holes = renderer.open(into: &line, scratch: &scratch)
        let returns = function != .proc_exit
        if !returns && !failedOnly {
            // It does not return: write the line at entry.
            renderer.close(into: &line, result: nil, injected: false, duration: nil, scratch: &scratch)
            endLine(&line, emit)
        }

        let timing = summarising || showTime
        let start = timing ? now() : 0
        let result = injected.map { WASIResult.errno($0) } ?? host.perform(function, renderer.args,
                                                                     view: GuestView(memory, bytes: renderer.memory.bytes))
        let duration = timing ? now() &- start : 0

        let code: WASIErrno
        switch result {
        case .errno(let value): code = value
        case .exit: code = .success
        }
        if summarising { summaryTable.record(function, failed: code != .success, nanoseconds: duration) }
        if returns && (!failedOnly || code != .success) {
            // Most calls leave no hole: skip the call then.
            if !holes.isEmpty { renderer.fill(holes, in: &line, result: code, tail: &tail, scratch: &scratch) }
            renderer.close(into: &line, result: code, injected: injected != nil,
                           duration: showTime ? duration : nil, scratch: &scratch)
            endLine(&line, emit)
        } else if returns {
            line.truncate(to: lineStart)
        }
        return result
    }

    @inline(__always)
    private func endLine(_ line: inout TraceBytes, _ emit: (inout TraceBytes) -> Void) {
        if batching { line.append(0x0A) } else { emit(&line) }
    }

    /// The call as the trace would show it before it runs (out-values and filled buffers as
    /// addresses), for a debugger stopping at a WASI catchpoint:
    /// `fd_write(1<stdout>, [{"hi\n", 3}], 1, 0x10)`.
    public static func describeCall(_ function: WASIFunction, _ args: [UInt64], memory: GuestMemory,
                                    host: WASIHost, stringLimit: Int = 32, rights: WASITraceRights = .compact) -> String {
        guard args.count == function.params.count else {
            return function.name + "(" + args.map { String($0) }.joined(separator: ", ") + ")"
        }
        return args.withUnsafeBufferPointer { raw in
            let renderer = CallRenderer(function: function, args: raw, memory: TraceMemory(memory.bytes), host: host,
                                        limit: max(0, stringLimit), json: false, rights: rights)
            var line = TraceBytes()
            var scratch = TraceBytes()
            var tail = TraceBytes()
            let holes = renderer.open(into: &line, scratch: &scratch)
            renderer.fill(holes, in: &line, result: nil, tail: &tail, scratch: &scratch)
            renderer.close(into: &line, result: nil, injected: false, duration: nil, scratch: &scratch)
            return line.string
        }
    }

    /// The strace -c style table of the calls so far.
    public func summaryText() -> String { summaryTable.table() }

    public var summary: WASICallSummary { summaryTable }

    /// Writes the summary (when enabled) and flushes the sink. Call when the guest finished.
    public func finish() {
        flushBatch()
        if options.summary { for line in summaryTable.table().split(separator: "\n") { sink?.write(String(line)) } }
        sink?.flush()
    }
}
