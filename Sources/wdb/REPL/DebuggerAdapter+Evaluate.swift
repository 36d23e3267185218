import Foundation
import WasmCore
import WasmText
import WasmVM

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
            let runtime = Runtime()
            do {
                let instance = try runtime.instantiate(assembled.module, validated: true)
                guard let function = instance.function("eval") else { throw ReplError("cannot evaluate: no function") }
                let values = try function.invoke([])
                session.console.line(values.isEmpty ? "[]" : values.map(\.description).joined(separator: " "))
            } catch let trap as Trap {
                throw ReplError("error: trap: \(trap.message)")
            }
            return
        }
        let message = firstError.map { "\($0)" } ?? "cannot evaluate the instructions"
        throw ReplError(message.replacingOccurrences(of: "<input>:2:", with: "<input>:1:"))
    }
}
