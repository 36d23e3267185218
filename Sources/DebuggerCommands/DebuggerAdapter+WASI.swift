import Debugger
import FoundationEssentials
import WASI

/// `trace wasi`, `wasi inject` and `info wasi-summary` inside a session: one WASIMonitor (the
/// one `wdb run --trace/--inject` uses) is installed on each new instance's WASI host.
extension DebuggerAdapter {
    /// Whether the next run needs a monitor (tracing on or an injection set).
    var needsMonitor: Bool { traceOptions != nil || !injections.isEmpty }

    /// A fresh monitor for the run about to start, installed on the session's WASI host.
    func installMonitor() throws {
        guard needsMonitor, let host = debugger.wasiHost else { return }
        var options = traceOptions ?? WASITraceOptions()
        if traceOptions == nil { options.printCalls = false }
        options.summary = true  // kept for `info wasi-summary`; printed only when asked
        options.injections = injections
        let sink: WASITraceSink?
        if traceOptions != nil {
            if let path = traceOutput {
                do { sink = try FileTraceSink(path: path) } catch { throw ReplError("cannot write the trace to \(path): \(error)") }
            } else {
                sink = FileTraceSink(fd: 2, lineBuffered: true)
            }
        } else {
            sink = nil
        }
        let monitor = WASIMonitor(options: options, sink: sink)
        monitor.install(on: host)
        self.monitor = monitor
    }

    func traceCommand(_ words: [String], in session: ReplSession) throws {
        var options = traceOptions ?? WASITraceOptions()
        var output = traceOutput
        var turnOn = true
        var index = 0
        while index < words.count {
            let word = words[index]
            switch word {
            case "on": turnOn = true
            case "off": turnOn = false
            case "--time": options.showTime = true
            case "--failed": options.failedOnly = true
            case "--rights=full": options.rights = .full
            case "--rights=compact": options.rights = .compact
            case "--strsize", "--output":
                guard index + 1 < words.count else { throw ReplError("\(word) needs a value: trace wasi \(word) \(word == "--strsize" ? "64" : "FILE")") }
                index += 1
                if word == "--output" {
                    output = words[index]
                } else {
                    guard let n = Int(words[index]), n >= 0, n <= 1 << 20 else { throw ReplError("--strsize takes a number 0…1048576, not \"\(words[index])\"") }
                    options.stringLimit = n
                }
            default:
                if word.hasPrefix("-") { throw ReplError("unknown trace option \"\(word)\": --strsize N, --time, --output FILE, --failed, --rights=full") }
                do { options.filter = try WASICallFilter(parsing: word) } catch { throw ReplError("\(error)") }
            }
            index += 1
        }
        if turnOn {
            traceOptions = options
            traceOutput = output
            session.console.line("WASI calls will be traced from the next run\(output.map { " to \($0)" } ?? " on stderr").")
        } else {
            traceOptions = nil
            traceOutput = nil
            session.console.line("WASI tracing is off from the next run.")
        }
    }

    func injectCommand(_ arguments: String, in session: ReplSession) throws {
        guard !arguments.isEmpty else { throw ReplError("usage: wasi inject NAME:ERRNO[:when=N|N+|N..M] | wasi inject clear") }
        if arguments == "clear" {
            injections.removeAll()
            session.console.line("No WASI faults will be injected.")
            return
        }
        do { injections.append(try WASIInjection(parsing: arguments)) } catch { throw ReplError("\(error)") }
        session.console.line("Injection \(injections.count): \(arguments) from the next run.")
    }

    func summaryCommand(in session: ReplSession) throws {
        guard let monitor else { throw ReplError("No WASI calls recorded: turn \"trace wasi on\", then run.") }
        let text = monitor.summaryText()
        session.console.write(text.hasSuffix("\n") ? text : text + "\n", toError: false)
    }
}
