// The internal code of a function, for the REPL's hidden `maint print code` command (a
// maintenance aid: what the engine's compiler made of a function; InternalCode.swift).

extension Debuggee {
    /// Why a function's internal code cannot be listed.
    public enum InternalCodeError: Error, Equatable {
        /// Not a function of this module.
        case unknownFunction
        /// An imported function: its code belongs to another module or to the host.
        case imported
        /// The function did not compile (message of the compiler).
        case notCompiled(String)
    }

    /// The internal code listing of function `index` (the module's index space), one line per
    /// instruction. Compiles the function first if it has not run yet (compilation is lazy).
    public func internalCodeListing(functionIndex index: UInt32) -> Result<[String], InternalCodeError> {
        guard let address = functionAddress(ofIndex: index) else { return .failure(.unknownFunction) }
        guard case .wasm(let i, _) = store.functions[Int(address)].kind, i == instanceIndex else {
            return .failure(.imported)
        }
        if let error = store.ensureCompiled(address) { return .failure(.notCompiled(error.message)) }
        guard let compiled = store.compiled(address) else { return .failure(.notCompiled("no code")) }
        return .success(InternalCode.disassemble(compiled))
    }
}
