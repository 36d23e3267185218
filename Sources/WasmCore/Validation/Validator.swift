/// Module validation (spec §3): the module-level rules here, function bodies in
/// FunctionValidator.swift, constant expressions in ConstantExpressions.swift.
///
/// Messages start with the spec tests' expected texts ("type mismatch", "unknown global 1", …)
/// so `assert_invalid` can be matched by prefix, then say in plain words what was found.
public enum Validator {
    /// Checks that `module` is valid in the language `features` describes (3.0 by default).
    ///
    /// Bodies are checked one at a time: an encoded body (a decoded module's) is typed straight
    /// from its bytes in one pass (FunctionValidator+Streaming.swift), so the check holds no
    /// instructions at all. To decode and validate a binary, `BinaryDecoder.decodeValidated`
    /// does both with each body decoded once.
    public static func validate(_ module: Module, features: Features = .default) throws(ValidationError) {
        var validator = try ModuleValidator(module, features: features)
        for index in module.functions.indices {
            _ = try validator.validateFunction(definedIndex: index)
        }
    }

    /// Checks that `module` is valid and returns what the engine can reuse: per defined function
    /// (in `module.functions` order) the largest operand-stack height.
    public static func validateWithInfo(_ module: Module, features: Features = .default) throws(ValidationError) -> ValidationInfo {
        var validator = try ModuleValidator(module, features: features)
        var functions: [FunctionValidationInfo] = []
        functions.reserveCapacity(module.functions.count)
        for index in module.functions.indices {
            functions.append(try validator.validateFunction(definedIndex: index))
        }
        return ValidationInfo(functions: functions)
    }
}

/// The result of `Validator.validateWithInfo`.
public struct ValidationInfo: Hashable, Sendable {
    /// One entry per defined function, in `Module.functions` order.
    public var functions: [FunctionValidationInfo]

    public init(functions: [FunctionValidationInfo]) {
        self.functions = functions
    }
}

/// Validation in two steps, for callers that check bodies lazily or one at a time: `init`
/// checks everything outside function bodies, `validateFunction` checks one body.
public struct ModuleValidator {
    var functionValidator: FunctionValidator
    public let module: Module

    /// Checks the module-level rules (types, imports, tables, memories, tags, globals, exports,
    /// start, element and data segments) and prepares for checking bodies.
    public init(_ module: Module, features: Features = .default) throws(ValidationError) {
        self.module = module
        functionValidator = try ModuleValidator.checkDeclarations(module, features: features)
    }

    /// Checks the body of `module.functions[definedIndex]`.
    public mutating func validateFunction(definedIndex: Int) throws(ValidationError) -> FunctionValidationInfo {
        guard module.functions.indices.contains(definedIndex) else {
            throw ValidationError("unknown function: no defined function \(definedIndex)")
        }
        return try functionValidator.validate(definedIndex: definedIndex)
    }
}
