import Debugger
import WasmVM

// `catch throw [TAG...]` and `catch catch [TAG...]` (Debugger/ExceptionCatch.swift).

extension DebuggerAdapter {
    func catchExceptionCommand(_ invocation: CommandInvocation, in session: ReplSession) throws {
        var text = invocation.arguments
        var condition: String?
        if let range = (text.hasPrefix("if ") ? text.firstRange(of: "if ") : nil) ?? text.firstRange(of: " if ") {
            condition = String(text[range.upperBound...]).trimmed
            text = String(text[..<range.lowerBound])
        }
        let tags = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        let atCatch = invocation.path[1] == "catch"
        let bp = try debugger.catchExceptions(tags, atCatch: atCatch, condition: condition)
        let what = tags.isEmpty ? "any tag" : tags.map { $0.hasPrefix("$") ? $0 : "$" + $0 }.joined(separator: ", ")
        session.console.line("Catchpoint \(bp.number) (exception \(atCatch ? "caught" : "thrown"), \(what))")
    }

    /// `tag $e, payload i32:4096` (the payload left out when the tag has none).
    func exceptionText(_ exception: ExceptionInfo) -> String {
        let payload = exception.payload.map(\.description).joined(separator: " ")
        return "tag \(exception.tag)" + (payload.isEmpty ? "" : ", payload \(payload)")
    }
}
