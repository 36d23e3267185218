/// Binary format encoder: Module -> bytes.
/// CONTRACT STUB: the encoder work replaces this body; keep the signature.
public enum BinaryEncoder {
    public static func encode(_ module: Module) -> [UInt8] {
        [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    }
}
