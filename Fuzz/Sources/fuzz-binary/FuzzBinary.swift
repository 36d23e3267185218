// Fuzz target: the binary decoder and the validator (Docs/fuzzing.md).
//
// Every input must decode or fail with a DecodeError, and a decoded module must validate or
// fail with a ValidationError; a crash, a hang or a memory error is a finding. For modules that
// validate, two round trips must hold as well: the encoder's bytes decode and validate again,
// and the printer's WAT assembles again (printer and assembler agree on every valid module).

import WasmCore
import WasmText

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinary(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    guard let module = try? BinaryDecoder.decode(bytes) else { return 0 }
    guard (try? Validator.validate(module)) != nil else { return 0 }

    let encoded = BinaryEncoder.encode(module)
    do {
        let again = try BinaryDecoder.decode(encoded)
        try Validator.validate(again)
    } catch {
        fatalError("a valid module re-encodes to bytes that fail: \(error)")
    }
    // The printer's text for big modules costs more than the rest together; the round trip
    // through text is checked on the small ones, which is where the fuzzer spends its time.
    if size <= 4096 {
        let text = WatPrinter.print(module)
        do {
            _ = try WatAssembler.assemble(text, file: "<printed>")
        } catch {
            fatalError("the printed WAT of a valid module does not assemble: \(error)\n\(text)")
        }
    }
    return 0
}
