import Testing
@testable import WasmCore

/// Modules of later proposals (wast2json --enable-all on the proposals' scripts): a module
/// that is valid under its proposal either decodes (the feature is invisible to the binary
/// grammar, like extended constant expressions) or is refused with a message that names the
/// missing feature, never with an unexplained "malformed".
@Suite struct ProposalModuleTests {
    static let proposals = ["exception-handling", "function-references", "gc", "memory64", "multi-memory",
                            "relaxed-simd", "tail-call", "threads", "extended-const"]

    @Test(arguments: proposals)
    func laterFeaturesAreNamed(proposal: String) throws {
        guard let modules = WastJSONModules.convert(folder: "proposals/\(proposal)", wast2jsonArguments: ["--enable-all"]) else { return }
        let valid = modules.filter { $0.command == "module" }
        var decoded = 0, named = 0
        var unexplained: [String] = []
        for item in valid {
            do {
                _ = try BinaryDecoder.decode(item.bytes)
                decoded += 1
            } catch {
                if error.message.contains("unsupported feature") || error.message.contains("not supported") {
                    named += 1
                } else {
                    unexplained.append("\(item): \(error)")
                }
            }
        }
        print("proposal \(proposal): \(valid.count) valid modules, \(decoded) decoded, \(named) refused naming the feature, \(unexplained.count) otherwise")
        for line in unexplained.prefix(10) { print("  " + line) }
        #expect(unexplained.isEmpty)
    }
}
