import WasmCore

/// The WebAssembly 3.0 proposals the engine executes. The decoder and validator accept all of
/// 3.0; a module that needs a proposal the engine does not run yet is refused at instantiation
/// ("unsupported feature X") rather than failing part-way through a run.
/// One line per proposal, added when its execution (and debugging) is complete.
enum EngineFeatures {
    static let executable: Features = [
        .tailCall,
        .exceptionHandling,
        .legacyExceptions,
        .multiMemory,
        .memory64,
        .extendedConst,
        .relaxedSIMD,
        .functionReferences,
        .gc,
    ]

    /// Whether every proposal of 3.0 (the legacy exceptions included) is in `executable`.
    static let runsEveryProposal = EngineFeatures.executable.isSuperset(of: .wasm30)
}
