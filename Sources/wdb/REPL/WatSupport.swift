import WasmCore

/// The bridge to the WAT assembler of WasmText. Until it lands in main, `.wat` files and
/// `(module …)` at the prompt are refused with a clear message.
enum WatSupport {
    struct Assembled {
        var module: Module
        var bytes: [UInt8]
    }

    static func assemble(_ text: String, file: String) throws -> Assembled {
        throw ReplError("\(file): assembling WAT is not available yet (the WAT assembler has not landed).")
    }
}
