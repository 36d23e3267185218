import Debugger
import FoundationEssentials
import WasmVM

/// `commands [N]` … `end`, `dprintf LOC,"FORMAT",ARGS…` and `printf "FORMAT", ARGS…`.
extension DebuggerAdapter {
    func commandsCommand(_ args: String, in session: ReplSession) throws {
        var numbers: [Int] = []
        if args.isEmpty {
            guard let last = debugger.breakpoints.last?.number else {
                throw ReplError("No breakpoints specified: set one first, or use commands N.")
            }
            numbers = [last]
        }
        for word in args.split(whereSeparator: \.isWhitespace) {
            let bounds = word.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int(bounds[0]), let high = Int(bounds.last ?? ""), low <= high,
                  high - low < 10_000 else {
                throw ReplError("\"\(word)\" is not a breakpoint number or range (commands 1, commands 2-4)")
            }
            numbers += Array(low...high)
        }
        for n in numbers where debugger.breakpoint(n) == nil { throw ReplError("No breakpoint number \(n).") }
        session.beginCommandList(for: numbers) { [unowned self] lines in
            for n in numbers {
                dprintfFormats[n] = nil
                breakpointCommands[n] = lines.isEmpty ? nil : lines
            }
        }
    }

    func dprintfCommand(_ args: String, in session: ReplSession) throws {
        let usage = "usage: dprintf LOC,\"FORMAT\",ARGS... (e.g. dprintf $bump,\"by=%d\\n\",$by)"
        guard let comma = args.firstIndex(of: ",") else { throw ReplError(usage) }
        let location = String(args[..<comma]).trimmed
        let printf = String(args[args.index(after: comma)...]).trimmed
        guard !location.isEmpty else { throw ReplError(usage) }
        // Checked now, so a bad format is reported here rather than at every hit.
        do {
            let (format, arguments) = try PrintfFormat.split(printf)
            let placeholders = [PrintfFormat.Argument](repeating: .integer(signed: 0, unsigned: 0, width: 32), count: arguments.count)
            _ = try PrintfFormat.format(format, placeholders)
        } catch let failure as PrintfFormat.Failure {
            throw ReplError(failure.message)
        }
        let bp = try debugger.setBreakpoint(location)
        breakpointCommands[bp.number] = ["silent", "printf " + printf, "continue"]
        dprintfFormats[bp.number] = printf
        if case .code(let p) = bp.kind { session.console.line("Dprintf \(bp.number) at \(p.description)") }
    }

    func printfCommand(_ args: String, in session: ReplSession) throws {
        do {
            let (format, expressions) = try PrintfFormat.split(args)
            let values = try expressions.map { text -> PrintfFormat.Argument in
                switch try evaluateExpression(text) {
                case .i32(let v): return .integer(signed: Int64(Int32(bitPattern: v)), unsigned: UInt64(v), width: 32)
                case .i64(let v): return .integer(signed: Int64(bitPattern: v), unsigned: v, width: 64)
                case .f32(let bits): return .float(Double(Float(bitPattern: bits)))
                case .f64(let bits): return .float(Double(bitPattern: bits))
                case let other: throw ReplError("printf: \(text) is \(other), not a number")
                }
            }
            session.console.write(try PrintfFormat.format(format, values), toError: false)
        } catch let failure as PrintfFormat.Failure {
            throw ReplError(failure.message)
        }
    }

    /// Called as a stop is reported: queues its breakpoint's list; true when the list starts
    /// with `silent` (the report is then not printed).
    func queueStopCommands(for stop: Stop) -> Bool {
        let number: Int?
        switch stop.reason {
        case .breakpoint(let n): number = n
        case .watchpoint(let n, _, _, _): number = n
        case .catchpoint(let n, _, _, _, _): number = n
        case .trapCaught(let n, _): number = n
        case .exception(let n, _, _): number = n
        default: number = nil
        }
        guard let number, let list = breakpointCommands[number] else { return false }
        let silent = list.first == "silent"
        pendingStopCommands = silent ? Array(list.dropFirst()) : list
        return silent
    }

    func takeStopCommands() -> [String]? {
        defer { pendingStopCommands = nil }
        return pendingStopCommands
    }

    /// The lines `info breakpoints` shows under breakpoint N.
    func commandLines(of number: Int) -> [String] {
        if let format = dprintfFormats[number] { return ["        printf \(format)"] }
        return (breakpointCommands[number] ?? []).map { "        " + $0 }
    }
}
