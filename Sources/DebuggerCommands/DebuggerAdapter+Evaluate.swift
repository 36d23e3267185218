import FoundationEssentials
import WasmCore
import WasmText
import WasmVM
import Debugger

/// Bare instruction sequences at the prompt (`i32.const 2 i32.const 3 i32.add`): assembled as
/// the body of a function in a module of their own and run there, so they cannot disturb the
/// program being debugged. The result types are found by trying each one the body validates as.
extension DebuggerAdapter {
    static let resultCandidates: [String] = ["", "(result i32)", "(result i64)", "(result f32)", "(result f64)",
                                             "(result v128)", "(result i32 i32)", "(result i64 i64)"]

    func evaluateInstructions(_ text: String, in session: ReplSession) throws {
        var firstError: Error?
        for result in Self.resultCandidates {
            let source = "(module (memory 1) (func (export \"eval\") \(result)\n\(text)\n))"
            let assembled: AssembledModule
            do {
                assembled = try WatAssembler.assemble(source, file: "<input>")
            } catch {
                if firstError == nil { firstError = error }
                continue
            }
            // A debug session of its own, so Ctrl-C can stop an endless `loop` (a plain runtime
            // has no interrupt points) and the program being debugged is not touched.
            let scratch = DebugSession()
            try scratch.load(LoadedModule(path: "<input>", module: assembled.module, bytes: assembled.bytes))
            let stop = try DebuggerInterruptWatcher.run(scratch) { try scratch.invoke("eval", []) }
            switch stop.reason {
            case .returned(let values):
                session.console.line(values.isEmpty ? "[]" : values.map(\.description).joined(separator: " "))
            case .trapped(let trap):
                throw ReplError("error: trap: \(trap.message)")
            case .interrupted:
                throw ReplError("Interrupted: the instructions were abandoned.")
            default:
                throw ReplError("the instructions stopped unexpectedly (\(stop.reason))")
            }
            return
        }
        let message = firstError.map { "\($0)" } ?? "cannot evaluate the instructions"
        throw ReplError(message.replacing("<input>:2:", with: "<input>:1:"))
    }

    /// `(invoke "name" (i32.const 1) …)`: the export name and each argument's text.
    static func parseWastInvoke(_ text: String) throws -> (name: String, arguments: [String]) {
        let usage = "use (invoke \"NAME\" (i32.const 1) …)"
        guard let open = text.firstIndex(of: "\""),
              let close = text[text.index(after: open)...].firstIndex(of: "\"") else {
            throw ReplError("(invoke …) needs an export name in quotes: \(usage)")
        }
        let name = String(text[text.index(after: open)..<close])
        guard text.hasSuffix(")") else { throw ReplError(usage) }
        let rest = text[text.index(after: close)..<text.index(before: text.endIndex)]
        var arguments: [String] = []
        var depth = 0
        var current = ""
        for c in rest {
            if c == "(" { depth += 1 }
            if depth > 0 { current.append(c) } else if !c.isWhitespace { throw ReplError("unexpected \"\(c)\" in (invoke …): \(usage)") }
            if c == ")" {
                depth -= 1
                if depth < 0 { throw ReplError(usage) }
                if depth == 0 {
                    arguments.append(current)
                    current = ""
                }
            }
        }
        guard depth == 0 else { throw ReplError(usage) }
        return (name, arguments)
    }
}
