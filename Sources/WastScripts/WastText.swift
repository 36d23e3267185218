import FoundationEssentials
import WasmCore
import WasmText

/// The link to the WAT/WAST front end (WasmText).
public enum WastText {
    public static func parseScript(_ file: String) throws -> [WastDirective] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw WastJSON.Failure(description: "cannot read \(file)")
        }
        do {
            return try WastParser.parse(String(decoding: data, as: UTF8.self), file: file)
        } catch {
            throw WastJSON.Failure(description: "\(error)")
        }
    }

    /// Parses a text or quoted script module (not validated).
    public static func parseModule(_ m: WastModule, features: Features = .default) -> Outcome<Module> {
        do {
            return .success(try WatAssembler.parse(m, features: features).0)
        } catch {
            return .failure("\(error)")
        }
    }
}
