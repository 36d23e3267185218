/// Binary format decoder (spec §5): bytes -> Module.
/// CONTRACT STUB: the decoder work replaces this body; keep the signature.
public enum BinaryDecoder {
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Module {
        throw DecodeError("binary decoder not implemented", at: 0)
    }
}
