/// Errors of the binary decoder and the validator. Messages follow the spirit of the spec
/// tests' expected texts so `assert_malformed`/`assert_invalid` can be matched by prefix.

/// A malformed binary: what went wrong and at which byte offset.
public struct DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at offset 0x\(String(offset, radix: 16))" }
}

/// An invalid module: the typing rule that failed and where.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The function (index space, imports counted) whose body failed, if any.
    public var functionIndex: UInt32?
    /// Index of the failing instruction within that function's body, if any (lets the WAT
    /// front end point at the instruction's line and column).
    public var instructionIndex: Int?
    /// The failing instruction's position in the code-position notation (Docs/architecture.md, Notation: code positions), when known.
    public var position: String?

    public init(_ message: String, functionIndex: UInt32? = nil, instructionIndex: Int? = nil,
                position: String? = nil) {
        self.message = message
        self.functionIndex = functionIndex
        self.instructionIndex = instructionIndex
        self.position = position
    }

    public var description: String {
        if let position { return "\(message) at \(position)" }
        return message
    }
}
