import FoundationEssentials
import WasmCore
import WasmText

/// Module fields typed at the prompt: `(func …)`, `(global …)`, `(memory …)`, `(data …)`, …
/// They extend the current module when it came from WAT, else a scratch module; the result is
/// re-assembled and handed to the debugger, which keeps memory and globals where it can.
/// Input that does not assemble or validate changes nothing.
extension ReplSession {
    static let scratchPath = "<scratch>"

    /// `help wat`.
    static let watHelp = """
        WAT and WAST at the prompt (a line starting with "(" continues until its parentheses balance):
          (module …)            assemble and load a module; it replaces the current one
          (func …) (global …) (memory …) (data …) (export …) (table …) (elem …) (type …)
          (import …) (start …)  add a field to the current WAT module (else to a scratch module),
                                keeping memory contents and global values; an error changes nothing
          (invoke $M? "NAME" (i32.const 1) …)   call an export, as invoke does
          (get $M? "NAME")      read an exported global
          (assert_return ACTION RESULT…) (assert_trap ACTION "MSG") (assert_exhaustion ACTION "MSG")
          (assert_invalid MODULE "MSG") (assert_malformed MODULE "MSG") (assert_unlinkable MODULE "MSG")
                                check as the spec interpreter does; prints "… passed" or "… failed: why"
          (register "NAME" $M?) make a module's exports importable as NAME (functions and
                                immutable globals; memories, tables and mutable globals cannot be shared)
          i32.const 2 i32.const 3 i32.add   evaluate bare instructions in a module of their own
        Errors point at the typed text: <input>:LINE:COL.
        Example: (func $twice (export "twice") (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
        """

    func addField(_ text: String) throws {
        let current = module
        let editable: WatModuleText
        let path: String
        if let current, let source = current.source {
            editable = moduleEdits ?? WatModuleText(base: source)
            path = current.path
        } else {
            editable = WatModuleText(base: "(module)")
            path = Self.scratchPath
        }
        let edited = editable.adding(text)
        let (composed, importLines, fieldLines) = edited.composed()
        // The field just typed is the last import or the last other field.
        let firstLine = (WatModuleText.isImport(text) ? importLines.last : fieldLines.last) ?? 1
        let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
        let assembled: AssembledModule
        do {
            assembled = try WatAssembler.assemble(composed, file: path, options: ModuleLoader.assemblyOptions(validate: true))
        } catch {
            var located = error
            located.location.file = "<input>"
            if error.location.file == path,
               (firstLine..<(firstLine + lineCount)).contains(error.location.line) {
                // Point at the typed line, as for any other input at the prompt.
                located.location.line = error.location.line - firstLine + 1
            } else {
                // The module was valid before, so the new field is to blame even when the
                // error is found elsewhere (a module-level rule such as one memory only).
                let first = text.prefix { $0 != "\n" }
                located.location.line = 1
                located.location.column = 1
                located.sourceLine = String(first)
                located.caretColumn = 1
                located.caretLength = ("(" + (WatModuleText.keyword(of: text) ?? "")).count
            }
            throw ReplError(located.description)
        }
        let decoded = assembled.module
        if let problem = adapter.linkProblem(decoded) {
            throw ReplError("The field was not added: the module could not be instantiated: \(problem).")
        }
        if let current, current.source == nil {
            console.line("\(current.path) is a binary module: the field starts a scratch module (\"file \(current.path)\" goes back).")
        }
        let loaded = LoadedModule(path: path, module: decoded, bytes: assembled.bytes, source: composed,
                                  sourceMap: assembled.sourceMap)
        module = loaded
        moduleEdits = edited
        let functions = decoded.functionCount
        let exports = decoded.exports.count
        console.line("Added \(WatModuleText.title(of: text)) to \(path) (\(functions) function\(functions == 1 ? "" : "s"), "
                     + "\(exports) export\(exports == 1 ? "" : "s")).")
        // A scratch module replacing a binary one starts afresh; an edited module keeps its state.
        if current?.source != nil {
            adapter.moduleDidChange(loaded, in: self)
        } else {
            adapter.moduleDidLoad(loaded, in: self)
        }
    }
}
