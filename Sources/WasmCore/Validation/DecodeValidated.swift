/// Loading a binary module that must be valid, with each function body decoded once.
///
/// `BinaryDecoder.decode` checks every body (a module it returns is well formed) and
/// `Validator.validate` then reads every body again; for a large module (CPython for WASI:
/// 99 MB, 89,000 functions) those two passes over the code were most of the load time.
/// `decodeValidated` decodes everything but the bodies, then checks each body in one pass that
/// decodes and types it together (FunctionValidator+Streaming.swift).
///
/// The answer is the one decode-then-validate gives: a malformed module is reported as
/// malformed even when a body before the malformed bytes is also invalid, because on any
/// failure the bodies not yet checked are decoded (only decoded) first, in file order.

/// Why `BinaryDecoder.decodeValidated` refused a module.
public enum ModuleCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes are not a module (what `BinaryDecoder.decode` throws).
    case malformed(DecodeError)
    /// A well-formed module that is not valid (what `Validator.validate` throws).
    case invalid(ValidationError)

    public var description: String {
        switch self {
        case .malformed(let error): error.description
        case .invalid(let error): error.description
        }
    }
}

extension BinaryDecoder {
    /// Decodes `bytes` and validates the module in the language `features` describes, decoding
    /// each function body once. Same result as `decode` followed by `Validator.validate`.
    public static func decodeValidated(_ bytes: [UInt8], features: Features = .default) throws(ModuleCheckError) -> Module {
        guard bytes.count <= Int(UInt32.max) else {
            throw .malformed(DecodeError("length out of bounds: module larger than 4 GiB", at: 0))
        }
        let result: Result<Module, ModuleCheckError> = bytes.withUnsafeBufferPointer { buffer in
            var decoder = ModuleDecoder(ByteReader(buffer), features: features)
            decoder.source = bytes
            decoder.deferBodies = true
            do throws(DecodeError) {
                try decoder.decodeModule()
            } catch {
                // The bodies read so far come before the error in the file.
                return .failure(.malformed(decoder.firstMalformedDeferredBody(from: 0) ?? error))
            }
            return decoder.validateDeferredBodies(features: features)
        }
        return try result.get()
    }
}

extension ModuleDecoder {
    /// After `decodeModule` with `deferBodies`: validates the module, checking each deferred
    /// body in one pass.
    mutating func validateDeferredBodies(features: Features) -> Result<Module, ModuleCheckError> {
        let module = self.module
        var validator: ModuleValidator
        do throws(ValidationError) {
            validator = try ModuleValidator(module, features: features)
        } catch {
            return .failure(malformedBeforeInvalid(from: 0) ?? .invalid(error))
        }
        for index in module.functions.indices {
            let function = module.functions[index]
            guard case .encoded(let code) = function.code else {
                // A body decoded while its section was read (see `readCodeSection`).
                do throws(ValidationError) {
                    _ = try validator.validateFunction(definedIndex: index)
                } catch {
                    return .failure(malformedBeforeInvalid(from: index + 1) ?? .invalid(error))
                }
                continue
            }
            reader.position = code.bytes.startIndex
            let bodyEnd = Int(function.bodyOffset) + Int(function.bodySize)
            do throws(BodyCheckFailure) {
                _ = try validator.functionValidator.validateEncoded(definedIndex: index, decoder: &self, bodyEnd: bodyEnd)
            } catch {
                switch error {
                case .malformed(let malformed): return .failure(.malformed(malformed))
                case .invalid(let invalid): return .failure(malformedBeforeInvalid(from: index) ?? .invalid(invalid))
                }
            }
        }
        do throws(DecodeError) { try checkDataCountPresent() } catch { return .failure(.malformed(error)) }
        return .success(module)
    }

    /// The decode error that outranks a validation error: in a deferred body from `first` on,
    /// or the missing data count section.
    mutating func malformedBeforeInvalid(from first: Int) -> ModuleCheckError? {
        if let error = firstMalformedDeferredBody(from: first) { return .malformed(error) }
        do throws(DecodeError) { try checkDataCountPresent() } catch { return .malformed(error) }
        return nil
    }

    /// Decodes (only) the deferred bodies from `first` on, in file order, and returns the first
    /// decode error: the error `readCodeSection` would have thrown without `deferBodies`.
    mutating func firstMalformedDeferredBody(from first: Int) -> DecodeError? {
        guard first < codeBodies.count else { return nil }
        for index in first..<codeBodies.count {
            guard case .encoded(let code) = codeBodies[index].code else { continue }
            let bodyStart = Int(codeBodies[index].bodyOffset)
            let bodyEnd = bodyStart + Int(codeBodies[index].bodySize)
            reader.position = code.bytes.startIndex
            containerEnd = bodyEnd
            var instructions: [Instruction] = [], offsets: [UInt32] = []
            swap(&instructions, &bodyScratch)
            swap(&offsets, &bodyOffsetScratch)
            defer {
                instructions.removeAll(keepingCapacity: true)
                offsets.removeAll(keepingCapacity: true)
                swap(&instructions, &bodyScratch)
                swap(&offsets, &bodyOffsetScratch)
            }
            do throws(DecodeError) {
                try instructionSequence(into: &instructions, offsets: &offsets)
            } catch {
                return error
            }
            if reader.position != bodyEnd {
                return DecodeError("section size mismatch: function body declared \(bodyEnd - bodyStart) bytes, took \(reader.position - bodyStart)",
                                   at: bodyStart)
            }
        }
        return nil
    }
}
