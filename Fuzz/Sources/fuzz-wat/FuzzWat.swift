// Fuzz target: the WAT/WAST lexer and parser, and the assembler (Docs/fuzzing.md).
//
// The input is text. It is parsed as a WAST script (every module in it assembled: text, quoted
// and binary ones), and as one WAT module. Errors are expected; a crash, a hang or a memory
// error is a finding. A module that assembles must also decode from its own bytes and
// validate: the assembler never writes a binary that its decoder refuses.

import WasmCore
import WasmText

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWat(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []

    if let assembled = try? WatAssembler.assemble(bytes: bytes, file: "fuzz.wat") {
        checkBytes(assembled)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard let directives = try? WastParser.parse(text, file: "fuzz.wast") else { return 0 }
    for directive in directives.prefix(64) {
        let module: WastModule
        switch directive.command {
        case .module(let m), .assertModuleTrap(let m, _), .assertMalformed(let m, _),
             .assertInvalid(let m, _), .assertUnlinkable(let m, _):
            module = m
        default:
            continue
        }
        if let assembled = try? WatAssembler.assemble(module) { checkBytes(assembled) }
    }
    return 0
}

/// The assembler's bytes decode, and validate (the assembler validated the module).
private func checkBytes(_ assembled: AssembledModule) {
    do {
        let decoded = try BinaryDecoder.decode(assembled.bytes)
        try Validator.validate(decoded)
    } catch {
        fatalError("assembled bytes do not decode and validate: \(error)")
    }
}
