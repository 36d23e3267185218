/// Module validation (spec §3).
/// CONTRACT STUB: the validator work replaces this body; keep the signature.
public enum Validator {
    public static func validate(_ module: Module) throws(ValidationError) {
        throw ValidationError("validator not implemented")
    }
}
