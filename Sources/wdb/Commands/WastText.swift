import Foundation
import WasmCore
import WasmText

/// The link to the WAT/WAST front end (WasmText).
enum WastText {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "the WAST parser is not available yet; use --wast2json" }
    }

    static func parseScript(_ file: String) throws -> [WastDirective] {
        throw Unavailable()
    }

    static func parseModule(_ m: WastModule) -> Outcome<Module> {
        .failure("text modules need the WAT parser")
    }
}
