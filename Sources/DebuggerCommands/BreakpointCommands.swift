import FoundationEssentials
import Glibc

/// gdb's `commands [N]` … `end`: the lines typed after `commands` are collected (not run) until
/// a line saying just `end`; they run each time breakpoint N stops. A first line `silent`
/// hides the stop report; a command that resumes the program (`continue`, `step`, …) ends the
/// list, as in gdb, and the next stop may run its own list. `dprintf` is a breakpoint whose
/// list is `silent`, `printf …`, `continue`.
extension ReplSession {
    /// Commands that let the program run: the rest of a breakpoint's list is dropped after one.
    static let resumingCommands: Set<String> = ["continue", "step", "next", "stepi", "nexti", "finish", "until",
                                                "advance", "run", "start", "starti", "restart", "kill", "invoke"]

    /// A command list being typed: the breakpoints it is for, the lines so far.
    struct CommandListDraft {
        var breakpoints: [Int]
        var lines: [String] = []
        var store: ([String]) -> Void
    }

    /// Starts collecting a list (called by `commands`).
    func beginCommandList(for breakpoints: [Int], store: @escaping ([String]) -> Void) {
        commandListDraft = CommandListDraft(breakpoints: breakpoints, store: store)
        if isInteractive {
            let names = breakpoints.map(String.init).joined(separator: " ")
            console.line("Type commands for breakpoint(s) \(names), one per line.")
            console.line("End with a line saying just \"end\".")
        }
    }

    /// At the end of a script or of the input: a list without its `end` is dropped, loudly.
    func dropUnfinishedCommandList() {
        guard let draft = commandListDraft else { return }
        commandListDraft = nil
        let names = draft.breakpoints.map(String.init).joined(separator: " ")
        fail("The command list for breakpoint(s) \(names) has no \"end\" line: it was dropped.")
    }

    /// Takes a line while a list is being typed; true if it was taken.
    func collectCommandListLine(_ text: String) -> Bool {
        guard var draft = commandListDraft else { return false }
        let line = text.trimmed
        if line == "end" {
            commandListDraft = nil
            draft.store(draft.lines)
        } else if !line.isEmpty {
            draft.lines.append(line)
            commandListDraft = draft
        }
        return true
    }

    /// Runs the lists of the breakpoints the last command stopped at, until one stop has no
    /// list. Iterative, so `continue` in a list at a breakpoint hit a million times does not
    /// nest a million calls.
    func runBreakpointCommandLists() {
        guard !runningCommandLists else { return }
        runningCommandLists = true
        defer { runningCommandLists = false }
        while let list = adapter.takeStopCommands() {
            for line in list {
                if quitRequested { return }
                if takeInterrupt() {
                    fail("Interrupted.")
                    return
                }
                execute(line)
                if case .success(let invocation) = commands.resolve(line),
                   Self.resumingCommands.contains(invocation.path[0]) {
                    break
                }
            }
        }
    }
}

/// `printf "FORMAT", ARGS…` as gdb's: C conversions %d %i %u %x %X %o %c %e %f %g %% with
/// flags, width and precision; length modifiers (l, ll, h, z, …) are accepted and ignored,
/// since the value's own type decides. %s is not supported (use `x/s ADDR`).
enum PrintfFormat {
    struct Failure: Error {
        var message: String
    }

    /// The format string and the argument expressions of `"FMT", A, B`.
    static func split(_ text: String) throws -> (format: String, arguments: [String]) {
        let trimmed = text.trimmed
        guard trimmed.first == "\"" else { throw Failure(message: "printf needs a quoted format: printf \"n=%d\\n\", $n") }
        var format = ""
        var index = trimmed.index(after: trimmed.startIndex)
        var closed = false
        while index < trimmed.endIndex {
            let c = trimmed[index]
            index = trimmed.index(after: index)
            if c == "\"" {
                closed = true
                break
            }
            if c == "\\", index < trimmed.endIndex {
                let e = trimmed[index]
                index = trimmed.index(after: index)
                switch e {
                case "n": format.append("\n")
                case "t": format.append("\t")
                case "\"": format.append("\"")
                case "\\": format.append("\\")
                case "a": format.append("\u{7}")
                case "e": format.append("\u{1B}")
                default: format.append("\\"); format.append(e)
                }
                continue
            }
            format.append(c)
        }
        guard closed else { throw Failure(message: "printf: the format string has no closing quote") }
        let rest = trimmed[index...].drop(while: \.isWhitespace)
        if rest.isEmpty { return (format, []) }
        guard rest.first == "," else { throw Failure(message: "printf: expected \",\" after the format string") }
        // Commas inside brackets or parentheses (mem.i32[a, …] never has one, but calls might) stay.
        var arguments: [String] = []
        var depth = 0
        var current = ""
        for c in rest.dropFirst() {
            if c == "(" || c == "[" { depth += 1 }
            if c == ")" || c == "]" { depth -= 1 }
            if c == "," && depth == 0 {
                arguments.append(current.trimmed)
                current = ""
            } else {
                current.append(c)
            }
        }
        arguments.append(current.trimmed)
        if arguments.contains(where: \.isEmpty) { throw Failure(message: "printf: an argument is empty") }
        return (format, arguments)
    }

    /// What a conversion needs from its argument.
    enum Argument {
        case integer(signed: Int64, unsigned: UInt64, width: Int)
        case float(Double)
    }

    /// Formats `format` with `values` (each already evaluated, in order).
    static func format(_ format: String, _ values: [Argument]) throws -> String {
        var out = ""
        var next = 0
        let scalars = Array(format.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            guard c == "%" else {
                out.unicodeScalars.append(c)
                continue
            }
            var spec = "%"
            while i < scalars.count, "-+ #0".unicodeScalars.contains(scalars[i]) { spec.unicodeScalars.append(scalars[i]); i += 1 }
            // Width and precision: at most 3 digits each, so no conversion asks for megabytes.
            var digits = 0
            while i < scalars.count, ("0"..."9").contains(scalars[i]) || scalars[i] == "." {
                digits = scalars[i] == "." ? 0 : digits + 1
                spec.unicodeScalars.append(scalars[i])
                i += 1
                guard digits <= 3, spec.count <= 16 else {
                    throw Failure(message: "printf: width or precision too large in \"\(spec)\" (at most 999)")
                }
            }
            while i < scalars.count, "hlLjzt".unicodeScalars.contains(scalars[i]) { i += 1 }
            guard i < scalars.count else { throw Failure(message: "printf: the format ends inside a conversion") }
            let conversion = scalars[i]
            i += 1
            if conversion == "%" {
                out += "%"
                continue
            }
            guard "diuxXocfeEgG".unicodeScalars.contains(conversion) else {
                if conversion == "s" { throw Failure(message: "printf: %s is not supported; use x/s ADDR to show a string") }
                throw Failure(message: "printf: unknown conversion %\(conversion); use %d %i %u %x %X %o %c %f %e %g or %%")
            }
            guard next < values.count else { throw Failure(message: "printf: missing argument for %\(conversion)") }
            let value = values[next]
            next += 1
            out += try convert(value, spec: spec, conversion: Character(conversion))
        }
        guard next == values.count else { throw Failure(message: "printf: \(values.count - next) extra argument(s)") }
        return out
    }

    /// One C conversion through vsnprintf. `format` is a single checked conversion (flags,
    /// width and precision of at most three digits each, then a known conversion), so the
    /// output is short and the argument's C type is the one the conversion reads.
    private static func cFormat(_ format: String, _ argument: CVarArg) -> String {
        var buffer = [CChar](repeating: 0, count: 1100)
        let written = withVaList([argument]) { vsnprintf(&buffer, buffer.count, format, $0) }
        guard written >= 0 else { return "" }
        return String(decoding: buffer.prefix(min(Int(written), buffer.count - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func convert(_ value: Argument, spec: String, conversion: Character) throws -> String {
        switch (conversion, value) {
        case ("d", .integer(let signed, _, _)), ("i", .integer(let signed, _, _)):
            return cFormat(spec + "lld", signed)
        case ("c", .integer(let signed, _, _)):
            // Flags and width are ignored for %c (C's %c writes one byte, not a Unicode scalar).
            let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: signed)) ?? "?"
            return String(Character(scalar))
        case (_, .integer(_, let unsigned, _)) where "uxXo".contains(conversion):
            return cFormat(spec + "ll" + String(conversion), unsigned)
        case (_, .integer(let signed, _, _)):
            return cFormat(spec + String(conversion), Double(signed))
        case (_, .float(let d)) where "feEgG".contains(conversion):
            return cFormat(spec + String(conversion), d)
        case (_, .float):
            throw Failure(message: "printf: %\(conversion) needs an integer, got a float (use %f or %g)")
        }
    }
}
